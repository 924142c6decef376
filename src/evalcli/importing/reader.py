"""Read a summary's blocks into metadata and section texts, noting what was not placed."""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path
from typing import Any

from evalcli import regexes
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import Message, msg, nmsg
from evalcli.importing.annexes import AnnexReader, merge_pages
from evalcli.importing.blocks import Block
from evalcli.importing.front import fact_lines, is_kind, strip_bullet
from evalcli.importing.fullreport import ChapterGate
from evalcli.importing.quickfacts import CURRENT, LabelIndex, label_index, label_key, read_fact
from evalcli.records import Record, field
from evalcli.report.markdown import format_attributes, item_number, strip_emphasis, unescape
from evalcli.template.spec import SectionSpec, Template
from evalcli.text import fold, fold_key, match_option, matches_any

# linear: the value is greedy and its trailing space and backslash are cut in code
_FOLLOW_UP_LINE = regexes.compile(r"^\*\*(?P<label>[^*]+?):\*\*(?P<value>.*)$")
_SENTENCE_ENDS = frozenset(".!?:;)»”\"'’*_")


@functools.lru_cache(maxsize=256)
def _fold_phrase(phrase: str) -> str:
    """A template phrase folded once, not again for every block of the file."""
    return fold(phrase).replace("’", "'")


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in _SENTENCE_ENDS if text.strip() else False


def _follow_up_value(raw: str) -> str:
    """A follow-up line's value: no space around it, no trailing line-break backslash."""
    value = raw.strip()
    return value[:-1].rstrip() if value.endswith("\\") else value


_EVALUATION_WORDS = ("evaluacion", "evaluation")


class Item(Record):
    title: str
    attrs: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)


class SectionText(Record):
    """A section being assembled: prose blocks, or items."""

    spec: SectionSpec
    blocks: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, text, level)
    items: list[Item] = field(default_factory=list)


class Imported(Record):
    """What an import found."""

    lang: str
    metadata: dict[str, Any]
    extra: dict[str, str]
    sections: dict[str, str]
    unplaced: list[str]
    findings: list[Finding]
    joined: int = 0
    item_counts: dict[str, int] = field(default_factory=dict)  # section label -> items
    edition: str = CURRENT  # the template edition whose labels the document uses
    skipped: dict[str, int] = field(default_factory=dict)  # what import left out -> how many

    @property
    def facts(self) -> int:
        return len([k for k in self.metadata if k not in ("template", "language")])


