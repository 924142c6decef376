"""Quick-facts labels (in any of the template's languages) -> typed metadata fields."""

from __future__ import annotations

import difflib
from typing import Any

from evalcli import regexes
from evalcli.i18n import Message, msg
from evalcli.records import Record, field
from evalcli.report.markdown import strip_emphasis, unescape
from evalcli.template.fieldtypes import MoneyType, option_in_words, read_date_range
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import Field, Row, Template
from evalcli.text import fold_keep_length, says_none

MAX_FACT_CHARS = 2_000  # a quick fact longer than this is not read (no reader sees it)
_LABEL_END = regexes.compile(r"^(?:\*\*)?\s*:\s*(?:\*\*(?=\s))?|^\s+")
EXTRA = Row("extra", (), {})  # a label an edition printed that fills no field: kept under extra
CURRENT = "summary"  # the edition whose labels are the fields' own


def label_key(text: str) -> str:
    """A label folded for matching: lower case, no accents, words of letters and digits."""
    return normalised(text)[0].strip()


def normalised(text: str) -> tuple[str, list[int]]:
    """``text`` folded as ``label_key`` does, and each folded character's index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for folded in fold_keep_length(char):
            if folded.isascii() and folded.isalnum():
                out.append(folded)
                where.append(index)
            elif (folded.isspace() or folded == "/") and out and out[-1] != " ":
                out.append(" ")
                where.append(index)
    return "".join(out), where


class LabelEntry(Record):
    """What one label fills, the languages it is written in, the editions that print it."""

    row: Row
    langs: set[str] = field(default_factory=set)
    editions: set[str] = field(default_factory=set)


class LabelIndex(Record):
    """Folded label -> what it fills; every edition's labels, then the fields' own."""

    rows: dict[str, LabelEntry] = field(default_factory=dict)
    _longest_first: list[str] = field(default_factory=list)

    def add(self, label: str, row: Row, lang: str | None, edition: str = CURRENT) -> None:
        key = label_key(label)
        if not key:
            return
        entry = self.rows.setdefault(key, LabelEntry(row))
        entry.editions.add(edition)
        if lang:
            entry.langs.add(lang)
        self._longest_first = []

    def match(self, label: str) -> LabelEntry | None:
        key = label_key(strip_emphasis(label))
        if key in self.rows:
            return self.rows[key]
        close = difflib.get_close_matches(key, list(self.rows), n=1, cutoff=0.86)
        return self.rows[close[0]] if close else None

    def keys(self) -> list[str]:
        if not self._longest_first:
            self._longest_first = sorted(self.rows, key=len, reverse=True)
        return self._longest_first

    def prefix(self, text: str) -> tuple[str, str] | None:
        """(label, value) when ``text`` starts with a known label, matched whole (the longest
        one: "Donor: country and budget US$" before "Donor"), with or without a colon."""
        folded, where = normalised(text)
        for key in self.keys():
            if folded.startswith(key) and folded[len(key) : len(key) + 1] in ("", " "):
                end = where[len(key) - 1] + 1
                while end < len(text) and text[end] in ")]$%’'\\":
                    end += 1  # "Oficina Administrativa (OIT)", "budget US$"
                value = _LABEL_END.sub("", text[end:], count=1).strip()
                return text[:end], value
        return None

    def starts(self, text: str, after: int) -> list[int]:
        """Where further "Label:" facts begin in ``text`` (past index ``after``): a known label
        after a space and before a colon."""
        folded, where = normalised(text)
        found: list[int] = []
        for key in self.keys():
            position = folded.find(" " + key)
            while position >= 0:
                start = where[position + 1]
                end = where[position + len(key)] + 1
                rest = text[end:].lstrip(" *")
                if (
                    start > after
                    and rest.startswith(":")
                    and not any(s <= start < e for s, e in found_spans(found, text))
                ):
                    found.append(start)
                position = folded.find(" " + key, position + 1)
        return sorted(set(found))


def found_spans(starts: list[int], text: str) -> list[tuple[int, int]]:
    """The spans of labels already found (to the next colon), so a shorter label inside a
    longer one ("country" in "Donor: country and budget") does not split it."""
    spans = []
    for start in starts:
        colon = text.find(":", start)
        spans.append((start, colon if colon >= 0 else len(text)))
    return spans


def label_index(template: Template) -> LabelIndex:
    """Every label import knows: each edition's (they win), then the fields' and rows' own."""
    index = LabelIndex()
    for edition in template.editions:
        for printed in edition.labels:
            index.add(printed.text, printed.row or EXTRA, printed.lang, edition.id)
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


