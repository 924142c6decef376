"""The template as typed data: fields, quick-facts rows, parts, sections, criteria, phrases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalcli.records import Record, field

if TYPE_CHECKING:
    from evalcli.template.fieldtypes import FieldType

Labels = dict[str, str]

# the fields generic code reads (render, document properties, output names), by what
# they are for, and the field types each may have. A template names its fields for
# them under ``roles:``; a role it leaves out is the field of the same key, if any.
ROLES: dict[str, tuple[str, ...]] = {
    "title": ("text",),
    "subtitle": ("text",),
    "project_code": ("project_codes", "text"),
    "countries": ("countries",),
    "locale": ("locale",),
    "consultants": ("people",),
    "keywords": ("text_list",),
}

BUNDLED_DIR = Path(__file__).parent / "bundled"  # the templates shipped with evalcli


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is in a template evalcli ships: its patterns and parsed form are
    evalcli's own, kept between runs; a project's own template's never are."""
    return path.is_relative_to(BUNDLED_DIR)


class Field(Record, frozen=True):
    """One metadata key of evaluation.yaml, and the type that parses, prints and exports it."""

    key: str
    type: FieldType[Any]
    required: bool
    labels: Labels
    help: Labels = field(default_factory=dict)  # per language
    aliases: tuple[str, ...] = ()
    options: dict[str, Labels] = field(default_factory=dict)
    roles: dict[str, Labels] = field(default_factory=dict)
    join: str = "and"


class Row(Record, frozen=True):
    """One line of the quick-facts block: one field, or several under one label."""

    id: str
    fields: tuple[str, ...]
    labels: Labels
    format: str = "single"  # single | period (start to end) | dash (first – second) | words
    aliases: tuple[str, ...] = ()
    fixed: tuple[tuple[str, str], ...] = ()  # (field, option key) an edition's label implies


class EditionLabel(Record, frozen=True):
    """One label an edition printed: its language and the row it fills (None: kept in extra)."""

    text: str
    lang: str
    row: Row | None


class Edition(Record, frozen=True):
    """One edition of the template as the archive holds it, for import and check.

    ``lacks``: fields its documents never had; ``marks``: headings only it prints;
    ``report``: it is a full report's cover, whose summary is the executive summary chapter.
    """

    id: str
    name: Labels  # per language ("the Quick Facts summary (2009–2016)")
    labels: tuple[EditionLabel, ...] = ()
    marks: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    report: bool = False


class Attribute(Record, frozen=True):
    """A follow-up fact an item heading may carry, such as a priority."""

    key: str
    labels: Labels
    options: dict[str, Labels] = field(default_factory=dict)


class SectionSpec(Record, frozen=True):
    """One section file of a report."""

    id: str
    file: str
    kind: str  # prose | items
    required: bool
    labels: Labels
    help: Labels = field(default_factory=dict)  # per language
    prefix: Labels = field(default_factory=dict)
    show_heading: bool = True
    criteria: bool = False
    aliases: tuple[str, ...] = ()
    follow_up: tuple[str, ...] = ()
    attributes: dict[str, Attribute] = field(default_factory=dict)

    @property
    def items(self) -> bool:
        return self.kind == "items"


class Part(Record, frozen=True):
    """A top-level division of the document, holding one or more sections."""

    id: str
    labels: Labels
    sections: tuple[str, ...]
    aliases: tuple[str, ...] = ()


class Criterion(Record, frozen=True):
    """An OECD-DAC criterion and its names in each language."""

    id: str
    names: dict[str, tuple[str, ...]]


class AnnexField(Record, frozen=True):
    """One row of an annex page: a field an item carries under a ``### Heading`` of its own.

    ``key`` is i-eval Discovery's name for the field (export uses it); ``labels``
    are the row labels of the ILO template; ``headings`` the short subheadings an
    author writes in the item. ``from_item``: the item's own text stands in for it.
    """

    key: str
    labels: Labels
    headings: Labels
    required: bool = True
    from_item: bool = False
    aliases: tuple[str, ...] = ()
    help: Labels = field(default_factory=dict)  # per language

    @property
    def names(self) -> tuple[str, ...]:
        """Every way to name the field: its key, headings, labels and aliases."""
        return (
            self.key.replace("_", " "),
            *self.headings.values(),
            *self.labels.values(),
            *self.aliases,
        )


class AnnexSpec(Record, frozen=True):
    """The annex page of one item section (the ILO lesson-learned template, say)."""

    section: str
    title: Labels
    intro: Labels
    element: Labels  # the heading of the label column ("LL Element")
    fields: tuple[AnnexField, ...]

    def field(self, key: str) -> AnnexField | None:
        return next((f for f in self.fields if f.key == key), None)


class Annexes(Record, frozen=True):
    """The annex pages ``build --annexes`` writes: one page per item of each section here."""

    document: Labels  # what the annex document is, e.g. "Lessons learned and good practices"
    text: Labels  # the heading of the text column
    header: tuple[Row, ...]  # project title, code, evaluator, date: one field each
    sections: dict[str, AnnexSpec]
    colon: Labels = field(default_factory=dict)  # after a header label: ":", French " :"


class Template(Record, eq=False):
    """A template folder, loaded."""

    name: str
    path: Path
    title: str
    languages: tuple[str, ...]
    fields: dict[str, Field]
    rows: list[Row]
    parts: list[Part]
    sections: dict[str, SectionSpec]
    criteria: list[Criterion]
    date_order: list[tuple[str, str]]
    document: dict[str, Labels]
    placeholder_phrases: list[str]
    placeholder_patterns: list[tuple[tuple[str, ...], str]]
    page_limit: int | None
    page_limit_source: str = ""
    annexes: Annexes | None = None
    editions: tuple[Edition, ...] = ()
    country_names: dict[str, str] = field(default_factory=dict)  # as the archive writes them
    option_words: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    contents_headings: tuple[str, ...] = ()  # "Table of contents": a full report's, skipped

    def edition(self, edition_id: str) -> Edition | None:
        """The edition called ``edition_id``, if the template knows it."""
        return next((e for e in self.editions if e.id == edition_id), None)

    roles: dict[str, str] = field(default_factory=dict)  # role -> the key of its field

    def role(self, name: str) -> str | None:
        """The key of the field that plays ``name`` (one of ``ROLES``), if the template has one."""
        return self.roles.get(name)

    def phrase(self, name: str, lang: str) -> str:
        """A fixed phrase of the document (disclaimer, "Page X of Y" ...) in a language."""
        return self.document[name][lang]

    @property
    def reference_docx(self) -> Path:
        return self.path / "reference.docx"

    @property
    def item_sections(self) -> list[str]:
        return [sid for sid, spec in self.sections.items() if spec.items]
