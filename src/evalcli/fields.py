"""Parse every metadata field of a report into a typed value, by field type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evalcli.model import Node, Report, Scalar
from evalcli.template import Field, Template
from evalcli.values import (
    Problem,
    parse_choice,
    parse_countries,
    parse_date,
    parse_money,
    parse_people,
    parse_project_codes,
    parse_sdgs,
    parse_text,
    parse_text_list,
)

FALLBACK_LANGUAGE = "en"


def _language(node: Node, spec: Field, template: Template) -> tuple[str | None, list[Problem]]:
    value, problems = parse_text(node)
    if value is None or problems:
        return None, problems
    if value.lower() in template.languages:
        return value.lower(), []
    return None, [
        (
            "invalid-choice",
            f"language '{value}' is not one of {', '.join(template.languages)}",
            node.loc,
        )
    ]


Parser = Callable[[Node, Field, Template, str], tuple[Any, list[Problem]]]

PARSERS: dict[str, Parser] = {
    "text": lambda node, spec, tpl, lang: parse_text(node),
    "text_list": lambda node, spec, tpl, lang: parse_text_list(node),
    "language": lambda node, spec, tpl, lang: _language(node, spec, tpl),
    "date": lambda node, spec, tpl, lang: parse_date(node),
    "money": lambda node, spec, tpl, lang: parse_money(node),
    "choice": lambda node, spec, tpl, lang: parse_choice(node, spec.options),
    "countries": lambda node, spec, tpl, lang: parse_countries(node, lang),
    "sdgs": lambda node, spec, tpl, lang: parse_sdgs(node),
    "project_codes": lambda node, spec, tpl, lang: parse_project_codes(node),
    "people": lambda node, spec, tpl, lang: parse_people(node),
}


@dataclass
class Facts:
    """The report's metadata as typed values, with what could not be parsed."""

    language: str
    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)


def report_language(report: Report, template: Template) -> str:
    """The report's language, falling back to English when it is missing or invalid."""
    node = report.value("language")
    if isinstance(node, Scalar) and node.text and node.text.strip().lower() in template.languages:
        return node.text.strip().lower()
    return FALLBACK_LANGUAGE


def parse_facts(report: Report, template: Template, skip: frozenset[str] = frozenset()) -> Facts:
    """Every field the template knows, parsed; fields in ``skip`` are left out."""
    facts = Facts(report_language(report, template))
    for key, spec in template.fields.items():
        node = report.value(key)
        if node is None or key in skip:
            continue
        value, problems = PARSERS[spec.type](node, spec, template, facts.language)
        facts.values[key] = value
        if problems:
            facts.problems[key] = problems
    return facts
