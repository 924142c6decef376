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
        lowered = text.encode("utf-8", "surrogatepass").lower()
        if not text.isascii() and _FOLDS_INTO_ASCII.search(lowered):
            # "［Insertar］" is "[insertar]" to the regexes
            lowered = fold_keep_length(text).encode("utf-8", "surrogatepass")
        if any(mark in lowered for mark in self.marks):
            return True
        return any(scanner.search(lowered) for scanner in self.scanners)


# the characters beyond ASCII that fold (``fold_keep_length``) into text with ASCII in it,
# in UTF-8: ß, İ, the Kelvin sign, the ligatures ﬁ and ﬂ of text pasted from a PDF, the
# full-width "［" and "＜" of East Asian keyboards, "…", "º" ... tests/test_fast_paths.py
# derives them from the Unicode tables. Left out: white space (``WHITE_SPACE`` finds it)
# and ASCII letters with accents, the documented limit ("hága clic" is not "haga clic").
# Over the bytes, a few alternatives by first byte: a class of 1,600 characters, over text,
# is tried range by range at every character, twenty times slower
FOLDS_INTO_ASCII = (
    rb"(?:\xc2[\xa8\xaa\xaf\xb2-\xb4\xb8-\xba\xbc-\xbe]|\xc3\x9f|\xc4[\xb2-\xb3\xbf]|"
    rb"\xc5[\x80\x89\xbf]|\xc7[\x84-\x8c\xb1-\xb3]|\xca[\xb0\xb2-\xb3\xb7-\xb8]|"
    rb"\xcb[\x98-\x9d\xa1-\xa3]|\xcd[\xba\xbe]|\xce[\x84-\x85]|"
    rb"\xe1(?:\xb4[\xac\xae\xb0-\xb1\xb3-\xba\xbc\xbe-\xbf]|"
    rb"\xb5[\x80-\x83\x87-\x89\x8d\x8f-\x90\x92\x96-\x98\x9b\xa2-\xa5]|\xb6[\x9c\xa0\xbb]|"
    rb"\xba[\x9a-\x9b\x9e]|\xbe[\xbd\xbf]|"
    rb"\xbf[\x80-\x81\x8d-\x8f\x9d-\x9f\xad-\xaf\xbd-\xbe])|"
    rb"\xe2(?:\x80[\x97\xa4-\xa6\xbc\xbe]|\x81[\x87-\x89\xb0-\xb1\xb4-\xba\xbc-\xbf]|"
    rb"\x82[\x80-\x8a\x8c-\x8e\x90-\x93\x95-\x9c\xa8]|"
    rb"\x84[\x80-\x83\x85-\x86\x89-\x8e\x90-\x93\x95-\x96\x99-\x9d\xa0-\xa2\xa4\xa8\xaa\xac-\xad\xaf-\xb1\xb3-\xb4\xb9\xbb]"
    rb"|\x85[\x85-\x89\x90-\xbf]|\x86\x89|\x89[\xa0\xae-\xaf]|\x91[\xa0-\xbf]|"
    rb"\x92[\x80-\xbf]|\x93[\x80-\xaa]|\xa9[\xb4-\xb6]|\xb1[\xbc-\xbd])|"
    rb"\xe3(?:\x82[\x9b-\x9c]|\x88[\x80-\x9e\xa0-\xbf]|\x89[\x80-\x83\x90-\x9f]|"
    rb"\x8a[\xb1-\xbf]|\x8b[\x80-\x8f]|\x8d[\x98-\xba]|[\x8e-\x8f][\x80-\xbf])|"
    rb"\xea\x9f[\xb2-\xb4]|\xef(?:\xac[\x80-\x86\xa9]|\xb1[\x9e-\xa3]|\xb7[\xba-\xbb]|"
    rb"\xb8[\x90\x93-\x96\x99\xb0\xb3-\xb8]|"
    rb"\xb9[\x87-\x90\x92\x94-\x97\x99-\x9c\x9f-\xa6\xa8-\xab\xb0\xb2\xb4\xb6\xb8\xba\xbc\xbe]"
    rb"|\xbc[\x81-\xbf]|\xbd[\x80-\x9e]|\xbf\xa3)|\xf0(?:\x90\x9e\xa5|"
    rb"\x9d(?:[\x90\x96-\x99][\x80-\xbf]|\x91[\x80-\x94\x96-\xbf]|"
    rb"\x92[\x80-\x9c\x9e-\x9f\xa2\xa5-\xa6\xa9-\xac\xae-\xb9\xbb\xbd-\xbf]|"
    rb"\x93[\x80-\x83\x85-\xbf]|"
    rb"\x94[\x80-\x85\x87-\x8a\x8d-\x94\x96-\x9c\x9e-\xb9\xbb-\xbe]|"
    rb"\x95[\x80-\x84\x86\x8a-\x90\x92-\xbf]|\x9a[\x80-\xa3]|\x9f[\x8e-\xbf])|"
    rb"\x9f(?:\x84[\x80-\x8a\x90-\xae\xb0-\xbf]|\x85[\x80-\x8f\xaa-\xac]|\x86\x90|"
    rb"\xaf[\xb0-\xb9])))"
)
_FOLDS_INTO_ASCII = regexes.compile(FOLDS_INTO_ASCII)

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
