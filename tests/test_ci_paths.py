"""Paths in, reports out: files inside reports, git changes, deleted reports, empty selections."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, run

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def checked_paths(result) -> list[str]:
    return [report["path"] for report in json.loads(result.stdout)["reports"]]


@pytest.fixture
def portfolio(tmp_path, monkeypatch) -> Path:
    """content/a, content/b and content/c, copies of the valid fixture; the working folder."""
    for name in ("a", "b", "c"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "content" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_any_file_inside_a_report_names_that_report(portfolio):
    image = portfolio / "content" / "b" / "img" / "chart.png"
    image.parent.mkdir()
    shutil.copy(FIXTURES / "chart.png", image)
    result = run(
        "check",
        "--format",
        "json",
        "content/a/lessons.md",
        "content/a/evaluation.yaml",
        "content/b/img/chart.png",
    )
    assert result.exit_code == 0, result.output
    assert checked_paths(result) == ["content/a", "content/b"]


def test_a_path_that_does_not_exist_is_still_a_usage_error(portfolio):
    result = run("check", "content/a/nothing.md")
    assert result.exit_code == 2
    assert "content/a/nothing.md: no such file or folder" in result.stderr


def test_a_file_in_no_report_is_skipped_and_named(portfolio):
    (portfolio / "README.md").write_text("# notes\n", encoding="utf-8")
    result = run("check", "README.md", "content/c/findings.md")
    assert result.exit_code == 0
    assert "README.md: not inside a report folder; skipped" in result.stderr
    assert result.stdout.strip().endswith("1 report checked: 0 errors, 0 warnings")


def test_only_files_in_no_report_check_nothing_and_say_so(portfolio):
    (portfolio / "README.md").write_text("# notes\n", encoding="utf-8")
    result = run("check", "README.md")
    assert result.exit_code == 0
    assert "no report selected; nothing to check" in result.stderr
    assert result.stdout == ""


# --- --changed-since ---------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    done = subprocess.run(
        [GIT, "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(portfolio) -> Path:
    """The portfolio as a git repository, committed on main, now on a branch."""
    git(portfolio, "init", "-q")
    git(portfolio, "add", ".")
    git(portfolio, "commit", "-q", "-m", "start")
    git(portfolio, "checkout", "-q", "-b", "work")
    return portfolio


@needs_git
def test_changed_since_selects_touched_reports_and_names_deleted_ones(repo):
    lessons = repo / "content" / "a" / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "edit a")
    image = repo / "content" / "b" / "img" / "new.png"  # untracked, in a subfolder
    image.parent.mkdir()
    shutil.copy(FIXTURES / "chart.png", image)
    shutil.rmtree(repo / "content" / "c")
    (repo / "README.md").write_text("not a report\n", encoding="utf-8")
    result = run("check", "--changed-since", "main", "--format", "json")
    assert result.exit_code == 0, result.output
    assert checked_paths(result) == ["content/a", "content/b"]
    text = run("check", "--changed-since", "main")
    assert "content/c: deleted since main; skipped" in text.stderr
    assert "2 reports checked" in text.stdout


@needs_git
def test_changed_since_with_nothing_changed_does_nothing_and_says_so(repo):
    result = run("check", "--changed-since", "main")
    assert result.exit_code == 0
    assert "no report changed since main; nothing to check" in result.stderr
    assert result.stdout == ""
    built = run("build", "--changed-since", "main", "-o", repo / "out")
    assert built.exit_code == 0
    assert "no report changed since main; nothing to build" in built.stderr
    assert not (repo / "out").exists()


@needs_git
def test_changed_since_counts_changes_on_the_branch_only(repo):
    # main moves on after the branch left it: its changes are not the branch's
    git(repo, "checkout", "-q", "main")
    (repo / "content" / "a" / "lessons.md").write_text("## L\n\nText.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "on main")
    git(repo, "checkout", "-q", "work")
    result = run("check", "--changed-since", "main")
    assert "no report changed since main" in result.stderr


@needs_git
@pytest.mark.parametrize("ref", ["--output=/tmp/x", "no-such-branch", "main\nHEAD"])
def test_a_bad_ref_is_a_usage_error(repo, ref):
    result = run("check", "--changed-since", ref)
    assert result.exit_code == 2
    assert "--changed-since" in result.stderr


@needs_git
def test_changed_since_never_follows_a_link_out_of_the_repository(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.copytree(FIXTURES / "missing-field", outside / "secret")
    (repo / "content" / "link").symlink_to(outside / "secret", target_is_directory=True)
    result = run("check", "--changed-since", "main", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout or '{"reports": []}')["reports"] == []


@needs_git
def test_changed_since_within_a_given_folder(repo):
    for name in ("a", "b"):
        section = repo / "content" / name / "lessons.md"
        section.write_text(section.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = run("check", "--changed-since", "main", "--format", "json", "content/b")
    assert checked_paths(result) == ["content/b"]


def test_changed_since_outside_a_repository_is_a_usage_error(portfolio):
    if GIT is None:
        pytest.skip("git is not installed")
    result = run("check", "--changed-since", "main")
    assert result.exit_code == 2
    assert "git could not find the repository" in result.stderr


@needs_git
def test_changed_since_runs_nothing_the_repository_configures(repo):
    marker = repo.parent / "ran"
    script = repo / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    script.chmod(0o755)
    for key in ("core.fsmonitor", "diff.external", "core.pager", "diff.md.textconv"):
        git(repo, "config", key, str(script))
    (repo / ".gitattributes").write_text("*.md diff=md\n", encoding="utf-8")
    lessons = repo / "content" / "a" / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = run("check", "--changed-since", "main", "--format", "json")
    assert checked_paths(result) == ["content/a"]
    assert not marker.exists()
