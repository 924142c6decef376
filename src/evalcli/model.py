"""Plain data types shared by every step: locations, YAML nodes, sections, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Location(NamedTuple):
    """A place in a source file; line and column count from 1.

    A named tuple rather than a dataclass: YAML gives every key and value one,
    and tuples are several times cheaper to create.
    """

    file: Path
    line: int = 1
    column: int = 1


@dataclass
class Scalar:
    """A YAML scalar kept as its source text; ``None`` for null or empty."""

    text: str | None
    loc: Location


@dataclass
class Seq:
    """A YAML sequence."""

    items: list[Node]
    loc: Location


@dataclass
class Entry:
    """One key of a YAML mapping, with where the key itself stands."""

    key: str
    key_loc: Location
    value: Node


@dataclass
class Map:
    """A YAML mapping, in source order."""

    entries: dict[str, Entry]
    loc: Location

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry.value if entry else None


Node = Scalar | Seq | Map


def plain(node: Node | None) -> object:
    """The node as plain Python data (strings, lists, dicts, None)."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, Seq):
        return [plain(item) for item in node.items]
    return {key: plain(entry.value) for key, entry in node.entries.items()}


def is_empty(node: Node | None) -> bool:
    """True for a missing value, null, an empty string, list or mapping."""
    if node is None:
        return True
    if isinstance(node, Scalar):
        return node.text is None or not node.text.strip()
    if isinstance(node, Seq):
        return not node.items
    return not node.entries


@dataclass
class Heading:
    """An ATX heading in a section file."""

    level: int
    text: str
    attrs: dict[str, str]
    loc: Location
    attr_error: str | None = None


@dataclass
class Item:
    """One numbered item (a lesson, good practice or recommendation)."""

    heading: Heading
    body: str

    @property
    def title(self) -> str:
        return self.heading.text


@dataclass
class Section:
    """A section file: its text, headings and, for item sections, its items."""

    id: str
    path: Path
    text: str
    headings: list[Heading] = field(default_factory=list)
    intro: str = ""
    items: list[Item] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


@dataclass
class Image:
    """An image a section refers to (``![caption](file.png)``), and whether load found it."""

    target: str
    loc: Location
    file: Path | None = None  # the file inside the report folder, when it exists there


@dataclass
class Finding:
    """One problem found in a report."""

    severity: Severity
    code: str
    message: str
    loc: Location
    field: str | None = None
    section: str | None = None
    fatal: bool = False


@dataclass
class Report:
    """A loaded report folder. Only parsing has happened; nothing is checked."""

    path: Path
    metadata: Map
    metadata_path: Path
    sections: dict[str, Section]
    missing: dict[str, Path]
    load_findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.resolve().name

    def value(self, key: str) -> Node | None:
        return self.metadata.get(key)
