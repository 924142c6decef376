"""Find a template folder and load its template.yaml, refusing a malformed one with file and line.

Templates are code as well as data (a Jinja skeleton, a pandoc Lua filter), so
a report may only *name* one: a template bundled with evalcli, or a template
folder the user allowed on the command line (``--template-dir``). A report
can never point at a folder of its own (see docs/security.md).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NoReturn

from evalcli import regexes
from evalcli.diagnostics import Location
from evalcli.errors import TemplateError, UnknownTemplateError
from evalcli.files import read_user_text
from evalcli.i18n import msg
from evalcli.limits import MAX_YAML_BYTES
from evalcli.template.fieldtypes import FIELD_TYPES
from evalcli.template.parsed import parse_template_yaml
from evalcli.template.spec import BUNDLED_DIR as BUNDLED_DIR  # re-exported
from evalcli.template.spec import (
    ROLES,
    Annexes,
    AnnexField,
    AnnexSpec,
    Attribute,
    Criterion,
    Edition,
    EditionLabel,
    Field,
    Labels,
    Part,
    Row,
    SectionSpec,
    Template,
    is_bundled,
)
from evalcli.text import fold_key
from evalcli.yamlnodes import Map, Node, Scalar, Seq

DEFAULT_TEMPLATE = "ilo_summary"
TEMPLATE_FILE = "template.yaml"
_NAME = regexes.compile(r"[A-Za-z0-9_\-]+")


class _Reader:
    """Typed access to located YAML nodes; every refusal names the file, line and column."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.languages: tuple[str, ...] = ()

    def fail(self, where: Node | Location, message: str) -> NoReturn:
        loc = where if isinstance(where, Location) else where.loc
        raise TemplateError(f"{loc.file}:{loc.line}:{loc.column}: {message}")

    def map(self, node: Node | None, what: str, where: Node | Location) -> Map:
        if node is None:
            return Map({}, where if isinstance(where, Location) else where.loc)
        if not isinstance(node, Map):
            self.fail(node, f"{what} must be a mapping of 'key: value' lines")
        return node

    def seq(self, node: Node | None, what: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, Seq):
            self.fail(node, f"{what} must be a list")
        return node.items

    def text(self, parent: Map, key: str, default: str | None = None) -> str:
        node = parent.get(key)
        if node is None or (isinstance(node, Scalar) and node.text is None):
            if default is None:
                self.fail(parent, f"'{key}' is missing here")
            return default
        if not isinstance(node, Scalar):
            self.fail(node, f"'{key}' must be text")
        return node.text or ""

    def texts(self, parent: Map, key: str) -> tuple[str, ...]:
        items = self.seq(parent.get(key), f"'{key}'")
        for item in items:
            if not isinstance(item, Scalar) or not item.text:
                self.fail(item, f"'{key}' must be a list of text")
        return tuple(item.text for item in items if isinstance(item, Scalar) and item.text)

    def flag(self, parent: Map, key: str, default: bool) -> bool:
        value = self.text(parent, key, str(default).lower()).lower()
        if value not in ("true", "false"):
            self.fail(parent.get(key) or parent, f"'{key}' must be true or false")
        return value == "true"

    def labels(self, node: Node | None, what: str, where: Node) -> Labels:
        """Text in every language, and nothing else (a stray key is usually an unquoted comma)."""
        found = self.map(node, what, where)
        texts = {k: e.value.text for k, e in found.entries.items() if isinstance(e.value, Scalar)}
        if set(found.entries) != set(self.languages) or not all(texts.values()):
            self.fail(
                found if node is not None else where,
                f"{what}: labels must give exactly {', '.join(self.languages)}, each as text "
                f"(got {', '.join(found.entries) or 'none'}; quote a label that holds a comma)",
            )
        return {k: v for k, v in texts.items() if v}

    def texts_per_language(self, parent: Map, key: str, what: str, default: str) -> Labels:
        """Text in every language, or one text (English) that every language shows."""
        node = parent.get(key)
        if isinstance(node, Map):
            return self.labels(node, what, parent)
        return {"en": self.text(parent, key, default)}

    def help(self, parent: Map, what: str) -> Labels:
        """A help text: one per language, or one text (English) for a template in one language."""
        node = parent.get("help")
        if node is None or (isinstance(node, Scalar) and node.text is None):
            return {}
        if isinstance(node, Scalar):
            return {"en": node.text or ""}
        return self.labels(node, what, parent)

    def options(self, node: Node | None, what: str, where: Node) -> dict[str, Labels]:
        found = self.map(node, what, where)
        return {k: self.labels(e.value, f"{what}.{k}", e.value) for k, e in found.entries.items()}


