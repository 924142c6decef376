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
    """Regexes by anchor: text in lower case that every match of that regex contains.

    A space in an anchor stands for any run of white space, as in the phrases'
    regexes: a prompt pasted with a double or a non-breaking space, or broken
    over two lines, is still found.
    """

    anchored: dict[str, tuple[str, ...]]  # regex sources, compiled when their anchor is met
    always: tuple[str, ...]
    marks: tuple[bytes, ...] = ()  # the anchors of one character: found with ``in``, at C speed
    scanners: tuple[re.Pattern[bytes], ...] = ()  # together, they find any longer anchor
    keep: bool = True  # the patterns are evalcli's own (a bundled template): kept compiled

    def spans(self, folded: str) -> list[tuple[int, int]]:
        # most text holds no anchor, so no regex runs (or is even compiled: a template
        # has dozens)
        sources = set(self.always)
        for anchor, found in self.anchored.items():
            if _anchor_regex(anchor, self.keep).search(folded):
                sources.update(found)
        regexes = [_compiled(source, self.keep) for source in sources]
        return sorted({m.span() for regex in regexes for m in regex.finditer(folded)})

    def may_match(self, text: str) -> bool:
        """False when ``text`` surely holds no placeholder (anchors are plain ASCII).

        The anchors are looked for in the text's UTF-8 bytes in ASCII lower case:
        a third of the time of folding the text, and the same ASCII characters,
        except at the characters that fold into ASCII ones (``FOLDS_INTO_ASCII``):
        text with one of those is folded first, as the regexes see it.
        """
        if self.always:
            return True
        if not text.isascii() and _FOLDS_INTO_ASCII.search(text):
            text = fold_keep_length(text)  # "［Insertar］" is "[insertar]" to the regexes
        lowered = text.encode("utf-8", "surrogatepass").lower()
        if any(mark in lowered for mark in self.marks):
            return True
        return any(scanner.search(lowered) for scanner in self.scanners)


# the characters beyond ASCII that fold (``fold_keep_length``) into text with ASCII in it:
# ß, İ, the Kelvin sign, the ligatures ﬁ and ﬂ of text pasted from a PDF, the full-width
# "［" and "＜" of East Asian keyboards, "…", "º" ... A regex class; tests/test_fast_paths.py
# derives it from the Unicode tables. Left out: white space (``WHITE_SPACE`` finds it)
# and ASCII letters with accents, the documented limit ("hága clic" is not "haga clic")
FOLDS_INTO_ASCII = (
    "\u00a8\u00aa\u00af\u00b2-\u00b4\u00b8-\u00ba\u00bc-\u00be\u00df\u0132\u0133"
    "\u013f\u0140\u0149\u017f\u01c4-\u01cc\u01f1-\u01f3\u02b0\u02b2\u02b3"
    "\u02b7\u02b8\u02d8-\u02dd\u02e1-\u02e3\u037a\u037e\u0384\u0385\u1d2c\u1d2e"
    "\u1d30\u1d31\u1d33-\u1d3a\u1d3c\u1d3e-\u1d43\u1d47-\u1d49\u1d4d\u1d4f\u1d50"
    "\u1d52\u1d56-\u1d58\u1d5b\u1d62-\u1d65\u1d9c\u1da0\u1dbb\u1e9a\u1e9b\u1e9e"
    "\u1fbd\u1fbf-\u1fc1\u1fcd-\u1fcf\u1fdd-\u1fdf\u1fed-\u1fef\u1ffd\u1ffe\u2017"
    "\u2024-\u2026\u203c\u203e\u2047-\u2049\u2070\u2071\u2074-\u207a\u207c-\u208a"
    "\u208c-\u208e\u2090-\u2093\u2095-\u209c\u20a8\u2100-\u2103\u2105\u2106"
    "\u2109-\u210e\u2110-\u2113\u2115\u2116\u2119-\u211d\u2120-\u2122\u2124\u2128"
    "\u212a\u212c\u212d\u212f-\u2131\u2133\u2134\u2139\u213b\u2145-\u2149"
    "\u2150-\u217f\u2189\u2260\u226e\u226f\u2460-\u24ea\u2a74-\u2a76\u2c7c\u2c7d"
    "\u309b\u309c\u3200-\u321e\u3220-\u3243\u3250-\u325f\u32b1-\u32cf"
    "\u3358-\u337a\u3380-\u33ff\ua7f2-\ua7f4\ufb00-\ufb06\ufb29\ufc5e-\ufc63"
    "\ufdfa\ufdfb\ufe10\ufe13-\ufe16\ufe19\ufe30\ufe33-\ufe38\ufe47-\ufe50\ufe52"
    "\ufe54-\ufe57\ufe59-\ufe5c\ufe5f-\ufe66\ufe68-\ufe6b\ufe70\ufe72\ufe74\ufe76"
    "\ufe78\ufe7a\ufe7c\ufe7e\uff01-\uff5e\uffe3\U000107a5\U0001d400-\U0001d454"
    "\U0001d456-\U0001d49c\U0001d49e\U0001d49f\U0001d4a2\U0001d4a5\U0001d4a6"
    "\U0001d4a9-\U0001d4ac\U0001d4ae-\U0001d4b9\U0001d4bb\U0001d4bd-\U0001d4c3"
    "\U0001d4c5-\U0001d505\U0001d507-\U0001d50a\U0001d50d-\U0001d514"
    "\U0001d516-\U0001d51c\U0001d51e-\U0001d539\U0001d53b-\U0001d53e"
    "\U0001d540-\U0001d544\U0001d546\U0001d54a-\U0001d550\U0001d552-\U0001d6a3"
    "\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10a\U0001f110-\U0001f12e"
    "\U0001f130-\U0001f14f\U0001f16a-\U0001f16c\U0001f190\U0001fbf0-\U0001fbf9"
)
_FOLDS_INTO_ASCII = regexes.compile(f"[{FOLDS_INTO_ASCII}]")

