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
from pathlib import Path

from evalcli import regexes
from evalcli.diagnostics import Location
from evalcli.i18n import Message, msg
from evalcli.records import Record
from evalcli.report.model import AnnexEntry, Heading, Image, Item, Section
from evalcli.text import fold_key

# Every pattern here sees report and import content, so each runs in linear time:
# no two quantifiers can share the characters of one run, and where a scan could
# restart at every position of a long line (headings, images) it is code, not a
# pattern. tests/test_linear.py holds them to it.
_HEADING_MARKS = regexes.compile(r"^#{1,6}(?=[ \t])")
_WORD_EQUALS = regexes.compile(r"\w=")
_FENCE = regexes.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# an attribute token as shlex reads it (posix, split at whitespace only) when the text has
# no backslash: plain characters and quoted runs; linear, as each alternative is told by
# its first character and takes one plain character at a time
_TOKEN = regexes.compile(r"""(?:[^ \t\r\n"'\\]|"[^"]*"|'[^']*')+""")
_QUOTED = regexes.compile(r""""([^"]*)"|'([^']*)'""")
_SHLEX_BLANK = " \t\r\n"

# A number typed before an item's title: "R1. ", "BP.4 ", "LA 2) ", "1. ", "2) ".
# The compiler numbers items: check warns about it, render leaves it out, and
# import reads it to recognise an item.
_ITEM_NUMBER = regexes.compile(
    r"^\s*(?:(?P<prefix>[A-Za-z]{1,3})\s*(?:\.\s*)?(?P<number>\d{1,2})\s*[.):\-–]?"
    r"|(?P<bare>\d{1,2})\s*[.):\-–])\s+"
)

_DECORATIVE = regexes.compile(
    r"\{[^}\n]*(?<![\w-])\.decorative(?![\w-])"
)  # ![](x.png){.decorative}
# "[label]: target" on one line; a label never spans lines, so a scan ends at the line's end
_REFERENCE = regexes.compile(
    r"^[ \t]{0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*(?:<(?P<angled>[^>\n]*)>|(?P<bare>\S+))", re.M
)
# what the image scanner stops at: escapes, brackets and blank lines (which end a paragraph)
_BRACKET_TOKENS = regexes.compile(r"\\.|[\[\]]|\n[ \t]*(?=\n)", re.S)
_SPACES = regexes.compile(r"\s*")


_ESCAPED = regexes.compile(r"\\([!-/:-@\[-`{-~])")


class ItemNumber(Record, frozen=True):
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


def split_attributes(raw: str) -> list[str]:
    """``shlex.split(raw)``, without its character-by-character reader where it can:
    a heading's attributes (``key="value"``) are read for every heading of every check.

    ValueError for a quote that is not closed, as shlex.
    """
    if "\\" not in raw:
        tokens = []
        end = 0
        for match in _TOKEN.finditer(raw):
            if raw[end : match.start()].strip(_SHLEX_BLANK):
                break  # a quote left open: shlex says so
            tokens.append(_QUOTED.sub(lambda quoted: quoted[1] or quoted[2] or "", match[0]))
            end = match.end()
        else:
            if not raw[end:].strip(_SHLEX_BLANK):
                return tokens
    return shlex.split(raw, posix=True)


def parse_attributes(raw: str) -> tuple[dict[str, str], Message | None]:
    """Parse ``#id .class key="value"`` into a dict; returns (attrs, error)."""
    try:
        tokens = split_attributes(raw)
    except ValueError:
        return {}, msg('an attribute value has no closing quote; write key="value"')
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
            return {}, msg("'{token}' is not an attribute; write key=\"value\"", token=token)
    return attrs, None


def format_attributes(attrs: dict[str, str]) -> str:
    """`` {key="value" ...}`` for a heading, or an empty string."""
    if not attrs:
        return ""
    parts = [f'{key}="{value.replace(chr(34), chr(39))}"' for key, value in attrs.items()]
    return " {" + " ".join(parts) + "}"