class _Reader:
    def __init__(self, template: Template, lang: str | None, source: Path, lines: bool) -> None:
        self.template = template
        self.source = source
        self.lines = lines  # False for a DOCX: its Markdown's line numbers mean nothing to a user
        self.forced_lang = lang
        self.votes: Counter[str] = Counter()
        self.labels = label_index(template)
        self.metadata: dict[str, Any] = {}
        self.extra: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.unplaced: list[str] = []
        self.sections: dict[str, SectionText] = {}
        self.current: SectionText | None = None
        self.started = False  # past the quick facts, into the sections
        self.title_seen = False
        self.plain_headings = True  # no Markdown headings at all: find them by their shape
        self.part_sections: tuple[str, ...] = ()
        self.annexes = AnnexReader(template, self.votes)  # annex pages, if the file has any
        self.edition_votes: dict[str, float] = {}
        self.skipped: Counter[str] = Counter()
        self.gate = ChapterGate(template, self.is_division, self.is_report)
        self.title_guessed = False  # the title came from the first line, not a label
        self.last_fact: tuple[str, str, Block, list[str], int] | None = None

    def note(self, code: FindingCode, line: int, message: Message) -> None:
        loc = Location(self.source, line if self.lines else 0, 1 if self.lines else 0)
        self.findings.append(Finding.of(code, message, loc))

    # --- recognisers -------------------------------------------------------------
    @staticmethod
    @functools.lru_cache(maxsize=4096)  # the template's labels are keyed again for every block
    def _heading_key(text: str) -> str:
        """A heading folded for matching, without its numbering ("1.", "II.", "A)")."""
        text = re.sub(r"^\s*(?:\d+|[IVX]+|[A-H])[.)]\s+", "", strip_emphasis(text))
        return fold_key(text.replace("&", " and "))

    def _matches(
        self, labels: dict[str, str], aliases: tuple[str, ...], text: str
    ) -> set[str] | None:
        """The languages of the labels ``text`` is (empty for an alias), or None."""
        key = self._heading_key(text)
        langs = {lang for lang, label in labels.items() if self._heading_key(label) == key}
        if langs:
            return langs
        return set() if key in {self._heading_key(a) for a in aliases} else None

    def is_report(self) -> bool:
        """The quick facts so far are a full report's cover (by the edition they print)."""
        edition = self.template.edition(self.edition())
        return edition is not None and edition.report

    def is_division(self, text: str) -> bool:
        """``text`` names a part or a section of the summary (no language vote)."""
        named = [(p.labels, p.aliases) for p in self.template.parts] + [
            (s.labels, s.aliases) for s in self.template.sections.values()
        ]
        return any(self._matches(labels, aliases, text) is not None for labels, aliases in named)

    def part(self, text: str) -> tuple[str, ...] | None:
        for part in self.template.parts:
            langs = self._matches(part.labels, part.aliases, text)
            if langs is not None:
                self.votes.update(langs)
                return part.sections
        return None

    def section(self, text: str) -> SectionSpec | None:
        for spec in self.template.sections.values():
            langs = self._matches(spec.labels, spec.aliases, text)
            if langs is not None:
                self.votes.update(langs)
                return spec
        return None

    def is_fixed_text(self, text: str) -> bool:
        """The document kind ("Resumen Ejecutivo") or the standard disclaimer."""
        key = fold(strip_emphasis(text))
        for name in ("kind", "disclaimer"):
            for lang, phrase in self.template.document.get(name, {}).items():
                folded = _fold_phrase(phrase)
                if key.replace("’", "'") == folded or (
                    name == "disclaimer" and key.replace("’", "'").startswith(folded[:60])
                ):
                    self.votes[lang] += 1
                    return True
        return False

    def looks_like_heading(self, block: Block, following: Block | None) -> bool:
        if block.kind == "heading":
            return True
        text = block.text
        if "\n" in text or following is None or following.kind != "para":
            return False
        bold = re.fullmatch(r"\*\*([^*]+)\*\*", text)
        if bold:
            return True
        if not self.plain_headings:
            return False
        return (
            len(text) <= 150
            and len(text.split()) <= 20
            and not _ends_sentence(text)
            and (text[:1].isupper() or text[:1].isdigit())
        )

    # --- the front: title and quick facts ------------------------------------------
    @staticmethod
    def _label_value(block: Block, known: LabelIndex) -> tuple[str, str, bool] | None:
        """A quick-facts line as (label, value, whether a colon or a cell divides them): a
        table row, "Label: value", or a known label and its value with no colon."""
        if block.kind == "row":
            cells = [c for c in block.cells if c.strip()]
            if len(cells) >= 2:
                return cells[0], " ".join(cells[1:]), True
            if not cells:
                return None
            text = cells[0]
        else:
            text = block.text
        text = strip_bullet(text)
        found = known.prefix(text)
        if found:
            label, value = found
            return label, value, text[len(label) :].lstrip(" *\t").startswith(":")
        # any short text before the first colon
        label, colon, value = text.partition(":")
        return (label, value, True) if colon and len(label) <= 80 else None

    def fact(self, block: Block) -> bool:
        pair = self._label_value(block, self.labels)
        if pair is None:
            return False
        label, value, divided = pair
        found = self.labels.match(label)
        clean_label = strip_emphasis(label).strip().rstrip(":").strip()
        if found is None:
            self.extra[clean_label] = strip_emphasis(value.strip())
            self.note(
                FindingCode.IMPORT_UNMATCHED,
                block.line,
                msg(
                    "'{label}' matches no field of the {template} template; kept under extra",
                    label=clean_label,
                    template=self.template.name,
                ),
            )
            return True
        row = found.row
        result = read_fact(row, value.strip(), self.lang(), self.template)
        if not divided and row.fields and (result.kept or not result.values):
            return False  # "Final Evaluation of the project ..." is a title, not a fact
        self.votes.update(found.langs)
        weight = 1 / len(found.editions)
        for edition in found.editions:
            self.edition_votes[edition] = self.edition_votes.get(edition, 0) + weight
        if not result.values:
            self.extra[clean_label] = strip_emphasis(value.strip())
        for key, parsed in result.values.items():
            if key == "title" and self.title_guessed:
                self.replace_title(str(parsed))
                continue
            if key in self.metadata:
                if self.metadata[key] == parsed:
                    continue
                self.note(
                    FindingCode.IMPORT_DUPLICATE,
                    block.line,
                    msg(
                        "{field} is given twice; the first value is kept, "
                        "the second goes under extra",
                        field=key,
                    ),
                )
                self.extra[clean_label] = strip_emphasis(value.strip())
                continue
            self.metadata[key] = parsed
        for kept in result.kept:
            self.note(FindingCode.IMPORT_KEPT, block.line, kept)
        self.last_fact = (label, value, block, list(result.values), len(self.findings))
        return True

    def replace_title(self, title: str) -> None:
        """The cover's "Evaluation Title" row wins over a title guessed from the first line."""
        guessed = self.metadata.get("title")
        if guessed and fold(str(guessed)) != fold(title):
            self.unplaced.append(str(guessed))
        self.metadata["title"] = title
        self.title_guessed = False
        self.title_seen = True

    def front(self, block: Block) -> None:
        """A block before the sections: the title, quick facts (several to a paragraph, a
        value wrapped onto a line of its own), the edition's marks, or unplaced text."""
        if block.kind != "row" and self.edition_mark(block.text):
            return
        if block.kind == "heading" and block.level == 1 and not self.title_seen:
            self.title(block.text)
            return
        if block.kind == "para" and self.continues_fact(block.text):
            return
        for line in fact_lines(block, self.labels):
            if line.kind == "para" and self.edition_mark(line.text):
                continue
            if line.kind == "para" and self.continues_fact(line.text):
                continue
            if self.fact(line):
                continue
            self.last_fact = None
            if not self.title_seen and line.kind in ("para", "heading"):
                self.title(line.text)
            else:
                self.place_nowhere(line)

    def edition_mark(self, text: str) -> bool:
        key = label_key(strip_emphasis(text))
        for edition in self.template.editions:
            if key and key in {label_key(mark) for mark in edition.marks}:
                self.edition_votes[edition.id] = self.edition_votes.get(edition.id, 0) + 2
                return True
        return False

    def continues_fact(self, text: str) -> bool:
        """A value wrapped onto a line of its own ("(CO-Bangkok)") goes back to its fact."""
        last = self.last_fact
        text = text.strip()
        if last is None or not text or "\n" in text or self.labels.prefix(strip_bullet(text)):
            return False
        label, value, block, keys, findings = last
        if not (
            text[:1] in "(/&"
            or text[:1].islower()
            or re.search(r"(?:[,&/(-]|\band|\by|\bet)$", value.strip())
        ):
            return False
        for key in keys:
            self.metadata.pop(key, None)
        del self.findings[findings:]
        joined = value.rstrip() + ("" if value.rstrip().endswith("-") else " ") + text
        self.fact(Block("para", f"{label}: {joined}", block.line))
        return True

    def title(self, text: str) -> None:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if len(lines) > 1 and is_kind(lines[0]) and "subtitle" not in self.metadata:
            self.metadata["subtitle"] = unescape(strip_emphasis(lines[0]))
            lines = lines[1:]
        text = unescape(strip_emphasis(" ".join(lines)))
        head, sep, tail = text.rpartition(" – ")
        if sep and any(word in fold(tail) for word in _EVALUATION_WORDS):
            self.metadata["title"], self.metadata["subtitle"] = head.strip(), tail.strip()
        elif is_kind(text) and "subtitle" not in self.metadata:
            self.metadata["subtitle"] = text  # "Independent Final Evaluation" above the title
            return
        else:
            self.metadata["title"] = text
        self.title_seen = True
        self.title_guessed = True

    def edition(self) -> str:
        """The edition whose labels the document printed most (a label several editions
        share counts for each in part); the current one if none."""
        order = [e.id for e in self.template.editions]
        votes = self.edition_votes
        if not votes:
            return CURRENT
        return max(votes, key=lambda e: (votes[e], -order.index(e) if e in order else 0))

    def lang(self) -> str:
        if self.forced_lang:
            return self.forced_lang
        languages = self.template.languages
        best = [lang for lang, _ in self.votes.most_common() if lang in languages]
        return best[0] if best else ("en" if "en" in languages else languages[0])

    # --- the sections -------------------------------------------------------------
    def enter(self, spec: SectionSpec) -> None:
        self.current = self.sections.setdefault(spec.id, SectionText(spec))
        self.started = True

    def add(self, block: Block, following: Block | None) -> None:
        if self.annexes.take(block) or self.gate.skip(block):
            return
        text = block.text
        part = self.part(text) if block.kind != "row" else None
        if part is not None:
            self.part_sections = part
            self.started = True
            self.current = None
            if len(part) == 1:
                self.enter(self.template.sections[part[0]])
            return
        spec = self.section(text) if block.kind != "row" and len(text) < 120 else None
        if spec is not None:
            self.enter(spec)
            return
        if self.is_fixed_text(text):
            return
        if not self.started:
            self.front(block)
            return
        if self.current is None:
            self.place_nowhere(block)
            return
        if self.current.spec.items:
            self.add_to_items(block, following)
        elif self.looks_like_heading(block, following):
            self.current.blocks.append(("heading", strip_emphasis(text), block.level))
        else:
            self.current.blocks.append(("para", text, 0))

    def add_to_items(self, block: Block, following: Block | None) -> None:
        assert self.current is not None
        spec = self.current.spec
        text = strip_emphasis(block.text) if block.kind == "heading" else block.text
        number = item_number(text.strip().lstrip("*"))
        numbered = bool(
            number
            and number.prefix
            and matches_any(number.prefix, spec.prefix.values())
            and (block.kind == "heading" or ("\n" not in text and len(text) < 300))
        )
        if numbered and number:
            self.current.items.append(Item(strip_emphasis(number.rest.strip().rstrip("*"))))
            return
        if (
            self.plain_headings
            and number
            and not number.prefix
            and self.looks_like_heading(block, following)
        ):
            # a PDF's or transcript's "1. Title" line, its text below it
            self.current.items.append(Item(number.rest.strip()))
            return
        if block.kind == "heading" or (
            self.looks_like_heading(block, following) and re.fullmatch(r"\*\*[^*]+\*\*", text)
        ):
            # a heading is an item; its own numbering ("1.", "R 2)") is left to the compiler
            title = strip_emphasis(text)
            found = item_number(title)
            self.current.items.append(Item(found.rest if found else title))
            return
        if self.current.items and self.follow_up(block.text, spec):
            return
        if not self.current.items:
            self.current.blocks.append(("para", block.text, 0))
            return
        self.current.items[-1].body.append(block.text)

    def follow_up(self, text: str, spec: SectionSpec) -> bool:
        """A block of "**Priority:** High" lines, as build prints them, back into attributes."""
        assert self.current is not None
        found: dict[str, str] = {}
        for line in text.split("\n"):
            match = _FOLLOW_UP_LINE.match(line.strip())
            if not match:
                return False
            key = next(
                (
                    k
                    for k, a in spec.attributes.items()
                    if matches_any(match.group("label"), a.labels.values())
                ),
                None,
            )
            if key is None:
                return False
            value = _follow_up_value(match.group("value"))
            found[key] = match_option(value, spec.attributes[key].options) or value
        self.current.items[-1].attrs.update(found)
        return bool(found)

    def place_nowhere(self, block: Block) -> None:
        self.unplaced.append(block.text)
        preview = block.text if len(block.text) < 60 else block.text[:57] + "..."
        self.note(
            FindingCode.IMPORT_UNPLACED,
            block.line,
            msg("could not place '{text}'; kept in unplaced.md", text=preview),
        )


