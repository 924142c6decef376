"""A checked report: what ``check`` found out, handed to every stage after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evalcli.diagnostics import Finding
from evalcli.records import Record, field
from evalcli.report.facts import Facts
from evalcli.report.model import Report
from evalcli.template.loader import load_template
from evalcli.template.spec import Template


class CheckedReport(Record):
    """A report loaded once, its template, its metadata parsed once, and its findings.

    ``template`` is None (and ``facts`` too) when the report names no usable
    template; its findings then say why. Render, document info, build, export
    and the worker processes take this value instead of loading and parsing again.
    """

    path: Path
    report: Report
    template: Template | None
    facts: Facts | None = None
    findings: list[Finding] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:
        # to a worker process, the template travels as its folder: each process loads
        # (and caches) it once, rather than unpickling a copy with every report
        template = self.template.path if self.template is not None else None
        return (_restored, (self.path, self.report, template, self.facts, self.findings))


def _restored(
    path: Path, report: Report, template: Path | None, facts: Facts | None, findings: list[Finding]
) -> CheckedReport:
    loaded = load_template(template) if template is not None else None
    return CheckedReport(path, report, loaded, facts, findings)
