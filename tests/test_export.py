"""evalcli export: reports as JSON, and one item kind as CSV."""

from __future__ import annotations

import csv
import io
import json

from conftest import CONTENT, FIXTURES, run


def test_json_has_typed_metadata_and_numbered_items():
    result = run("export", CONTENT / "alianzas-peru", CONTENT / "example-en")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["version"] == 1
    peru, example = data["reports"]
    meta = peru["metadata"]
    assert meta["budget"] == {
        "amount": "7940000",
        "currency": "USD",
        "note": "tras cuatro ampliaciones",
    }
    assert meta["consultants"][0] == {"name": "Victoria Sánchez Esteban", "role": "lead"}
    assert meta["sdgs"] == ["5.5", "8.3", "8.7", "16.2"]
    # a value that does not parse is exported as written
    assert meta["approval_date"] == "Haga clic aquí para ingresar la fecha"
    recommendations = peru["sections"]["recommendations"]["items"]
    assert [r["number"] for r in recommendations] == [f"R{n}" for n in range(1, 10)]
    assert [i["number"] for i in peru["sections"]["lessons"]["items"]] == ["LA1", "LA2"]
    assert example["metadata"]["approval_date"] == "2025-11-14"
    assert example["sections"]["recommendations"]["items"][0]["attributes"]["priority"] == "high"


def test_csv_of_recommendations_is_a_follow_up_table(tmp_path):
    out = tmp_path / "recs.csv"
    result = run(
        "export",
        "--format",
        "csv",
        "--items",
        "recommendations",
        CONTENT / "example-en",
        FIXTURES / "valid",
        "-o",
        out,
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["number"] for r in rows] == ["R1", "R2", "R3", "R1"]
    assert rows[0]["addressed_to"] == "ILO, national TVET agency of Togo"
    assert rows[0]["timeframe"] == "2026"
    assert rows[0]["text"].startswith("The ILO should support the national agency to adopt")
    assert "\n" not in rows[0]["text"]
    assert rows[3]["project_code"] == "ABC/21/01/XYZ"


def test_csv_needs_an_item_kind():
    result = run("export", "--format", "csv", CONTENT / "example-en")
    assert result.exit_code == 2
    assert "--format csv needs --items, one of: lessons, good_practices, recommendations" in (
        result.stderr
    )


def test_unreadable_report_is_not_exported():
    result = run("export", FIXTURES / "yaml-syntax")
    assert result.exit_code == 2
    assert "error[yaml-syntax]" in result.stderr
    assert result.stdout == ""