def _join_broken(paragraphs: list[str]) -> tuple[list[str], int]:
    """Join paragraphs split mid-sentence (a page break in the source): "… el proyecto" +
    "desarrolló …". The words are kept exactly; only the break goes."""
    out: list[str] = []
    joined = 0
    for text in paragraphs:
        if (
            out
            and not _ends_sentence(out[-1])
            and text[:1].islower()
            and not out[-1].startswith("#")
        ):
            out[-1] = f"{out[-1]} {text}"
            joined += 1
        else:
            out.append(text)
    return out, joined


def _section_markdown(section: SectionText) -> tuple[str, int]:
    joined_total = 0
    levels = [level for kind, _text, level in section.blocks if kind == "heading" and level]
    top = min(levels) if levels else 0
    chunks: list[str] = []
    for kind, text, level in section.blocks:
        if kind == "heading":
            depth = 2 + (level - top if level and top else 0)
            chunks.append("#" * min(depth, 6) + " " + text)
        else:
            chunks.append(text)
    chunks, joined = _join_broken(chunks)
    joined_total += joined
    for item in section.items:
        chunks.append(f"## {item.title}{format_attributes(item.attrs)}")
        body, joined = _join_broken(item.body)
        joined_total += joined
        chunks.extend(body)
    return "\n\n".join(chunks).strip() + "\n", joined_total


