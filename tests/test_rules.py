"""Value rules: SDGs, countries, choices, dates, attributes and criteria."""

from __future__ import annotations

import pytest

from conftest import run_json
from evalcli.template.fieldtypes import parse_sdg, sdg_targets


def test_sdg_list_holds_169_targets_and_17_goals():
    targets = sdg_targets()
    assert len([t for t in targets if "." in t]) == 169
    assert len([t for t in targets if "." not in t]) == 17


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("8.7", "8.7"),
        ("SDG 8.7", "8.7"),
        ("ODS 16.2", "16.2"),
        ("ODD 16.a", "16.a"),
        ("8.10", "8.10"),
        ("17.19", "17.19"),
        ("8", "8"),
        ("sdg 3.d", "3.d"),
    ],
)
def test_sdg_accepted(text, target):
    assert parse_sdg(text) == target


@pytest.mark.parametrize("text", ["8.11", "3.e", "18", "0.1", "17.20", "SDG8-7", "1.c"])
def test_sdg_rejected(text):
    assert parse_sdg(text) is None


def findings_for(report_copy, yaml_edit=None, files=None):
    folder = report_copy("valid")
    if yaml_edit:
        path = folder / "evaluation.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in yaml_edit.items():
            assert old in text
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return run_json(folder)["reports"][0]["findings"]


def test_choice_accepts_labels_in_any_language(report_copy):
    found = findings_for(
        report_copy,
        {
            "timing: midterm": "timing: Intermedia",
            "nature: internal": "nature: Indépendante",
            "evaluation_type: project": "evaluation_type: Proyecto",
        },
    )
    assert found == []


def test_countries_by_name_in_the_reports_language(report_copy):
    ok = findings_for(
        report_copy,
        {"language: en": "language: es", "countries: [PE, Chile]": "countries: [Perú, NO]"},
        {
            "findings.md": "## Pertinencia\n\nx\n\n## Coherencia\n\nx\n\n"
            "## Eficacia\n\nx\n\n## Eficiencia\n\nx\n\n## Impacto\n\nx\n\n"
            "## Sostenibilidad\n\nx\n"
        },
    )
    assert ok == []


def test_three_letter_country_code_gets_a_hint(report_copy):
    found = findings_for(report_copy, {"countries: [PE, Chile]": "countries: [PER]"})
    assert found[0]["code"] == "invalid-country"
    assert "use the two-letter ISO 3166 code" in found[0]["message"]


def test_impossible_dates_are_rejected(report_copy):
    found = findings_for(
        report_copy,
        {
            "completion_date: 2023-05": "completion_date: 2023-02-30",
            "project_start: 2019": "project_start: 2019-13",
        },
    )
    messages = sorted(f["message"] for f in found)
    assert messages == [
        "completion_date: '2023-02-30': day 30 does not exist in that month",
        "project_start: '2019-13' has no month 13; write it as YYYY, YYYY-MM or YYYY-MM-DD, "
        "e.g. 2024-12",
    ]


def test_dates_compare_at_the_coarser_precision(report_copy):
    found = findings_for(
        report_copy,
        {
            "project_start: 2019": "project_start: 2023",
            "project_end: 2023-04": "project_end: 2023-04",
        },
    )
    assert found == []


def test_missing_criterion_is_a_warning_in_the_reports_language(report_copy):
    found = findings_for(
        report_copy, files={"findings.md": "## Relevance\n\nx\n\n## Impact orientation\n\nx\n"}
    )
    names = [f["message"].split("'")[1] for f in found if f["code"] == "missing-criterion"]
    assert names == ["Coherence", "Effectiveness", "Efficiency", "Sustainability"]
    assert {f["severity"] for f in found} == {"warning"}


def test_recommendation_attributes_are_checked(report_copy):
    found = findings_for(
        report_copy,
        files={
            "recommendations.md": (
                '## R1. Do this {addressed_to="ILO" priority="urgent" timeframe="2024" '
                'prio="x"}\n\n'
                'Because.\n\n## Do that {addressed_to="ILO\n\nText.\n'
            )
        },
    )
    got = [(f["code"], f["line"]) for f in found]
    assert got == [
        ("item-numbering", 1),
        ("invalid-attribute", 1),
        ("unknown-attribute", 1),
        ("invalid-attribute", 5),
    ]
    assert "no closing '}'" in found[-1]["message"]
    unknown = next(f for f in found if f["code"] == "unknown-attribute")
    assert "(did you mean 'priority'?)" in unknown["message"]


def test_headings_inside_code_blocks_are_not_items(report_copy):
    found = findings_for(
        report_copy, files={"lessons.md": ("## A lesson\n\nText.\n\n```\n## not a heading\n```\n")}
    )
    assert found == []


def test_item_section_without_items(report_copy):
    found = findings_for(report_copy, files={"lessons.md": "Some text but no headings.\n"})
    assert [f["code"] for f in found] == ["no-items"]


def test_locale_cache_matches_the_installed_babel():
    import json
    import runpy

    from conftest import ROOT
    from evalcli.locales import DATA

    script = runpy.run_path(str(ROOT / "scripts" / "make_locale_data.py"))
    fresh = json.loads(json.dumps(script["locale_data"]()))
    assert json.loads(DATA.read_text(encoding="utf-8")) == fresh, (
        "babel's data changed: run python scripts/make_locale_data.py"
    )


@pytest.mark.parametrize(
    ("date", "ok"),
    [
        ("2024-02-29", True),  # a leap year
        ("2023-02-29", False),
        ("1900-02-29", False),  # a century, not a leap year
        ("2000-02-29", True),  # every fourth century is
        ("2023-04-31", False),
        ("2023-12-31", True),
        ("2023-11-31", False),
    ],
)
def test_the_last_day_of_a_month_is_known(report_copy, date, ok):
    found = findings_for(report_copy, {"completion_date: 2023-05": f"completion_date: {date}"})
    said = [f["message"] for f in found if "does not exist in that month" in f["message"]]
    assert (said == []) is ok
