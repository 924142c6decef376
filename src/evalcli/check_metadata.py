"""Rules for evaluation.yaml: required fields, types, dates in order, unknown keys."""

from __future__ import annotations

import bisect

from evalcli.fields import parse_facts
from evalcli.model import Finding, Report, Scalar, is_empty
from evalcli.placeholders import find_placeholders, scalars_in
from evalcli.template import Template
from evalcli.textutil import did_you_mean
from evalcli.values import PartialDate


def _placeholder_findings(report: Report, template: Template) -> tuple[list[Finding], set[str]]:
    findings: list[Finding] = []
    keys: set[str] = set()
    # one search over every value joined, then each match traced back to its value
    values = [
        (key, s)
        for key, entry in report.metadata.entries.items()
        for s in scalars_in(entry.value)
        if s.text
    ]
    starts, position = [], 0
    for _key, scalar in values:
        starts.append(position)
        position += len(scalar.text or "") + 1
    every = "\0".join(scalar.text or "" for _key, scalar in values)
    for offset, matched in find_placeholders(every, template):
        key, scalar = values[bisect.bisect_right(starts, offset) - 1]
        keys.add(key)
        findings.append(
            Finding(
                "error",
                "placeholder",
                f'{key} still holds the template\'s placeholder text "{matched}"; '
                "replace it with the real value",
                scalar.loc,
                field=key,
            )
        )
    return findings, keys


def check_metadata(report: Report, template: Template) -> list[Finding]:
    """Findings for the metadata file."""
    meta = report.metadata
    findings, placeholder_keys = _placeholder_findings(report, template)
    path = report.metadata_path
    known = list(template.fields)
    for key, given in meta.entries.items():
        if key == "extra":
            continue
        if key not in template.fields:
            findings.append(
                Finding(
                    "warning",
                    "unknown-field",
                    f"'{key}' is not a field of the {template.name} template"
                    f"{did_you_mean(key, known)}; it will not appear in the summary",
                    given.key_loc,
                    field=key,
                )
            )
    for key, spec in template.fields.items():
        entry = meta.entries.get(key)
        if entry is None:
            if spec.required:
                label = spec.labels.get("en", key)
                findings.append(
                    Finding(
                        "error",
                        "missing-field",
                        f"{key} ({label}) is required and missing; add '{key}:' to {path.name}"
                        + (f". {spec.help}" if spec.help else ""),
                        meta.loc,
                        field=key,
                    )
                )
        elif spec.required and is_empty(entry.value):
            findings.append(
                Finding(
                    "error",
                    "empty-field",
                    f"{key} is required but empty; fill it in"
                    + (f". {spec.help}" if spec.help else ""),
                    entry.value.loc if isinstance(entry.value, Scalar) else entry.key_loc,
                    field=key,
                )
            )
    empty = {key for key, entry in meta.entries.items() if is_empty(entry.value)}
    facts = parse_facts(report, template, skip=frozenset(placeholder_keys | empty))
    for key, problems in facts.problems.items():
        findings.extend(
            Finding("error", code, f"{key}: {message}", loc, field=key)
            for code, message, loc in problems
        )
    for first, second in template.date_order:
        start, end = facts.values.get(first), facts.values.get(second)
        if isinstance(start, PartialDate) and isinstance(end, PartialDate):
            precision = min(start.precision, end.precision)
            if start.key(precision) > end.key(precision):
                end_entry = meta.entries[second]
                findings.append(
                    Finding(
                        "error",
                        "date-order",
                        f"{second} ({end.iso()}) is before {first} ({start.iso()}); "
                        "check both dates",
                        end_entry.value.loc,
                        field=second,
                    )
                )
    return findings
