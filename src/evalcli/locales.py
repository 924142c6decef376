"""Locale facts from babel (CLDR): countries, currencies, months, number formats.

babel is imported on first use, so commands that need none of it stay fast.
Country names and currency codes, which every check needs, are read from
data/locale_data.json, generated from babel by scripts/make_locale_data.py.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from evalcli.text import fold

DATA = Path(__file__).parent / "data" / "locale_data.json"


@functools.cache
def _cached() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


# English dates and numbers as the ILO writes them: "14 November 2025"
LOCALES = {"en": "en_GB"}


def locale_for(lang: str) -> str:
    return LOCALES.get(lang, lang)


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


def format_month_year(year: int, month: int, lang: str) -> str:
    """ "December 2024", "diciembre de 2024", "décembre 2024"."""
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", date(year, month, 1), locale=locale_for(lang)))


def format_day(year: int, month: int, day: int, lang: str) -> str:
    """ "5 December 2024" style, as the language writes it."""
    from babel.dates import format_date

    return str(format_date(date(year, month, day), format="long", locale=locale_for(lang)))


def format_money(amount: Decimal, currency: str, lang: str) -> str:
    """An amount with its ISO code, e.g. "USD 7,940,000" or "USD 49,123.00".

    The code comes first, as the ILO writes budgets; decimals are kept only
    where the source gives them.
    """
    from babel.numbers import format_decimal

    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return f"{currency} {format_decimal(amount, format=pattern, locale=locale_for(lang))}"


def format_list(items: list[str], lang: str) -> str:
    """ "a, b and c" / "a, b y c" / "a, b et c"."""
    from babel.lists import format_list as babel_format_list

    return str(babel_format_list(items, locale=locale_for(lang))) if items else ""