def _fields(reader: _Reader, root: Map) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for raw in reader.seq(root.get("fields"), "'fields'"):
        spec = reader.map(raw, "a field", raw)
        key = reader.text(spec, "key")
        type_name = reader.text(spec, "type")
        if type_name not in FIELD_TYPES:
            reader.fail(
                spec.get("type") or spec,
                f"field '{key}' has type '{type_name}', which evalcli does not know; "
                f"use one of: {', '.join(FIELD_TYPES)}",
            )
        field_type = FIELD_TYPES[type_name]
        options = reader.options(spec.get("options"), f"field {key} options", spec)
        if field_type.needs_options and not options:
            reader.fail(spec, f"field '{key}' is a {type_name} and needs 'options'")
        fields[key] = Field(
            key=key,
            type=field_type,
            required=reader.flag(spec, "required", False),
            labels=reader.labels(spec.get("labels"), f"field {key}", spec),
            help=reader.help(spec, f"field {key} help"),
            aliases=reader.texts(spec, "aliases"),
            options=options,
            roles=reader.options(spec.get("roles"), f"field {key} roles", spec),
            join=reader.text(spec, "join", "and"),
        )
    return fields


def _rows(reader: _Reader, root: Map, fields: dict[str, Field]) -> list[Row]:
    rows: list[Row] = []
    for raw in reader.seq(root.get("quick_facts"), "'quick_facts'"):
        if isinstance(raw, Scalar) and raw.text:
            if raw.text not in fields:
                reader.fail(raw, f"quick_facts names unknown field '{raw.text}'")
            spec = fields[raw.text]
            rows.append(Row(raw.text, (raw.text,), spec.labels, aliases=spec.aliases))
            continue
        row = reader.map(raw, "a quick_facts row", raw)
        row_id = reader.text(row, "id")
        keys = reader.texts(row, "fields")
        unknown = [key for key in keys if key not in fields]
        if unknown or not keys:
            reader.fail(row, f"quick_facts row {row_id} names unknown fields {unknown}")
        row_format = reader.text(row, "format", "single")
        if row_format not in ("single", "period", "dash"):
            reader.fail(row, f"row {row_id}: format must be single, period or dash")
        rows.append(
            Row(
                row_id,
                keys,
                reader.labels(row.get("labels"), f"row {row_id}", row),
                row_format,
                reader.texts(row, "aliases"),
            )
        )
    return rows


def _sections(reader: _Reader, root: Map) -> dict[str, SectionSpec]:
    sections: dict[str, SectionSpec] = {}
    for raw in reader.seq(root.get("sections"), "'sections'"):
        spec = reader.map(raw, "a section", raw)
        sid = reader.text(spec, "id")
        if not _NAME.fullmatch(sid):
            reader.fail(spec, f"section id '{sid}' must be letters, digits, _ or -")
        attributes = {}
        for key, entry in reader.map(spec.get("attributes"), "attributes", spec).entries.items():
            attribute = reader.map(entry.value, f"attribute {key}", entry.value)
            attributes[key] = Attribute(
                key,
                reader.labels(attribute.get("labels"), f"{sid}.{key}", attribute),
                reader.options(attribute.get("options"), f"{sid}.{key} options", attribute),
            )
        kind = reader.text(spec, "kind", "prose")
        if kind not in ("prose", "items"):
            reader.fail(spec, f"section {sid}: kind must be prose or items")
        file = reader.text(spec, "file", f"{sid}.md")
        if not _NAME.fullmatch(Path(file).stem) or Path(file).name != file:
            reader.fail(spec, f"section {sid}: file must be a plain file name such as {sid}.md")
        prefix = (
            reader.labels(spec.get("prefix"), f"section {sid} prefix", spec)
            if (kind == "items")
            else {}
        )
        sections[sid] = SectionSpec(
            id=sid,
            file=file,
            kind=kind,
            required=reader.flag(spec, "required", False),
            labels=reader.labels(spec.get("labels"), f"section {sid}", spec),
            help=reader.help(spec, f"section {sid} help"),
            prefix=prefix,
            show_heading=reader.flag(spec, "show_heading", True),
            criteria=reader.flag(spec, "criteria", False),
            aliases=reader.texts(spec, "aliases"),
            follow_up=reader.texts(spec, "follow_up"),
            attributes=attributes,
        )
    return sections


