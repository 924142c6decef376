"""A report's metadata as typed values: every field parsed by its type."""

from __future__ import annotations

from typing import Any

from evalcli.diagnostics import Finding
from evalcli.records import Record, field
from evalcli.report.model import Report
from evalcli.template.spec import Template
from evalcli.yamlnodes import Scalar

FALLBACK_LANGUAGE = "en"


class Facts(Record):
    """The report's metadata as typed values, with the findings of what could not be parsed."""

    language: str
    # the prose's language when ``--lang`` prints the template's words in another one:
    # numbers and amounts stay in the report's locale
    prose_language: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)

    def role(self, template: Template, role: str) -> Any:
        """The value of the field that plays ``role`` in the template (None if none)."""
        key = template.role(role)
        return self.values.get(key) if key is not None else None

    def parsed(self, key: str) -> bool:
        """True when the field has a value that parsed without findings."""
        return key in self.values and key not in self.findings


def report_language(report: Report, template: Template) -> str:
    """The report's language, falling back to the template's first (or English)."""
    node = report.value("language")
    if isinstance(node, Scalar) and node.text and node.text.strip().lower() in template.languages:
        return node.text.strip().lower()
    return FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in template.languages else template.languages[0]


def parse_facts(report: Report, template: Template, skip: frozenset[str] = frozenset()) -> Facts:
    """Every field the template knows, parsed; fields in ``skip`` are left out."""
    facts = Facts(report_language(report, template))
    for key, spec in template.fields.items():
        node = report.value(key)
        if node is None or key in skip:
            continue
        value, findings = spec.type.parse(node, spec, template, facts.language)
        facts.values[key] = value
        if findings:
            facts.findings[key] = findings
    return facts
