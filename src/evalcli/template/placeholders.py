"""Find template placeholder text in metadata values and prose."""

from __future__ import annotations

import functools
import itertools
import re

from evalcli import regexes
from evalcli.records import Record
from evalcli.template.spec import Template, is_bundled
from evalcli.text import fold_keep_length


class _Index(Record, frozen=True):
    """Regexes by anchor: a word every match of that regex contains."""

    anchored: dict[str, tuple[str, ...]]  # regex sources, compiled when their anchor is met
    always: tuple[str, ...]
    scanners: tuple[re.Pattern[str], ...] = ()  # together, they find any of the anchors
    keep: bool = True  # the patterns are evalcli's own (a bundled template): kept compiled

    def spans(self, folded: str) -> list[tuple[int, int]]:
        # substring tests run at C speed; most text holds no anchor, so no regex runs
        # (or is even compiled: a template has dozens)
        sources = set(self.always)
        flat = folded.replace("\n", " ")
        for anchor, found in self.anchored.items():
            if anchor in flat:
                sources.update(found)
        regexes = [_compiled(source, self.keep) for source in sources]
        return sorted({m.span() for regex in regexes for m in regex.finditer(folded)})

    def may_match(self, text: str) -> bool:
        """False when ``text`` surely holds no placeholder (anchors are plain ASCII)."""
        if self.always:
            return True
        lowered = text.casefold().replace("\n", " ")
        return any(scanner.search(lowered) for scanner in self.scanners)


def _phrase_anchor(phrase: str) -> str | None:
    """Two words of the phrase written without accents ("haga clic"), or the longest one.

    The anchor is looked for in text that is only lower-cased, not folded, so it
    must be plain ASCII; two words are rarer in prose than one.
    """
    words = phrase.casefold().rstrip(". ").split()
    for first, second in itertools.pairwise(words):
        if all(w.isascii() and w.isalpha() for w in (first, second)):
            return f"{first} {second}"
    plain = [w for w in words if w.isascii() and w.isalpha()]
    return max(plain, key=len) if plain else None


def _scanners(anchors: list[str], keep: bool) -> tuple[re.Pattern[str], ...]:
    """Patterns that, between them, find any of ``anchors`` (literal text).

    The anchors that start with the same character become one pattern
    (``c(?:lick or|hoose an)``): the engine looks for that character at C speed
    and tries the rest only there, so the text is scanned once per first character,
    not once per anchor (about two thirds of the time of ``in`` for each anchor,
    on the sample). Literals and alternatives only: linear in the text.
    """
    groups: dict[str, list[str]] = {}
    for anchor in anchors:
        groups.setdefault(anchor[:1], []).append(anchor[1:])
    scanners = []
    for first, rests in groups.items():
        source = re.escape(first)
        if all(rests):  # an anchor of one character: that character alone finds it
            source += "(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
        scanners.append(regexes.compile(source, keep=keep))
    return tuple(scanners)


@functools.cache
def _compiled(source: str, keep: bool) -> re.Pattern[str]:
    return regexes.compile(source, keep=keep)


@functools.cache
def _index(template: Template) -> _Index:
    anchored: dict[str, list[str]] = {}
    always = []
    for phrase in template.placeholder_phrases:
        words = fold_keep_length(phrase).rstrip(". ").split()
        regex = r"\s+".join(re.escape(word) for word in words)
        anchor = _phrase_anchor(phrase)
        if anchor:
            anchored.setdefault(anchor, []).append(regex)
        else:
            always.append(regex)
    for anchors, pattern in template.placeholder_patterns:
        regex = pattern
        if not anchors or not all(a.isascii() for a in anchors):
            always.append(regex)
        for anchor in anchors:
            anchored.setdefault(anchor, []).append(regex)
    keep = is_bundled(template.path)
    return _Index(
        {k: tuple(v) for k, v in anchored.items()},
        tuple(always),
        _scanners(list(anchored), keep),
        keep,
    )


def find_placeholders(text: str, template: Template) -> list[tuple[int, str]]:
    """(offset, matched source text) of every placeholder in ``text``."""
    index = _index(template)
    if not index.may_match(text):
        return []
    folded = fold_keep_length(text)
    spans = index.spans(folded)
    if spans and len(folded) != len(text):
        # some letters (…, ß, ligatures) change length when folded: fold one by one
        # so that offsets in the folded text are offsets in the source
        folded = "".join((fold_keep_length(ch) or "\0")[0] for ch in text)
        spans = index.spans(folded)
    return [(start, text[start:end]) for start, end in spans]