def _parts(reader: _Reader, root: Map, sections: dict[str, SectionSpec]) -> list[Part]:
    parts = []
    for raw in reader.seq(root.get("parts"), "'parts'"):
        spec = reader.map(raw, "a part", raw)
        part = Part(
            reader.text(spec, "id"),
            reader.labels(spec.get("labels"), "part", spec),
            reader.texts(spec, "sections"),
            reader.texts(spec, "aliases"),
        )
        for sid in part.sections:
            if sid not in sections:
                reader.fail(spec, f"part {part.id} names unknown section '{sid}'")
        parts.append(part)
    return parts


def _criteria(reader: _Reader, root: Map) -> list[Criterion]:
    criteria = []
    for raw in reader.seq(root.get("criteria"), "'criteria'"):
        spec = reader.map(raw, "a criterion", raw)
        names = reader.map(spec.get("names"), "names", spec)
        criteria.append(
            Criterion(
                reader.text(spec, "id"),
                {lang: reader.texts(names, lang) for lang in names.entries},
            )
        )
    return criteria


def _placeholders(
    reader: _Reader, root: Map, keep: bool
) -> tuple[list[str], list[tuple[tuple[str, ...], str]]]:
    section = reader.map(root.get("placeholders"), "placeholders", root)
    patterns: list[tuple[tuple[str, ...], str]] = []
    for raw in reader.seq(section.get("patterns"), "placeholder patterns"):
        anchors: tuple[str, ...] = ()
        if isinstance(raw, Scalar) and raw.text:
            regex = raw.text
        else:
            pattern = reader.map(raw, "a placeholder pattern", raw)
            regex, anchors = reader.text(pattern, "regex"), reader.texts(pattern, "contains")
        try:
            regexes.compile(regex, keep=keep)
        except re.error as exc:
            reader.fail(raw, f"placeholder pattern is not a regular expression: {exc}")
        patterns.append((anchors, regex))
    return list(reader.texts(section, "phrases")), patterns


def _date_order(reader: _Reader, root: Map, fields: dict[str, Field]) -> list[tuple[str, str]]:
    pairs = []
    for raw in reader.seq(root.get("date_order"), "'date_order'"):
        pair = [item.text for item in reader.seq(raw, "a date pair") if isinstance(item, Scalar)]
        if len(pair) != 2 or not all(key in fields for key in pair):
            reader.fail(raw, "date_order pairs must name two fields, e.g. [start, end]")
        pairs.append((str(pair[0]), str(pair[1])))
    return pairs


def _roles(reader: _Reader, root: Map, fields: dict[str, Field]) -> dict[str, str]:
    """Each role's field: as ``roles:`` names it, else the field of the same key and a type
    the role reads. A role named there must be known and name a field of such a type."""
    roles = {
        role: role
        for role, kinds in ROLES.items()
        if role in fields and _kind(fields[role]) in kinds
    }
    node = root.get("roles")
    if node is None:
        return roles
    for role, entry in reader.map(node, "roles", root).entries.items():
        if role not in ROLES:
            reader.fail(
                entry.value, f"roles: unknown role '{role}'; the roles are {', '.join(ROLES)}"
            )
        key = entry.value.text if isinstance(entry.value, Scalar) else None
        if not key or key not in fields:
            reader.fail(entry.value, f"roles.{role} must name one of the fields")
        if _kind(fields[key]) not in ROLES[role]:
            reader.fail(
                entry.value,
                f"roles.{role}: the field '{key}' is of type {_kind(fields[key])}; "
                f"the role needs {' or '.join(ROLES[role])}",
            )
        roles[role] = key
    return roles


