"""Find template placeholder text in metadata values and prose."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from evalcli.model import Map, Node, Scalar, Seq
from evalcli.template import Template
from evalcli.textutil import fold_keep_length


@functools.cache
def _phrase_regex(template: Template) -> re.Pattern[str] | None:
    phrases = []
    for phrase in template.placeholder_phrases:
        words = fold_keep_length(phrase).rstrip(". ").split()
        phrases.append(r"\s+".join(re.escape(word) for word in words))
    return re.compile("|".join(phrases)) if phrases else None


@functools.cache
def _pattern_regex(template: Template) -> re.Pattern[str] | None:
    if not template.placeholder_patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in template.placeholder_patterns), re.IGNORECASE)


def find_placeholders(text: str, template: Template) -> list[tuple[int, str]]:
    """(offset, matched source text) of every placeholder in ``text``."""
    found: list[tuple[int, str]] = []
    phrases = _phrase_regex(template)
    if phrases:
        folded = fold_keep_length(text)
        if len(folded) != len(text):
            # rare letters (ß, ligatures, lone accents) change length: fold one by one
            folded = "".join((fold_keep_length(ch) or "\0")[0] for ch in text)
        found.extend((m.start(), text[m.start() : m.end()]) for m in phrases.finditer(folded))
    patterns = _pattern_regex(template)
    if patterns:
        found.extend((m.start(), m.group(0)) for m in patterns.finditer(text))
    return sorted(found)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def scalars_in(node: Node | None) -> Iterator[Scalar]:
    """Every scalar under a node, depth first."""
    if isinstance(node, Scalar):
        yield node
    elif isinstance(node, Seq):
        for item in node.items:
            yield from scalars_in(item)
    elif isinstance(node, Map):
        for entry in node.entries.values():
            yield from scalars_in(entry.value)
