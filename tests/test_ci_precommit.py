"""pre-commit: another repository uses evalcli check as a hook, through .pre-commit-hooks.yaml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
pytestmark = pytest.mark.skipif(
    not PRE_COMMIT.exists() or shutil.which("git") is None,
    reason="pre-commit (in the test extra) or git is not installed",
)


def sh(cwd: Path, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=check
    )


@pytest.fixture
def hook_repo(tmp_path) -> Path:
    """A copy of this repository's committed hook definition and package, as a git repo."""
    repo = tmp_path / "evalcli"
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(".venv", ".git", "build", "tests", "__pycache__", ".*cache"),
    )
    sh(repo, "git", "-c", "init.defaultBranch=main", "init", "-q")
    sh(repo, "git", "add", ".")
    sh(repo, "git", "commit", "-q", "-m", "evalcli")
    return repo


def test_pre_commit_try_repo_checks_the_reports_of_the_changed_files(
    hook_repo, tmp_path, monkeypatch
):
    work = tmp_path / "reports"
    shutil.copytree(FIXTURES / "valid", work / "content" / "good")
    shutil.copytree(FIXTURES / "valid", work / "content" / "bad")
    (work / "README.md").write_text("# Our evaluations\n", encoding="utf-8")
    sh(work, "git", "-c", "init.defaultBranch=main", "init", "-q")
    sh(work, "git", "add", ".")
    sh(work, "git", "commit", "-q", "-m", "reports")
    meta = work / "content" / "bad" / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "ABC-21"), "utf-8")
    (work / "content" / "good" / "lessons.md").write_text("## L\n\nText.\n", encoding="utf-8")
    sh(work, "git", "add", ".")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    failed = sh(
        work, PRE_COMMIT, "try-repo", hook_repo, "evalcli-check", "--all-files", check=False
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "content/bad/evaluation.yaml:3:15: error[invalid-project-code]" in failed.stdout
    assert "README.md: not inside a report folder; skipped" in failed.stdout
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC-21", "ABC/21/01/XYZ"), "utf-8")
    sh(work, "git", "add", ".")
    passed = sh(work, PRE_COMMIT, "try-repo", hook_repo, "evalcli-check", check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "evalcli check" in passed.stdout and "Passed" in passed.stdout
