"""render the annex pages: a Report and its Template -> one Markdown document for pandoc.

One page per lesson learned and per emerging good practice, following the ILO
templates: the project's title, code, evaluator and date, then a table of the
item's fields (see ``annexes`` in template.yaml). Items are numbered as in the
summary (LL1, GP1 ...). Metadata values print as plain text, as in the summary;
the fields are the author's Markdown prose.
"""

from __future__ import annotations

from typing import Any

from evalcli.errors import InputError
from evalcli.i18n import msg
from evalcli.render import Rendered, context, fill
from evalcli.render.quickfacts import row_text
from evalcli.report.annex import field_text
from evalcli.report.facts import Facts
from evalcli.report.markdown import rewrite_images, without_item_number
from evalcli.report.model import Report
from evalcli.template.spec import Annexes, Template
from evalcli.text import remove_bad_characters

SKELETON = "annexes.md.j2"
TYPST_TEMPLATE = "annexes.typ"


def template_annexes(template: Template) -> Annexes:
    """The template's annex pages, or a clear refusal when it has none."""
    if template.annexes is None or not template.annexes.sections:
        raise InputError(
            msg(
                "the {template} template has no annex pages; build without --annexes",
                template=template.name,
            )
        )
    return template.annexes


def annex_context(
    report: Report,
    template: Template,
    lang: str | None = None,
    images: dict[str, str] | None = None,
    facts: Facts | None = None,
) -> tuple[dict[str, Any], Rendered]:
    """Everything annexes.md.j2 needs, and the summary's facts and title it shares."""
    annexes = template_annexes(template)
    summary, facts = context(report, template, lang, images, facts)
    lang = summary["lang"]
    header = [
        {"label": row.labels[lang], "value": row_text(row, report, facts, template)}
        for row in annexes.header
    ]
    pages = []
    for sid, spec in annexes.sections.items():
        section = report.sections.get(sid)
        if section is None or sid not in template.sections:
            continue
        prefix = template.sections[sid].prefix.get(lang, "")
        for number, item in enumerate(section.items, start=1):
            fields = [
                {
                    "key": f.key,
                    "label": f.labels[lang],
                    "text": rewrite_images(field_text(item, f), images or {}),
                }
                for f in spec.fields
            ]
            pages.append(
                {
                    "template": spec.title[lang],
                    "label": f"{prefix}{number}",
                    "title": without_item_number(item.title),
                    "intro": spec.intro[lang],
                    "element": spec.element[lang],
                    "fields": fields,
                }
            )
    data = {
        "lang": lang,
        "prose_lang": summary["prose_lang"],
        "doc_lang": summary["doc_lang"],
        "text": annexes.text[lang],
        "colon": annexes.colon.get(lang, ":"),
        "header": header,
        "pages": pages,
    }
    title = f"{summary['title']} – {annexes.document[lang]}"
    return data, Rendered("", facts, remove_bad_characters(title), summary["doc_lang"])


def render_annexes(
    report: Report,
    template: Template,
    lang: str | None = None,
    images: dict[str, str] | None = None,
    facts: Facts | None = None,
) -> Rendered:
    """Every annex page of the report as one Markdown document (images, facts as in ``context``)."""
    data, rendered = annex_context(report, template, lang, images, facts)
    rendered.markdown = remove_bad_characters(fill(template, SKELETON, data))
    return rendered