class FactResult(Record):
    """What one quick-facts line gave: values for fields, and notes on what was kept as written."""

    values: dict[str, Any] = field(default_factory=dict)
    kept: list[Message] = field(default_factory=list)


def _single(spec: Field, text: str, lang: str, template: Template) -> tuple[Any, Message | None]:
    """(value, note) for one field; the note says when the text was kept as written."""
    if find_placeholders(text, template):
        return text, msg(
            "{field}: '{text}' kept as written (placeholder text; check will flag it)",
            field=spec.key,
            text=text,
        )
    if says_none(text):
        if spec.type.is_list and not spec.required:
            return [], None
        return text, msg(
            "{field}: '{text}' kept as written (it says there is none)", field=spec.key, text=text
        )
    parsed = spec.type.read(text, spec, template, lang)
    if parsed is None:
        return text, msg(
            "{field}: '{text}' kept as written (not understood as {kind}; check will flag it)",
            field=spec.key,
            text=text,
            kind=spec.type.what,
        )
    return parsed, None


def read_period(text: str, template: Template, lang: str) -> tuple[str, str] | None:
    """ "octubre de 2017 a diciembre de 2024" -> ("2017-10", "2024-12")."""
    return read_date_range(text, template.languages)


def read_words(keys: tuple[str, ...], text: str, template: Template) -> dict[str, str]:
    """The options of choice fields named in a phrase: "Independent Cluster Final Evaluation"
    -> {nature: independent, evaluation_type: cluster, timing: final}."""
    found = {key: option_in_words(text, template.fields[key], template) for key in keys}
    return {key: option for key, option in found.items() if option}


def read_fact(row: Row, raw: str, lang: str, template: Template) -> FactResult:
    """Values for the fields of one quick-facts row (and the fixed values its label implies)."""
    result = _read_fact(row, raw, lang, template)
    for key, option in row.fixed:
        result.values.setdefault(key, option)
    return result


def _read_fact(row: Row, raw: str, lang: str, template: Template) -> FactResult:
    text = unescape(strip_emphasis(raw))
    result = FactResult()
    if not row.fields:
        return result  # a label with no field (EXTRA): the reader keeps it under extra
    if len(text) > MAX_FACT_CHARS:
        result.values[row.fields[0]] = text
        result.kept.append(
            msg(
                "{field}: a value of {n} characters kept as written",
                field=row.fields[0],
                n=len(text),
            )
        )
        return result
    if row.format == "words":
        result.values.update(read_words(row.fields, text, template))
        if not result.values:
            result.kept.append(
                msg(
                    "'{value}' names none of the values of {fields}; kept under extra",
                    value=text,
                    fields=", ".join(row.fields),
                )
            )
        return result
    if row.format == "period" and len(row.fields) == 2:
        period = read_period(text, template, lang)
        if period:
            result.values.update(zip(row.fields, period, strict=True))
        else:
            result.values[row.fields[0]] = text
            result.kept.append(
                msg(
                    "{field}: '{text}' kept as written (no start and end "
                    "dates found; check will flag it)",
                    field=row.fields[0],
                    text=text,
                )
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
                msg(
                    "{field}: no amount with a currency found in '{text}'; "
                    "all of it kept under {other}",
                    field=money_spec.key,
                    text=text,
                    other=other.key,
                )
            )
        return result
    spec = template.fields[row.fields[0]]
    value, note = _single(spec, text, lang, template)
    result.values[spec.key] = value
    if note:
        result.kept.append(note)
    return result
