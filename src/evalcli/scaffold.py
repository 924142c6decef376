"""init and schema: a new report folder ready to fill in, and the JSON Schema of evaluation.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalcli.errors import InputError
from evalcli.files import write_folder
from evalcli.i18n import Message, msg
from evalcli.report.annex import annex_spec
from evalcli.report.load import METADATA_FILE
from evalcli.template.fieldtypes import language_pattern, yaml_comment
from evalcli.template.spec import AnnexSpec, Field, Template
from evalcli.template.valueschema import EMPTY, SCALAR, list_of, or_empty

SCALARS = list_of(SCALAR)


def _say(message: Message, lang: str) -> str:
    return message.render(lang)


def _kind(template: Template, lang: str) -> str:
    """What the document is called in ``lang`` ("Resumen Ejecutivo"), else the template's title."""
    try:
        return template.phrase("kind", lang)
    except KeyError:
        return template.title


def metadata_text(template: Template, lang: str) -> str:
    """evaluation.yaml with every field, each with its label, whether required, and help.

    Every comment is in the report's language: the help texts come from the
    template, the fixed sentences from the message catalogs.
    """
    lines = [
        "# " + _say(msg("{document}: the quick facts.", document=_kind(template, lang)), lang),
        "# " + _say(msg("Fill in every value; 'evalcli check' lists what is still missing."), lang),
    ]
    for spec in template.fields.values():
        lines.append("")
        hint = spec.help.get(lang, "")
        if spec.options:
            names = [labels.get(lang, key) for key, labels in spec.options.items()]
            choices = _say(msg("One of: {choices}.", choices=", ".join(names)), lang)
            hint = f"{hint} {choices}".strip()
        label = spec.labels.get(lang, spec.key)
        required = _say(msg("required") if spec.required else msg("optional"), lang)
        lines.append(yaml_comment(f"# {label} ({required}). {hint}"))
        value = spec.type.blank(spec, template, lang)
        lines.append(f"{spec.key}:{'' if value.startswith(chr(10)) or not value else ' '}{value}")
    return "\n".join(lines) + "\n"


def annex_scaffold(annex: AnnexSpec | None, lang: str) -> str:
    """The item's annex fields, each under its ``###`` heading: they go on its ILO annex page
    (build --annexes), never in the summary."""
    if annex is None:
        return ""
    parts = []
    for f in annex.fields:
        if f.required and not f.from_item:
            text = _say(msg("insert: {what}", what=f.labels[lang]), lang)
            parts.append(f"\n### {f.headings[lang]}\n\n[{text}]\n")
    return "".join(parts)


def section_text(template: Template, section_id: str, lang: str) -> str:
    """A section file to fill in: its placeholders, which check flags until they are replaced."""
    spec = template.sections[section_id]
    heading = spec.labels.get(lang, spec.id)
    if spec.items:
        prefix = spec.prefix.get(lang, "")
        attrs = " ".join(f'{key}=""' for key in spec.attributes)
        title = _say(msg("insert the title of {item}", item=prefix + "1"), lang)
        text = _say(
            msg("insert the text of this item of the {section} section", section=heading), lang
        )
        return f"## [{title}]{f' {{{attrs}}}' if attrs else ''}\n\n[{text}]\n" + annex_scaffold(
            annex_spec(template, section_id), lang
        )
    if spec.criteria:
        blocks = []
        for criterion in template.criteria:
            name = criterion.names.get(lang, (criterion.id,))[0]
            text = _say(msg("insert the findings on {criterion}", criterion=name.lower()), lang)
            blocks.append(f"## {name}\n\n[{text}]\n")
        return "\n".join(blocks)
    text = _say(msg("insert the {section} section.", section=heading), lang)
    help_text = spec.help.get(lang, "")
    return f"[{text}{' ' + help_text if help_text else ''}]\n"


def create_report(folder: Path, template: Template, lang: str) -> list[Path]:
    """Write a new report folder, all at once; refuse to touch an existing, non-empty one."""
    if lang not in template.languages:
        raise InputError(
            msg(
                "--lang {lang}: choose from {choices}",
                lang=lang,
                choices=", ".join(template.languages),
            )
        )
    files = {METADATA_FILE: metadata_text(template, lang)}
    for spec in template.sections.values():
        files[spec.file] = section_text(template, spec.id, lang)
    write_folder(folder, files, replace=False)
    return [folder / name for name in files]


def json_schema(template: Template) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of evaluation.yaml for this template.

    Each field's part comes from its type (``FieldType.schema``), from the rules its
    ``parse`` applies; what depends on the report's language (country names, the
    locale) is given per language, chosen by the ``language`` field as check does.
    """
    fallback = "en" if "en" in template.languages else template.languages[0]
    properties: dict[str, object] = {}
    by_language = [s for s in template.fields.values() if s.type.by_language]
    for spec in template.fields.values():
        # a field that depends on the language is checked in ``allOf`` below, once
        one = SCALARS if spec.type.by_language else spec.type.schema(spec, template, fallback)
        schema: dict[str, Any] = or_empty(one, spec.required)
        schema["title"] = spec.labels.get("en", spec.key)
        if spec.help.get("en"):
            schema["description"] = spec.help["en"]
        properties[spec.key] = schema
    properties["extra"] = {
        "anyOf": [{"type": "object"}, EMPTY],
        "description": "Facts that match no field (kept by import); not printed.",
    }
    document: dict[str, object] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"evaluation.yaml ({template.title})",
        "type": "object",
        "properties": properties,
        "required": [s.key for s in template.fields.values() if s.required],
        "additionalProperties": False,
    }
    if by_language:
        document["allOf"] = [
            _in_language(template, lang, by_language, lang == fallback)
            for lang in template.languages
        ]
    return document


def _in_language(
    template: Template, lang: str, specs: list[Field], fallback: bool
) -> dict[str, object]:
    """The fields that depend on the language, for a report in ``lang`` (the fallback
    language also when ``language`` is missing or not one of the template's)."""
    pattern = {"type": "string", "pattern": language_pattern(template.languages)}
    chosen: dict[str, Any] = {
        "properties": {"language": {"type": "string", "pattern": language_pattern((lang,))}},
        "required": ["language"],
    }
    if fallback:
        unknown = {"not": {"properties": {"language": pattern}, "required": ["language"]}}
        chosen = {"anyOf": [chosen, unknown]}
    then = {
        "properties": {
            spec.key: or_empty(spec.type.schema(spec, template, lang), spec.required)
            for spec in specs
        }
    }
    return {"if": chosen, "then": then}


def schema_text(template: Template) -> str:
    return json.dumps(json_schema(template), ensure_ascii=False, indent=2)
