"""The published sample, converted by hand, and the English example."""

from __future__ import annotations

from conftest import CONTENT, FIXTURES, run, run_json


def test_sample_reports_exactly_the_two_fields_published_unfilled():
    data = run_json(CONTENT / "alianzas-peru")
    errors = [f for f in data["reports"][0]["findings"] if f["severity"] == "error"]
    assert [(f["field"], f["code"], f["line"], f["column"]) for f in errors] == [
        ("approval_date", "placeholder", 14, 16),
        ("keywords", "placeholder", 29, 11),
    ]
    assert "Haga clic aquí para ingresar la fecha" in errors[0]["message"]
    assert "Use themes as provided in i-eval Discovery" in errors[1]["message"]


def test_sample_text_output_matches_the_documented_line():
    result = run("check", CONTENT / "alianzas-peru")
    assert result.exit_code == 1
    assert (
        "alianzas-peru/evaluation.yaml:14:16: error[placeholder] approval_date still holds the "
        'template\'s placeholder text "Haga clic aquí para ingresar la fecha"'
    ) in result.stdout


def test_sample_findings_cover_every_criterion_in_spanish():
    data = run_json(CONTENT / "alianzas-peru")
    assert not [f for f in data["reports"][0]["findings"] if f["code"] == "missing-criterion"]


def test_sample_recommendations_lack_follow_up_facts():
    data = run_json(CONTENT / "alianzas-peru")
    warnings = [f for f in data["reports"][0]["findings"] if f["code"] == "missing-follow-up"]
    assert len(warnings) == 9
    assert all(w["section"] == "recommendations" for w in warnings)


def test_english_example_passes_cleanly():
    result = run("check", "--strict", CONTENT / "example-en")
    assert result.exit_code == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout


def test_verbose_prints_word_counts():
    result = run("check", "-v", FIXTURES / "valid")
    # "## Project / The project did things." and "## A lesson / Learned."
    assert "valid/background.md: 5 words (background)" in result.stdout
    assert "valid/lessons.md: 3 words (lessons)" in result.stdout
