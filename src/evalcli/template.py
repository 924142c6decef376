"""The template folder as typed data: fields, quick-facts rows, sections, rules."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evalcli.errors import TemplateError
from evalcli.yamlsource import YAML_LOADER

TEMPLATES_DIR = Path(__file__).parent / "templates"
DEFAULT_TEMPLATE = "ilo_summary"

Labels = dict[str, str]


@dataclass(frozen=True)
class Field:
    """One metadata key of evaluation.yaml."""

    key: str
    type: str
    required: bool
    labels: Labels
    help: str = ""
    aliases: tuple[str, ...] = ()
    options: dict[str, Labels] = field(default_factory=dict)
    roles: dict[str, Labels] = field(default_factory=dict)
    join: str = "and"


@dataclass(frozen=True)
class Row:
    """One line of the quick-facts block: one field, or several under one label."""

    id: str
    fields: tuple[str, ...]
    labels: Labels
    format: str = "single"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attribute:
    """A follow-up fact an item heading may carry, such as a priority."""

    key: str
    labels: Labels
    options: dict[str, Labels] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionSpec:
    """One section file of a report."""

    id: str
    file: str
    kind: str
    required: bool
    labels: Labels
    help: str = ""
    prefix: Labels = field(default_factory=dict)
    show_heading: bool = True
    criteria: bool = False
    aliases: tuple[str, ...] = ()
    follow_up: tuple[str, ...] = ()
    attributes: dict[str, Attribute] = field(default_factory=dict)

    @property
    def items(self) -> bool:
        return self.kind == "items"


@dataclass(frozen=True)
class Part:
    """A top-level division of the document, holding one or more sections."""

    id: str
    labels: Labels
    sections: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """An OECD-DAC criterion and its names in each language."""

    id: str
    names: dict[str, tuple[str, ...]]


@dataclass(eq=False)
class Template:
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

    def phrase(self, name: str, lang: str) -> str:
        """A fixed phrase of the document (disclaimer, "Page X of Y" ...) in a language."""
        return self.document[name][lang]

    @property
    def reference_docx(self) -> Path:
        return self.path / "reference.docx"


def _labels(raw: Any, where: str, languages: tuple[str, ...]) -> Labels:
    """Text in every language, and nothing else (a stray key is usually an unquoted comma)."""
    if (
        not isinstance(raw, dict)
        or set(raw) != set(languages)
        or not all(isinstance(v, str) and v for v in raw.values())
    ):
        raise TemplateError(
            f"{where}: labels must give exactly {', '.join(languages)}, each as text "
            f"(got {raw!r}; quote a label that holds a comma)"
        )
    return {str(k): str(v) for k, v in raw.items()}


def _options(raw: Any, where: str, languages: tuple[str, ...]) -> dict[str, Labels]:
    return {str(k): _labels(v, f"{where}.{k}", languages) for k, v in (raw or {}).items()}


def _build(data: dict[str, Any], path: Path) -> Template:
    where = str(path / "template.yaml")
    languages = tuple(data.get("languages") or ())
    if not languages:
        raise TemplateError(f"{where}: 'languages' is missing")
    fields: dict[str, Field] = {}
    for raw in data.get("fields", []):
        key = raw["key"]
        fields[key] = Field(
            key=key,
            type=raw["type"],
            required=bool(raw.get("required", False)),
            labels=_labels(raw.get("labels"), f"{where}: field {key}", languages),
            help=raw.get("help", ""),
            aliases=tuple(raw.get("aliases", ())),
            options=_options(raw.get("options"), f"{where}: field {key}", languages),
            roles=_options(raw.get("roles"), f"{where}: field {key}", languages),
            join=raw.get("join", "and"),
        )
    rows: list[Row] = []
    for raw in data.get("quick_facts", []):
        if isinstance(raw, str):
            if raw not in fields:
                raise TemplateError(f"{where}: quick_facts names unknown field '{raw}'")
            spec = fields[raw]
            rows.append(Row(raw, (raw,), spec.labels, aliases=spec.aliases))
            continue
        unknown = [key for key in raw["fields"] if key not in fields]
        if unknown:
            raise TemplateError(f"{where}: quick_facts row {raw['id']} names unknown {unknown}")
        rows.append(
            Row(
                raw["id"],
                tuple(raw["fields"]),
                _labels(raw.get("labels"), f"{where}: row {raw['id']}", languages),
                raw.get("format", "single"),
                tuple(raw.get("aliases", ())),
            )
        )
    sections: dict[str, SectionSpec] = {}
    for raw in data.get("sections", []):
        sid = raw["id"]
        attributes = {
            key: Attribute(
                key,
                _labels(spec.get("labels"), f"{where}: {sid}.{key}", languages),
                _options(spec.get("options"), f"{where}: {sid}.{key}", languages),
            )
            for key, spec in (raw.get("attributes") or {}).items()
        }
        sections[sid] = SectionSpec(
            id=sid,
            file=raw.get("file", f"{sid}.md"),
            kind=raw.get("kind", "prose"),
            required=bool(raw.get("required", False)),
            labels=_labels(raw.get("labels"), f"{where}: section {sid}", languages),
            help=raw.get("help", ""),
            prefix=raw.get("prefix") or {},
            show_heading=bool(raw.get("show_heading", True)),
            criteria=bool(raw.get("criteria", False)),
            aliases=tuple(raw.get("aliases", ())),
            follow_up=tuple(raw.get("follow_up", ())),
            attributes=attributes,
        )
    parts = [
        Part(
            raw["id"],
            _labels(raw.get("labels"), f"{where}: part", languages),
            tuple(raw["sections"]),
            tuple(raw.get("aliases", ())),
        )
        for raw in data.get("parts", [])
    ]
    for part in parts:
        for sid in part.sections:
            if sid not in sections:
                raise TemplateError(f"{where}: part {part.id} names unknown section '{sid}'")
    criteria = [
        Criterion(raw["id"], {lang: tuple(names) for lang, names in raw["names"].items()})
        for raw in data.get("criteria", [])
    ]
    placeholders = data.get("placeholders") or {}
    return Template(
        name=data.get("name", path.name),
        path=path,
        title=data.get("title", path.name),
        languages=languages,
        fields=fields,
        rows=rows,
        parts=parts,
        sections=sections,
        criteria=criteria,
        date_order=[(a, b) for a, b in data.get("date_order", [])],
        document={
            key: _labels(value, f"{where}: document.{key}", languages)
            for key, value in (data.get("document") or {}).items()
        },
        placeholder_phrases=list(placeholders.get("phrases", [])),
        placeholder_patterns=[
            (tuple(p.get("contains", ())), p["regex"]) if isinstance(p, dict) else ((), p)
            for p in placeholders.get("patterns", [])
        ],
        page_limit=(data.get("limits") or {}).get("pages"),
        page_limit_source=(
            f" ({data['limits']['source']})" if (data.get("limits") or {}).get("source") else ""
        ),
    )


def template_dir(name_or_path: str, base: Path | None = None) -> Path:
    """Where a template lives: a built-in name, or a folder relative to ``base``."""
    builtin = TEMPLATES_DIR / name_or_path
    if re.fullmatch(r"[A-Za-z0-9_\-]+", name_or_path) and builtin.is_dir():
        return builtin
    candidate = (base or Path.cwd()) / name_or_path
    if (candidate / "template.yaml").is_file():
        return candidate
    known = ", ".join(sorted(p.name for p in TEMPLATES_DIR.iterdir() if p.is_dir()))
    raise TemplateError(
        f"no template '{name_or_path}': use one of {known}, or a folder holding a template.yaml"
    )


@functools.cache
def load_template(path: Path) -> Template:
    """Load (once per process) the template in a folder."""
    source = path / "template.yaml"
    try:
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except OSError as exc:
        raise TemplateError(f"cannot read {source}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: expected a mapping at the top")
    try:
        return _build(data, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(f"{source}: malformed entry ({exc})") from exc


def builtin_template(name: str = DEFAULT_TEMPLATE) -> Template:
    """A template shipped with evalcli."""
    return load_template(template_dir(name))
