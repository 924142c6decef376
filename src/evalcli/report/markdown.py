"""The Markdown rules of a report, in one place: headings, their attributes, item numbers, images.

Load, check, render and import all read Markdown through these functions.
Only ATX headings (``## Title``) outside fenced code blocks count. A heading
may end in pandoc-style attributes: ``## Title {key="value" other=x}``.
"""

from __future__ import annotations

import bisect
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evalcli.diagnostics import Location
from evalcli.report.model import AnnexEntry, Heading, Image, Item, Section
from evalcli.text import fold_key

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$")
_ANY_HEADING = re.compile(r"^#{1,6}[ \t].*$", re.MULTILINE)
_HEADING_MARKS = re.compile(r"^#{1,6}(?=[ \t])")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTRS = re.compile(r"[ \t]*\{([^{}]*)\}$")
_UNCLOSED_ATTRS = re.compile(r"\{[^{}]*\w+=[^{}]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")

# A number typed before an item's title: "R1. ", "BP.4 ", "LA 2) ", "1. ", "2) ".
# The compiler numbers items: check warns about it, render leaves it out, and
# import reads it to recognise an item.
_ITEM_NUMBER = re.compile(
    r"^\s*(?:(?P<prefix>[A-Za-z]{1,3})\s*\.?\s*(?P<number>\d{1,2})\s*[.):\-–]?"
    r"|(?P<bare>\d{1,2})\s*[.):\-–])\s+"
)

# ![caption](file.png), ![caption](<my file.png> "title"), ![caption][ref], ![ref]
_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]"
    r"(?:\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<bare>[^)\s]+))(?:\s+[\"'(][^)]*)?\s*\)"
    r"|\[(?P<ref>[^\]]*)\])?"
)
_DECORATIVE = re.compile(r"\{[^}\n]*(?<![\w-])\.decorative(?![\w-])")  # ![](x.png){.decorative}
_REFERENCE = re.compile(
    r"^[ \t]{0,3}\[(?P<label>[^\]]+)\]:[ \t]*(?:<(?P<angled>[^>\n]*)>|(?P<bare>\S+))", re.M
)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class ItemNumber:
    """A number typed before an item title: its prefix ("R", or "" when bare) and the rest."""

    prefix: str
    number: int
    rest: str


def item_number(title: str) -> ItemNumber | None:
    """The number an author typed before an item's title, if any."""
    match = _ITEM_NUMBER.match(title)
    if not match:
        return None
    number = match.group("number") or match.group("bare")
    return ItemNumber(match.group("prefix") or "", int(number), title[match.end() :])


def without_item_number(title: str) -> str:
    """The title without a typed number ("R1. Do this" -> "Do this")."""
    found = item_number(title)
    return found.rest if found else title


def strip_emphasis(text: str) -> str:
    """ "*PER/17/51/USA*" -> "PER/17/51/USA": the sample sets every value in italics."""
    text = text.strip()
    for marker in ("***", "**", "*", "__", "_"):
        if len(text) > 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
            inner = text[len(marker) : -len(marker)]
            if marker not in inner:
                return inner.strip()
    return text


def unescape(text: str) -> str:
    """Markdown backslash escapes removed: "\\[x\\]" -> "[x]" (pandoc escapes plain text so)."""
    return _ESCAPED.sub(r"\1", text)


def parse_attributes(raw: str) -> tuple[dict[str, str], str | None]:
    """Parse ``#id .class key="value"`` into a dict; returns (attrs, error)."""
    try:
        tokens = shlex.split(raw, posix=True)
    except ValueError:
        return {}, 'an attribute value has no closing quote; write key="value"'
    attrs: dict[str, str] = {}
    for token in tokens:
        if token.startswith("#"):
            attrs["id"] = token[1:]
        elif token.startswith("."):
            attrs["class"] = (attrs.get("class", "") + " " + token[1:]).strip()
        elif "=" in token:
            key, _, value = token.partition("=")
            attrs[key.strip()] = value.strip()
        else:
            return {}, f"'{token}' is not an attribute; write key=\"value\""
    return attrs, None


def format_attributes(attrs: dict[str, str]) -> str:
    """`` {key="value" ...}`` for a heading, or an empty string."""
    if not attrs:
        return ""
    parts = [f'{key}="{value.replace(chr(34), chr(39))}"' for key, value in attrs.items()]
    return " {" + " ".join(parts) + "}"


