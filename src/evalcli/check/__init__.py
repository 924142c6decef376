"""check: a Report and its Template -> findings. Pure: no I/O, no pandoc."""

from __future__ import annotations

from evalcli.check.characters import character_findings
from evalcli.check.languages import language_findings
from evalcli.check.metadata import check_metadata
from evalcli.check.sections import check_sections
from evalcli.diagnostics import Finding
from evalcli.report.facts import report_language
from evalcli.report.model import Report
from evalcli.template.spec import Template


def check(report: Report, template: Template) -> list[Finding]:
    """Every problem in the report, sorted by file, line and column."""
    findings = list(report.load_findings)
    findings.extend(character_findings(report))
    if report.metadata_usable:
        findings.extend(check_metadata(report, template))
    findings.extend(check_sections(report, template, report_language(report, template)))
    findings.extend(language_findings(report))
    findings.sort(key=lambda f: (str(f.loc.file), f.loc.line, f.loc.column))
    return findings
