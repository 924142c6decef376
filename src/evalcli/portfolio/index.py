"""The index of a portfolio: one row per report, for ``evalcli export --items reports``."""

from __future__ import annotations

import csv
import io
from typing import Any

from evalcli.diagnostics import count
from evalcli.export import EXPORT_VERSION, csv_row, metadata
from evalcli.paths import display_path
from evalcli.report.checked import CheckedReport
from evalcli.reporting import json_text

INDEX_COLUMNS = (
    "path",
    "project_code",
    "title",
    "language",
    "completion_date",
    "approval_date",
    "project_start",
    "project_end",
    "errors",
    "warnings",
    "pages",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def index_row(checked: CheckedReport, pages: int | None) -> dict[str, Any]:
    """A checked report's row: where it is, what it is, how it checks, and its pages in the
    last build."""
    template = checked.template
    usable = template is not None and checked.report.metadata_usable
    data = metadata(checked.report, template, checked.facts) if template and usable else {}
    errors, warnings = count(checked.findings)
    row: dict[str, Any] = {"path": display_path(checked.path)}
    for key in INDEX_COLUMNS[1:-3]:
        row[key] = data.get(key)
    row.update(errors=errors, warnings=warnings, pages=pages)
    return row


def index_text(rows: list[dict[str, Any]], fmt: str) -> str:
    """The index as JSON (typed values) or CSV (one line per report)."""
    if fmt == "json":
        data = {"version": EXPORT_VERSION, "reports": rows}
        return json_text(data, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(csv_row({key: _text(row[key]) for key in INDEX_COLUMNS}))
    return out.getvalue()
