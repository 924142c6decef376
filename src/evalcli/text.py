"""Small text helpers: accent- and case-insensitive matching, word counts, lists."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

from evalcli import regexes
from evalcli.i18n import Message, msg, verbatim

_SPACE = regexes.compile(r"\s+")
_COMBINING = regexes.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# a heading's "{key=value}" at a line's end; linear: no brace inside, so a scan from
# one "{" stops at the next
_TRAILING_ATTRIBUTES = regexes.compile(r"\{[^{}\n]*\}[ \t]*$", re.M)
_WORD = regexes.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")
_NOT_KEY = regexes.compile(r"[^a-z0-9 ]+")
_LIST_SPLIT = regexes.compile(r"\s*[,;]\s*|\s+(?:and|y|e|et)\s+", re.IGNORECASE)
_NONE = {
    *("-", "–", "—", "n/a", "na", "none", "ninguno", "ninguna", "aucun", "aucune"),
    *("no aplica", "non applicable", "not applicable"),
}


def normalize_newlines(text: str) -> str:
    """Windows and old Mac line ends as ``\\n``."""
    if "\r" not in text:  # one search at memchr speed: most files have none
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fold_keep_length(text: str) -> str:
    """Lower-case and strip accents. Precomposed letters keep the text's length."""
    if text.isascii():  # nothing to decompose or strip: a flag, not a scan
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


# the labels, keys and options a check compares with, folded again for every report
_FOLD_CACHED = 256  # characters: longer texts (the content's own) are folded as they come


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace, for matching."""
    return _fold_short(text) if len(text) <= _FOLD_CACHED else _fold(text)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", fold_keep_length(text)).strip()


_fold_short = functools.lru_cache(maxsize=4096)(_fold)


def fold_key(text: str) -> str:
    """``fold`` without punctuation: "País(es):" and "paises" both give "paises"."""
    return _NOT_KEY.sub("", fold(text).replace("/", " ")).strip()


def match_option(text: str, options: Mapping[str, Mapping[str, str]]) -> str | None:
    """The key of the option ``text`` names, by its key or its label in any language."""
    wanted = fold(text)
    for key, labels in options.items():
        if wanted == fold(key) or any(wanted == fold(label) for label in labels.values()):
            return key
    return None


def matches_any(text: str, names: Iterable[str]) -> bool:
    """``text`` is one of ``names``, ignoring case, accents and spacing."""
    wanted = fold(text)
    return any(wanted == fold(name) for name in names)


def split_list(text: str) -> list[str]:
    """ "Ghana, Togo and Benin" -> ["Ghana", "Togo", "Benin"] (en, es, fr conjunctions)."""
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def says_none(text: str) -> bool:
    """ "-", "N/A", "ninguno" ...: the value does not apply. Markdown escapes ("\\-") count."""
    return fold(text.replace("\\", "")).strip(" .") in _NONE


def count_words(text: str) -> int:
    """Words in a piece of Markdown, ignoring its markup."""
    return len(_WORD.findall(_TRAILING_ATTRIBUTES.sub("", text)))


def shorten(text: str, limit: int, mark: str = " …") -> str:
    """``text`` cut at the last word boundary before ``limit`` characters, then ``mark``."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip(" ,;:–-") + mark


def has_words(text: str) -> bool:
    """True if the text holds at least one word (cheaper than counting them)."""
    return _WORD.search(text) is not None


def did_you_mean(word: str, choices: list[str]) -> Message:
    """A " (did you mean 'x'?)" hint, or nothing."""
    import difflib  # only for a hint: not loaded by every check

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return msg(" (did you mean '{word}'?)", word=close[0]) if close else verbatim("")


# characters no document may hold: C0 controls but tab and newline, DEL and C1
# controls, lone surrogates, U+FFFE/U+FFFF (DOCX is XML 1.0, Typst source is text)
BAD_CHARACTER = regexes.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# every byte but the C0 controls (tab and newline aside) and DEL: deleted, what is left of
# a text's UTF-8 is a control or the first byte of a C1 control (C2) or of U+FFFE/U+FFFF (EF)
_GOOD_BYTES = bytes(
    b
    for b in range(256)
    if b not in (0xC2, 0xEF) and (b >= 0x80 or not BAD_CHARACTER.match(chr(b)))
)
_C1_UTF8 = regexes.compile(b"\xc2[\x80-\x9f]")  # a literal first byte: searched at C speed


def has_bad_character(text: str) -> bool:
    """True when ``text`` holds a character of ``BAD_CHARACTER``: the same answer as its
    ``search``, a few times faster on text that has none (the usual case)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    left = data.translate(None, _GOOD_BYTES)
    if not left:
        return False
    if left.strip(b"\xc2\xef"):
        return True  # a C0 control or DEL
    return _C1_UTF8.search(data) is not None or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data


def remove_bad_characters(text: str) -> str:
    """The text without the characters that no document may hold (check reports them)."""
    return BAD_CHARACTER.sub("", text)
