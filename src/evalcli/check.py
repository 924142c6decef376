"""check: a Report and its Template -> findings. Pure: no I/O, no pandoc."""

from __future__ import annotations

from evalcli.check_metadata import check_metadata
from evalcli.check_sections import check_sections
from evalcli.fields import report_language
from evalcli.model import Finding, Report
from evalcli.template import Template


def check(report: Report, template: Template) -> list[Finding]:
    """Every problem in the report, sorted by file, line and column."""
    findings = list(report.load_findings)
    metadata_unusable = any(
        f.loc.file == report.metadata_path for f in findings if f.fatal or f.code == "empty-file"
    )
    if not metadata_unusable:
        findings.extend(check_metadata(report, template))
    findings.extend(check_sections(report, template, report_language(report, template)))
    findings.sort(key=lambda f: (str(f.loc.file), f.loc.line, f.loc.column))
    return findings


def count(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors
