"""Pages of text (a PDF's text layer, a plain-text transcript) -> Markdown the reader takes.

What a page carries besides the text is dropped and counted: running headers
and footers (a line that opens or closes most pages), page numbers ("i",
"12", "Page 3 of 10"). (A full report's contents lines are the reader's: see fullreport.py.)
Words hyphenated across lines are joined. A table row, as pypdf's layout mode
writes it ("Label      value", a wrapped value indented under its column),
becomes a Markdown table row; a bullet glyph (•, o, ▪ ...) a list item.
"""

from __future__ import annotations

import re
from collections import Counter

from evalcli import regexes
from evalcli.records import Record, field

_PAGE_NUMBER = regexes.compile(
    r"(?:(?:page|p[aá]gina|p\.)\s*)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|de|sur|/)\s*\d{1,4})?"
    r"|[-–]\s*\d{1,4}\s*[-–]",
    re.IGNORECASE,
)
_CONTROLS = regexes.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a PDF's text may hold any
_SPACES = regexes.compile(r" {2,}")
_GAP = regexes.compile(r"\S( {3,})\S")
_BULLET = regexes.compile(
    r"^(?:[•◦▪▫■□●○◆◇►▸➢➤✓✔\uf0b7\uf0a7\uf0d8\uf076·]|o(?=\s)|[-–*](?=\s))\s*"
)
_HYPHEN_END = regexes.compile(r"[^\W\d_]-$")


class PageText(Record):
    """The Markdown, and what was dropped as page furniture."""

    markdown: str
    dropped: Counter[str] = field(default_factory=Counter)  # what -> how many lines


def _shape(line: str) -> str:
    """A running line with its page number blurred: "Report – page 3" -> "report – page #"."""
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


