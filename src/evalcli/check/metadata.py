"""Rules for evaluation.yaml: required fields, types, dates in order, unknown keys."""

from __future__ import annotations

import bisect
import json

from evalcli.diagnostics import Finding, FindingCode
from evalcli.i18n import labels, msg
from evalcli.report.facts import Facts, parse_facts
from evalcli.report.model import Report
from evalcli.template.fieldtypes import PartialDate
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import Edition, Template
from evalcli.text import did_you_mean
from evalcli.yamlnodes import Map, Scalar, is_empty, scalars_in


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
                FindingCode.PLACEHOLDER,
                msg(
                    '{field} still holds the template\'s placeholder text "{text}"; '
                    "replace it with the real value",
                    field=key,
                    text=matched,
                ),
                scalar.loc,
                field=key,
            )
        )
    return findings, keys


def _edition(report: Report, template: Template) -> Edition | None:
    """The template edition an imported report records (``edition:``); None for today's."""
    entry = report.metadata.entries.get("edition")
    value = entry.value if entry is not None else None
    return template.edition(value.text) if isinstance(value, Scalar) and value.text else None


def _presence(report: Report, template: Template) -> list[Finding]:
    """Unknown keys, and required fields that are missing or empty.

    A required field missing next to an unknown key that is close to its name
    is one finding, at that key: the misspelling is the fix.
    """
    meta = report.metadata
    findings = []
    known = list(template.fields)
    unknown = [key for key in meta.entries if key != "extra" and key not in template.fields]
    misspelt: dict[str, str] = {}  # field -> the unknown key that looks like it
    if unknown:
        import difflib  # only for unknown keys: most reports have none
    for key in unknown:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if close and close[0] not in meta.entries and template.fields[close[0]].required:
            misspelt.setdefault(close[0], key)
    for key in unknown:
        if key in misspelt.values():
            continue
        findings.append(
            Finding.of(
                FindingCode.UNKNOWN_FIELD,
                msg(
                    "'{key}' is not a field of the {template} template{hint}; "
                    "it will not appear in the summary",
                    key=key,
                    template=template.name,
                    hint=did_you_mean(key, known),
                ),
                meta.entries[key].key_loc,
                field=key,
            )
        )
    extra = meta.entries.get("extra")
    if extra is not None and not isinstance(extra.value, Map) and not is_empty(extra.value):
        findings.append(
            Finding.of(
                FindingCode.INVALID_TYPE,
                msg("extra: expected a mapping of 'label: value' lines (as import writes them)"),
                extra.value.loc,
                field="extra",
            )
        )
    edition = _edition(report, template)
    for key, spec in template.fields.items():
        entry = meta.entries.get(key)
        if entry is None and spec.required and edition and key in edition.lacks:
            message = msg(
                "{field}: not in {edition}; the document could not give it",
                field=key,
                edition=labels(edition.name),
            )
            findings.append(Finding.of(FindingCode.NOT_IN_EDITION, message, meta.loc, field=key))
        elif entry is None and spec.required:
            typo = misspelt.get(key)
            fix = (
                msg("'{typo}' here is not a field: rename it to '{field}'", typo=typo, field=key)
                if typo
                else msg(
                    "add '{field}:' to {file}{help}",
                    field=key,
                    file=report.metadata_path.name,
                    help=labels(spec.help, ". "),
                )
            )
            findings.append(
                Finding.of(
                    FindingCode.MISSING_FIELD,
                    msg(
                        "{field} ({label}) is required and missing; {fix}",
                        field=key,
                        label=labels(spec.labels) if spec.labels else key,
                        fix=fix,
                    ),
                    meta.entries[typo].key_loc if typo else meta.loc,
                    field=key,
                )
            )
        elif entry is not None and spec.required and is_empty(entry.value):
            findings.append(
                Finding.of(
                    FindingCode.EMPTY_FIELD,
                    msg(
                        "{field} is required but empty; fill it in{help}",
                        field=key,
                        help=labels(spec.help, ". "),
                    ),
                    entry.value.loc if isinstance(entry.value, Scalar) else entry.key_loc,
                    field=key,
                )
            )
    return findings


def _split_values(
    report: Report, template: Template, found: dict[str, list[Finding]]
) -> list[Finding]:
    """Values YAML reads as several (commas inside ``{...}``/``[...]``) that no finding of
    their field names: evalcli keeps the text as typed, every other YAML reader would not."""
    findings: list[Finding] = []
    if not any(scalar.split for scalar in scalars_in(report.metadata)):
        return findings  # the usual case: one walk, not one per field
    for key in template.fields:
        at = {(f.loc.line, f.loc.column) for f in found.get(key, [])}
        for scalar in scalars_in(report.value(key)):
            if scalar.split and (scalar.loc.line, scalar.loc.column) not in at:
                quoted = json.dumps(scalar.text, ensure_ascii=False)  # valid YAML too
                findings.append(
                    Finding.of(
                        FindingCode.SPLIT_VALUE,
                        msg(
                            "{field}: inside {{...}} or [...] YAML reads each comma in "
                            "'{value}' as the end of a value, so editors and other tools "
                            "see several values; put it in quotes: {quoted}",
                            field=key,
                            value=scalar.text or "",
                            quoted=quoted,
                        ),
                        scalar.loc,
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
    findings.extend(_split_values(report, template, facts.findings))
    for first, second in template.date_order:
        if first in skip or second in skip:
            continue
        start, end = facts.values.get(first), facts.values.get(second)
        if isinstance(start, PartialDate) and isinstance(end, PartialDate):
            precision = min(start.precision, end.precision)
            if start.key(precision) > end.key(precision):
                findings.append(
                    Finding.of(
                        FindingCode.DATE_ORDER,
                        msg(
                            "{second} ({end}) is before {first} ({start}); check both dates",
                            second=second,
                            end=end.iso(),
                            first=first,
                            start=start.iso(),
                        ),
                        meta.entries[second].value.loc,
                        field=second,
                    )
                )
    return findings
