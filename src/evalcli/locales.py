"""Locale facts from babel (CLDR): countries, currencies, months, number formats.

babel is imported on first use, so commands that need none of it stay fast.
Country names and currency codes, which every check needs, are read from
data/locale_data.json, generated from babel by scripts/make_locale_data.py.
So are, in data/locale_formats.json, the lists, amounts and dates of every
English, Spanish and French locale, checked against babel when generated:
a build formats them without loading babel's locale files; any other locale,
or a value the file does not cover, is babel's to format.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from evalcli import regexes
from evalcli.text import fold

with regexes.library_patterns():  # its patterns from the cache, as evalcli's own
    import json

DATA = Path(__file__).parent / "data" / "locale_data.json"
FORMATS = Path(__file__).parent / "data" / "locale_formats.json"


@functools.cache
def _cached() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@functools.cache
def _formats() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FORMATS.read_text(encoding="utf-8"))
    return data


def _entry(locale: str) -> dict[str, Any] | None:
    """The ready-made formats of a babel locale, if data/locale_formats.json has them."""
    found: dict[str, Any] | None = _formats()["locales"].get(locale_for(locale))
    return found


# A bare language's formats where the report names no locale and no single
# country: English as the ILO writes it ("14 November 2025").
LOCALES = {"en": "en_GB"}
_TAG = regexes.compile(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?")


def locale_for(lang: str) -> str:
    """The babel locale of a bare language code ("en" -> "en_GB", "es" -> "es")."""
    return LOCALES.get(lang, lang)


@functools.cache
def known_locale(tag: str) -> str | None:
    """A BCP 47 tag or CLDR name ("es-PE", "es_PE", "fr") as babel's "es_PE", if CLDR has it."""
    from babel import Locale, UnknownLocaleError

    match = _TAG.fullmatch(tag.strip())
    if not match:
        return None
    language, script, territory = match.groups()
    name = "_".join(
        part
        for part in (language.lower(), script and script.title(), territory and territory.upper())
        if part
    )
    if name not in locale_names(language.lower()):  # not babel's guess: es_ZZ is not es_ES
        return None
    if language.lower() in _formats()["languages"]:
        return name  # every one of these parses (scripts/make_locale_data.py checks)
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return None
    return name


@functools.cache
def locale_names(lang: str) -> frozenset[str]:
    """Every locale of a language that CLDR has data for, as babel names: "es", "es_PE"."""
    listed = _formats()["languages"].get(lang)
    if listed is not None:
        return frozenset([lang, *listed])
    from babel.localedata import locale_identifiers

    names = {lang}
    for name in locale_identifiers():
        parts = name.split("_")
        if parts[0] == lang and len(parts) <= 3 and all(p.isalnum() for p in parts):
            names.add(name)
    return frozenset(names)


def bcp47(locale: str) -> str:
    """babel's "es_PE" as the tag documents carry: "es-PE"."""
    return locale.replace("_", "-")


def resolve_locale(lang: str, locale: str | None = None, countries: Sequence[str] = ()) -> str:
    """The babel locale that numbers, amounts and dates are written in.

    ``locale`` (the report's own, e.g. "es-PE") when it is in ``lang``; else
    ``lang`` with the report's country when it has exactly one and CLDR knows
    the pair (es + PE -> es_PE); else the language's own formats.
    """
    found = known_locale(locale) if locale else None
    if found and found.split("_")[0] == lang:
        return found
    if len(countries) == 1:
        paired = known_locale(f"{lang}_{countries[0]}")
        if paired:
            return paired
    return locale_for(lang)


@functools.cache
def territories(lang: str) -> dict[str, str]:
    """Territory code -> name in ``lang``: countries (PE) and regions (419)."""
    cached = _cached()["territories"].get(lang)
    if cached is not None:
        return dict(cached)
    from babel import Locale

    return dict(Locale.parse(lang).territories)


@functools.cache
def territory_names(lang: str) -> dict[str, str]:
    """Folded territory name in ``lang`` -> code."""
    return {fold(name): code for code, name in territories(lang).items()}


