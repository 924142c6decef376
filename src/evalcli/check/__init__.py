"""check: a Report and its Template -> a checked report (its facts and findings). Pure: no I/O."""

from __future__ import annotations

from evalcli.check.alttext import alt_text_findings
from evalcli.check.characters import character_findings
from evalcli.check.languages import language_findings
from evalcli.check.metadata import check_metadata
from evalcli.check.sections import check_sections
from evalcli.diagnostics import Finding
from evalcli.report.checked import CheckedReport
from evalcli.report.facts import parse_facts, report_language
from evalcli.report.model import Report
from evalcli.template.spec import Template


def check_report(report: Report, template: Template) -> CheckedReport:
    """The report with its metadata parsed (once, for every stage after) and every problem
    in it, sorted by file, line and column."""
    facts = parse_facts(report, template)
    findings = list(report.load_findings)
    findings.extend(character_findings(report))
    if report.metadata_usable:
        findings.extend(check_metadata(report, template, facts))
    findings.extend(check_sections(report, template, report_language(report, template)))
    findings.extend(alt_text_findings(report))
    findings.extend(language_findings(report))
    findings.sort(key=lambda f: (str(f.loc.file), f.loc.line, f.loc.column))
    return CheckedReport(report.path, report, template, facts, findings)


def check(report: Report, template: Template) -> list[Finding]:
    """Every problem in the report, sorted by file, line and column."""
    return check_report(report, template).findings
