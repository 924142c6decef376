"""Reads that cannot be swapped: no link followed between check and read, no hard links."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run, run_json
from evalcli.files import NotOwnFileError, open_report_file
from evalcli.report import load as loading

SECRET = "TOP-SECRET-OUTSIDE-THE-REPORT"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.md"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    return secret


def test_a_hard_link_to_a_file_outside_is_refused(tmp_path, outside):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "background.md").unlink()
    os.link(outside, folder / "background.md")
    result = run("check", folder)
    assert result.exit_code == 1
    assert "not-a-file" in result.stdout and "hard links" in result.stdout
    assert SECRET not in result.output
    built = run("build", folder, "--draft", "--to", "md", "-o", tmp_path / "out")
    assert SECRET not in built.output
    assert not any(SECRET in p.read_text("utf-8") for p in (tmp_path / "out").glob("*.md"))


def test_a_hard_linked_image_is_refused(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "img").mkdir()
    shutil.copy(FIXTURES / "chart.png", tmp_path / "chart.png")
    os.link(tmp_path / "chart.png", folder / "img" / "chart.png")
    findings = folder / "findings.md"
    findings.write_text(
        findings.read_text("utf-8") + "\n![A chart](img/chart.png)\n", encoding="utf-8"
    )
    data = run_json(folder)
    messages = [f["message"] for f in data["reports"][0]["findings"]]
    assert any("hard links" in m for m in messages), messages


def test_a_section_swapped_for_a_link_after_the_check_is_not_read(tmp_path, outside, monkeypatch):
    """The race of the audit made certain: the file becomes a link right after the check."""
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    checked = loading.inside_file

    def check_then_swap(
        where: Path, relative: str | Path, *rest: object
    ) -> tuple[Path | None, str | None]:
        found = checked(where, relative, *rest)
        if str(relative) == "background.md" and found[0] is not None:
            found[0].unlink()
            found[0].symlink_to(outside)
        return found

    monkeypatch.setattr(loading, "inside_file", check_then_swap)
    data = run_json(folder)
    findings = data["reports"][0]["findings"]
    assert [f["code"] for f in findings if f["file"].endswith("background.md")] == ["not-a-file"]
    assert SECRET not in str(data)


def test_no_folder_on_the_way_is_followed(tmp_path, outside):
    folder = tmp_path / "r"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "a.md").write_text("mine\n", encoding="utf-8")
    with open_report_file(folder / "img" / "a.md", folder) as stream:
        assert stream.read() == b"mine\n"
    shutil.rmtree(folder / "img")
    (folder / "img").symlink_to(outside.parent)
    (outside.parent / "a.md").write_text(SECRET, encoding="utf-8")
    with pytest.raises(OSError):
        open_report_file(folder / "img" / "a.md", folder)


def test_a_fifo_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(NotOwnFileError):
        open_report_file(tmp_path / "pipe.md", tmp_path)


def test_an_image_swapped_for_a_link_after_the_check_is_not_built_in(tmp_path, monkeypatch):
    from evalcli.outputs import build as building

    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    shutil.copy(FIXTURES / "chart.png", folder / "chart.png")
    findings = folder / "findings.md"
    findings.write_text(findings.read_text("utf-8") + "\n![A chart](chart.png)\n", "utf-8")
    shutil.copy(FIXTURES / "chart.png", tmp_path / "outside.png")
    real = building.build_report

    def swap_then_build(checked, options, stem):  # type: ignore[no-untyped-def]
        (folder / "chart.png").unlink()
        (folder / "chart.png").symlink_to(tmp_path / "outside.png")
        return real(checked, options, stem)

    monkeypatch.setattr(building, "build_report", swap_then_build)
    result = run("build", folder, "--to", "pdf", "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output  # unreadable input: one line, nothing written
    assert "chart.png: Too many levels of symbolic links" in result.stderr
    assert not (tmp_path / "out" / "r.pdf").exists()
