"""The JSON and GitHub formats CI tools consume."""

from __future__ import annotations

import json

from conftest import FIXTURES, run


def test_json_shape_is_stable():
    result = run("check", "--format", "json", FIXTURES / "dates-out-of-order")
    data = json.loads(result.stdout)
    assert set(data) == {"version", "reports", "summary"}
    assert data["version"] == 1
    assert data["summary"] == {"reports": 1, "errors": 2, "warnings": 0}
    finding = data["reports"][0]["findings"][0]
    assert set(finding) == {
        "severity",
        "code",
        "field",
        "section",
        "message",
        "file",
        "line",
        "column",
    }
    assert finding["field"] == "approval_date"
    assert finding["section"] is None
    assert result.exit_code == 1


def test_github_annotations():
    result = run("check", "--format", "github", FIXTURES / "empty-file")
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=")
    assert "empty-file/good_practices.md,line=1,col=1,title=evalcli empty-section::" in first
    assert result.exit_code == 1


def test_github_escapes_commas_and_colons_in_properties(tmp_path, report_copy):
    folder = report_copy("valid", "a,b:c")
    (folder / "lessons.md").write_text("", encoding="utf-8")
    result = run("check", "--format", "github", folder)
    assert "a%2Cb%3Ac/lessons.md" in result.stdout
