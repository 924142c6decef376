"""JSON Schema pieces that say what the field types' ``parse`` says, in the schema's terms.

The schema sees the values a YAML reader gives (text, numbers, booleans, null,
lists, mappings); ``check`` sees the text as typed, which for a number or a
boolean is how it is written. Every piece here is built from the same data
and rules as the parse it mirrors: the folding of case and accents that option
and country names are matched with, what counts as empty, what a scalar is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from evalcli.text import fold_keep_length

# what ``str.strip`` removes and ``fold`` collapses, as a regex (Python's \s is the same set)
SPACE = r"\s"

SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean", "null"]}
NONBLANK_TEXT: dict[str, Any] = {"type": "string", "pattern": r"\S"}
BLANK: dict[str, Any] = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": r"^\s*$"}]}
# what ``yamlnodes.is_empty`` calls empty: null, blank text, no items, no keys
EMPTY: dict[str, Any] = {
    "anyOf": [
        BLANK,
        {"type": "array", "items": BLANK},
        {"type": "object", "maxProperties": 0},
    ]
}


def longest_first(text: str) -> tuple[int, str]:
    """Sort key for alternatives: longer first (so none stops short), then by text, so that a
    pattern built from a set reads the same in every run."""
    return -len(text), text


def whole(body: str) -> str:
    """A pattern for the whole text, with the spaces ``strip`` would remove around it."""
    return rf"^\s*(?:{body})\s*$"


def any_case(text: str) -> str:
    """A pattern for ``text`` in any letter case (``lower``/``upper``), as ``[Ee][Nn]``."""
    parts = []
    for char in text:
        lower, upper = char.lower(), char.upper()
        if lower != upper and len(lower) == len(upper) == 1:
            parts.append(f"[{re.escape(upper)}{re.escape(lower)}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@functools.cache
def _latin1_accented() -> dict[str, frozenset[str]]:
    """Base letter -> the accented letters of Latin-1 that fold to it (é, è, ê, ë -> e)."""
    found: dict[str, set[str]] = {}
    for code in range(0xC0, 0x100):
        base = fold_keep_length(chr(code))
        if len(base) == 1 and base.isascii():
            found.setdefault(base, set()).add(chr(code))
    return {base: frozenset(chars) for base, chars in found.items()}


def _letter(char: str) -> str:
    """A character class for ``char`` in either case, with or without an accent."""
    base = fold_keep_length(char)
    forms = {char, char.lower(), char.upper()}
    if len(base) == 1:
        forms |= {base, base.upper(), *_latin1_accented().get(base, ())}
    forms = {f for f in forms if len(f) == 1}
    if len(forms) == 1:
        return re.escape(char)
    return "[" + "".join(re.escape(f) for f in sorted(forms)) + "]"


def folded(text: str) -> str:
    """A pattern for ``text`` in any case, with or without its accents, spaced any way.

    The accents are those of Latin-1 (é, è, ñ, ç ...); ``fold`` also matches rarer ones
    (ą, ő) and accents typed as combining marks, which the schema, kept small, does not.
    """
    parts = []
    for char in " ".join(text.split()):
        parts.append(r"\s+" if char == " " else _letter(char))
    return "".join(parts)


def one_of_folded(forms: Iterable[str]) -> str:
    """A whole-text pattern for any of ``forms`` as ``fold`` matches them."""
    unique = sorted({" ".join(f.split()) for f in forms if f.strip()}, key=longest_first)
    return whole("|".join(folded(form) for form in unique))


def or_empty(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """A field's schema: an empty value is what ``check`` skips for an optional field and
    reports (``empty-field``) for a required one."""
    if required:
        return {"allOf": [schema, {"not": EMPTY}]}
    return {"anyOf": [EMPTY, schema]}


def list_of(item: dict[str, Any]) -> dict[str, Any]:
    """One such item or a list of them, where blank items are skipped, as ``several`` does."""
    return {"anyOf": [item, {"type": "array", "items": {"anyOf": [BLANK, item]}}]}
