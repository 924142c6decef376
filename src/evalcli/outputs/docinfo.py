"""What the outputs need to know besides the Markdown: title, people, language, date."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from evalcli import regexes
from evalcli.records import Record
from evalcli.report.facts import Facts
from evalcli.template.fieldtypes import PartialDate, Person
from evalcli.template.placeholders import find_placeholders
from evalcli.template.spec import Template
from evalcli.text import remove_bad_characters

HEADER_LENGTH = 70
# Words a running header never ends on: "… Niños y …" reads as a broken phrase
_TRAILING = frozenset(
    [
        *("a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or"),
        *("the", "to", "with"),
        *("al", "con", "de", "del", "e", "el", "en", "la", "las", "los", "ni", "o"),
        *("para", "por", "que", "u", "un", "una", "y"),
        *("à", "au", "aux", "avec", "d'", "des", "du", "et", "l'", "le", "les", "ou"),
        *("par", "pour", "une"),
    ]
)
_LINK = regexes.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = regexes.compile(r"[*_`\\]")


class DocInfo(Record, frozen=True):
    """Document properties and fixed strings shared by the DOCX and the PDF.

    ``lang`` is the prose's language and region ("es-PE"), for readers,
    hyphenation and spell-checking; ``labels_lang`` is the language of the
    template's words (labels, headings, "Page 1 of 5"), which ``--lang`` sets.
    """

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
    labels_lang: str = ""
    # the quick-facts table's title and description, for screen readers
    facts_caption: str = ""
    facts_description: str = ""

    @property
    def date(self) -> datetime:
        return datetime.fromtimestamp(self.epoch, UTC).replace(tzinfo=None)

    @property
    def language(self) -> str:
        """The prose's language alone: "es" of "es-PE"."""
        return self.lang.split("-")[0]

    @property
    def region(self) -> str | None:
        """The prose's region, "PE" of "es-PE", if there is one."""
        parts = self.lang.split("-")
        return parts[-1] if len(parts) > 1 and len(parts[-1]) == 2 else None


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


def running_header(title: str, limit: int = HEADER_LENGTH) -> str:
    """The title for the page header: cut between words, never after "and", "y", "de" …"""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    words: list[str] = []
    for word in title.split(" "):
        if len(" ".join([*words, word])) > limit - 2:
            break
        words.append(word)
    while len(words) > 1 and (
        words[-1].casefold() in _TRAILING or not any(c.isalnum() for c in words[-1])
    ):
        words.pop()
    kept = " ".join(words).rstrip(" ,;:–-") if words else title[: limit - 2]
    return kept + " …"


def plain_keywords(values: list[str], template: Template) -> tuple[str, ...]:
    """Keywords as plain text for document properties: Markdown links and marks
    removed, and the template's "use themes as …" placeholder left out."""
    keywords = []
    for value in values:
        text = " ".join(_MARKUP.sub("", _LINK.sub(r"\1", value)).split())
        if text and not find_placeholders(text, template):
            keywords.append(text)
    return tuple(keywords)


def doc_info(
    facts: Facts, template: Template, title: str, draft: bool, doc_lang: str | None = None
) -> DocInfo:
    """The document's properties; ``doc_lang`` is the prose's ("es-PE"), ``facts.language``
    the labels' (they differ under --lang)."""
    lang = facts.language
    people: list[Person] = facts.role(template, "consultants") or []
    keywords = facts.role(template, "keywords") or []
    codes = facts.role(template, "project_code") or []
    base_title = facts.role(template, "title") or title
    return DocInfo(
        title=title,
        kind=template.phrase("kind", lang),
        lang=doc_lang or lang,
        # document properties are XML: a draft drops what check reported as bad characters
        authors=tuple(remove_bad_characters(p.name) for p in people),
        keywords=plain_keywords([remove_bad_characters(k) for k in keywords], template),
        code=", ".join(codes),
        header=running_header(remove_bad_characters(str(base_title))),
        page=template.phrase("page", lang),
        draft=template.phrase("draft", lang) if draft else None,
        epoch=document_epoch(facts),
        labels_lang=lang,
        facts_caption=_optional_phrase(template, "facts_caption", lang),
        facts_description=_optional_phrase(template, "facts_description", lang),
    )


def _optional_phrase(template: Template, name: str, lang: str) -> str:
    """A phrase a template may leave out (older or custom templates): empty then."""
    return template.document.get(name, {}).get(lang, "")
