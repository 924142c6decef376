"""One broken report per failure mode: the finding a user gets, where, and the exit code."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, run, run_json


def codes(fixture: str) -> list[tuple[str, str, int, int]]:
    data = run_json(FIXTURES / fixture)
    return [
        (f["code"], f["file"].rsplit("/", 1)[-1], f["line"], f["column"])
        for f in data["reports"][0]["findings"]
    ]


def test_valid_fixture_has_no_findings():
    result = run("check", FIXTURES / "valid")
    assert result.exit_code == 0
    assert result.stdout.strip() == "1 report checked: 0 errors, 0 warnings"


@pytest.mark.parametrize(
    ("fixture", "expected", "exit_code"),
    [
        ("yaml-syntax", [("yaml-syntax", "evaluation.yaml", 9, 9)], 2),
        ("duplicate-key", [("duplicate-key", "evaluation.yaml", 17, 1)], 1),
        ("bad-project-code", [("invalid-project-code", "evaluation.yaml", 3, 31)], 1),
        (
            "unknown-sdg",
            [
                ("invalid-sdg", "evaluation.yaml", 9, 15),
                ("invalid-sdg", "evaluation.yaml", 9, 23),
                ("invalid-sdg", "evaluation.yaml", 9, 29),
            ],
            1,
        ),
        (
            "dates-out-of-order",
            [("date-order", "evaluation.yaml", 11, 16), ("date-order", "evaluation.yaml", 15, 14)],
            1,
        ),
        (
            "placeholder-text",
            [
                ("placeholder", "background.md", 5, 11),
                ("placeholder", "background.md", 5, 38),
                ("placeholder", "evaluation.yaml", 16, 8),
            ],
            1,
        ),
        ("missing-section", [("missing-section", "lessons.md", 1, 1)], 1),
        ("empty-file", [("empty-section", "good_practices.md", 1, 1)], 1),
        ("not-utf8", [("not-utf8", "background.md", 3, 19)], 2),
        (
            "wrong-types",
            [
                ("invalid-choice", "evaluation.yaml", 5, 9),
                ("invalid-country", "evaluation.yaml", 7, 17),
                ("invalid-date", "evaluation.yaml", 10, 18),
                ("invalid-money", "evaluation.yaml", 17, 9),
                ("invalid-currency", "evaluation.yaml", 21, 46),
                ("invalid-type", "evaluation.yaml", 22, 11),
            ],
            1,
        ),
        (
            "missing-field",
            [
                ("missing-field", "evaluation.yaml", 1, 1),
                ("empty-field", "evaluation.yaml", 14, 8),
                ("missing-field", "evaluation.yaml", 21, 1),
            ],
            1,
        ),
    ],
)
def test_broken_fixture(fixture, expected, exit_code):
    assert codes(fixture) == expected
    assert run("check", FIXTURES / fixture).exit_code == exit_code


def test_text_output_names_file_line_column_and_fix():
    result = run("check", FIXTURES / "dates-out-of-order")
    assert (
        "dates-out-of-order/evaluation.yaml:15:14: error[date-order] project_end (2023-04) "
        "is before project_start (2023-09); check both dates"
    ) in result.stdout


def test_unknown_key_suggests_the_field_meant():
    result = run("check", FIXTURES / "missing-field")
    assert "title (Title) is required and missing; 'tittle' here is not a field: rename it " in (
        result.stdout
    )


def test_duplicate_key_names_the_first_line():
    result = run("check", FIXTURES / "duplicate-key")
    assert "'title' is given twice (first on line 2)" in result.stdout


def test_wrong_currency_case_suggests_capitals():
    result = run("check", FIXTURES / "wrong-types")
    assert "'usd' is not an ISO 4217 currency code; write 'USD'" in result.stdout


def test_missing_folder_is_a_usage_error(tmp_path):
    result = run("check", tmp_path / "no-such-report")
    assert result.exit_code == 2
    assert "no-such-report: no such file or folder" in result.stderr
    assert result.stdout == ""


def test_folder_without_reports_is_a_usage_error(tmp_path):
    result = run("check", tmp_path)
    assert result.exit_code == 2
    assert "no report folder here" in result.stderr


def test_strict_fails_on_warnings(report_copy):
    folder = report_copy("valid")
    (folder / "recommendations.md").write_text("## Do this\n\nBecause.\n", encoding="utf-8")
    assert run("check", folder).exit_code == 0
    result = run("check", "--strict", folder)
    assert result.exit_code == 1
    assert "warning[missing-follow-up] R1 ('Do this') does not say addressed_to" in result.stdout


def test_folder_of_reports_is_searched_recursively():
    data = run_json(FIXTURES)
    paths = [r["path"].rsplit("/", 1)[-1] for r in data["reports"]]
    assert "valid" in paths and "wrong-types" in paths
    assert data["summary"]["reports"] == len(paths)


def test_a_placeholder_typed_with_full_width_brackets_is_found(report_copy):
    # "［" and "＜" (East Asian keyboards, Word's full-width forms) fold into "[" and "<"
    report = report_copy("valid")
    background = report / "background.md"
    text = background.read_text(encoding="utf-8")
    background.write_text(text + "\n［Insertar el nombre del socio］\n", encoding="utf-8")
    result = run("check", report)
    assert result.exit_code == 1
    assert "［Insertar el nombre del socio］" in result.stdout
    assert "[placeholder]" in result.stdout
