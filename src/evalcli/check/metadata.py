"""Rules for evaluation.yaml: required fields, types, dates in order, unknown keys."""

from __future__ import annotations

import bisect

from evalcli.diagnostics import Finding
from evalcli.report.facts import Facts, parse_facts
from evalcli.report.model import Report
from evalcli.template.fieldtypes import PartialDate
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import Template
from evalcli.text import did_you_mean
from evalcli.yamlnodes import Scalar, is_empty, scalars_in


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
            Finding.of(
                "placeholder",
                f'{key} still holds the template\'s placeholder text "{matched}"; '
                "replace it with the real value",
                scalar.loc,
                field=key,
            )
        )
    return findings, keys


def _presence(report: Report, template: Template) -> list[Finding]:
    """Unknown keys, and required fields that are missing or empty."""
    meta = report.metadata
    findings = []
    known = list(template.fields)
    for key, given in meta.entries.items():
        if key != "extra" and key not in template.fields:
            findings.append(
                Finding.of(
                    "unknown-field",
                    f"'{key}' is not a field of the {template.name} template"
                    f"{did_you_mean(key, known)}; it will not appear in the summary",
                    given.key_loc,
                    field=key,
                )
            )
    for key, spec in template.fields.items():
        entry = meta.entries.get(key)
        help_text = f". {spec.help}" if spec.help else ""
        if entry is None and spec.required:
            label = spec.labels.get("en", key)
            findings.append(
                Finding.of(
                    "missing-field",
                    f"{key} ({label}) is required and missing; add '{key}:' to "
                    f"{report.metadata_path.name}{help_text}",
                    meta.loc,
                    field=key,
                )
            )
        elif entry is not None and spec.required and is_empty(entry.value):
            findings.append(
                Finding.of(
                    "empty-field",
                    f"{key} is required but empty; fill it in{help_text}",
                    entry.value.loc if isinstance(entry.value, Scalar) else entry.key_loc,
                    field=key,
                )
            )
    return findings


def check_metadata(report: Report, template: Template, facts: Facts | None = None) -> list[Finding]:
    """Findings for the metadata file; ``facts`` are its values, parsed already."""
    meta = report.metadata
    findings, placeholder_keys = _placeholder_findings(report, template)
    findings.extend(_presence(report, template))
    empty = {key for key, entry in meta.entries.items() if is_empty(entry.value)}
    # a placeholder or an empty value has its finding already: its parse is not reported
    skip = placeholder_keys | empty
    facts = facts if facts is not None else parse_facts(report, template)
    for key, problems in facts.findings.items():
        if key not in skip:
            findings.extend(problems)
    for first, second in template.date_order:
        if first in skip or second in skip:
            continue
        start, end = facts.values.get(first), facts.values.get(second)
        if isinstance(start, PartialDate) and isinstance(end, PartialDate):
            precision = min(start.precision, end.precision)
            if start.key(precision) > end.key(precision):
                findings.append(
                    Finding.of(
                        "date-order",
                        f"{second} ({end.iso()}) is before {first} ({start.iso()}); "
                        "check both dates",
                        meta.entries[second].value.loc,
                        field=second,
                    )
                )
    return findings