# one white-space character, as ``\s`` finds it in text, in UTF-8: a pasted prompt may
# have a non-breaking or an em space between its words
WHITE_SPACE = (
    rb"(?:[\t-\r\x1c-\x1f ]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]"
    rb"|\xe2\x81\x9f|\xe3\x80\x80)"
)


def _anchor_source(anchor: str) -> str:
    """An anchor as a regex over text: its words, any run of white space between them."""
    return r"\s+".join(re.escape(word) for word in anchor.split(" "))


def _anchor_bytes(anchor: str) -> bytes:
    """The same over the text's UTF-8 bytes."""
    return (WHITE_SPACE + b"+").join(re.escape(word.encode()) for word in anchor.split(" "))


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


def _scanners(anchors: list[str], keep: bool) -> tuple[re.Pattern[bytes], ...]:
    """Patterns that, between them, find any of ``anchors`` (two characters or more).

    The anchors that start with the same character become one pattern
    (``c(?:lick\\s+or|hoose\\s+an)``, white space spelt out in UTF-8): the engine
    looks for that character at C speed and tries the rest only there, so the
    text is scanned once per first character, not once per anchor. Literals, white
    space and alternatives only: linear in the text.
    """
    groups: dict[str, list[str]] = {}
    for anchor in anchors:
        groups.setdefault(anchor[:1], []).append(anchor[1:])
    scanners = []
    for first, rests in groups.items():
        source = re.escape(first.encode())
        if all(rests):  # an anchor of that character and another: the pair finds it
            # a rest that starts with a space starts with white space
            source += b"(?:" + b"|".join(_anchor_bytes(rest) for rest in rests) + b")"
        scanners.append(regexes.compile(source, keep=keep))
    return tuple(scanners)


@functools.cache
def _compiled(source: str, keep: bool) -> re.Pattern[str]:
    return regexes.compile(source, keep=keep)


@functools.cache
def _anchor_regex(anchor: str, keep: bool) -> re.Pattern[str]:
    return regexes.compile(_anchor_source(anchor), keep=keep)


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
        # as they are looked for: lower case, one space between words
        written = [" ".join(anchor.lower().split()) for anchor in anchors]
        if not written or not all(anchor and anchor.isascii() for anchor in written):
            always.append(pattern)
            continue
        for anchor in written:
            anchored.setdefault(anchor, []).append(pattern)
    keep = is_bundled(template.path)
    return _Index(
        {k: tuple(v) for k, v in anchored.items()},
        tuple(always),
        tuple(anchor.encode() for anchor in anchored if len(anchor) == 1),
        _scanners([anchor for anchor in anchored if len(anchor) > 1], keep),
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
