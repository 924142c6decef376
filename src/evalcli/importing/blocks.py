"""Markdown text -> a flat list of blocks: headings, paragraphs, table rows."""

from __future__ import annotations

import re
from pathlib import Path

from evalcli import regexes
from evalcli.records import Record, field
from evalcli.report.markdown import heading_text
from evalcli.text import normalize_newlines
from evalcli.yamlnodes import parse_yaml, plain

_TABLE_RULE = regexes.compile(r"^\|?[\s:|\-]+\|?$")


class Block(Record):
    """One block of the source, with the line it starts on."""

    kind: str  # "heading" | "para" | "row"
    text: str
    line: int
    level: int = 0
    cells: list[str] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _front_matter(text: str) -> object:
    """The YAML front matter as plain data; aliases and deep nesting are refused."""
    root, findings = parse_yaml(text, Path("front matter"))
    return None if findings else plain(root)


def split_blocks(text: str) -> tuple[dict[str, object], list[Block]]:
    """The YAML metadata block (if any) and the blocks that follow it."""
    lines = normalize_newlines(text).split("\n")
    meta: dict[str, object] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                loaded = _front_matter("\n".join(lines[1:end]))
                if isinstance(loaded, dict):
                    meta = loaded
                    start = end + 1
                break
    blocks: list[Block] = []
    paragraph: list[str] = []
    para_line = 0

    def flush() -> None:
        if paragraph:
            blocks.append(Block("para", "\n".join(paragraph).strip(), para_line))
            paragraph.clear()

    for index in range(start, len(lines)):
        line = lines[index]
        number = index + 1
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = heading_text(line)
        if heading and not paragraph:
            blocks.append(Block("heading", heading[1], number, level=heading[0]))
            continue
        if stripped.startswith("|") and not paragraph:
            if _TABLE_RULE.match(stripped):
                continue
            cells = _cells(stripped)
            if any(cells):
                blocks.append(Block("row", " | ".join(cells), number, cells=cells))
            continue
        if not paragraph:
            para_line = number
        paragraph.append(line.rstrip())
    flush()
    return meta, blocks
