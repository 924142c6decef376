"""Shared helpers: run the CLI in-process, find the repository's content and fixtures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evalcli.cli import cli

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the repository's own folder, holding tests/; nothing beside it is read
FIXTURES = TESTS / "fixtures"
CONTENT = ROOT / "content"
pytest_plugins = ("validators",)  # openxml-audit and pdfua on every document built

SAMPLE = FIXTURES / "import" / "alianzas-peru-summary-es.md"


def outputs(folder: Path) -> list[Path]:
    """The entries of an output folder, without the build manifest (a hidden cache file)."""
    return [p for p in folder.iterdir() if p.name != ".evalcli-manifest.json"]


def process_gone(pid: int) -> bool:
    """The process has ended (or is a zombie its parent has not reaped yet)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def after_a_build(report: Path, out: Path, probe: str) -> str:
    """What ``probe`` (a Python expression) prints in a fresh process that has just built
    ``report`` into ``out`` through the API: which modules the build loaded, say."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from evalcli import api; "
        f"results = api.build([Path({str(report)!r})], output=Path({str(out)!r})); "
        "assert results[0].built, results[0].findings; "
        f"print({probe})"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def run(*args: str | Path) -> Result:
    """Invoke evalcli in-process; an unexpected exception fails the test."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def run_json(*args: str | Path) -> dict:
    result = run("check", "--format", "json", *args)
    return json.loads(result.stdout)


@pytest.fixture
def report_copy(tmp_path: Path):
    """Copy a report folder (fixture name or path) into tmp_path and return the copy."""

    def copy(source: str | Path, name: str | None = None) -> Path:
        src = Path(source)
        if not src.is_absolute():
            src = FIXTURES / src
        dest = tmp_path / (name or src.name)
        shutil.copytree(src, dest)
        return dest

    return copy


@pytest.fixture(autouse=True)
def _typst_child_per_test():
    """A test that converts in-process leaves no warm Typst child to the next one."""
    yield
    from evalcli.tools import typstserver

    typstserver.stop()


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    """Tests expect English messages unless they choose a language: a neutral locale."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def _private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """The build cache's secret and the parsed templates go to folders of the test run,
    never the user's own."""
    state = tmp_path_factory.getbasetemp() / "state"
    state.mkdir(mode=0o700, exist_ok=True)
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    # and the parsed templates go to one of its own
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
