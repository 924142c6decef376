"""export: reports as data, for dashboards and follow-up tables (JSON, or CSV of one item kind)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from evalcli.fields import parse_facts, report_language
from evalcli.model import Report, plain
from evalcli.template import Template
from evalcli.textutil import count_words
from evalcli.values import Money, PartialDate, Person

EXPORT_VERSION = 1
_UNWRAP = re.compile(r"(?<!\n)\n(?!\n)")


def _json_value(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, Money):
        money: dict[str, Any] = {"amount": str(value.amount), "currency": value.currency}
        if value.note:
            money["note"] = value.note
        return money
    if isinstance(value, Person):
        return {"name": value.name, "role": value.role}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def metadata(report: Report, template: Template) -> dict[str, Any]:
    """Every field: its typed value, or the text as written where it does not parse."""
    facts = parse_facts(report, template)
    data: dict[str, Any] = {}
    for key in template.fields:
        if report.value(key) is None:
            continue
        if key in facts.problems or facts.values.get(key) is None:
            data[key] = plain(report.value(key))
        else:
            data[key] = _json_value(facts.values[key])
    return data


def items(report: Report, template: Template, section_id: str) -> list[dict[str, Any]]:
    """The items of one section, numbered as the summary numbers them."""
    spec = template.sections[section_id]
    section = report.sections.get(section_id)
    if section is None:
        return []
    prefix = spec.prefix.get(report_language(report, template), "")
    return [
        {
            "number": f"{prefix}{number}",
            "title": item.title,
            "attributes": {k: v for k, v in item.heading.attrs.items() if k in spec.attributes},
            # wrapped lines joined (Markdown reads them as one line); paragraphs kept
            "text": _UNWRAP.sub(" ", item.body),
        }
        for number, item in enumerate(section.items, start=1)
    ]


def report_data(path: Path, report: Report, template: Template, display: str) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for sid, spec in template.sections.items():
        section = report.sections.get(sid)
        if section is None:
            continue
        entry: dict[str, Any] = {"file": spec.file, "words": count_words(section.text)}
        if spec.items:
            entry["items"] = items(report, template, sid)
        sections[sid] = entry
    return {"path": display, "metadata": metadata(report, template), "sections": sections}


def as_json(reports: list[dict[str, Any]]) -> str:
    return json.dumps({"version": EXPORT_VERSION, "reports": reports}, ensure_ascii=False, indent=2)


def as_csv(
    rows: list[tuple[dict[str, Any], dict[str, Any]]], template: Template, section_id: str
) -> str:
    """One row per item: the report, its project code, the item and its attributes."""
    spec = template.sections[section_id]
    columns = ["report", "project_code", "number", "title", *spec.attributes, "text"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for report, item in rows:
        code = report["metadata"].get("project_code", "")
        writer.writerow(
            {
                "report": report["path"],
                "project_code": ", ".join(code) if isinstance(code, list) else code,
                "number": item["number"],
                "title": item["title"],
                **{key: item["attributes"].get(key, "") for key in spec.attributes},
                "text": item["text"],
            }
        )
    return out.getvalue()
