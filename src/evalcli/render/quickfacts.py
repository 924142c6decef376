"""The quick-facts rows as text in the report's language: each field formatted by its type."""

from __future__ import annotations

from evalcli.locales import resolve_locale
from evalcli.report.facts import Facts
from evalcli.report.model import Report
from evalcli.template.spec import Field, Row, Template
from evalcli.yamlnodes import plain

MISSING = {"en": "missing", "es": "falta", "fr": "manquant"}  # a template may say otherwise


def missing(template: Template, lang: str) -> str:
    """How a draft marks a required value that is not there: "[missing]", never "–"."""
    words = template.document.get("missing", {}).get(lang) or MISSING.get(lang, "missing")
    return f"[{words}]"


def _verbatim(raw: object, spec: Field, template: Template, lang: str) -> str:
    """A value that did not parse, shown as written (draft builds only); a consultant
    with no name shows the name as missing, not the role's key alone."""
    if isinstance(raw, list):
        return ", ".join(_verbatim(item, spec, template, lang) for item in raw)
    if isinstance(raw, dict) and spec.type.name == "people":
        name = str(raw.get("name") or "").strip() or missing(template, lang)
        role = raw.get("role")
        label = spec.roles.get(str(role), {}).get(lang, str(role)) if role else ""
        return f"{name} ({label})" if label else name
    if isinstance(raw, dict):
        return " ".join(_verbatim(v, spec, template, lang) for v in raw.values() if v is not None)
    return "" if raw is None else str(raw)


def value_locale(facts: Facts, template: Template) -> str:
    """The babel locale numbers, amounts and dates are written in: the report's
    ``locale``, else its language with its one country (es + PE -> es_PE).
    ``--lang`` does not change it: it translates the template's words only."""
    countries = facts.role(template, "countries") or ()
    language = facts.prose_language or facts.language
    return resolve_locale(language, facts.role(template, "locale"), countries)


def _locale_for(spec: Field, facts: Facts, template: Template) -> str | None:
    """A value in the template's words (a month, a country, an option) under ``--lang``
    is written as that language writes it; every other value in the report's locale."""
    if spec.type.worded and facts.prose_language and facts.prose_language != facts.language:
        return None
    return value_locale(facts, template)


def field_text(key: str, report: Report, facts: Facts, template: Template) -> str:
    """A field as text: formatted when it parsed, verbatim when it did not."""
    spec = template.fields[key]
    value = facts.values.get(key)
    if key in facts.findings or (value is None and report.value(key) is not None):
        return _verbatim(plain(report.value(key)), spec, template, facts.language)
    if value is None or value == []:
        return ""
    return spec.type.format(
        value, spec, template, facts.language, _locale_for(spec, facts, template)
    )


def row_text(row: Row, report: Report, facts: Facts, template: Template) -> str:
    """A quick-facts row's value: one field, a period, or fields joined by a dash."""
    parts = [
        field_text(key, report, facts, template)
        or (missing(template, facts.language) if template.fields[key].required else "")
        for key in row.fields
    ]
    if row.format == "period" and all(parts):
        return template.phrase("period", facts.language).format(start=parts[0], end=parts[1])
    return " – ".join(part for part in parts if part)
