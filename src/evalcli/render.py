"""render: a Report and its Template -> one Markdown document for pandoc.

Jinja2 runs sandboxed with StrictUndefined: a typo in the template fails
loudly. The user's text is passed in as data, so ``{{ 7*7 }}`` in a report
prints exactly that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from evalcli.errors import TemplateError
from evalcli.factformat import field_text, row_text
from evalcli.fields import Facts, parse_facts
from evalcli.mdsections import OWN_NUMBER, find_headings
from evalcli.model import Report, Section
from evalcli.template import SectionSpec, Template
from evalcli.textutil import fold

TEMPLATE_FILE = "summary.md.j2"
_HEADING_MARKS = re.compile(r"^#{1,6}(?=[ \t])")


@dataclass
class Rendered:
    """The Markdown document and the facts it was made from."""

    markdown: str
    facts: Facts
    title: str


def shift_headings(text: str, by: int, source: Section) -> str:
    """Deepen every ATX heading (outside code blocks) by ``by`` levels."""
    if by == 0:
        return text
    lines = text.split("\n")
    for index, _heading in find_headings(text, source.path):
        lines[index] = _HEADING_MARKS.sub(
            lambda m: "#" * min(6, len(m.group(0)) + by), lines[index], count=1
        )
    return "\n".join(lines)


def _cell(value: object) -> str:
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") or "–"


def _follow_up(spec: SectionSpec, attrs: dict[str, str], lang: str) -> list[dict[str, str]]:
    facts = []
    for key, attribute in spec.attributes.items():
        value = attrs.get(key, "").strip()
        if not value:
            continue
        for option, labels in attribute.options.items():
            if fold(value) in {fold(option), *(fold(v) for v in labels.values())}:
                value = labels[lang]
                break
        facts.append({"label": attribute.labels[lang], "value": value})
    return facts


def _section(spec: SectionSpec, report: Report, lang: str) -> dict[str, Any]:
    section = report.sections.get(spec.id)
    data: dict[str, Any] = {
        "id": spec.id,
        "heading": spec.labels[lang] if spec.show_heading else None,
        "body": "",
        "entries": [],
    }
    if section is None:
        return data
    shift = 1 if spec.show_heading else 0
    if not spec.items:
        data["body"] = shift_headings(section.text.strip(), shift, section)
        return data
    data["body"] = shift_headings(section.intro, shift, section)
    prefix = spec.prefix.get(lang, "")
    for number, item in enumerate(section.items, start=1):
        data["entries"].append(
            {
                "label": f"{prefix}{number}",
                # check warns about a typed number; it is not printed twice
                "title": OWN_NUMBER.sub("", item.title, count=1),
                "body": shift_headings(item.body, shift, section),
                "follow_up": _follow_up(spec, item.heading.attrs, lang),
            }
        )
    return data


def context(
    report: Report, template: Template, lang: str | None = None
) -> tuple[dict[str, Any], Facts]:
    """Everything summary.md.j2 needs, in the report's language or ``lang``."""
    facts = parse_facts(report, template)
    if lang:
        facts.language = lang
    lang = facts.language
    title = field_text("title", report, facts, template) if "title" in template.fields else ""
    subtitle = (
        field_text("subtitle", report, facts, template) if "subtitle" in template.fields else ""
    )
    full_title = f"{title} – {subtitle}" if subtitle else title
    rows = [
        {"label": row.labels[lang], "value": row_text(row, report, facts, template)}
        for row in template.rows
    ]
    parts = [
        {
            "heading": part.labels[lang],
            "sections": [_section(template.sections[sid], report, lang) for sid in part.sections],
        }
        for part in template.parts
    ]
    data = {
        "title": full_title,
        "kind": template.phrase("kind", lang),
        "lang": lang,
        "rows": rows,
        "disclaimer": template.phrase("disclaimer", lang),
        "parts": parts,
    }
    return data, facts


def render(report: Report, template: Template, lang: str | None = None) -> Rendered:
    """The whole summary as one Markdown document."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2 import TemplateError as JinjaError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(template.path),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _cell
    data, facts = context(report, template, lang)
    try:
        markdown = env.get_template(TEMPLATE_FILE).render(data)
    except (JinjaError, TypeError, ValueError, AttributeError) as exc:
        where = f"{getattr(exc, 'filename', None) or TEMPLATE_FILE}"
        line = getattr(exc, "lineno", None)  # syntax errors carry it; runtime errors do not
        raise TemplateError(f"{where}{f':{line}' if line else ''}: {exc}") from exc
    return Rendered(markdown, facts, data["title"])
