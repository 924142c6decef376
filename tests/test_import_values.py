"""How import reads written-out values and labels, in English, Spanish and French."""

from __future__ import annotations

import pytest

from evalcli.importing.quickfacts import label_index, read_period
from evalcli.template.fieldtypes import MoneyType, read_amount, read_date
from evalcli.template.loader import builtin_template

LANGUAGES = builtin_template().languages


def parse_date(text):
    return read_date(text, LANGUAGES)


def parse_period(text):
    return read_period(text, builtin_template(), "en")


parse_amount = read_amount
parse_money = MoneyType.read_with_rest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Diciembre 2024", "2024-12"),
        ("diciembre de 2024", "2024-12"),
        ("14 November 2025", "2025-11-14"),
        ("November 14, 2025", "2025-11-14"),
        ("14 novembre 2025", "2025-11-14"),
        ("1er février 2024", "2024-02-01"),
        ("2024-12", "2024-12"),
        ("12/2024", "2024-12"),
        ("2024", "2024"),
        ("Sept. 2025", "2025-09"),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["Haga clic aquí para ingresar la fecha", "sometime", "", "31/12/2024", "Brumaire 2024"]
)
def test_dates_not_understood(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("octubre de 2017 a diciembre de 2024", ("2017-10", "2024-12")),
        ("July 2020 to June 2025", ("2020-07", "2025-06")),
        ("d'octobre 2017 à décembre 2024", ("2017-10", "2024-12")),
        ("octobre 2017 à décembre 2024", ("2017-10", "2024-12")),
        ("2019 – 2023", ("2019", "2023")),
        ("2019-2023", ("2019", "2023")),
    ],
)
def test_periods(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,940,000", "7940000"),
        ("7.940.000", "7940000"),
        ("49,123.00", "49123.00"),
        ("49.123,00", "49123.00"),
        ("49\u202f123,00", "49123.00"),
        ("38500", "38500"),
        ("1,5", "1.5"),
        ("12.34.5", None),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == expected


def test_donor_and_budget():
    assert parse_money("U.S.A – USD 7,940,000 tras cuatro ampliaciones") == (
        {"amount": "7940000", "currency": "USD", "note": "tras cuatro ampliaciones"},
        "U.S.A",
    )
    assert parse_money("US$ 1,200,000") == ({"amount": "1200000", "currency": "USD"}, "")
    assert parse_money("Suiza – CHF 2.000.000") == (
        {"amount": "2000000", "currency": "CHF"},
        "Suiza",
    )
    assert parse_money("seven million dollars") is None


@pytest.mark.parametrize(
    ("label", "row"),
    [
        ("País(es)", "countries"),
        ("PAÍS(ES)", "countries"),
        ("Pays", "countries"),
        ("Country(ies)", "countries"),
        ("Countries", "countries"),
        ("paises", "countries"),
        ("ODS", "sdgs"),
        ("SDG(s)", "sdgs"),
        ("ODD", "sdgs"),
        ("Duración del proyecto", "project_duration"),
        ("Durée du projet", "project_duration"),
        ("ILO TC/SYMBOL", "project_code"),
        ("Código de Proyecto", "project_code"),
        ("Donante y presupuesto", "donor_budget"),
        ("**Key words:**", "keywords"),
        ("Fecha en que EVAL aprobó la evaluacion", "approval_date"),
    ],
)
def test_labels_in_any_language(label, row):
    found = label_index(builtin_template()).match(label.rstrip(":*").lstrip("*"))
    assert found is not None and found.row.id == row


def test_unknown_label():
    assert label_index(builtin_template()).match("Favourite colour") is None


def read_as(key: str, text: str, lang: str = "en"):
    """What import makes of ``text`` under the field ``key`` (its type's ``read``)."""
    template = builtin_template()
    spec = template.fields[key]
    return spec.type.read(text, spec, template, lang)


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("countries", "Lao PDR", ["LA"]),
        ("countries", "United Republic of Tanzania and Zambia", ["TZ", "ZM"]),
        ("countries", "Bosnia and Herzegovina", ["BA"]),
        ("countries", "Ghana, Togo, and Benin.", ["GH", "TG", "BJ"]),
        ("countries", "Bolivia, Ecuador y Perú", ["BO", "EC", "PE"]),
        ("completion_date", "August–September 2020", "2020-09"),
        ("completion_date", "16 au 27 juillet 2014", "2014-07-27"),
        ("completion_date", "15 Nov 2013 – 31 Jan 2019", "2019-01-31"),
        ("budget", "USD $7,950,000", {"amount": "7950000", "currency": "USD"}),
        ("budget", "US$ 20,000", {"amount": "20000", "currency": "USD"}),
        ("budget", "US $ 20,000", {"amount": "20000", "currency": "USD"}),
        ("budget", "US$ 7.95 million", {"amount": "7950000", "currency": "USD"}),
        (
            "project_code",
            "GLO/13/22/USA, RAF/12/01/USA, and INT/14/05/SWE",
            ["GLO/13/22/USA", "RAF/12/01/USA", "INT/14/05/SWE"],
        ),
        ("project_code", "GLO/13/22/USA & RAF/12/01/USA", ["GLO/13/22/USA", "RAF/12/01/USA"]),
        ("project_code", "ZMB 18/02/RBS and TZA/18/01/RBS", ["ZMB/18/02/RBS", "TZA/18/01/RBS"]),
        ("keywords", "child labour, forced labour.", ["child labour", "forced labour"]),
        (
            "consultants",
            "Jane Banda (National consultant; Zambia)",
            [{"name": "Jane Banda", "role": "National consultant; Zambia"}],
        ),
        ("consultants", "Hassan, Nahla & Wael Zakkar", ["Nahla Hassan", "Wael Zakkar"]),
        (
            "consultants",
            "John Mwale (Team leader), Ana Pérez y Luis Gómez",
            [{"name": "John Mwale", "role": "lead"}, "Ana Pérez", "Luis Gómez"],
        ),
        ("timing", "Independent final evaluation", "final"),
        ("timing", "Mid-Term", "midterm"),
    ],
)
def test_the_archives_values(key, text, expected):
    assert read_as(key, text) == expected


def test_a_label_is_matched_whole_with_its_colon():
    index = label_index(builtin_template())
    found = index.prefix("Donor: country and budget US$: Sweden, US$ 20,000")
    assert found == ("Donor: country and budget US$", "Sweden, US$ 20,000")
    assert index.match(found[0]).row.id == "donor_budget"