def _kind(spec: Field | None) -> str | None:
    return str(spec.type.name) if spec is not None else None


def _annexes(
    reader: _Reader, root: Map, fields: dict[str, Field], sections: dict[str, SectionSpec]
) -> Annexes | None:
    """The annex pages: a header of fields, and for item sections the rows of their page."""
    node = root.get("annexes")
    if node is None:
        return None
    spec = reader.map(node, "annexes", root)
    header = []
    for raw in reader.seq(spec.get("header"), "annexes.header"):
        row = reader.map(raw, "an annexes.header row", raw)
        key = reader.text(row, "field")
        if key not in fields:
            reader.fail(row, f"annexes.header names unknown field '{key}'")
        header.append(Row(key, (key,), reader.labels(row.get("labels"), f"header {key}", row)))
    pages: dict[str, AnnexSpec] = {}
    for raw in reader.seq(spec.get("sections"), "annexes.sections"):
        page = reader.map(raw, "an annexes section", raw)
        sid = reader.text(page, "section")
        if sid not in sections or not sections[sid].items:
            reader.fail(page, f"annexes names '{sid}', which is not an item section")
        rows = []
        for raw_field in reader.seq(page.get("fields"), f"annexes {sid} fields"):
            entry = reader.map(raw_field, "an annex field", raw_field)
            key = reader.text(entry, "key")
            if not _NAME.fullmatch(key):
                reader.fail(entry, f"annex field '{key}' must be letters, digits, _ or -")
            rows.append(
                AnnexField(
                    key=key,
                    labels=reader.labels(entry.get("labels"), f"annex field {key}", entry),
                    headings=reader.labels(entry.get("heading"), f"annex field {key}", entry),
                    required=reader.flag(entry, "required", True),
                    from_item=reader.flag(entry, "from_item", False),
                    aliases=reader.texts(entry, "aliases"),
                    help=reader.help(entry, "help"),
                )
            )
        seen: dict[str, str] = {}
        for annex_field in rows:
            for name in {fold_key(n) for n in annex_field.names} - {""}:
                if seen.setdefault(name, annex_field.key) != annex_field.key:
                    reader.fail(
                        page,
                        f"annexes {sid}: '{name}' names both {seen[name]} and {annex_field.key}; "
                        "each heading, label and alias must name one field",
                    )
        pages[sid] = AnnexSpec(
            sid,
            reader.labels(page.get("title"), f"annexes {sid} title", page),
            reader.labels(page.get("intro"), f"annexes {sid} intro", page),
            reader.labels(page.get("element"), f"annexes {sid} element", page),
            tuple(rows),
        )
    return Annexes(
        reader.labels(spec.get("document"), "annexes.document", spec),
        reader.labels(spec.get("text"), "annexes.text", spec),
        tuple(header),
        pages,
        reader.labels(spec.get("colon"), "annexes.colon", spec) if spec.get("colon") else {},
    )


_ROW_FORMATS = ("single", "period", "dash", "words")


