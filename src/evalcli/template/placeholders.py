"""Find template placeholder text in metadata values and prose."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

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
        except at the characters that fold into ASCII ones (``folds_into_ascii``):
        text with one of those is folded first, as the regexes see it.
        """
        if self.always:
            return True
        if folds_into_ascii(text):  # "［Insertar］" is "[insertar]" to the regexes
            lowered = fold_keep_length(text).encode("utf-8", "surrogatepass")
        else:
            lowered = text.encode("utf-8", "surrogatepass").lower()
        if any(mark in lowered for mark in self.marks):
            return True
        return any(scanner.search(lowered) for scanner in self.scanners)


# The characters beyond ASCII that fold (``fold_keep_length``) into text with ASCII in it
# (ß, İ, the Kelvin sign, the ligatures ﬁ and ﬂ of text pasted from a PDF, the full-width
# "［" and "＜" of East Asian keyboards, "º", "…" ...), white space aside (``WHITE_SPACE``
# finds it) and ASCII letters with accents (the documented limit: "hága clic" is not
# "haga clic"). tests/test_fast_paths.py derives them from the Unicode tables. All but five
# change under NFKC, whose check runs in C from a table; in Latin-1 text, thirteen are left.
_LATIN1_INTO_ASCII = (
    "\u00a8\u00aa\u00af\u00b2\u00b3\u00b4\u00b8\u00b9\u00ba\u00bc\u00bd\u00be\u00df"
)
_NFKC_INTO_ASCII = "\u00df\u1e9e\u2260\u226e\u226f"  # unchanged by NFKC, yet folded into ASCII


def folds_into_ascii(text: str) -> bool:
    """True when folding ``text`` may give ASCII characters its UTF-8 bytes do not hold."""
    if text.isascii():
        return False
    try:
        text.encode("latin-1")  # a copy at memory speed for Latin-1 text; refused at once else
    except UnicodeEncodeError:
        if not unicodedata.is_normalized("NFKC", text):
            return True
        return any(ch in text for ch in _NFKC_INTO_ASCII)
    return any(ch in text for ch in _LATIN1_INTO_ASCII)  # one memchr each


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
