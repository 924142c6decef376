"""What the outputs need to know besides the Markdown: title, people, language, date."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from evalcli.check.characters import remove_bad_characters
from evalcli.report.facts import Facts
from evalcli.template.fieldtypes import PartialDate, Person
from evalcli.template.spec import Template
from evalcli.text import shorten


@dataclass(frozen=True)
class DocInfo:
    """Document properties and fixed strings shared by the DOCX and the PDF."""

    title: str
    kind: str
    lang: str
    authors: tuple[str, ...]
    keywords: tuple[str, ...]
    code: str
    header: str
    page: str
    draft: str | None
    epoch: int

    @property
    def date(self) -> datetime:
        return datetime.fromtimestamp(self.epoch, UTC).replace(tzinfo=None)


def document_epoch(facts: Facts) -> int:
    """A fixed document date: SOURCE_DATE_EPOCH if set, else the completion date.

    Using the content's own date, never the clock, makes builds repeatable.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    for key in ("approval_date", "completion_date"):
        value = facts.values.get(key)
        if isinstance(value, PartialDate):
            moment = datetime(value.year, value.month or 1, value.day or 1, tzinfo=UTC)
            return int(moment.timestamp())
    return 946684800  # 2000-01-01


def doc_info(facts: Facts, template: Template, title: str, draft: bool) -> DocInfo:
    lang = facts.language
    people: list[Person] = facts.values.get("consultants") or []
    keywords = facts.values.get("keywords") or []
    codes = facts.values.get("project_code") or []
    base_title = facts.values.get("title") or title
    return DocInfo(
        title=title,
        kind=template.phrase("kind", lang),
        lang=lang,
        # document properties are XML: a draft drops what check reported as bad characters
        authors=tuple(remove_bad_characters(p.name) for p in people),
        keywords=tuple(remove_bad_characters(k) for k in keywords),
        code=", ".join(codes),
        header=shorten(remove_bad_characters(str(base_title)), 70),
        page=template.phrase("page", lang),
        draft=template.phrase("draft", lang) if draft else None,
        epoch=document_epoch(facts),
    )
