"""What check and build print for people and for tools: JSON, annotations, tally, quiet, colour."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, FIXTURES, run
from evalcli import api
from evalcli.records import replace
from evalcli.reporting import RunOutput


@pytest.fixture
def two(tmp_path) -> Path:
    """A valid report and one with errors, under one folder."""
    shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "good")
    shutil.copytree(FIXTURES / "bad-project-code", tmp_path / "in" / "bad")
    return tmp_path / "in"


def test_build_json_lists_files_sizes_pages_and_findings(tmp_path):
    out = tmp_path / "out"
    result = run("build", FIXTURES / "valid", "-o", out, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [report] = data["reports"]
    assert report["built"] is True and report["up_to_date"] is False
    assert report["pages"] >= 1
    files = {Path(f["path"]).name: f["bytes"] for f in report["files"]}
    assert files == {name: (out / name).stat().st_size for name in ("valid.docx", "valid.pdf")}
    assert data["summary"] == {
        "reports": 1,
        "errors": 0,
        "warnings": 0,
        "built": 1,
        "up_to_date": 0,
        "not_built": 0,
    }


def test_build_json_says_why_a_report_was_not_built(two, tmp_path):
    result = run("build", two, "-o", tmp_path / "out", "--format", "json", "--to", "md")
    assert result.exit_code == 1
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)["reports"]}
    assert reports["bad"]["built"] is False
    assert reports["bad"]["note"] == "the report has errors; fix them or use --draft"
    assert reports["bad"]["findings"][0]["code"] == "invalid-project-code"
    assert reports["good"]["files"][0]["path"].endswith("good.md")


def test_build_findings_as_github_annotations(two, tmp_path):
    result = run("build", two, "-o", tmp_path / "out", "--format", "github", "--to", "md")
    assert result.exit_code == 1
    assert (
        "::error file=" in result.stdout and "title=evalcli invalid-project-code::" in result.stdout
    )
    assert result.stdout.strip().endswith("2 reports: 1 built, 1 not built; 1 error, 0 warnings")


def test_every_multi_report_run_ends_with_a_tally_and_a_recap(two, tmp_path):
    checked = run("check", two)
    assert checked.stdout.strip().splitlines()[-1] == "2 reports checked: 1 error, 0 warnings"
    built = run("build", two, "-o", tmp_path / "out", "--to", "md")
    lines = built.stderr.strip().splitlines()
    assert lines[-1] == "2 reports: 1 built, 1 not built; 1 error, 0 warnings"
    # the failures are repeated at the end, so that they never scroll away
    assert lines[-3] == "not built (1 of 2):"
    assert lines[-2].endswith(
        "bad (1 error, 0 warnings): the report has errors; fix them or use --draft"
    )


def test_quiet_prints_findings_only(two, tmp_path):
    checked = run("check", "--quiet", two)
    assert checked.stdout.splitlines() == [
        line for line in run("check", two).stdout.splitlines() if "error[" in line
    ]
    built = run("build", "--quiet", two, "-o", tmp_path / "out", "--to", "md")
    assert built.stdout == ""
    assert [line for line in built.stderr.splitlines() if "[" not in line] == []
    assert "error[invalid-project-code]" in built.stderr


def test_colour_when_forced_and_never_with_no_color(two, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = run("check", two)
    assert "\x1b[1;31merror\x1b[0m[invalid-project-code]" in coloured.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run("check", two)
    assert "\x1b[" not in plain.stdout
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run("check", two).stdout  # not a terminal


def test_progress_on_a_terminal_is_one_rewritten_line(two, tmp_path, monkeypatch):
    monkeypatch.setattr("evalcli.reporting.terminal.is_terminal", lambda stream: True)
    shutil.copytree(FIXTURES / "valid", two / "third")
    result = run("build", two, "-o", tmp_path / "out", "--to", "md")
    assert "\r\x1b[2K[1/3] 0:0" in result.stderr and " left · built " in result.stderr
    # built reports get no line of their own on a terminal; failures and the tally do
    assert "wrote" not in result.stdout
    assert "bad: not built" in result.stderr
    assert result.stderr.rstrip().endswith("3 reports: 2 built, 1 not built; 1 error, 0 warnings")


def test_export_dash_is_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("export", "-o", "-", CONTENT / "example-en")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["reports"][0]["metadata"]["project_code"]
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_findings_made_as_reports_finish_print_as_those_made_at_the_end(fmt):
    folders = [FIXTURES / "bad-project-code", FIXTURES / "valid", CONTENT / "alianzas-peru"]
    results = api.check(folders)
    early = RunOutput(fmt)
    for result in reversed(results):  # in the order processes finish, not the input's
        early.add(result)
    assert early.text(results) == RunOutput(fmt).text(results)
    assert early.text(results, closing=False) == RunOutput(fmt).text(results, closing=False)
    # a result made again (another object) is printed as it is, not as the one added
    again = [replace(results[2], findings=results[2].findings[:1]), *results[:2]]
    assert early.text(again) == RunOutput(fmt).text(again) != early.text(results)


def test_the_json_of_a_run_is_its_reports_and_summary():
    results = api.check([FIXTURES / "bad-project-code", CONTENT / "alianzas-peru"])
    data = json.loads(RunOutput("json").text(results))
    assert list(data) == ["version", "reports", "summary"]
    assert [len(r["findings"]) for r in data["reports"]] == [len(r.findings) for r in results]
    errors = sum(f.severity == "error" for r in results for f in r.findings)
    warnings = sum(f.severity == "warning" for r in results for f in r.findings)
    assert data["summary"] == {"reports": 2, "errors": errors, "warnings": warnings}
    assert errors > 2
