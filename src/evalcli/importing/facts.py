"""Quick-facts labels (in any of the three languages) -> typed metadata fields."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from evalcli.importing import values as v
from evalcli.placeholders import find_placeholders
from evalcli.template import Field, Row, Template
from evalcli.textutil import fold_key


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
        key = fold_key(v.strip_emphasis(label))
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
    """What one quick-facts line gave: values for fields, and notes for the user."""

    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _single(spec: Field, text: str, lang: str, template: Template) -> tuple[Any, str | None]:
    """(value, note) for one field; the note says when the text was kept as written."""
    kept = f"{spec.key}: '{text}' kept as written"
    if find_placeholders(text, template):
        return text, f"{kept} (placeholder text; check will flag it)"
    if v.means_none(text):
        if spec.type in ("text_list", "countries", "sdgs") and not spec.required:
            return [], None
        return text, f"{kept} (it says there is none)"
    parsed: Any
    kind = spec.type
    if kind == "date":
        parsed = v.parse_date(text)
    elif kind == "money":
        money = v.parse_money(text)
        parsed = money[0] if money and not money[1] else None
    elif kind == "choice":
        parsed = v.parse_choice(text, spec)
    elif kind == "countries":
        parsed = v.parse_countries(text, lang)
    elif kind == "sdgs":
        parsed = v.parse_sdgs(text)
    elif kind == "project_codes":
        codes = v.parse_codes(text)
        parsed = (codes[0] if len(codes) == 1 else codes) if codes else None
    elif kind == "people":
        parsed = v.parse_people(text, spec)
    elif kind == "text_list" and spec.join == "comma":
        parsed = [part.strip() for part in re.split(r"\s*[,;]\s*", text) if part.strip()]
    else:
        parsed = text
    if parsed is None:
        return text, f"{kept} (not understood as {kind.replace('_', ' ')}; check will flag it)"
    return parsed, None


def read_fact(row: Row, raw: str, lang: str, template: Template) -> FactResult:
    """Values for the fields of one quick-facts row."""
    text = v.strip_emphasis(raw)
    result = FactResult()
    if row.format == "period" and len(row.fields) == 2:
        period = v.parse_period(text)
        if period:
            result.values.update(zip(row.fields, period, strict=True))
        else:
            result.values[row.fields[0]] = text
            result.notes.append(
                f"{row.fields[0]}: '{text}' kept as written (no start and end "
                "dates found; check will flag it)"
            )
        return result
    if row.format == "dash" and len(row.fields) == 2:
        first, second = (template.fields[k] for k in row.fields)
        money_spec = first if first.type == "money" else second
        other = second if money_spec is first else first
        money = v.parse_money(text)
        if money:
            result.values[money_spec.key] = money[0]
            if money[1]:
                result.values[other.key] = money[1]
        else:
            result.values[other.key] = text
            result.notes.append(
                f"{money_spec.key}: no amount with a currency found in "
                f"'{text}'; all of it kept under {other.key}"
            )
        return result
    spec = template.fields[row.fields[0]]
    value, note = _single(spec, text, lang, template)
    result.values[spec.key] = value
    if note:
        result.notes.append(note)
    return result
