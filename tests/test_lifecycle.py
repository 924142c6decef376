"""What a run leaves behind and passes on: inputs kept, no orphan workers, private scratch,
no secrets for git.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run
from evalcli import files
from evalcli.errors import InputError
from evalcli.portfolio import changes

IMPORT_SAMPLE = FIXTURES / "import" / "alianzas-peru-summary-es.md"


def test_import_never_replaces_the_folder_that_holds_its_input(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    source = shutil.copy(IMPORT_SAMPLE, folder / "summary.md")
    result = run("import", source, "-o", folder, "--force")
    assert result.exit_code == 2
    assert "which the import would replace" in result.stderr
    assert Path(source).read_bytes() == IMPORT_SAMPLE.read_bytes()
    nested = run("import", source, "-o", tmp_path, "--force")
    assert nested.exit_code == 2 and Path(source).is_file()


_WORKERS = textwrap.dedent(
    """
    import os, sys, time
    from evalcli.portfolio.parallel import run_chunks

    def work(items):
        with open(sys.argv[1], "a") as out:
            out.write(f"{os.getpid()}\\n")
        time.sleep(120)
        return items

    run_chunks(work, [1, 2, 3, 4], 2)
    """
)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone, only not reaped yet
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_do_not_outlive_a_killed_run(tmp_path):
    pids = tmp_path / "pids"
    parent = subprocess.Popen(
        [sys.executable, "-c", _WORKERS, str(pids)], cwd=ROOT, start_new_session=True
    )
    try:
        for _ in range(200):  # wait for both workers to start (at most 20 s)
            if pids.exists() and len(pids.read_text().split()) == 2:
                break
            time.sleep(0.1)
        workers = [int(p) for p in pids.read_text().split()]
        assert len(workers) == 2
        parent.kill()  # SIGKILL: nothing in evalcli runs
        parent.wait()
        for _ in range(100):  # the workers notice within their poll (at most 10 s here)
            if not any(_running(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert [pid for pid in workers if _running(pid)] == []
    finally:  # whatever happened, nothing of this test keeps running
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown needs root")
def test_a_scratch_root_made_by_another_user_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / f"evalcli-{os.getuid()}"
    planted.mkdir(mode=0o777)
    os.chown(planted, 12345, 12345)
    with files.scratch_dir("test") as folder:
        assert not folder.is_relative_to(planted)
        assert folder.stat().st_mode & 0o077 == 0


def test_a_scratch_root_others_can_write_to_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / f"evalcli-{os.getuid()}"
    planted.mkdir()
    planted.chmod(0o777)
    with files.scratch_dir("test") as folder:
        assert not folder.is_relative_to(planted)
    planted.rmdir()
    with files.scratch_dir("test") as folder:  # made now, by us: used
        assert folder.parent == planted
        assert planted.stat().st_mode & 0o777 == 0o700


def test_git_gets_no_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret")
    monkeypatch.setenv("GIT_ASKPASS", "/bin/evil")
    seen: list[dict[str, str]] = []
    real = subprocess.run

    def spy(*args, **kwargs):
        seen.append(kwargs["env"])
        return real(*args, **kwargs)

    monkeypatch.setattr(changes.subprocess, "run", spy)
    (tmp_path / ".git").mkdir()  # not a real repository: git stops at once
    with pytest.raises(InputError):  # not a repository: only the environment matters here
        changes.changed_since("main", tmp_path)
    assert seen
    for env in seen:
        assert "ghs_secret" not in env.values() and "aws-secret" not in env.values()
        assert "GIT_ASKPASS" not in env
        assert set(env) <= {*changes._KEPT, "GIT_TERMINAL_PROMPT", "GIT_OPTIONAL_LOCKS", "LC_ALL"}