def _edges(page: list[str]) -> list[int]:
    """The indexes of a page's first two and last two non-blank lines."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    return sorted(set(filled[:2] + filled[-2:]))


def _furniture(pages: list[list[str]], dropped: Counter[str]) -> list[list[str]]:
    """Pages without running headers, footers and page numbers."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_shape(page[i]) for i in _edges(page)})
    needed = max(2, (len(pages) + 1) // 2)
    running = (
        {shape for shape, count in counts.items() if count >= needed} if len(pages) > 1 else set()
    )
    out = []
    for page in pages:
        edges = set(_edges(page))
        kept = []
        for index, line in enumerate(page):
            if index in edges and _PAGE_NUMBER.fullmatch(line.strip()):
                dropped["page numbers"] += 1
            elif index in edges and _shape(line) in running:
                dropped["running headers and footers"] += 1
            else:
                kept.append(line)
        out.append(kept)
    return out


def _row(line: str) -> tuple[str, str, int] | None:
    """ "Label      value" -> (label, value, the value's column), for a line that starts a row."""
    if len(line) - len(line.lstrip()) > 2:
        return None
    gap = _GAP.search(line)
    if gap is None or len(_SPACES.findall(line.strip())) != 1:
        return None  # no gap, or several: a justified line of prose, not "label   value"
    label, value = line[: gap.start(1)].strip(), line[gap.end(1) :].strip()
    if not label or len(label) > 60 or not value:
        return None
    return label, value, gap.end(1)


def _heads(first: str, second: str) -> bool:
    """The first line of a paragraph is a heading: shorter than the text below it, not a
    sentence, and the text below starts a sentence of its own."""
    return (
        not re.search(r"[.,;:!?]$", first)
        and (second[:1].isupper() or second[:1].isdigit())
        and not first.startswith("- ")
        and (len(first) <= 0.85 * len(second) or len(first) <= 40)
    )


def _open_ended(label: str) -> bool:
    """A label cut before its end: "Donor: country and", "Date when the evaluation was"."""
    words = label.split()
    return label.endswith((",", "&", ":", "/", "-")) or (
        bool(words) and words[-1].casefold() in _OPEN_WORDS
    )


_OPEN_WORDS = {"and", "of", "the", "by", "y", "de", "del", "la", "el", "et", "du", "des", "à", "a"}


def _label_goes_on(line: str, after: list[str]) -> bool:
    """A line of a table row that carries only the rest of a wrapped label: short, no value
    column, and starting in lower case or followed by the next row."""
    text = line.strip()
    if len(text) > 60 or len(line) - len(line.lstrip()) > 2:
        return False
    return text[:1].islower() or bool(after and _row(after[0]))


class _Joined:
    """The pieces of a wrapped line, joined in linear time: a str grown by ``+`` is copied
    whole at every line, and a search at its end scanned all of it (quadratic on a cell
    of many lines)."""

    def __init__(self, text: str) -> None:
        self.parts = [text]

    def tail(self, count: int) -> str:
        """The last ``count`` characters of the text."""
        taken: list[str] = []
        size = 0
        for part in reversed(self.parts):
            if size >= count:
                break
            taken.append(part)
            size += len(part)
        return "".join(reversed(taken))[-count:]

    def hyphenated(self, more: str) -> bool:
        """Join ``more`` to a word hyphenated at the break, if the text ends with one."""
        if _HYPHEN_END.search(self.tail(2)) and more[:1].islower():
            self.parts[-1] = self.parts[-1][:-1]  # each part is trimmed once: it is last once
            self.parts.append(more)
            return True
        return False

    def join(self, more: str) -> None:
        """Join ``more`` with a space, or to the word hyphenated at the break."""
        if not self.hyphenated(more):
            self.parts.extend((" ", more) if self.tail(1) else (more,))

    def __str__(self) -> str:
        return "".join(self.parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _paragraphs(lines: list[str]) -> list[str]:
    """One page's lines (furniture gone) as Markdown blocks."""
    blocks: list[str] = []
    paragraph: list[str] = []
    index = 0

    def flush() -> None:
        if len(paragraph) > 1 and _heads(paragraph[0], paragraph[1]):
            blocks.append(paragraph.pop(0))  # a heading set close above its text
        if paragraph:
            blocks.append("\n".join(paragraph))
            paragraph.clear()

    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            flush()
            continue
        row = _row(line)
        if row is not None:
            flush()
            first_label, first_value, column = row
            label, value = _Joined(first_label), _Joined(first_value)
            while index < len(lines) and lines[index].strip():
                following = lines[index]
                indent = len(following) - len(following.lstrip())
                if indent >= column - 2:
                    value.join(following.strip())
                elif (
                    (more := _row(following)) is not None
                    and abs(more[2] - column) <= 2
                    and (_open_ended(label.tail(80)) or more[0][:1].islower())
                ):
                    label.join(more[0])
                    value.join(more[1])
                elif _row(following) is None and _label_goes_on(
                    following, lines[index + 1 : index + 2]
                ):
                    label.join(following.strip())  # a label wrapped in its cell
                else:
                    break
                index += 1
            blocks.append(f"| {_cell(str(label))} | {_cell(str(value))} |")
            continue
        text = " ".join(line.split())  # a justified line's wide spaces as one
        bullet = _BULLET.match(text)
        if bullet and len(text) > bullet.end():
            flush()
            paragraph.append("- " + text[bullet.end() :])
            continue
        paragraph.append(text)
    flush()
    return blocks


def pages_markdown(pages: list[str]) -> PageText:
    """Markdown for the reader from the text of each page."""
    dropped: Counter[str] = Counter()
    split = [
        _CONTROLS.sub("", page.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
        for page in pages
    ]
    blocks: list[str] = []
    for page in _furniture(split, dropped):
        blocks.extend(_paragraphs(page))
    return PageText("\n\n".join(_dehyphenate(b) for b in blocks) + "\n", dropped)


def _dehyphenate(block: str) -> str:
    """A paragraph's lines with the hyphenation at their ends undone."""
    out: list[_Joined] = []
    for line in block.split("\n"):
        if not (out and out[-1].hyphenated(line)):
            out.append(_Joined(line))
    return "\n".join(str(line) for line in out)