def country_code(value: str, lang: str) -> str | None:
    """The ISO 3166 code for a code or a name in ``lang``, or None."""
    names = territories(lang)
    if re.fullmatch(r"[A-Za-z]{2}", value) and value.upper() in names:
        return value.upper()
    return territory_names(lang).get(fold(value))


def country_name(code: str, lang: str) -> str:
    """A territory's name in ``lang``."""
    return territories(lang).get(code, code)


@functools.cache
def currencies() -> frozenset[str]:
    """ISO 4217 currency codes known to CLDR."""
    return frozenset(_cached()["currencies"])


# Each formatter takes a babel locale ("es_PE") or a bare language ("es").


def format_month_year(year: int, month: int, locale: str) -> str:
    """ "December 2024", "diciembre de 2024", "décembre 2024"."""
    entry = _entry(locale)
    if entry is not None:
        return month_year_with(entry, year, month)
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", date(year, month, 1), locale=locale_for(locale)))


def format_day(year: int, month: int, day: int, locale: str) -> str:
    """ "5 December 2024" (en_GB), "December 5, 2024" (en_US), as the locale writes it."""
    entry = _entry(locale)
    if entry is not None:
        return day_with(entry, year, month, day)
    from babel.dates import format_date

    return str(format_date(date(year, month, day), format="long", locale=locale_for(locale)))


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """An amount with its ISO code: "USD 7,940,000" (en_GB, es_PE), "USD 7.940.000" (es).

    The code comes first, as the ILO writes budgets; decimals are kept only
    where the source gives them. The locale's own separators are kept, the
    no-break spaces of French "7 940 000" included.
    """
    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    entry = _entry(locale)
    if entry is not None and amount.is_finite() and amount >= 0:
        return f"{currency} {number_with(entry, amount, places)}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places else "")
    number = format_decimal(amount, format=pattern, locale=locale_for(locale))
    return f"{currency} {number}"


def format_list(items: list[str], locale: str) -> str:
    """ "a, b and c" / "a, b y c" / "a, b et c"."""
    if not items:
        return ""
    entry = _entry(locale)
    if entry is not None:
        return list_with(entry, items)
    from babel.lists import format_list as babel_format_list

    return str(babel_format_list(items, locale=locale_for(locale)))


# The ready-made formats: what babel writes, from the patterns and names it uses.
# scripts/make_locale_data.py keeps a locale only if these give babel's very text.

YEAR, DAY = "{y}", "{d}"  # where a pattern of locale_formats.json takes the year, the day


def month_year_with(entry: dict[str, Any], year: int, month: int) -> str:
    """babel's ``format_skeleton("yMMMM", ...)`` from a locale's ready-made patterns."""
    return str(entry["month_year"][month - 1]).replace(YEAR, str(year))


def day_with(entry: dict[str, Any], year: int, month: int, day: int) -> str:
    """babel's long ``format_date`` from a locale's ready-made patterns."""
    return str(entry["day"][month - 1]).replace(YEAR, str(year)).replace(DAY, str(day))


def number_with(entry: dict[str, Any], amount: Decimal, places: int) -> str:
    """babel's ``format_decimal`` of a non-negative amount with ``#,##0`` and ``places``."""
    whole, _, fraction = f"{amount:.{places}f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = str(entry["group"]).join([whole, *groups])
    return f"{grouped}{entry['decimal']}{fraction}" if places else grouped


def list_with(entry: dict[str, Any], items: list[str]) -> str:
    """babel's ``format_list`` (the standard style) from a locale's list patterns."""
    patterns: dict[str, str] = entry["list"]
    if len(items) == 1:
        return items[0]
    if len(items) == 2 and "2" in patterns:
        return patterns["2"].format(*items)
    result = patterns["start"].format(items[0], items[1])
    for item in items[2:-1]:
        result = patterns["middle"].format(result, item)
    return patterns["end"].format(result, items[-1])
