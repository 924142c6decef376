"""A loaded report: its metadata nodes and its section files, split into headings and items."""

from __future__ import annotations

from pathlib import Path

from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import Message
from evalcli.records import Record, field
from evalcli.yamlnodes import Map, Node


class Heading(Record):
    """An ATX heading in a section file."""

    level: int
    text: str
    attrs: dict[str, str]
    loc: Location
    attr_error: Message | None = None


class AnnexEntry(Record):
    """One annex field an item carries under a ``### Name`` subheading (see template annexes).

    ``key`` is None when the subheading, among annex fields, names no field.
    """

    key: str | None
    heading: Heading
    text: str


class Item(Record):
    """One numbered item (a lesson, good practice or recommendation).

    ``body`` is the text the summary prints; ``annex`` the fields below it that
    only the annex pages print.
    """

    heading: Heading
    body: str
    annex: list[AnnexEntry] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.heading.text

    def annex_text(self, key: str) -> str | None:
        """The text of an annex field (joined, if given twice), or None when not given."""
        texts = [entry.text for entry in self.annex if entry.key == key]
        return "\n\n".join(texts) if texts else None


class Image(Record):
    """An image a section refers to (``![caption](file.png)``), and the file load found for it."""

    target: str
    loc: Location
    file: Path | None = None  # a regular file inside the report folder, within the limits
    problem: Message | str | None = None  # why there is no file: missing, outside, too large
    code: FindingCode = FindingCode.MISSING_IMAGE
    alt: str = ""  # its description, the text in the brackets
    decorative: bool = False  # marked {.decorative}: no description needed


class Section(Record):
    """A section file: its text, headings and, for item sections, its items."""

    id: str
    path: Path
    text: str
    headings: list[Heading] = field(default_factory=list)
    intro: str = ""
    items: list[Item] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


class Report(Record):
    """A loaded report folder. Only parsing has happened; nothing is checked."""

    path: Path
    metadata: Map
    metadata_path: Path
    sections: dict[str, Section]
    missing: dict[str, Path]
    load_findings: list[Finding] = field(default_factory=list)
    metadata_usable: bool = True  # False when evaluation.yaml could not be read or parsed

    @property
    def name(self) -> str:
        return self.path.resolve().name

    def value(self, key: str) -> Node | None:
        return self.metadata.get(key)
