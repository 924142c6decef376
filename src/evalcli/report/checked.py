"""A checked report: what ``check`` found out, handed to every stage after it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalcli.diagnostics import Finding
from evalcli.report.facts import Facts
from evalcli.report.model import Report
from evalcli.template.loader import load_template
from evalcli.template.spec import Template


@dataclass
class CheckedReport:
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

    def __getstate__(self) -> dict[str, Any]:
        # to a worker process, the template travels as its folder: each process loads
        # (and caches) it once, rather than unpickling a copy with every report
        state = dict(self.__dict__)
        if self.template is not None:
            state["template"] = self.template.path
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        folder = state["template"]
        if isinstance(folder, Path):
            state["template"] = load_template(folder)
        self.__dict__.update(state)
