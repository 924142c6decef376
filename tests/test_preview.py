"""evalcli preview: the PDF rebuilt after a save, findings printed as they change.

How soon it rebuilds is a benchmark (benchmarks/), not a test.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time

from conftest import FIXTURES, run


def test_preview_builds_once_as_a_draft(tmp_path):
    folder = shutil.copytree(FIXTURES / "bad-project-code", tmp_path / "r")
    result = run("preview", folder / "lessons.md", "-o", tmp_path / "out", "--max-builds", "1")
    assert result.exit_code == 0, result.output
    assert "error[invalid-project-code]" in result.stdout
    assert " built " in result.stdout and "r.pdf" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["r.pdf"]


def test_preview_rebuilds_after_a_save(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "evalcli", "preview", folder, "-o", out, "--interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout])
    reader.daemon = True
    reader.start()

    def wait_for(text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout} s: {''.join(seen)}")

    try:
        wait_for(" built ", 60)  # the first build, after starting Python
        first = (out / "r.pdf").stat().st_mtime_ns
        lessons = folder / "recommendations.md"
        lessons.write_text("## Act now\n\nBecause.\n", encoding="utf-8")
        finding = wait_for("warning[missing-follow-up]", 60)
        wait_for(" built ", 60)
        assert "recommendations.md:1:1" in finding
        assert (out / "r.pdf").stat().st_mtime_ns > first  # a new PDF, not the first one
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        process.stdout.close()


def test_preview_wants_one_report(tmp_path):
    for name in ("a", "b"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "in" / name)
    result = run("preview", tmp_path / "in", "--max-builds", "1")
    assert result.exit_code == 2
    assert "preview one report folder" in result.stderr


def test_preview_of_a_missing_folder(tmp_path):
    assert run("preview", tmp_path / "nothing").exit_code == 2
