"""The project: settings read once as typed values, with the command line's in their place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, outputs, run
from evalcli.errors import TemplateError
from evalcli.outputs.plan import BuildOptions
from evalcli.portfolio.parallel import run_chunks
from evalcli.project import Project
from evalcli.template.loader import BUNDLED_DIR


def test_settings_become_typed_values_and_options_are_made_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    custom = shutil.copytree(BUNDLED_DIR / "ilo_summary", tmp_path / "agency")
    (tmp_path / "evalcli.toml").write_text(
        'content = ["reports"]\nformats = ["pdf"]\npdf-engine = "typst"\n'
        'template-dirs = ["agency"]\njobs = 3\nlanguages = ["en"]\n',
        encoding="utf-8",
    )
    project = Project.load(tmp_path, strict=True, lang="fr", pdf_engine=None)
    assert project.content == (Path("reports"),)
    assert project.formats == ("pdf",)
    assert project.languages == ("en",)
    assert [folder.name for folder in project.templates] == [custom.name]
    assert project.processes() == 3 and project.processes(1) == 1
    assert project.build_options(draft=True, annexes=True) == BuildOptions(
        ("pdf",), "fr", True, True, None, "typst", annexes=True
    )
    assert project.settings.sources["lang"] == "command line"


def test_a_template_dir_that_is_no_template_is_refused_once_for_the_command(tmp_path):
    with pytest.raises(TemplateError, match="nonesuch: not a template folder"):
        Project.load(tmp_path, [tmp_path / "nonesuch"])


def test_run_chunks_keeps_the_order_in_one_process():
    seen: list[int] = []
    results = run_chunks(
        lambda chunk: [n * n for n in chunk], [1, 2, 3, 4, 5], 1, 2, lambda i, r: seen.append(i)
    )
    assert results == [1, 4, 9, 16, 25]
    assert seen == [0, 1, 2, 3, 4]


def test_preview_builds_a_draft_pdf_whatever_the_settings_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "report")
    (tmp_path / "evalcli.toml").write_text('formats = ["docx"]\nstrict = true\n', "utf-8")
    result = run("preview", "report", "-o", "out", "--max-builds", "1")
    assert result.exit_code == 0, result.output
    assert [p.name for p in outputs(tmp_path / "out")] == ["report.pdf"]
