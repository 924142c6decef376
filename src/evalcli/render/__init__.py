"""render: a Report and its Template -> one Markdown document for pandoc.

Jinja2 runs sandboxed with StrictUndefined: a typo in the template fails
loudly. The user's text is passed in as data, so ``{{ 7*7 }}`` in a report
prints exactly that. Metadata values are plain text: every Markdown
character in them is escaped, so ``*x*``, ``[l](u)`` or ``$y$`` print as typed.
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path
from typing import Any

from evalcli import regexes
from evalcli.errors import TemplateError
from evalcli.locales import bcp47, resolve_locale
from evalcli.records import Record, replace
from evalcli.render.quickfacts import field_text, missing, row_text
from evalcli.report.facts import Facts, parse_facts
from evalcli.report.markdown import rewrite_images, shift_headings, without_item_number
from evalcli.report.model import Report
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import SectionSpec, Template
from evalcli.text import match_option, remove_bad_characters

TEMPLATE_FILE = "summary.md.j2"
_PUNCTUATION = regexes.compile("([" + re.escape(string.punctuation) + "])")
# runs of white space become one space; the no-break spaces babel writes
# ("7 940 000" in French) are kept, so a number never breaks across lines
_SPACES = regexes.compile(r"[^\S\u00a0\u202f\u2007]+")


class Rendered(Record):
    """The Markdown document and the facts it was made from."""

    markdown: str
    facts: Facts
    title: str
    doc_lang: str = ""  # the prose's language and region ("es-PE"), whatever --lang says


def literal(value: object) -> str:
    """Plain text as pandoc Markdown that prints exactly that text, on one line."""
    text = _SPACES.sub(" ", remove_bad_characters(str(value))).strip(" ")
    return _PUNCTUATION.sub(r"\\\1", text)


def _cell(value: object) -> str:
    return literal(value) or "–"


def _follow_up(spec: SectionSpec, attrs: dict[str, str], lang: str) -> list[dict[str, object]]:
    facts: list[dict[str, object]] = []
    for key, attribute in spec.attributes.items():
        value = attrs.get(key, "").strip()
        if not value:
            continue
        option = match_option(value, attribute.options)
        facts.append(
            {
                "label": attribute.labels[lang],
                "value": attribute.options[option][lang] if option else value,
                "is_label": option is not None,  # in the template's words, not the author's
            }
        )
    return facts


def _section(
    spec: SectionSpec, report: Report, lang: str, images: dict[str, str]
) -> dict[str, Any]:
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

    def body(text: str) -> str:
        return rewrite_images(shift_headings(text, shift, section.path), images)

    if not spec.items:
        data["body"] = body(section.text.strip())
        return data
    data["body"] = body(section.intro)
    prefix = spec.prefix.get(lang, "")
    for number, item in enumerate(section.items, start=1):
        data["entries"].append(
            {
                "label": f"{prefix}{number}",
                # check warns about a typed number; it is not printed twice
                "title": without_item_number(item.title),
                "body": body(item.body),
                "follow_up": _follow_up(spec, item.heading.attrs, lang),
            }
        )
    return data


def context(
    report: Report,
    template: Template,
    lang: str | None = None,
    images: dict[str, str] | None = None,
    facts: Facts | None = None,
) -> tuple[dict[str, Any], Facts]:
    """Everything summary.md.j2 needs, in the report's language or ``lang``.

    ``images`` maps each image target the report may use to what the output
    should point at; any other image prints as its caption. ``facts`` are the
    report's parsed metadata (check's), parsed here when not given.
    """
    # a copy: --lang changes its language for the labels, not the caller's
    facts = replace(facts) if facts is not None else parse_facts(report, template)
    prose_lang = facts.language
    countries = facts.role(template, "countries") or ()
    doc_lang = bcp47(resolve_locale(prose_lang, facts.role(template, "locale"), countries))
    if lang:
        facts.prose_language = prose_lang
        facts.language = lang  # the template's words only: the prose and numbers stay
    lang = facts.language
    title, subtitle = (
        field_text(key, report, facts, template) if key else ""
        for key in (template.role("title"), template.role("subtitle"))
    )
    full_title = f"{title} – {subtitle}" if subtitle else title
    rows = []
    for row in template.rows:
        value = row_text(row, report, facts, template)
        unfilled = (
            any(key in facts.findings for key in row.fields) or missing(template, lang) in value
        )
        rows.append(
            {
                "label": row.labels[lang],
                "value": value,
                # drafts only: a report with such a value does not build otherwise
                "placeholder": unfilled or bool(find_placeholders(value, template)),
                "worded": not unfilled
                and all(template.fields[key].type.worded for key in row.fields),
            }
        )
    parts = [
        {
            "heading": part.labels[lang],
            "sections": [
                _section(template.sections[sid], report, lang, images or {})
                for sid in part.sections
            ],
        }
        for part in template.parts
    ]
    data = {
        "title": full_title,
        "kind": template.phrase("kind", lang),
        "lang": lang,
        "prose_lang": prose_lang,
        "doc_lang": doc_lang,
        "rows": rows,
        "disclaimer": template.phrase("disclaimer", lang),
        "parts": parts,
    }
    return data, facts


@functools.cache
def _environment(folder: Path) -> Any:
    """One sandboxed Jinja environment per template folder: it keeps each skeleton compiled,
    so a portfolio compiles it once, not once per report (it still sees an edited file),
    and the next run finds it compiled in the user's cache (``render.bytecode``)."""
    with regexes.library_patterns():  # Jinja's many patterns from the cache, as evalcli's own
        from jinja2 import FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        from evalcli.render.bytecode import skeleton_cache

    env = SandboxedEnvironment(
        loader=FileSystemLoader(folder),
        bytecode_cache=skeleton_cache(),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _cell
    env.filters["literal"] = literal
    return env


def fill(template: Template, name: str, data: dict[str, Any]) -> str:
    """A Jinja skeleton of the template folder filled in: sandboxed, strict, nothing escaped
    (``literal`` and ``cell`` escape what must print as typed)."""
    from jinja2 import TemplateError as JinjaError

    try:
        return str(_environment(template.path).get_template(name).render(data))
    except (JinjaError, TypeError, ValueError, AttributeError) as exc:
        where = f"{getattr(exc, 'filename', None) or name}"
        line = getattr(exc, "lineno", None)  # syntax errors carry it; runtime errors do not
        raise TemplateError(f"{where}{f':{line}' if line else ''}: {exc}") from exc


def render(
    report: Report,
    template: Template,
    lang: str | None = None,
    images: dict[str, str] | None = None,
    facts: Facts | None = None,
) -> Rendered:
    """The whole summary as one Markdown document (images and facts as in ``context``)."""
    data, facts = context(report, template, lang, images, facts)
    markdown = fill(template, TEMPLATE_FILE, data)
    return Rendered(
        remove_bad_characters(markdown),
        facts,
        remove_bad_characters(data["title"]),
        data["doc_lang"],
    )