def heading_text(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, closing hashes removed; None for other lines."""
    match = HEADING.match(line)
    if not match:
        return None
    return len(match.group(1)), _CLOSING_HASHES.sub("", match.group(2)).strip()


def _heading(line: str, number: int, path: Path) -> Heading | None:
    found = heading_text(line)
    if found is None:
        return None
    level, text = found
    attrs: dict[str, str] = {}
    error = None
    attr_match = _ATTRS.search(text)
    if attr_match:
        attrs, error = parse_attributes(attr_match.group(1))
        text = text[: attr_match.start()]
    elif _UNCLOSED_ATTRS.search(text):
        error = "the attribute list has no closing '}'; end the heading with }"
    return Heading(level, text.strip(), attrs, Location(path, number, 1), error)


def find_headings(text: str, path: Path) -> list[tuple[int, Heading]]:
    """Every heading with its 0-based line index."""
    found: list[tuple[int, Heading]] = []
    if "```" not in text and "~~~" not in text:
        # no code blocks: find heading lines directly instead of testing every line
        number, position = 0, 0
        for match in _ANY_HEADING.finditer(text):
            number += text.count("\n", position, match.start())
            position = match.start()
            heading = _heading(match.group(0), number + 1, path)
            if heading:
                found.append((number, heading))
        return found
    fence: str | None = None
    for index, line in enumerate(text.split("\n")):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None:
            heading = _heading(line, index + 1, path)
            if heading:
                found.append((index, heading))
    return found


def shift_headings(text: str, by: int, path: Path) -> str:
    """Deepen every ATX heading (outside code blocks) by ``by`` levels."""
    if by == 0:
        return text
    lines = text.split("\n")
    for index, _heading in find_headings(text, path):
        lines[index] = _HEADING_MARKS.sub(
            lambda m: "#" * min(6, len(m.group(0)) + by), lines[index], count=1
        )
    return "\n".join(lines)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def find_images(text: str, path: Path) -> list[Image]:
    """Every image in the text (inline or by reference), with where it stands."""
    if "![" not in text:
        return []
    references = _references(text)
    images = []
    for match in _IMAGE.finditer(text):
        target = _image_target(match, references)
        if target is None:
            continue  # "![text]" with no definition is text, not an image
        line, column = line_and_column(text, match.start())
        alt = " ".join(match.group("alt").split())
        decorative = _DECORATIVE.match(text, match.end()) is not None
        images.append(Image(target, Location(path, line, column), alt=alt, decorative=decorative))
    return images


def _references(text: str) -> dict[str, str]:
    """Reference definitions ("[label]: target"), labels normalised as pandoc matches them."""
    return {
        " ".join(m.group("label").lower().split()): m.group("angled") or m.group("bare")
        for m in _REFERENCE.finditer(text)
    }


def _image_target(match: re.Match[str], references: dict[str, str]) -> str | None:
    """The target of one image match, following a reference; None for text like "![x]"."""
    for group in ("angled", "bare"):
        if match.group(group) is not None:
            return str(match.group(group)).strip()
    label = match.group("ref") or match.group("alt")
    target = references.get(" ".join(label.lower().split()))
    return target.strip() if target is not None else None


def rewrite_images(text: str, targets: dict[str, str]) -> str:
    """Every image pointed at ``targets[its target]``; an image not in ``targets`` becomes its
    caption. Reference definitions point nowhere, so pandoc reads no other file."""
    if "![" not in text and "]:" not in text:
        return text
    references = _references(text)

    def image(match: re.Match[str]) -> str:
        target = _image_target(match, references)
        if target is None:
            return match.group(0)
        new = targets.get(target)
        return f"![{match.group('alt')}](<{new}>)" if new else match.group("alt")

    def definition(match: re.Match[str]) -> str:
        return f"[{match.group('label')}]: #"

    return _REFERENCE.sub(definition, _IMAGE.sub(image, text))


def annex_key(heading: Heading, names: Mapping[str, str]) -> str | None:
    """The annex field a ``###`` heading names (``names``: folded name -> key), or None."""
    return names.get(fold_key(heading.text)) if heading.level == 3 else None


def _item(
    lines: list[str],
    start: int,
    end: int,
    heading: Heading,
    inner: list[tuple[int, Heading]],
    annex_names: Mapping[str, str],
) -> Item:
    """An item from its heading to ``end``. Its annex fields start at the first ``###``
    heading that names one; from there every ``###`` heading starts a field."""
    first = next((i for i, h in inner if annex_key(h, annex_names)), None)
    item = Item(heading, "\n".join(lines[start + 1 : first if first is not None else end]).strip())
    if first is None:
        return item
    fields = [(i, h) for i, h in inner if i >= first and h.level == 3]
    for position, (index, field_heading) in enumerate(fields):
        stop = fields[position + 1][0] if position + 1 < len(fields) else end
        text = "\n".join(lines[index + 1 : stop]).strip()
        item.annex.append(AnnexEntry(annex_key(field_heading, annex_names), field_heading, text))
    return item


def parse_section(
    section_id: str,
    text: str,
    path: Path,
    items: bool,
    annex_names: Mapping[str, str] | None = None,
) -> Section:
    """A Section; for item sections, each level-2 heading starts an item. ``annex_names``
    (folded name -> field key) are the ``###`` subheadings that hold annex fields."""
    located = find_headings(text, path)
    section = Section(section_id, path, text, [heading for _, heading in located])
    section.images = find_images(text, path)
    if not items:
        return section
    lines = text.split("\n")
    starts = [(index, heading) for index, heading in located if heading.level == 2]
    first = starts[0][0] if starts else len(lines)
    section.intro = "\n".join(lines[:first]).strip()
    names = annex_names or {}
    lines_of = [index for index, _heading in located]
    for position, (index, heading) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        if not names:
            section.items.append(Item(heading, "\n".join(lines[index + 1 : end]).strip()))
            continue
        inner = located[bisect.bisect_right(lines_of, index) : bisect.bisect_left(lines_of, end)]
        section.items.append(_item(lines, index, end, heading, inner, names))
    return section
