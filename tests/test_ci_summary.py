"""The job summary GitHub Actions shows: a table per report and every finding, escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run


@pytest.fixture
def summary(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    return path


def test_check_appends_a_table_and_every_finding(summary, tmp_path, monkeypatch):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "r")
    items = "".join(f"## Do thing {n}\n\nBecause {n}.\n\n" for n in range(1, 15))
    (folder / "recommendations.md").write_text(items, encoding="utf-8")  # 14 warnings
    shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "ok")
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--format", "github", "in")
    assert result.exit_code == 0
    assert result.stdout.count("::warning ") == 14  # GitHub would show only 10 of them
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### evalcli check\n")
    assert "| report | result | errors | warnings |" in text
    assert "| in/r | ok | 0 | 14 |" in text
    assert text.count("warning[missing-follow-up]") == 14
    assert "2 reports checked: 0 errors, 14 warnings" in text


def test_build_summary_lists_pages_and_files(summary, tmp_path):
    result = run("build", "--format", "github", FIXTURES / "valid", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = summary.read_text(encoding="utf-8")
    assert "### evalcli build" in text and "| pages | files |" in text
    row = next(line for line in text.splitlines() if "| built |" in line)
    assert "valid.docx (" in row and "valid.pdf (" in row and " KiB)" in row


def test_nothing_written_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    assert run("check", "--format", "github", FIXTURES / "valid").exit_code == 0
    assert list(tmp_path.iterdir()) == []


def test_report_content_cannot_inject_markdown_or_html(summary, tmp_path):
    name = "x|y <img src=https://e.example> [a](b)"
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / name)
    (folder / "lessons.md").write_text("", encoding="utf-8")
    meta = folder / "evaluation.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", '"```\\n<script>"'), "utf-8"
    )
    run("check", "--format", "github", folder)
    text = summary.read_text(encoding="utf-8")
    # findings sit in a code block (literal text) fenced longer than any backticks inside
    fence = next(line for line in text.splitlines() if line.startswith("```"))
    assert fence == "````"
    outside = "".join(text.split(fence)[0::2])
    assert "<img" not in outside and "<script>" not in outside
    assert "x\\|y &lt;img" in outside


def test_a_huge_summary_is_cut_and_says_so(summary, tmp_path, monkeypatch):
    monkeypatch.setattr("evalcli.reporting.jobsummary.SUMMARY_BUDGET", 2000)
    for index in range(6):
        folder = shutil.copytree(FIXTURES / "valid", tmp_path / "in" / f"r{index}")
        (folder / "recommendations.md").write_text("## A\n\nB.\n\n## C\n\nD.\n", "utf-8")
    run("check", "--format", "github", tmp_path / "in")
    text = summary.read_text(encoding="utf-8")
    assert "more findings in" in text and "are not shown here" in text
    assert len(text.encode("utf-8")) < 4000