def read_summary(
    meta: dict[str, object],
    blocks: list[Block],
    template: Template,
    source: Path,
    lang: str | None = None,
    lines: bool = True,
) -> Imported:
    """Metadata, sections and findings from the blocks of a summary (``lines``: they mean
    something to the user, as in a Markdown file, not in a DOCX)."""
    reader = _Reader(template, lang, source, lines)
    reader.plain_headings = not any(b.kind == "heading" for b in blocks)
    if isinstance(meta.get("title"), str):
        reader.title(str(meta["title"]))
    if isinstance(meta.get("subtitle"), str):
        reader.is_fixed_text(str(meta["subtitle"]))
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        reader.add(block, following)
    merge_pages(reader.annexes.pages, reader.sections, template, reader.lang(), SectionText, Item)
    reader.skipped.update(reader.gate.skipped)
    sections: dict[str, str] = {}
    joined = 0
    for sid, section in reader.sections.items():
        text, count = _section_markdown(section)
        if text.strip():
            sections[sid] = text
        joined += count
    language = reader.lang()
    edition = reader.edition()
    if edition != CURRENT and "edition" in template.fields:
        reader.metadata.setdefault("edition", edition)
    metadata: dict[str, Any] = {"template": template.name, "language": language}
    for key in template.fields:
        if key in reader.metadata:
            metadata[key] = reader.metadata[key]
    if joined:
        reader.lines, keep = False, reader.lines
        reader.note(
            FindingCode.IMPORT_JOINED,
            0,
            nmsg(
                "joined {n} paragraph that was split mid-sentence (a page break in the source); "
                "no words changed",
                "joined {n} paragraphs that were split mid-sentence (a page break in the source); "
                "no words changed",
                joined,
                n=joined,
            ),
        )
        reader.lines = keep
    counts = {
        spec.labels["en" if "en" in spec.labels else language].lower(): len(section.items)
        for sid, section in reader.sections.items()
        if (spec := template.sections[sid]).items and sid in sections
    }
    return Imported(
        language,
        metadata,
        reader.extra,
        sections,
        reader.unplaced,
        reader.findings,
        joined,
        counts,
        edition,
        dict(reader.skipped),
    )