def heading_text(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, closing hashes removed; None for other lines."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6 or line[level : level + 1] not in (" ", "\t"):
        return None
    text = line[level:].strip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare[-1:] in (" ", "\t"):  # "## Title ##": closing hashes
        text = bare
    return level, text.strip()


def _attribute_list(text: str) -> int | None:
    """Where a heading's closing ``{...}`` starts, if it ends in one with no braces inside."""
    if not text.endswith("}"):
        return None
    start = text.rfind("{")
    if start < 0 or "}" in text[start + 1 : -1]:
        return None
    return start


def _unclosed_attributes(text: str) -> bool:
    """A ``{`` after the last ``}``, followed by ``key=``: an attribute list left open."""
    start = text.rfind("{")
    return start > text.rfind("}") and _WORD_EQUALS.search(text, start + 1) is not None


def _heading(line: str, number: int, path: Path) -> Heading | None:
    found = heading_text(line)
    if found is None:
        return None
    level, text = found
    attrs: dict[str, str] = {}
    error = None
    if "{" in text:  # most headings have no attributes
        start = _attribute_list(text)
        if start is not None:
            attrs, error = parse_attributes(text[start + 1 : -1])
            text = text[:start]
        elif _unclosed_attributes(text):
            error = msg("the attribute list has no closing '}}'; end the heading with }}")
    return Heading(level, text.strip(), attrs, Location(path, number, 1), error)


def _hash_line(text: str, at: int) -> int:
    """Where the next line starting with "#" after offset ``at`` starts, or -1."""
    # "#" alone is found at memchr speed; one mid-line is rare, and skips to the next line
    found = text.find("#", at + 1)
    while found > 0 and text[found - 1] != "\n":
        end = text.find("\n", found)
        found = text.find("#", end + 1) if end >= 0 else -1
    return found


def find_headings(text: str, path: Path) -> list[tuple[int, Heading]]:
    """Every heading with its 0-based line index."""
    found: list[tuple[int, Heading]] = []
    # a one-character search runs at memchr speed: most texts hold no "`" or "~" at all
    if ("`" not in text or "```" not in text) and ("~" not in text or "~~~" not in text):
        # no code blocks: only lines that start with "#" can be headings, and str.find
        # jumps from one to the next at C speed (a "^#" pattern tries every position)
        number, counted = 0, 0
        start = 0 if text.startswith("#") else _hash_line(text, 0)
        while start >= 0:
            number += text.count("\n", counted, start)
            counted = start
            end = text.find("\n", start)
            heading = _heading(text[start:end] if end >= 0 else text[start:], number + 1, path)
            if heading:
                found.append((number, heading))
            start = _hash_line(text, end) if end >= 0 else -1
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


class _ImageMatch(Record, frozen=True):
    """One ``![alt](target "title")``, ``![alt][ref]`` or ``![alt]`` in a text."""

    start: int
    end: int
    alt: str
    inline: str | None  # the target written in the parentheses
    ref: str | None  # the label in ``[ref]``; None for ``![alt]`` alone
    nested: bool  # inside another image's description


class _Next:
    """The first position at or after ``k`` of any of some characters, by bisection."""

    def __init__(self, text: str, pattern: str) -> None:
        self.text = text
        self.positions = [m.start() for m in re.finditer(pattern, text)]

    def __call__(self, k: int) -> int:
        index = bisect.bisect_left(self.positions, k)
        return self.positions[index] if index < len(self.positions) else len(self.text)


def _closing_brackets(text: str) -> dict[int, int]:
    """Each ``[`` that is closed within its paragraph -> its ``]``, nesting and escapes kept."""
    closes: dict[int, int] = {}
    opened: list[int] = []
    for token in _BRACKET_TOKENS.finditer(text):
        char = token.group()
        if char == "[":
            opened.append(token.start())
        elif char == "]":
            if opened:
                closes[opened.pop()] = token.start()
        elif not char.startswith("\\"):  # a blank line: brackets do not span paragraphs
            opened.clear()
    return closes


def _image_matches(text: str) -> list[_ImageMatch]:
    """Every image, left to right, in one pass plus a bisection per image: linear time.

    The description may hold brackets (``![a [b] c](x)``), as pandoc reads it,
    and images of its own, which are listed too (marked ``nested``).
    """
    closes = _closing_brackets(text)
    angled_end, bare_end = _Next(text, r"[>\n]"), _Next(text, r"[)\s]")
    paren, bracket = _Next(text, r"\)"), _Next(text, r"\]")
    found: list[_ImageMatch] = []
    alt_end = position = 0  # the last outer image's description ends, then the image
    for opening in sorted(closes):
        start = opening - 1
        nested = start < alt_end
        if alt_end <= start < position or start < 0 or text[start] != "!":
            continue
        if start and text[start - 1] == "\\":
            continue
        close = closes[opening]
        alt = text[opening + 1 : close]
        end, inline, ref = close + 1, None, None
        after = text[end : end + 1]
        if after == "(":
            inline_end = _inline_target(text, end + 1, angled_end, bare_end, paren)
            if inline_end is not None:
                end, inline = inline_end
        elif after == "[":
            label_end = bracket(end + 1)
            if label_end < len(text):
                ref, end = text[end + 1 : label_end], label_end + 1
        found.append(_ImageMatch(start, end, alt, inline, ref, nested))
        if not nested:
            alt_end, position = close, end
    return found


def _inline_target(
    text: str, k: int, angled_end: _Next, bare_end: _Next, paren: _Next
) -> tuple[int, str] | None:
    """``(end, target)`` of ``( target "title")`` from just inside the parenthesis, or None."""
    spaces = _SPACES.match(text, k)
    assert spaces is not None  # \s* matches the empty string
    k = spaces.end()
    if text.startswith("<", k):
        stop = angled_end(k + 1)
        if text[stop : stop + 1] != ">":
            return None
        target, k = text[k + 1 : stop], stop + 1
    else:
        stop = bare_end(k)
        if stop == k:
            return None
        target, k = text[k:stop], stop
    spaces = _SPACES.match(text, k)
    assert spaces is not None
    if spaces.end() > k and text[spaces.end() : spaces.end() + 1] in ('"', "'", "("):
        k = paren(spaces.end())  # a title runs to the first ")"
    else:
        k = spaces.end()
    if text[k : k + 1] != ")":
        return None
    return k + 1, target


def find_images(text: str, path: Path) -> list[Image]:
    """Every image in the text (inline or by reference), with where it stands."""
    if "!" not in text or "![" not in text:  # "!" alone is found at memchr speed
        return []
    references = _references(text)
    images = []
    for match in _image_matches(text):
        target = _image_target(match, references)
        if target is None:
            continue  # "![text]" with no definition is text, not an image
        line, column = line_and_column(text, match.start)
        alt = " ".join(match.alt.split())
        decorative = _DECORATIVE.match(text, match.end) is not None
        images.append(Image(target, Location(path, line, column), alt=alt, decorative=decorative))
    return images


def _references(text: str) -> dict[str, str]:
    """Reference definitions ("[label]: target"), labels normalised as pandoc matches them."""
    return {
        " ".join(m.group("label").lower().split()): m.group("angled") or m.group("bare")
        for m in _REFERENCE.finditer(text)
    }


def _image_target(match: _ImageMatch, references: dict[str, str]) -> str | None:
    """The target of one image, following a reference; None for text like "![x]"."""
    if match.inline is not None:
        return match.inline.strip()
    label = match.ref or match.alt
    target = references.get(" ".join(label.lower().split()))
    return target.strip() if target is not None else None


def rewrite_images(text: str, targets: dict[str, str]) -> str:
    """Every image pointed at ``targets[its target]``; an image not in ``targets`` becomes its
    caption. Reference definitions point nowhere, so pandoc reads no other file."""
    if "![" not in text and "]:" not in text:
        return text
    references = _references(text)
    parts: list[str] = []
    position = 0
    for match in _image_matches(text) if "![" in text else []:
        target = _image_target(match, references)
        if target is None or match.nested:
            continue
        new = targets.get(target)
        # an image inside the description becomes a link: it names no file pandoc reads
        alt = match.alt.replace("![", "\\![")
        parts += [text[position : match.start], f"![{alt}](<{new}>)" if new else alt]
        position = match.end
    parts.append(text[position:])

    def definition(match: re.Match[str]) -> str:
        return f"[{match.group('label')}]: #"

    return _REFERENCE.sub(definition, "".join(parts))


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
