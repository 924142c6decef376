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