def _label_row(
    reader: _Reader, node: Node, fields: dict[str, Field], rows: list[Row], where: str
) -> Row | None:
    """What an edition's label fills: a field, a quick-facts row, several fields, or extra."""
    by_id = {row.id: row for row in rows}
    if isinstance(node, Scalar) and node.text:
        if node.text == "extra":
            return None
        if node.text in by_id:
            return by_id[node.text]
        if node.text in fields:
            return Row(node.text, (node.text,), fields[node.text].labels)
        reader.fail(node, f"{where}: '{node.text}' is not a field or a quick_facts row")
    entry = reader.map(node, where, node)
    if entry.get("row") is not None:
        row_id = reader.text(entry, "row")
        if row_id not in by_id:
            reader.fail(entry, f"{where}: no quick_facts row '{row_id}'")
        return by_id[row_id]
    keys = reader.texts(entry, "fields")
    if not keys or any(key not in fields for key in keys):
        reader.fail(entry, f"{where}: 'fields' must list fields of this template")
    row_format = reader.text(entry, "format", "single")
    if row_format not in _ROW_FORMATS:
        reader.fail(entry, f"{where}: format must be one of {', '.join(_ROW_FORMATS)}")
    fixed = []
    for key, item in reader.map(entry.get("set"), "set", entry).entries.items():
        value = item.value.text if isinstance(item.value, Scalar) else None
        if key not in fields or value not in fields[key].options:
            reader.fail(item.value, f"{where}: set {key}: {value} names no option of a field")
        fixed.append((key, str(value)))
    return Row(keys[0], keys, fields[keys[0]].labels, row_format, fixed=tuple(fixed))


