"""The GitHub Action and the workflows of docs/ci.md, run step by step on a scratch repository.

GitHub's own steps (checkout, setup-python, artifacts) are played by the test;
every shell step, of the workflows and of the action, runs for real in bash,
with its inputs passed the way GitHub passes them. The workflow files and
action.yml are also validated against their published schemas.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
GIT = shutil.which("git")
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(GIT is None or BASH is None, reason="needs git and bash")


def workflow_text(name: str) -> str:
    block = re.search(rf"```yaml\n# \.github/workflows/{name}\n(.*?)```", DOC, re.S)
    assert block, name
    return block.group(1)


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load(workflow_text(name))


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    done = subprocess.run(
        [GIT, "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def expand(text: Any, context: dict[str, str]) -> str:
    """``${{ expr }}`` replaced as GitHub does, from a table of the expressions used."""
    if isinstance(text, bool):
        return str(text).lower()
    return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: context[m.group(1)], str(text))


class Runner:
    """Plays one job of a workflow: GitHub's steps by hand, shell steps in bash."""

    def __init__(self, work: Path, context: dict[str, str], artifacts: Path) -> None:
        self.work = work
        self.context = context
        self.artifacts = artifacts
        self.summary = work.parent / f"summary-{work.name}.md"
        self.outputs = work.parent / f"outputs-{work.name}.txt"
        self.log: list[str] = []
        self.codes: list[int] = []

    def bash(self, script: str, env: dict[str, str]) -> int:
        path = f"{BIN}{os.pathsep}{self.work.parent / 'fakebin'}{os.pathsep}{os.environ['PATH']}"
        full = {
            **os.environ,
            **env,
            "PATH": path,
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.outputs),
            "GITHUB_ACTIONS": "true",
            "CI": "true",
        }
        done = subprocess.run(
            [BASH, "-e", "-c", script], cwd=self.work, env=full, capture_output=True, text=True
        )
        self.log.append(done.stdout + done.stderr)
        self.codes.append(done.returncode)
        return done.returncode

    def action(self, given: dict[str, Any]) -> int:
        inputs = {key: str(spec.get("default", "")) for key, spec in ACTION["inputs"].items()}
        assert set(given) <= set(inputs), set(given) - set(inputs)
        inputs.update({key: expand(value, self.context) for key, value in given.items()})
        context = {
            **self.context,
            **{f"inputs.{k}": v for k, v in inputs.items()},
            "github.action_path": str(ROOT),
        }
        for step in ACTION["runs"]["steps"]:
            if step.get("id") == "install":  # evalcli is installed here already
                continue
            env = {k: expand(v, context) for k, v in step.get("env", {}).items()}
            code = self.bash(step["run"], env)
            if code:
                return code
        return 0

    def job(self, job: dict[str, Any]) -> None:
        failed = False
        for step in job["steps"]:
            if failed and "always()" not in str(step.get("if", "")):
                continue
            uses = step.get("uses", "")
            given = step.get("with", {})
            if uses.startswith(("actions/checkout@", "actions/setup-python@")):
                continue
            if uses.startswith("OWNER/evalcli@"):
                failed = self.action(given) != 0 or failed
            elif uses.startswith("actions/upload-artifact@"):
                self.upload(
                    expand(given["name"], self.context), expand(given["path"], self.context)
                )
            elif uses.startswith("actions/download-artifact@"):
                self.download(given["pattern"], expand(given["path"], self.context))
            else:
                assert "run" in step and not uses, step
                env = {k: expand(v, self.context) for k, v in step.get("env", {}).items()}
                failed = self.bash(step["run"], env) != 0 or failed

    def upload(self, name: str, pattern: str) -> None:
        store = self.artifacts / name
        store.mkdir(parents=True)
        base = pattern.rstrip("/")
        files = (
            list((self.work / base).iterdir())
            if (self.work / base).is_dir()
            else list(self.work.glob(base))
        )
        for file in files:
            if not file.name.startswith("."):  # upload-artifact leaves hidden files out
                shutil.copy(file, store / file.name)

    def download(self, pattern: str, path: str) -> None:
        target = self.work / path
        target.mkdir(parents=True, exist_ok=True)
        for store in self.artifacts.glob(pattern):
            for file in store.iterdir():
                shutil.copy(file, target / file.name)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository of four reports, committed on main; a fake gh records what it is asked."""
    work = tmp_path / "repo"
    for name in ("a", "b", "c", "d"):
        shutil.copytree(FIXTURES / "valid", work / "content" / name)
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "reports")
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "gh").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/gh-args.txt"\n', encoding="utf-8"
    )
    (fake / "gh").chmod(0o755)
    return work


def test_pull_request_workflow_checks_changed_reports_and_keeps_draft_previews(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    meta = repo / "content" / "b" / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "ABC-21"), "utf-8")
    shutil.rmtree(repo / "content" / "d")
    git(repo, "commit", "-qam", "edit b, delete d")
    runner = Runner(repo, {"github.event.pull_request.base.sha": base}, tmp_path / "artifacts")
    runner.job(workflow("reports-pr.yml")["jobs"]["check"])
    log = "\n".join(runner.log)
    assert runner.codes[-1] == 1, log  # the job fails: report b has errors
    assert "::error file=content/b/evaluation.yaml,line=3," in log
    assert f"::notice title=evalcli::content/d: deleted since {base}; skipped" in log
    # the preview of the changed report is built anyway, as a draft, and uploaded
    assert sorted(p.name for p in (tmp_path / "artifacts" / "preview-pdfs").iterdir()) == ["b.pdf"]
    summary = runner.summary.read_text(encoding="utf-8")
    assert "### evalcli check" in summary and "### evalcli build" in summary
    assert "| content/b | errors | 1 | 0 |" in summary
    assert "content/d: deleted since" in summary
    assert "exit-code=1" in runner.outputs.read_text(encoding="utf-8")


def test_release_workflow_builds_every_shard_and_attaches_all_documents(repo, tmp_path):
    flow = workflow("reports-release.yml")
    shards = flow["jobs"]["build"]["strategy"]["matrix"]["shard"]
    artifacts = tmp_path / "artifacts"
    for index, shard in enumerate(shards):
        work = tmp_path / f"clone-{index}"
        git(tmp_path, "clone", "-q", str(repo), str(work))
        context = {"matrix.shard": shard, "strategy.job-index": str(index)}
        runner = Runner(work, context, artifacts)
        runner.job(flow["jobs"]["build"])
        assert runner.codes and set(runner.codes) == {0}, "\n".join(runner.log)
    attach = tmp_path / "attach"
    attach.mkdir()
    context = {
        "github.token": "t0ken",
        "github.repository": "example/reports",
        "github.event.release.tag_name": "v1.0",
    }
    runner = Runner(attach, context, artifacts)
    runner.job(flow["jobs"]["attach"])
    assert runner.codes == [0], "\n".join(runner.log)
    args = (tmp_path / "gh-args.txt").read_text(encoding="utf-8").split()
    assert args[:3] == ["release", "upload", "v1.0"] and args[-1] == "--clobber"
    names = sorted(Path(a).name for a in args[3:-1])
    assert names == sorted(f"{r}.{s}" for r in "abcd" for s in ("docx", "pdf"))


VALIDATOR = BIN / "check-jsonschema"


@pytest.mark.skipif(not VALIDATOR.exists(), reason="check-jsonschema (test extra) missing")
def test_workflows_and_action_are_valid(tmp_path):
    files = []
    for name in ("reports-pr.yml", "reports-release.yml"):
        path = tmp_path / name
        path.write_text(workflow_text(name), encoding="utf-8")
        files.append(path)
    flows = subprocess.run(
        [VALIDATOR, "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
    )
    assert flows.returncode == 0, flows.stdout + flows.stderr
    action = subprocess.run(
        [VALIDATOR, "--builtin-schema", "vendor.github-actions", ROOT / "action.yml"],
        capture_output=True,
        text=True,
    )
    assert action.returncode == 0, action.stdout + action.stderr


def test_the_action_never_pastes_an_input_into_a_script():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]


def test_the_pre_commit_config_of_the_docs_names_the_hook():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["evalcli-check"]
    assert "- id: evalcli-check" in DOC
    assert json.dumps(hooks)  # plain data
