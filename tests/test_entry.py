"""`evalcli check` and `build` start without click, with the same results; the rest goes to click.

Each case runs twice as a user meets it, in a subprocess: once through the
``evalcli`` entry point (its quick path) and once straight through the click
command line. Output, errors and exit codes must match to the byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, FIXTURES
from evalcli.entry import quick_command

ENTRY = "import sys; from evalcli.entry import main; sys.argv[0] = 'evalcli'; main()"
CLICK = "import sys; from evalcli.cli import cli; cli(prog_name='evalcli')"
# what was loaded, told at exit: the quick path must not load click
SPY = (
    "import atexit, sys; atexit.register(lambda: print('click' in sys.modules, file=sys.stderr)); "
)


def _run(code: str, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LANG": "C.UTF-8", **env}
    environment.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quick")
    shutil.copytree(CONTENT / "alianzas-peru", root / "content" / "alianzas-peru")
    shutil.copytree(CONTENT / "example-en", root / "content" / "example-en")
    for name in ("missing-section", "yaml-syntax", "placeholder-text"):
        shutil.copytree(FIXTURES / name, root / "broken" / name)
    (root / "a-file").write_text("not a folder\n", encoding="utf-8")
    return root


CASES = [
    ["check", "content/alianzas-peru"],
    ["check", "content/example-en"],
    ["check"],
    ["check", "broken"],
    ["check", "--format", "json", "broken"],
    ["check", "--format=github", "content/alianzas-peru"],
    ["check", "-q", "--strict", "content/example-en", "broken/yaml-syntax"],
    ["check", "--no-strict", "-v", "content/example-en"],
    ["check", "-j", "1", "--jobs=2", "broken"],
    ["check", "--messages", "es", "content/alianzas-peru"],
    ["--messages", "fr", "check", "broken/missing-section"],
    ["--messages=fr", "check", "--messages=es", "broken/missing-section"],
    ["check", "--template-dir", "templates", "content/example-en"],
    ["check", "--", "content/example-en"],
    ["check", "nothere"],
    ["check", "content/alianzas-peru/evaluation.yaml"],
    ["check", "--changed-since", "HEAD", "content"],
    ["check", "--shard", "1/2", "content"],
    ["check", "--shard", "3/2", "content"],
    # not for the quick path: click explains these
    ["check", "--format", "xml", "content"],
    ["check", "-j", "0", "content"],
    ["check", "-qv", "content/example-en"],
    ["check", "--template-dir", "a-file", "content"],
    ["check", "--strict=yes", "content"],
    ["check", "--help"],
    ["--version"],
    ["schema"],
    # build: Markdown (quick to make), forced, so that both runs write the same; several
    # reports in one process (-j 1), so that they finish, and print, in the same order
    ["build", "--force", "--to", "md", "-o", "out", "content/example-en"],
    ["build", "--force", "--to=md", "--output=out", "-q", "content/alianzas-peru"],
    ["build", "--force", "--to", "md", "-o", "out", "--draft", "--lang", "en", "-j", "1", "broken"],
    ["build", "--force", "--to", "md", "-o", "out", "--format", "json", "content/example-en"],
    ["build", "--force", "--to", "md", "-o", "out", "--name={project_code}", "--jobs=1", "content"],
    ["--messages", "es", "build", "--to", "md", "-o", "out", "broken/missing-section"],
    ["build", "--to", "xml", "content/example-en"],
    ["build", "nothere"],
    ["build", "--pdf-engine", "pdf", "content/example-en"],
    ["build", "--help"],
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_the_quick_path_prints_what_the_command_line_prints(reports: Path, args: list[str]):
    quick = _run(ENTRY, args, reports)
    full = _run(CLICK, args, reports)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )
    assert "Traceback" not in quick.stderr


def test_a_plain_check_does_not_load_click(reports: Path):
    done = _run(SPY + ENTRY, ["check", "--format", "json", "content/example-en"], reports)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "False"
    helped = _run(SPY + ENTRY, ["check", "--help"], reports)
    assert "Usage: evalcli check" in helped.stdout
    assert helped.stderr.strip() == "True"


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "-h"],
        ["check", "-qv"],
        ["check", "-j2"],
        ["check", "--jobs", "257"],
        ["check", "--jobs", "٣"],
        ["check", "--format"],
        ["check", "--format", "--strict"],
        ["check", "--messages", "de"],
        ["--messages", "es"],
        ["--messages", "es", "schema"],
        ["build", "-ofolder"],
        ["build", "-o=folder"],
        ["build", "--to"],
        ["build", "--to", ""],
        ["build", "--pdf-standard", "a-1b"],
        ["build", "--docx-pages", "word"],
        ["build", "--verbose"],
        ["init", "x"],
        ["--verbose", "check"],
        ["check", "--unknown"],
    ],
    ids=" ".join,
)
def test_anything_unusual_goes_to_the_full_command_line(argv: list[str]):
    assert quick_command(argv) is None


def test_the_quick_path_reads_options_as_the_command_line_does():
    quick = quick_command(
        ["check", "a", "-q", "--template-dir=t1", "--template-dir", "t2", "--", "-b", "--strict"]
    )
    assert quick is not None
    command, options = quick
    assert command == "check"
    assert options["reports"] == ["a", "-b", "--strict"]
    assert options["quiet"] is True
    assert "strict" not in options
    assert options["template_dirs"] == [Path("t1"), Path("t2")]


def test_shell_completion_goes_to_click(reports: Path):
    done = _run(
        ENTRY,
        ["check"],
        reports,
        _EVALCLI_COMPLETE="bash_complete",
        COMP_WORDS="evalcli che",
        COMP_CWORD="1",
    )
    assert "check" in done.stdout


@pytest.mark.parametrize("args", [["check"], ["check", "."], ["check", "--format", "json", "."]])
def test_inside_a_report_folder_too(reports: Path, args: list[str]):
    folder = reports / "content" / "example-en"
    quick, full = _run(ENTRY, args, folder), _run(CLICK, args, folder)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )


@pytest.mark.parametrize("name", ["check", "build"])
def test_the_quick_path_knows_the_commands_options_and_no_others(name: str):
    """A new option goes to click until the quick path learns it; none is made up."""
    from evalcli.cli import cli
    from evalcli.entry import COMMANDS

    command = cli.commands[name]
    options = [param for param in command.params if param.param_type_name == "option"]
    click_names = {name for param in options for name in param.opts + param.secondary_opts}
    click_names -= {"-h", "--help"}
    flags, values, _run = COMMANDS[name]
    assert set(flags) | set(values) == click_names


def test_a_plain_build_does_not_load_click(reports: Path):
    args = ["build", "--force", "--to", "md", "-o", "spied", "content/example-en"]
    done = _run(SPY + ENTRY, args, reports)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
    assert (reports / "spied" / "example-en.md").is_file()
