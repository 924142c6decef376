"""Typed metadata values as text in the report's language (babel does the locale work)."""

from __future__ import annotations

from typing import Any

from evalcli.fields import Facts
from evalcli.localedata import (
    country_name,
    format_day,
    format_list,
    format_money,
    format_month_year,
)
from evalcli.model import Report, plain
from evalcli.template import Field, Row, Template
from evalcli.values import Money, PartialDate, Person


def format_date(value: PartialDate, lang: str) -> str:
    if value.month is None:
        return str(value.year)
    if value.day is None:
        return format_month_year(value.year, value.month, lang)
    return format_day(value.year, value.month, value.day, lang)


def _verbatim(raw: object) -> str:
    """A value that did not parse, shown as written (draft builds only)."""
    if isinstance(raw, list):
        return ", ".join(_verbatim(item) for item in raw)
    if isinstance(raw, dict):
        return " ".join(_verbatim(v) for v in raw.values() if v is not None)
    return "" if raw is None else str(raw)


def format_value(spec: Field, value: Any, template: Template, lang: str) -> str:
    """One field's typed value as text."""
    kind = spec.type
    if value is None or value == []:
        return ""
    if kind == "date":
        return format_date(value, lang)
    if kind == "money":
        money: Money = value
        text = format_money(money.amount, money.currency, lang)
        return f"{text} {money.note}" if money.note else text
    if kind == "choice":
        return spec.options[value][lang]
    if kind == "countries":
        return format_list([country_name(code, lang) for code in value], lang)
    if kind == "sdgs":
        prefix = template.phrase("sdg_prefix", lang)
        return format_list([f"{prefix} {target}" for target in value], lang)
    if kind == "people":
        people: list[Person] = value
        return format_list([_person(p, spec, lang) for p in people], lang)
    if kind == "project_codes":
        return ", ".join(value)
    if kind == "text_list":
        return ", ".join(value) if spec.join == "comma" else format_list(value, lang)
    return str(value)


def _person(person: Person, spec: Field, lang: str) -> str:
    if not person.role:
        return person.name
    role = spec.roles.get(person.role, {}).get(lang, person.role)
    return f"{person.name} ({role})"


def field_text(key: str, report: Report, facts: Facts, template: Template) -> str:
    """A field as text: formatted when it parsed, verbatim when it did not."""
    lang = facts.language
    spec = template.fields[key]
    if key in facts.problems or (key not in facts.values and report.value(key) is not None):
        return _verbatim(plain(report.value(key)))
    return format_value(spec, facts.values.get(key), template, lang)


def row_text(row: Row, report: Report, facts: Facts, template: Template) -> str:
    """A quick-facts row's value: one field, a period, or fields joined by a dash."""
    lang = facts.language
    parts = [field_text(key, report, facts, template) for key in row.fields]
    if row.format == "period" and all(parts):
        return template.phrase("period", lang).format(start=parts[0], end=parts[1])
    return " – ".join(part for part in parts if part)
