"""Lists, amounts and dates are written from data/locale_formats.json, as babel writes them.

A build of a report in English, Spanish or French loads none of babel's
locale files; the file is babel's own, checked against it when generated.
"""

from __future__ import annotations

import json
import runpy
from datetime import date
from decimal import Decimal

from conftest import CONTENT, ROOT, after_a_build
from evalcli import locales


def test_the_locale_formats_match_the_installed_babel():
    script = runpy.run_path(str(ROOT / "scripts" / "make_locale_data.py"))
    fresh = json.loads(json.dumps(script["locale_formats"]()))
    assert json.loads(locales.FORMATS.read_text(encoding="utf-8")) == fresh, (
        "babel's data changed: run python scripts/make_locale_data.py"
    )


def test_the_ready_made_formats_write_what_babel_writes():
    from babel.dates import format_date, format_skeleton
    from babel.lists import format_list
    from babel.numbers import format_decimal

    for name in ("en_GB", "en_US", "es", "es_PE", "es_MX", "fr", "fr_CA"):
        assert locales._entry(name) is not None, name
        assert locales.format_day(2024, 12, 5, name) == format_date(date(2024, 12, 5), "long", name)
        skeleton = format_skeleton("yMMMM", date(2025, 2, 1), locale=name)
        assert locales.format_month_year(2025, 2, name) == skeleton
        expected = "USD " + format_decimal(Decimal("7940000.50"), "#,##0.00", locale=name)
        assert locales.format_money(Decimal("7940000.50"), "USD", name) == expected
        items = ["MININTER", "MIMP", "OIT"]
        assert locales.format_list(items, name) == format_list(items, locale=name)


def test_a_locale_the_file_cannot_write_is_babels():
    """en_ZA writes "05 December 2024": not in the file, so babel writes it."""
    from babel.dates import format_date

    assert locales._entry("en_ZA") is None
    assert locales.format_day(2024, 12, 5, "en_ZA") == format_date(
        date(2024, 12, 5), "long", "en_ZA"
    )
    negative = locales.format_money(Decimal("-12.5"), "USD", "fr")
    assert negative.startswith("USD ") and negative.endswith("12,5")


def test_a_build_loads_no_babel(tmp_path):
    babel = "sorted(m for m in sys.modules if m.split('.')[0] == 'babel')"
    assert after_a_build(CONTENT / "example-en", tmp_path / "out", babel) == "[]"
