"""Annex pages read back: each ILO lesson-learned or good-practice page into its item's fields.

A page starts at the template's name ("ILO Lesson Learned Template", in any
of the template's languages), then "LL1. Title", the project lines, the
template's fixed sentence, and a table of label | text rows. Rows are matched
to fields by their label (any language, a heading, an alias, or a label that
starts with one). Pages are merged into the items the summary holds (by number,
else by title); a page whose item the summary lacks becomes a new item, its
description the item's text. Fields go below the item's text under ``###``
headings in the report's language, as an author writes them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING

from evalcli import regexes
from evalcli.importing.blocks import Block
from evalcli.records import Record, field
from evalcli.report.annex import annex_names
from evalcli.report.markdown import item_number, strip_emphasis, unescape
from evalcli.template.spec import AnnexSpec, SectionSpec, Template
from evalcli.text import fold, fold_key, matches_any

if TYPE_CHECKING:
    from evalcli.importing.reader import Item, SectionText

MARK = "\u204b"  # paragraphs of one table cell (importing/cells.lua)
_LIST_ITEM = regexes.compile(r"^\\?([-+*]|\d+[.)])\s")
_HEADER_LINE = regexes.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*(?P<value>.*)$", re.S)


class AnnexPage(Record):
    """One annex page as found: its section, item number and title, and its fields."""

    section: str
    line: int
    number: int | None = None
    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def cell_markdown(text: str) -> str:
    """A table cell's text as Markdown: its paragraphs and list items back on lines of their own."""
    pieces = [piece.strip() for piece in text.split(MARK) if piece.strip()]
    out = ""
    previous_item = False
    for piece in pieces:
        list_item = bool(_LIST_ITEM.match(piece))
        if list_item:
            piece = piece.lstrip("\\")
        if out:
            out += "\n" if list_item and previous_item else "\n\n"
        out += piece
        previous_item = list_item
    return out


class AnnexReader:
    """Recognises the blocks of annex pages among a summary's blocks, and keeps the pages."""

    def __init__(self, template: Template, votes: Counter[str]) -> None:
        self.template = template
        self.votes = votes
        self.pages: list[AnnexPage] = []
        self.current: AnnexPage | None = None
        self.titles: dict[str, tuple[str, str]] = {}  # folded title -> (section, language)
        self.fixed: set[str] = set()  # header labels, intros, column headings (folded)
        self.specs: dict[str, AnnexSpec] = template.annexes.sections if template.annexes else {}
        annexes = template.annexes
        if annexes is None:
            return
        for row in annexes.header:
            self.fixed |= {fold_key(label) for label in row.labels.values()}
        self.fixed |= {fold_key(text) for text in annexes.text.values()}
        for sid, spec in self.specs.items():
            for lang, title in spec.title.items():
                self.titles[fold_key(title)] = (sid, lang)
            self.fixed |= {fold_key(t) for t in (*spec.intro.values(), *spec.element.values())}

    def field_key(self, section: str, label: str) -> str | None:
        """The field a row label names: exactly, or by the longest name it starts with."""
        names = annex_names(self.specs[section])
        key = fold_key(strip_emphasis(label))
        if key in names:
            return names[key]
        starts = [name for name in names if key.startswith(name + " ")]
        return names[max(starts, key=len)] if starts else None

    def take(self, block: Block) -> bool:
        """True when the block belongs to an annex page (and is kept or skipped as such)."""
        text = strip_emphasis(block.text) if block.kind != "row" else block.text
        if block.kind != "row" and len(text) < 120:
            found = self.titles.get(fold_key(text))
            if found:
                self.votes[found[1]] += 1
                self.current = AnnexPage(found[0], block.line)
                self.pages.append(self.current)
                return True
        page = self.current
        if page is None:
            return False
        if block.kind == "row":
            return self._row(page, block)
        if page.number is None and not page.fields:
            number = item_number(unescape(text))
            prefixes = self.template.sections[page.section].prefix.values()
            if number and number.prefix and matches_any(number.prefix, prefixes):
                page.number, page.title = number.number, number.rest.strip()
                return True
        header = _HEADER_LINE.match(block.text.strip())
        if header and fold_key(header.group("label")) in self.fixed:
            return True  # the project's title, code, evaluator, date: evaluation.yaml has them
        if fold_key(text) in self.fixed or any(
            fold(text).startswith(fold(t)[:60]) for t in self._intros(page.section)
        ):
            return True
        self.current = None  # anything else ends the page
        return False

    def _intros(self, section: str) -> list[str]:
        return list(self.specs[section].intro.values())

    def _row(self, page: AnnexPage, block: Block) -> bool:
        cells = block.cells
        if len(cells) < 2:
            return False
        label, value = cells[0], " ".join(c for c in cells[1:] if c.strip())
        key = self.field_key(page.section, label)
        if key is None:
            return fold_key(label) in self.fixed  # the column headings
        text = cell_markdown(value)
        page.fields[key] = f"{page.fields[key]}\n\n{text}" if page.fields.get(key) else text
        return True


def _same(a: str, b: str) -> bool:
    return fold(unescape(a)).replace("’", "'") == fold(unescape(b)).replace("’", "'")


def merge_pages(
    pages: list[AnnexPage],
    sections: MutableMapping[str, SectionText],
    template: Template,
    lang: str,
    new_section: Callable[[SectionSpec], SectionText],
    new_item: Callable[[str], Item],
) -> None:
    """Each page's fields into its item: the summary's item of that number (or title), else a
    new item with the page's title and description."""
    for page in pages:
        spec = template.sections[page.section]
        annex = template.annexes.sections[page.section] if template.annexes else None
        if annex is None:
            continue
        text = sections.get(page.section)
        if text is None:
            text = sections[page.section] = new_section(spec)
        item = None
        if page.number and page.number <= len(text.items):
            item = text.items[page.number - 1]
        if item is None and page.title:
            item = next((i for i in text.items if _same(i.title, page.title)), None)
        if item is None:
            item = new_item(page.title)
            text.items.append(item)
        for annex_field in annex.fields:
            value = page.fields.get(annex_field.key, "").strip()
            if not value:
                continue
            if annex_field.from_item:
                if not item.body:
                    item.body.append(value)
                    continue
                if _same("\n\n".join(item.body), value):
                    continue
            item.body += [f"### {annex_field.headings.get(lang, annex_field.key)}", value]
