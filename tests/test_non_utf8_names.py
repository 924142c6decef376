"""File and folder names that are not UTF-8: findings and escapes, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, run

pytestmark = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="these file systems refuse such names"
)


@pytest.fixture
def odd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """content/r<0xe9> holding a file named caf<0xe9>.png: neither name is UTF-8."""
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    folder = Path(os.fsdecode(os.fsencode(content) + b"/r\xe9"))
    shutil.copytree(FIXTURES / "valid", folder)
    Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.png")).write_bytes(b"not used")
    return folder


def test_build_warns_and_keeps_its_manifest(odd):
    first = run("build", "--to", "md", "--format", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout_bytes.decode("utf-8"))  # valid UTF-8
    (report,) = data["reports"]
    assert report["path"] == "content/r\\xe9" and report["built"] is True
    assert [f["code"] for f in report["findings"]] == ["name-not-utf8"]
    assert "caf\\xe9.png is not UTF-8" in report["findings"][0]["message"]
    second = run("build", "--to", "md", "--format", "json")
    assert json.loads(second.stdout)["reports"][0]["up_to_date"] is True  # the manifest kept


def test_text_and_github_show_the_names_escaped(odd, tmp_path, monkeypatch):
    text = run("check")
    assert text.exit_code == 0
    assert "content/r\\xe9/caf\\xe9.png: warning[name-not-utf8]" in text.stdout
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    github = run("build", "--to", "md", "--format", "github")
    assert github.exit_code == 0, github.output
    assert "r\\\\xe9" in summary.read_text(encoding="utf-8")  # a cell, backslash escaped


def test_shard_export_and_index(odd):
    assert run("check", "--shard", "1/2").exit_code == 0
    assert run("check", "--shard", "2/2").exit_code == 0
    exported = run("export", "--format", "json")
    assert exported.exit_code == 0
    json.loads(exported.stdout_bytes.decode("utf-8"))
    index = run("export", "--format", "csv", "--items", "reports")
    assert "content/r\\xe9," in index.stdout


def test_preview_builds_once(odd, tmp_path):
    result = run("preview", odd, "--max-builds", "1", "--output", tmp_path / "p")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "built" in result.output
