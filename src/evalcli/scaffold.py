"""init: a new report folder with every field and section, ready to fill in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalcli.errors import InputError
from evalcli.load import METADATA_FILE
from evalcli.template import Field, Template
from evalcli.writeout import write_all

# Bracketed "[insert ...]" text is placeholder text: check flags it until it is replaced.
_EMPTY = {
    "money": "{amount: , currency: USD}",
    "countries": "[]",
    "sdgs": "[]",
    "people": "\n  - {name: , role: lead}",
}


def _value(spec: Field, lang: str, template: Template) -> str:
    if spec.key == "template":
        return template.name
    if spec.key == "language":
        return lang
    if spec.type == "choice":
        return ""
    if spec.type == "text_list" and not spec.required:
        return "[]"
    return _EMPTY.get(spec.type, "")


def metadata_text(template: Template, lang: str) -> str:
    lines = [
        f"# The quick facts of the {template.title}.",
        "# Fill in every value; 'evalcli check' lists what is still missing.",
    ]
    for spec in template.fields.values():
        lines.append("")
        hint = spec.help
        if spec.options:
            hint = f"{hint} One of: {', '.join(spec.options)}.".strip()
        label = spec.labels.get(lang, spec.key)
        required = "required" if spec.required else "optional"
        lines.append(f"# {label} ({required}). {hint}".rstrip())
        value = _value(spec, lang, template)
        lines.append(f"{spec.key}:{'' if value.startswith(chr(10)) or not value else ' '}{value}")
    return "\n".join(lines) + "\n"


def section_text(template: Template, section_id: str, lang: str) -> str:
    spec = template.sections[section_id]
    heading = spec.labels.get(lang, spec.id)
    if spec.items:
        prefix = spec.prefix.get(lang, "")
        attrs = " ".join(f'{key}=""' for key in spec.attributes)
        return (
            f"## [insert the title of {prefix}1]{f' {{{attrs}}}' if attrs else ''}\n\n"
            f"[insert the text of this item of the {heading} section]\n"
        )
    if spec.criteria:
        blocks = []
        for criterion in template.criteria:
            name = criterion.names.get(lang, (criterion.id,))[0]
            blocks.append(f"## {name}\n\n[insert the findings on {name.lower()}]\n")
        return "\n".join(blocks)
    return f"[insert the {heading} section. {spec.help}]\n"


def create_report(folder: Path, template: Template, lang: str) -> list[Path]:
    """Write a new report folder; refuse to touch an existing, non-empty one."""
    if lang not in template.languages:
        raise InputError(f"--lang {lang}: choose from {', '.join(template.languages)}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(f"{folder} already exists and is not empty; choose a new folder")
    files = {folder / METADATA_FILE: metadata_text(template, lang).encode("utf-8")}
    for spec in template.sections.values():
        files[folder / spec.file] = section_text(template, spec.id, lang).encode("utf-8")
    write_all(files)
    return list(files)


def json_schema(template: Template) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of evaluation.yaml for this template."""
    text_or_list = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    date = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
    code = {"type": "string", "pattern": r"^[A-Z]{3}/\d{2}/\d{2}/[A-Z]{3}$"}
    sdg = {
        "type": "string",
        "pattern": r"^((SDG|ODS|ODD|sdg|ods|odd)\s*)?\d{1,2}(\.(\d{1,2}|[a-z]))?$",
    }
    money = {
        "type": "object",
        "properties": {
            "amount": {"type": ["number", "string"], "pattern": r"^\d+(\.\d+)?$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "note": {"type": "string"},
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }
    person = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
                "required": ["name"],
                "additionalProperties": False,
            },
        ]
    }
    types: dict[str, dict[str, Any]] = {
        "text": {"type": "string"},
        "text_list": text_or_list,
        "date": date,
        "money": money,
        "countries": text_or_list,
        "sdgs": {"anyOf": [sdg, {"type": "array", "items": sdg}]},
        "project_codes": {"anyOf": [code, {"type": "array", "items": code}]},
        "people": {"anyOf": [person, {"type": "array", "items": person}]},
        "language": {"enum": list(template.languages)},
    }
    properties: dict[str, object] = {}
    for spec in template.fields.values():
        if spec.type == "choice":
            names = sorted({*spec.options, *(v for o in spec.options.values() for v in o.values())})
            schema: dict[str, Any] = {"enum": names}
        else:
            schema = dict(types[spec.type])
        schema["title"] = spec.labels.get("en", spec.key)
        if spec.help:
            schema["description"] = spec.help
        properties[spec.key] = schema
    properties["extra"] = {
        "type": "object",
        "description": "Facts that match no field (kept by import); not printed.",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"evaluation.yaml ({template.title})",
        "type": "object",
        "properties": properties,
        "required": [s.key for s in template.fields.values() if s.required],
    }


def schema_text(template: Template) -> str:
    return json.dumps(json_schema(template), ensure_ascii=False, indent=2)
