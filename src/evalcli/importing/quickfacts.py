"""Quick-facts labels (in any of the template's languages) -> typed metadata fields."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from evalcli.report.markdown import strip_emphasis, unescape
from evalcli.template.fieldtypes import MoneyType
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import Field, Row, Template
from evalcli.text import fold, fold_key, says_none


@dataclass
class LabelIndex:
    """Folded label -> (row, languages it is written in)."""

    rows: dict[str, tuple[Row, set[str]]] = field(default_factory=dict)

    def add(self, label: str, row: Row, lang: str | None) -> None:
        key = fold_key(label)
        if not key:
            return
        _row, langs = self.rows.setdefault(key, (row, set()))
        if lang:
            langs.add(lang)

    def match(self, label: str) -> tuple[Row, set[str]] | None:
        key = fold_key(strip_emphasis(label))
        if key in self.rows:
            return self.rows[key]
        close = difflib.get_close_matches(key, list(self.rows), n=1, cutoff=0.86)
        return self.rows[close[0]] if close else None


def label_index(template: Template) -> LabelIndex:
    index = LabelIndex()
    for row in template.rows:
        for lang, label in row.labels.items():
            index.add(label, row, lang)
        for alias in row.aliases:
            index.add(alias, row, None)
        for key in row.fields:
            spec = template.fields[key]
            if len(row.fields) > 1:
                single = Row(row.id, (key,), spec.labels)
                for lang, label in spec.labels.items():
                    index.add(label, single, lang)
    return index


@dataclass
class FactResult:
    """What one quick-facts line gave: values for fields, and notes on what was kept as written."""

    values: dict[str, Any] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)


def _single(spec: Field, text: str, lang: str, template: Template) -> tuple[Any, str | None]:
    """(value, note) for one field; the note says when the text was kept as written."""
    kept = f"{spec.key}: '{text}' kept as written"
    if find_placeholders(text, template):
        return text, f"{kept} (placeholder text; check will flag it)"
    if says_none(text):
        if spec.type.is_list and not spec.required:
            return [], None
        return text, f"{kept} (it says there is none)"
    parsed = spec.type.read(text, spec, template, lang)
    if parsed is None:
        kind = spec.type.name.replace("_", " ")
        return text, f"{kept} (not understood as {kind}; check will flag it)"
    return parsed, None


def read_period(text: str, template: Template, lang: str) -> tuple[str, str] | None:
    """ "octubre de 2017 a diciembre de 2024" -> ("2017-10", "2024-12")."""
    from evalcli.template.fieldtypes import read_date

    for separator in (r"\s+(?:to|a|al|à|au|hasta|until)\s+", r"\s*[–—]\s*", r"\s+-\s+", r"-"):
        parts = re.split(separator, fold(text), maxsplit=1)
        if len(parts) == 2:
            start = read_date(
                re.sub(r"^(?:from|de|del|desde|du)\s+", "", parts[0]), template.languages
            )
            end = read_date(parts[1], template.languages)
            if start and end:
                return start, end
    return None


def read_fact(row: Row, raw: str, lang: str, template: Template) -> FactResult:
    """Values for the fields of one quick-facts row."""
    text = unescape(strip_emphasis(raw))
    result = FactResult()
    if row.format == "period" and len(row.fields) == 2:
        period = read_period(text, template, lang)
        if period:
            result.values.update(zip(row.fields, period, strict=True))
        else:
            result.values[row.fields[0]] = text
            result.kept.append(
                f"{row.fields[0]}: '{text}' kept as written (no start and end "
                "dates found; check will flag it)"
            )
        return result
    if row.format == "dash" and len(row.fields) == 2:
        first, second = (template.fields[k] for k in row.fields)
        money_spec = first if isinstance(first.type, MoneyType) else second
        other = second if money_spec is first else first
        money = MoneyType.read_with_rest(text)
        if money:
            result.values[money_spec.key] = money[0]
            if money[1]:
                result.values[other.key] = money[1]
        else:
            result.values[other.key] = text
            result.kept.append(
                f"{money_spec.key}: no amount with a currency found in "
                f"'{text}'; all of it kept under {other.key}"
            )
        return result
    spec = template.fields[row.fields[0]]
    value, note = _single(spec, text, lang, template)
    result.values[spec.key] = value
    if note:
        result.kept.append(note)
    return result
