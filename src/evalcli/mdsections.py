"""Split a section's Markdown into headings and items, keeping line numbers.

Only ATX headings (``## Title``) outside fenced code blocks count. A heading
may end in pandoc-style attributes: ``## Title {key="value" other=x}``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from evalcli.model import Heading, Image, Item, Location, Section

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTRS = re.compile(r"[ \t]*\{([^{}]*)\}$")
# A number the author typed before an item's title ("R1. ", "BP.4 ", "LA 2)"); the
# compiler numbers items, so check warns about it and render leaves it out.
OWN_NUMBER = re.compile(r"^\s*[A-Za-z]{1,3}\s*\.?\s*\d{1,2}\s*[.):\-–]?\s+")
_UNCLOSED_ATTRS = re.compile(r"\{[^{}]*\w+=[^{}]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


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


def _heading(line: str, number: int, path: Path) -> Heading | None:
    match = _HEADING.match(line)
    if not match:
        return None
    text = _CLOSING_HASHES.sub("", match.group(2))
    attrs: dict[str, str] = {}
    error = None
    attr_match = _ATTRS.search(text)
    if attr_match:
        attrs, error = parse_attributes(attr_match.group(1))
        text = text[: attr_match.start()]
    elif _UNCLOSED_ATTRS.search(text):
        error = "the attribute list has no closing '}'; end the heading with }"
    return Heading(len(match.group(1)), text.strip(), attrs, Location(path, number, 1), error)


_ANY_HEADING = re.compile(r"^#{1,6}[ \t].*$", re.MULTILINE)


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


_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")


def find_images(text: str, path: Path) -> list[Image]:
    """Every ``![caption](target)`` in the text, with where it stands."""
    if "![" not in text:
        return []
    images = []
    for match in _IMAGE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        images.append(Image(match.group(1), Location(path, line, column)))
    return images


def parse_section(section_id: str, text: str, path: Path, items: bool) -> Section:
    """A Section; for item sections, each level-2 heading starts an item."""
    located = find_headings(text, path)
    section = Section(section_id, path, text, [heading for _, heading in located])
    section.images = find_images(text, path)
    if not items:
        return section
    lines = text.split("\n")
    starts = [(index, heading) for index, heading in located if heading.level == 2]
    first = starts[0][0] if starts else len(lines)
    section.intro = "\n".join(lines[:first]).strip()
    for position, (index, heading) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        body = "\n".join(lines[index + 1 : end]).strip()
        section.items.append(Item(heading, body))
    return section
