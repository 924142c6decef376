"""Outputs stay where the user said: no symbolic link on the way, inputs never deleted."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, run


def test_a_linked_output_folder_is_refused_and_nothing_written_through_it(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "valid", repo / "content" / "r")
    victim = tmp_path / "victim"
    victim.mkdir()
    (repo / "build").symlink_to("../victim")
    monkeypatch.chdir(repo)
    result = run("build", "content/r", "--to", "md")
    assert result.exit_code == 2
    assert "symbolic link" in result.stderr and "build" in result.stderr
    assert list(victim.iterdir()) == []


def test_a_linked_folder_above_the_output_folder_is_refused(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "valid", repo / "content" / "r")
    (tmp_path / "victim" / "docs").mkdir(parents=True)
    (repo / "site").symlink_to(tmp_path / "victim")
    monkeypatch.chdir(repo)
    result = run("build", "content/r", "--to", "md", "-o", "site/docs")
    assert result.exit_code == 2
    assert list((tmp_path / "victim" / "docs").iterdir()) == []


def test_a_real_output_folder_outside_the_workspace_is_fine(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "valid", repo / "content" / "r")
    monkeypatch.chdir(repo)
    result = run("build", "content/r", "--to", "md", "-o", tmp_path / "elsewhere")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "r.md").is_file()


def test_export_refuses_to_write_through_a_linked_folder(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "valid", repo / "content" / "r")
    (tmp_path / "victim").mkdir()
    (repo / "tables").symlink_to(tmp_path / "victim")
    monkeypatch.chdir(repo)
    result = run("export", "content/r", "-o", "tables/r.json")
    assert result.exit_code == 2
    assert "symbolic link" in result.stderr
    assert list((tmp_path / "victim").iterdir()) == []


def test_import_and_init_refuse_a_linked_folder_above_the_new_report(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (tmp_path / "victim").mkdir()
    (repo / "content").symlink_to(tmp_path / "victim")
    monkeypatch.chdir(repo)
    source = FIXTURES / "import" / "alianzas-peru-summary-es.md"
    imported = run("import", source, "-o", "content/peru")
    assert imported.exit_code == 2 and "symbolic link" in imported.stderr
    created = run("init", "content/new")
    assert created.exit_code == 2 and "symbolic link" in created.stderr
    assert list((tmp_path / "victim").iterdir()) == []
