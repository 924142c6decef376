"""Every printed name is inert: no line a CI log obeys, no escape sequence, no CSV formula."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, run
from evalcli import console
from evalcli.reporting import ReportResult, inert, json_text, shown_path
from evalcli.reporting import terminal as terminal_module

FORGED = "x\n::error title=forged::owned\n##[error]old form"
OURS = re.compile(r"^::(error|warning|notice) (file=|title=evalcli::)")


def obeyed(text: str) -> list[str]:
    """Lines a GitHub runner would take as workflow commands that evalcli did not mean."""
    return [
        line
        for line in text.splitlines()
        if (line.lstrip().startswith("::") and not OURS.match(line)) or "##[" in line
    ]


@pytest.fixture
def hostile_two(tmp_path: Path) -> Path:
    """Two reports whose folder names hold workflow commands; the second has errors."""
    root = tmp_path / "in"
    good = shutil.copytree(FIXTURES / "valid", root / f"a{FORGED}")
    bad = shutil.copytree(FIXTURES / "valid", root / f"b{FORGED}\x1b]0;title\x07")
    meta = bad / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "ABC-21"), "utf-8")
    assert good.is_dir()
    return root


def test_build_prints_no_workflow_command_from_a_folder_name(hostile_two, tmp_path):
    result = run("build", hostile_two, "-o", tmp_path / "out", "--to", "md")
    assert result.exit_code == 1
    everything = result.stdout + result.stderr
    assert "wrote" in everything and "not built" in everything  # the lines under test
    assert "not built (1 of 2)" in result.stderr  # and the recap
    assert obeyed(everything) == []
    assert "\x1b" not in everything and "\x07" not in everything
    assert "\\n::error title=forged::owned" in everything  # shown, escaped
    assert "\\x1b]0;title\\x07" in everything


def test_github_format_annotations_only(hostile_two, tmp_path):
    result = run("build", hostile_two, "-o", tmp_path / "out", "--to", "md", "--format", "github")
    assert obeyed(result.stdout + result.stderr) == []
    assert any(OURS.match(line) for line in result.stdout.splitlines())


def test_the_one_line_error_is_inert_under_every_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "github", "json"):
        result = run("check", "--format", fmt, f"missing{FORGED}")
        assert result.exit_code == 2
        assert result.stderr.startswith("evalcli: error: missing")
        assert obeyed(result.stderr) == [], fmt
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_name_that_starts_with_a_command_is_shown_as_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "::error::x")
    (tmp_path / "loose.md").write_text("x\n", encoding="utf-8")
    (tmp_path / " ::warning::y.md").write_text("x\n", encoding="utf-8")
    result = run("build", "::error::x", "loose.md", " ::warning::y.md", "-o", "out", "--to", "md")
    assert result.exit_code == 0, result.output
    assert "./::error::x: wrote" in result.stdout
    assert obeyed(result.stdout + result.stderr) == []


def test_the_progress_line_shows_escapes_not_sequences(monkeypatch, capsys):
    monkeypatch.setattr(terminal_module, "is_terminal", lambda stream: True)
    progress = console.Progress("built", False, None)
    assert progress.line is not None
    progress(1, 2, ReportResult(Path("r\x1b]0;pwned\x07\x1b[31m\u202e")))
    progress.close()
    written = capsys.readouterr().err.replace("\r\x1b[2K", "")  # the line's own redraw
    assert "\x1b" not in written and "\x07" not in written and "\u202e" not in written
    assert "r\\x1b]0;pwned\\x07\\x1b[31m\\u202e" in written


def test_inert_text_helpers():
    assert inert("a\nb\r\x1b[2J\x9b\u202e") == "a\\nb\\r\\x1b[2J\\x9b\\u202e"
    assert inert("  ::error::x") == "  \\x3a:error::x"
    assert "##[" not in inert("a ##[error]b")
    assert inert("caf\udce9") == "caf\\xe9"  # a byte that is not UTF-8
    assert shown_path(Path("::set-output name=x::y")).startswith("./::")
    data = json_text({"path": "caf\udce9", "ok": "é"})
    data.encode("utf-8")  # valid UTF-8, always
    assert data == '{"path": "caf\\\\xe9", "ok": "é"}'


def test_csv_cells_are_never_formulas(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "recommendations.md").write_text(
        '## =HYPERLINK("http://x.example/?"&A1,"click") {addressed_to="+ILO" priority="high"'
        ' timeframe="-2024"}\n\n@SUM(1+1)\n\n## Tabbed {addressed_to="ILO" priority="high"'
        ' timeframe="2024"}\n\nText.\n',
        encoding="utf-8",
    )
    result = run("export", "--format", "csv", "--items", "recommendations", folder)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[0]["title"].startswith("'=HYPERLINK(")
    assert rows[0]["addressed_to"] == "'+ILO"
    assert rows[0]["text"] == "'@SUM(1+1)"


def test_the_csv_index_cells_are_never_formulas(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "=cmd")
    meta = folder / "evaluation.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(re.sub(r"(?m)^title: .*$", 'title: "=1+2"', text), "utf-8")
    result = run("export", "--format", "csv", "--items", "reports", folder)
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["title"] == "'=1+2"
    assert not [c for c in row.values() if c[:1] in ("=", "+", "-", "@")]


if sys.platform == "win32":  # pragma: no cover - names with newlines are POSIX only
    pytestmark = pytest.mark.skip


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_import_notes_quote_a_value_once_and_inertly(tmp_path, fmt, lang):
    """A value quoted in a message is substituted once (its own "{field}" stays as written)
    and cannot start a workflow command from a line separator or an escape, in any
    language and format."""
    text = (FIXTURES / "import" / "alianzas-peru-summary-es.md").read_text(encoding="utf-8")
    hostile = "x \u2028::error title=forged::p \x85::warning::q {field} {{n}} \x1b]0;t\x07"
    source = tmp_path / "summary.md"
    source.write_text(text.replace("*Diciembre 2024*", f"*{hostile}*"), encoding="utf-8")
    result = run("import", source, "-o", tmp_path / "out", "--format", fmt, "--messages", lang)
    assert result.exit_code == 0
    assert "{field} {{n}}" in result.output.replace("\\u2028", "")
    lines = re.split(r"[\n\r]", result.output)  # where the runner breaks lines (not U+2028)
    assert [line for line in lines if line.lstrip().startswith("::") and not OURS.match(line)] == []
    assert "\x1b" not in result.output
