"""export: reports as data, for dashboards and follow-up tables (JSON, or CSV of one item kind)."""

from __future__ import annotations

import csv
import io
from typing import Any

from evalcli import regexes
from evalcli.errors import InputError
from evalcli.i18n import msg
from evalcli.paths import display_path
from evalcli.report.annex import annex_spec, field_text
from evalcli.report.checked import CheckedReport
from evalcli.report.facts import Facts, parse_facts, report_language
from evalcli.report.model import Item, Report
from evalcli.reporting import json_text
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import AnnexSpec, Template
from evalcli.text import count_words
from evalcli.yamlnodes import plain

EXPORT_VERSION = 1
_UNWRAP = regexes.compile(r"(?<!\n)\n(?!\n)")


def metadata(report: Report, template: Template, facts: Facts | None = None) -> dict[str, Any]:
    """Every field: its typed value, or the text as written where it does not parse.

    ``facts`` are the report's parsed metadata (check's), parsed here when not given.
    """
    facts = facts if facts is not None else parse_facts(report, template)
    data: dict[str, Any] = {}
    for key, spec in template.fields.items():
        if report.value(key) is None:
            continue
        value = facts.values.get(key)
        if not facts.parsed(key) or value is None:
            data[key] = plain(report.value(key))
        else:
            data[key] = spec.type.export(value)
    return data


def _annex(item: Item, annex: AnnexSpec, themes: list[str]) -> dict[str, Any]:
    """An item's annex page as a record with i-eval Discovery's field names."""
    record: dict[str, Any] = {f.key: _UNWRAP.sub(" ", field_text(item, f)) for f in annex.fields}
    record["themes"] = themes
    return record


def items(
    report: Report, template: Template, section_id: str, facts: Facts | None = None
) -> list[dict[str, Any]]:
    """The items of one section, numbered as the summary numbers them; lessons and good
    practices with their annex page as a record (``annex``)."""
    spec = template.sections[section_id]
    section = report.sections.get(section_id)
    if section is None:
        return []
    prefix = spec.prefix.get(report_language(report, template), "")
    annex = annex_spec(template, section_id)
    themes = _themes(report, template, facts) if annex else []
    found = []
    for number, item in enumerate(section.items, start=1):
        entry: dict[str, Any] = {
            "number": f"{prefix}{number}",
            "title": item.title,
            "attributes": {k: v for k, v in item.heading.attrs.items() if k in spec.attributes},
            # wrapped lines joined (Markdown reads them as one line); paragraphs kept
            "text": _UNWRAP.sub(" ", item.body),
        }
        if annex:
            entry["annex"] = _annex(item, annex, themes)
        found.append(entry)
    return found


def _themes(report: Report, template: Template, facts: Facts | None) -> list[str]:
    """The report's keywords: i-eval Discovery's themes (the template's "use themes as ..."
    placeholder is no theme)."""
    keywords = metadata(report, template, facts).get("keywords", [])
    listed = keywords if isinstance(keywords, list) else [keywords]
    return [str(k) for k in listed if k and not find_placeholders(str(k), template)]


def report_data(report: Report, template: Template, facts: Facts | None = None) -> dict[str, Any]:
    """One report as JSON data: path, metadata, and each section's words and items."""
    sections: dict[str, Any] = {}
    for sid, spec in template.sections.items():
        section = report.sections.get(sid)
        if section is None:
            continue
        entry: dict[str, Any] = {"file": spec.file, "words": count_words(section.text)}
        if spec.items:
            entry["items"] = items(report, template, sid, facts)
        sections[sid] = entry
    return {
        "path": display_path(report.path),
        "metadata": metadata(report, template, facts),
        "sections": sections,
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_SURROGATES = regexes.compile("[\udc80-\udcff]")


def csv_cell(value: object) -> str:
    """A value as a CSV cell no spreadsheet runs: a cell that starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'``, as OWASP advises
    against formula injection; a byte of a file name that is not UTF-8 is ``\\xff``.
    """
    text = "" if value is None else str(value)
    text = _CSV_SURROGATES.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(row: dict[str, object]) -> dict[str, str]:
    """Every cell of a row made safe with ``csv_cell``."""
    return {key: csv_cell(value) for key, value in row.items()}


def _csv(reports: list[tuple[Report, Template, Facts | None]], section_id: str) -> str:
    """One row per item: the report, its project code, the item and its attributes."""
    attributes: list[str] = []
    for _report, template, _facts in reports:
        for key in template.sections[section_id].attributes:
            if key not in attributes:
                attributes.append(key)
    annex_keys: list[str] = []
    for _report, template, _facts in reports:
        annex = annex_spec(template, section_id)
        for key in [f.key for f in annex.fields] + ["themes"] if annex else []:
            if key not in annex_keys:
                annex_keys.append(key)
    columns = ["report", "project_code", "number", "title", *attributes, "text", *annex_keys]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for report, template, facts in reports:
        code = metadata(report, template, facts).get("project_code", "")
        for item in items(report, template, section_id, facts):
            writer.writerow(
                csv_row(
                    {
                        "report": display_path(report.path),
                        "project_code": ", ".join(code) if isinstance(code, list) else code,
                        "number": item["number"],
                        "title": item["title"],
                        **{key: item["attributes"].get(key, "") for key in attributes},
                        "text": item["text"],
                        **_annex_cells(item.get("annex", {}), annex_keys),
                    }
                )
            )
    return out.getvalue()


def _annex_cells(record: dict[str, Any], keys: list[str]) -> dict[str, str]:
    cells = {}
    for key in keys:
        value = record.get(key, "")
        cells[key] = "; ".join(value) if isinstance(value, list) else str(value)
    return cells


def export_text(checked: list[CheckedReport], fmt: str, item_kind: str | None) -> str:
    """The export as text: JSON of every checked report, or CSV of one item section."""
    reports = [(c.report, c.template, c.facts) for c in checked if c.template is not None]
    if fmt == "json":
        data = {
            "version": EXPORT_VERSION,
            "reports": [report_data(r, t, facts) for r, t, facts in reports],
        }
        return json_text(data, indent=2)
    kinds = list(dict.fromkeys(sid for _r, t, _f in reports for sid in t.item_sections))
    if item_kind not in kinds or any(item_kind not in t.sections for _r, t, _f in reports):
        raise InputError(msg("--format csv needs --items, one of: {kinds}", kinds=", ".join(kinds)))
    return _csv(reports, item_kind)
