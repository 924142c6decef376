"""Annex fields of lessons and good practices: which ``###`` subheadings hold them, their text.

An item in ``lessons.md`` or ``good_practices.md`` is its ``##`` heading and
the short text the summary prints. Below that, ``###`` subheadings with fixed
names (``### Context``, ``### Contexto`` ...; see ``annexes`` in
template.yaml) hold the fields of the item's ILO annex page. The summary never
prints them; ``build --annexes`` does, one page per item.
"""

from __future__ import annotations

from evalcli.report.model import Item
from evalcli.template.spec import AnnexField, AnnexSpec, Template
from evalcli.text import fold_key, has_words


def annex_spec(template: Template, section_id: str) -> AnnexSpec | None:
    """The annex page of an item section, if the template has one."""
    return template.annexes.sections.get(section_id) if template.annexes else None


_NAMES: dict[int, tuple[AnnexSpec, dict[str, str]]] = {}


def annex_names(spec: AnnexSpec | None) -> dict[str, str]:
    """Each way to name a field (folded: case, accents and punctuation ignored) -> its key.

    Made once per spec (a template is loaded once per process): every report asks.
    """
    if spec is None:
        return {}
    cached = _NAMES.get(id(spec))
    if cached is None or cached[0] is not spec:
        names = {fold_key(n): f.key for f in spec.fields for n in f.names if fold_key(n)}
        cached = _NAMES[id(spec)] = (spec, names)
    return cached[1]


def field_text(item: Item, field: AnnexField) -> str:
    """A field's text: as written under its subheading, else the item's own text where the
    field stands for it (the lesson's description), else empty."""
    written = item.annex_text(field.key)
    if written is not None and has_words(written):
        return written
    return item.body if field.from_item else ""


def missing_fields(item: Item, spec: AnnexSpec) -> list[AnnexField]:
    """The required fields the item does not fill in."""
    return [f for f in spec.fields if f.required and not has_words(field_text(item, f))]
