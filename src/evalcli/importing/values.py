"""Written-out values ("Diciembre 2024", "USD 7,940,000 tras ...") -> typed fields.

Every parser returns None when it cannot read the text; the caller then keeps
the text as it was written, so that check can flag it. Nothing is guessed.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from evalcli.localedata import country_code, currencies
from evalcli.template import Field
from evalcli.textutil import fold
from evalcli.values import PROJECT_CODE, parse_sdg

LANGUAGES = ("en", "es", "fr")
_LIST_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:and|y|e|et)\s+", re.IGNORECASE)
_ROLE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_CURRENCY_SIGNS = {"us$": "USD", "usd$": "USD", "€": "EUR", "£": "GBP", "chf": "CHF"}
_MONEY = re.compile(
    r"(?P<cur>[A-Z]{3}|US\$|€|£)\s*(?P<amount>\d[\d.,\u00a0\u202f ]*\d|\d)"
    r"(?:\s*(?P<scale>million|millones|millions|m)\b)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_NONE = {
    "-",
    "–",
    "—",
    "n/a",
    "na",
    "none",
    "ninguno",
    "ninguna",
    "aucun",
    "aucune",
    "no aplica",
    "non applicable",
    "not applicable",
}


def strip_emphasis(text: str) -> str:
    """ "*PER/17/51/USA*" -> "PER/17/51/USA": the sample sets every value in italics."""
    text = text.strip()
    for marker in ("***", "**", "*", "__", "_"):
        if len(text) > 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
            inner = text[len(marker) : -len(marker)]
            if marker not in inner:
                return inner.strip()
    return text


def means_none(text: str) -> bool:
    """ "-", "N/A", "ninguno" ...: the field does not apply. Markdown escapes ("\\-") count."""
    return fold(text.replace("\\", "")).strip(" .") in _NONE


def split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


@functools.cache
def _months() -> dict[str, int]:
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for lang in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=lang).items():
                    names[fold(name).rstrip(".")] = number
    return names


def parse_date(text: str) -> str | None:
    """ "Diciembre 2024" -> "2024-12"; "14 November 2025" -> "2025-11-14"."""
    raw = fold(text)
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", raw):
        return raw
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", raw)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    raw = re.sub(r"\b[dl]['’]", "", raw)  # French elision: "d'octobre"
    tokens = [
        t for t in re.split(r"[\s,.]+", raw) if t and t not in {"de", "del", "le", "of", "the"}
    ]
    months = _months()
    year = month = day = None
    for token in tokens:
        number = re.fullmatch(r"(\d{1,4})(?:st|nd|rd|th|er|o|º)?", token)
        if token in months and month is None:
            month = months[token]
        elif number and len(number.group(1)) == 4 and year is None:
            year = int(number.group(1))
        elif number and len(number.group(1)) <= 2 and day is None:
            day = int(number.group(1))
        else:
            return None
    if year is None or (day is not None and month is None):
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_period(text: str) -> tuple[str, str] | None:
    """ "octubre de 2017 a diciembre de 2024" -> ("2017-10", "2024-12")."""
    for separator in (r"\s+(?:to|a|al|à|au|hasta|until)\s+", r"\s*[–—]\s*", r"\s+-\s+", r"-"):
        parts = re.split(separator, fold(text), maxsplit=1)
        if len(parts) == 2:
            start, end = (
                parse_date(re.sub(r"^(?:from|de|del|desde|du)\s+", "", parts[0])),
                parse_date(parts[1]),
            )
            if start and end:
                return start, end
    return None


def parse_amount(text: str) -> str | None:
    """ "7,940,000" / "7.940.000" / "49,123.00" / "49.123,00" -> "7940000" / "49123.00"."""
    digits = re.sub(r"[\u00a0\u202f ]", "", text)
    if not re.fullmatch(r"\d[\d.,]*", digits):
        return None
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif commas or dots:
        mark = "," if commas else "."
        groups = digits.split(mark)
        decimal = (
            ""
            if all(len(g) == 3 for g in groups[1:]) and (len(groups) > 2 or len(groups[-1]) == 3)
            else mark
        )
        if decimal and len(groups) > 2:
            return None
    else:
        decimal = ""
    thousands = {",", "."} - {decimal}
    for mark in thousands:
        digits = digits.replace(mark, "")
    return digits.replace(",", ".") if decimal == "," else digits


def parse_money(text: str) -> tuple[dict[str, str], str] | None:
    """ "U.S.A – USD 7,940,000 tras cuatro ampliaciones" -> ({amount, currency, note}, "U.S.A")."""
    for match in _MONEY.finditer(text):
        code = match.group("cur")
        currency = _CURRENCY_SIGNS.get(code.lower(), code.upper())
        if currency not in currencies() or (len(code) == 3 and code != code.upper()):
            continue
        amount = parse_amount(match.group("amount").strip())
        if amount is None or match.group("scale"):
            return None
        money = {"amount": amount, "currency": currency}
        note = match.group("rest").strip(" ,;–-")
        if note:
            money["note"] = note
        before = text[: match.start()].strip().rstrip("–—-:,;").strip()
        return money, before
    return None


def parse_people(text: str, spec: Field) -> list[Any]:
    people: list[Any] = []
    for part in split_list(text):
        match = _ROLE.match(part)
        if not match:
            people.append(part)
            continue
        name, role = match.group(1).strip(), match.group(2).strip()
        key = next(
            (
                k
                for k, labels in spec.roles.items()
                if fold(role) in {fold(k), *(fold(v) for v in labels.values())}
            ),
            role,
        )
        people.append({"name": name, "role": key})
    return people


def parse_choice(text: str, spec: Field) -> str | None:
    wanted = fold(text)
    for key, labels in spec.options.items():
        if wanted == fold(key) or wanted in {fold(v) for v in labels.values()}:
            return key
    return None


def parse_countries(text: str, lang: str) -> list[str] | None:
    codes = []
    for part in split_list(text):
        code = next(
            (
                c
                for c in (
                    country_code(part, lang),
                    *(country_code(part, other) for other in LANGUAGES),
                )
                if c
            ),
            None,
        )
        if code is None:
            return None
        codes.append(code)
    return codes


def parse_sdgs(text: str) -> list[str] | None:
    targets = [parse_sdg(part) for part in split_list(text)]
    return [t for t in targets if t] if all(targets) and targets else None


def parse_codes(text: str) -> list[str] | None:
    codes = split_list(text)
    return codes if codes and all(PROJECT_CODE.fullmatch(c) for c in codes) else None