def _option_words(
    reader: _Reader, block: Map, fields: dict[str, Field]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Other words for options, field -> option -> words."""
    words: dict[str, dict[str, tuple[str, ...]]] = {}
    node = reader.map(block.get("option_words"), "import.option_words", block)
    for key, entry in node.entries.items():
        options = reader.map(entry.value, f"option_words {key}", entry.value)
        for option in options.entries:
            if key not in fields or option not in fields[key].options:
                reader.fail(options, f"option_words: {key} has no option '{option}'")
        words[key] = {option: reader.texts(options, option) for option in options.entries}
    return words


def _editions(
    reader: _Reader, root: Map, fields: dict[str, Field], rows: list[Row]
) -> tuple[tuple[Edition, ...], dict[str, str], dict[str, dict[str, tuple[str, ...]]]]:
    """The editions import recognises (their labels as data), and country names as written."""
    block = reader.map(root.get("import"), "import", root)
    editions = []
    targets: dict[str, tuple[str, Row | None]] = {}  # folded label -> (edition, row)
    for raw in reader.seq(block.get("editions"), "import.editions"):
        spec = reader.map(raw, "an edition", raw)
        edition_id = reader.text(spec, "id")
        lacks = reader.texts(spec, "lacks")
        if any(key not in fields for key in lacks):
            reader.fail(spec, f"edition {edition_id}: 'lacks' names a field the template lacks")
        labels = []
        for lang, entry in reader.map(spec.get("labels"), "labels", spec).entries.items():
            if lang not in reader.languages:
                reader.fail(entry.value, f"edition {edition_id}: '{lang}' is not a language")
            for text, target in reader.map(entry.value, "labels", entry.value).entries.items():
                row = _label_row(reader, target.value, fields, rows, f"edition {edition_id}")
                known = targets.setdefault(fold_key(text), (edition_id, row))
                if known[1] != row:
                    reader.fail(
                        target.value,
                        f"edition {edition_id}: '{text}' fills other fields in edition "
                        f"{known[0]}; one label must fill the same fields in every edition",
                    )
                labels.append(EditionLabel(text, lang, row))
        editions.append(
            Edition(
                edition_id,
                reader.texts_per_language(spec, "name", f"edition {edition_id} name", edition_id),
                tuple(labels),
                reader.texts(spec, "marks"),
                lacks,
                reader.flag(spec, "report", False),
            )
        )
    countries = {}
    for name, entry in reader.map(
        block.get("countries"), "import.countries", block
    ).entries.items():
        code = entry.value.text if isinstance(entry.value, Scalar) else None
        if not code or not re.fullmatch(r"[A-Z]{2}", code):
            reader.fail(entry.value, f"import.countries: '{name}' needs an ISO 3166 code")
        countries[fold_key(name)] = code
    return tuple(editions), countries, _option_words(reader, block, fields)


def _build(root: Map, path: Path) -> Template:
    reader = _Reader(path)
    reader.languages = reader.texts(root, "languages")
    if not reader.languages:
        reader.fail(root, "'languages' is missing: list the languages, e.g. [en, es, fr]")
    fields = _fields(reader, root)
    sections = _sections(reader, root)
    phrases, patterns = _placeholders(reader, root, keep=is_bundled(path))
    limits = reader.map(root.get("limits"), "limits", root)
    pages = reader.text(limits, "pages", "")
    if pages and not pages.isdigit():
        reader.fail(limits, "limits.pages must be a whole number")
    source = reader.text(limits, "source", "")
    document = reader.map(root.get("document"), "document", root)
    rows = _rows(reader, root, fields)
    editions, country_names, option_words = _editions(reader, root, fields, rows)
    return Template(
        name=reader.text(root, "name", path.name),
        path=path,
        title=reader.text(root, "title", path.name),
        languages=reader.languages,
        fields=fields,
        rows=rows,
        parts=_parts(reader, root, sections),
        sections=sections,
        criteria=_criteria(reader, root),
        date_order=_date_order(reader, root, fields),
        document={
            key: reader.labels(entry.value, f"document.{key}", entry.value)
            for key, entry in document.entries.items()
        },
        placeholder_phrases=phrases,
        placeholder_patterns=patterns,
        page_limit=int(pages) if pages else None,
        page_limit_source=f" ({source})" if source else "",
        annexes=_annexes(reader, root, fields, sections),
        editions=editions,
        country_names=country_names,
        option_words=option_words,
        contents_headings=reader.texts(reader.map(root.get("import"), "import", root), "contents"),
        roles=_roles(reader, root, fields),
    )


@functools.cache
def load_template(path: Path) -> Template:
    """Load (once per process) the template in a folder."""
    source = path / TEMPLATE_FILE
    text, problem = read_user_text(source, MAX_YAML_BYTES)
    if problem is not None or text is None:
        raise TemplateError(problem.message if problem else f"cannot read {source}")
    root, findings = parse_template_yaml(text, source)
    if findings:
        first = findings[0]
        raise TemplateError(
            f"{first.loc.file}:{first.loc.line}:{first.loc.column}: {first.message}"
        )
    if not isinstance(root, Map):
        raise TemplateError(f"{source}: expected a mapping at the top")
    return _build(root, path)


def bundled_names() -> list[str]:
    """The templates shipped with evalcli."""
    return sorted(p.name for p in BUNDLED_DIR.iterdir() if (p / TEMPLATE_FILE).is_file())


def template_folder(folder: Path) -> Path:
    """A template folder the user named on the command line; a clear error if it is not one."""
    if not (folder / TEMPLATE_FILE).is_file():
        raise TemplateError(f"{folder}: not a template folder (it has no {TEMPLATE_FILE})")
    return folder.resolve()


def find_template(name: str, allowed: tuple[Path, ...] = ()) -> Path:
    """The folder of the template called ``name``: one the user allowed, or a bundled one.

    ``allowed`` are template folders given on the command line; each is known by
    its folder name. A name is never a path: a report cannot choose code.
    """
    for folder in allowed:
        if folder.name == name:
            return folder
    bundled = _bundled(name)
    if bundled is not None:
        return bundled
    known = ", ".join([*bundled_names(), *(f.name for f in allowed)])
    raise UnknownTemplateError(
        msg(
            "no template '{name}': use one of {known}, or allow your own template folder "
            "with --template-dir PATH (a report can name a template, never a folder)",
            name=name,
            known=known,
        )
    )


@functools.lru_cache(maxsize=64)
def _bundled(name: str) -> Path | None:
    """The folder of the bundled template ``name``; looked for once per process (a
    portfolio names the same template a thousand times, and evalcli's own files stay)."""
    if _NAME.fullmatch(name) and (BUNDLED_DIR / name / TEMPLATE_FILE).is_file():
        return BUNDLED_DIR / name
    return None


def builtin_template(name: str = DEFAULT_TEMPLATE) -> Template:
    """A template shipped with evalcli."""
    return load_template(find_template(name))
