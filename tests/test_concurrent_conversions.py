"""The conversions of one document run side by side, and stay confined while they do.

The Typst compiler starts while pandoc writes its source, so its start-up
costs nothing; these tests hold what that must not change: a compiler whose
source never comes is killed and leaves nothing, and its time limit is the
compile's.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, run
from evalcli.errors import ConversionError
from evalcli.i18n import msg
from evalcli.outputs import pdf
from evalcli.outputs.docinfo import doc_info
from evalcli.render import render
from evalcli.report.load import load_report
from evalcli.tools import sandbox
from evalcli.tools.pandoc import filter_args


def _rendered(tmp_path: Path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    report, template = load_report(folder)
    assert template is not None
    rendered = render(report, template)
    return rendered, template, doc_info(rendered.facts, template, rendered.title, False)


def _gone(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


class _FailingPandoc:
    """pandoc's Typst source that never comes: it fails once the compiler is running."""

    def __init__(self) -> None:
        self.compilers: list[int] = []

    def result(self) -> bytes:
        self.compilers = sandbox.live_children()
        raise ConversionError(msg("pandoc failed ({status}): {problem}", status=1, problem="x"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_compiler_whose_source_never_comes_is_killed_and_leaves_nothing(tmp_path, monkeypatch):
    rendered, template, info = _rendered(tmp_path)
    failing = _FailingPandoc()
    monkeypatch.setattr(pdf, "typst_source", lambda *args: failing)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)
    with pytest.raises(ConversionError, match="pandoc failed"):
        pdf.make_pdf_typst(rendered.markdown, template, info)
    assert len(failing.compilers) == 1  # the compiler was up before the source was due
    assert sandbox.live_children() == []
    assert _gone(failing.compilers[0])
    assert [p for p in scratch.rglob("*") if p.is_file()] == []


def test_the_compile_time_limit_counts_from_the_compile(tmp_path, monkeypatch):
    """A compiler started early and kept waiting is not stopped for the wait."""
    monkeypatch.setattr(pdf, "TYPST_TIMEOUT", 60.0)
    rendered, template, info = _rendered(tmp_path)
    started: list[sandbox.Confined] = []
    real = sandbox.Confined.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(sandbox.Confined, "__init__", spy)
    data = pdf.make_pdf_typst(rendered.markdown, template, info)
    assert data.startswith(b"%PDF")
    typst = [job for job in started if job.what == "typst"]
    assert len(typst) == 1
    assert typst[0].process.returncode == 0


def test_a_build_that_fails_in_pandoc_leaves_no_converter_running(tmp_path, monkeypatch):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    monkeypatch.setattr("evalcli.tools.pandoc.PANDOC_TIMEOUT", 0.001)
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "pandoc took longer than 0.001 s" in result.stderr
    assert sandbox.live_children() == []
    assert not (tmp_path / "out" / "r.pdf").exists()
    assert not (tmp_path / "out" / "r.docx").exists()


def test_the_annex_filter_runs_on_annex_pages_only():
    bundled = FIXTURES.parent.parent / "src" / "evalcli" / "template" / "bundled" / "ilo_summary"
    summary = [Path(a).name for a in filter_args(bundled, "# Findings\n\nText.\n")]
    annexes = [Path(a).name for a in filter_args(bundled, "::: {.annex-table}\n:::\n")]
    assert summary == ["--lua-filter", "evalcli.lua"]
    assert annexes == ["--lua-filter", "evalcli.lua", "--lua-filter", "annexes.lua"]


def test_an_annex_table_in_a_summary_is_still_made_a_table(tmp_path):
    """The annex filter is skipped only where it has nothing to do."""
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "background.md").write_text(
        "::: annex-table\n::: annex-label\nLabel\n:::\nText of the row.\n:::\n", encoding="utf-8"
    )
    result = run("build", folder, "-o", tmp_path / "out", "--to", "docx")
    assert result.exit_code == 0, result.stderr
    from docx import Document

    tables = Document(str(tmp_path / "out" / "r.docx")).tables
    cells = [cell.text for table in tables for row in table.rows for cell in row.cells]
    assert "Text of the row." in cells


_READ = {"x86_64": "0", "aarch64": "63"}  # the read system call's number


def _reading_stdin(pid: int) -> bool:
    """Whether process ``pid`` is blocked reading its standard input (Linux /proc)."""
    try:
        fields = (Path("/proc") / str(pid) / "syscall").read_text().split()
    except OSError:
        return False
    return fields[:2] == [_READ[os.uname().machine], "0x0"]


@pytest.mark.skipif(
    not Path("/proc/self/syscall").exists() or os.uname().machine not in _READ,
    reason="needs Linux /proc/PID/syscall",
)
def test_the_typst_child_waits_for_its_source(tmp_path):
    """The child starts up, then compiles only once its standard input ends."""
    import subprocess

    root = tmp_path / "root"
    root.mkdir()
    (root / "main.typ").write_text('#set document(title: "Hello")\nHello\n', encoding="utf-8")
    request = tmp_path / "request.json"
    output = tmp_path / "out.pdf"
    fields = {"input": root / "main.typ", "output": output, "root": root}
    request.write_text(json.dumps({k: str(v) for k, v in fields.items()}), encoding="utf-8")
    child = subprocess.Popen(sandbox.typst_command(0, request), stdin=subprocess.PIPE, cwd=root)
    assert child.stdin is not None
    try:
        while not _reading_stdin(child.pid):  # no deadline of our own: CI's job timeout
            assert child.poll() is None, "the child ended without waiting"
            time.sleep(0.01)
        assert not output.exists()
    finally:
        child.stdin.close()
    assert child.wait(timeout=60) == 0
    assert output.read_bytes().startswith(b"%PDF")
