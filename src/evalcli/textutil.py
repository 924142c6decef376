"""Small text helpers: accent- and case-insensitive comparison, word counts."""

from __future__ import annotations

import difflib
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")


def fold_keep_length(text: str) -> str:
    """Lower-case and strip accents. Precomposed letters keep the text's length."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace, for matching."""
    return _SPACE.sub(" ", fold_keep_length(text)).strip()


def fold_key(text: str) -> str:
    """``fold`` without punctuation: "País(es):" and "paises" both give "paises"."""
    return re.sub(r"[^a-z0-9 ]+", "", fold(text).replace("/", " ")).strip()


def count_words(text: str) -> int:
    """Words in a piece of Markdown, ignoring its markup."""
    return len(_WORD.findall(re.sub(r"\{[^}]*\}\s*$", "", text, flags=re.M)))


def shorten(text: str, limit: int, mark: str = " …") -> str:
    """``text`` cut at the last word boundary before ``limit`` characters, then ``mark``."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip(" ,;:–-") + mark


def has_words(text: str) -> bool:
    """True if the text holds at least one word (cheaper than counting them)."""
    return _WORD.search(text) is not None


def did_you_mean(word: str, choices: list[str]) -> str:
    """A " (did you mean 'x'?)" hint, or an empty string."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
