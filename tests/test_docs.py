"""Docs that cannot drift: every command has help, and the README's commands run."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, run
from evalcli.cli import cli
from evalcli.diagnostics import CODES, FindingCode

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name):
    command = cli.commands[name]
    assert command.help and len(command.help) > 40
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts} has no help"  # type: ignore[attr-defined]


def test_readme_lists_every_command():
    table = README.split("## Commands", 1)[1]
    for name in cli.commands:
        assert f"`evalcli {name}" in table, name


def test_readme_quick_start_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README.split("## A report")[0], re.S)
    assert len(blocks) == 2
    build, test = (block.strip() for block in blocks)
    assert build.endswith("evalcli build content/example-en")
    assert test.endswith(".venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci, ".ci/run must run the README's test command verbatim"
    assert build in ci, ".ci/run must run the README's build command verbatim"


def test_readme_quick_start_build_works(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "content/example-en", "-o", tmp_path)
    assert result.exit_code == 0
    assert "wrote" in result.stdout


def test_readme_check_output_is_what_check_prints(monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = README.split("$ .venv/bin/evalcli check content/alianzas-peru\n", 1)[1]
    shown = shown.split("```", 1)[0].strip().splitlines()
    printed = run("check", "content/alianzas-peru").stdout.strip().splitlines()
    assert shown[:3] == printed[:3]
    assert shown[-1] == printed[-1]


def test_readme_table_of_codes_is_the_registry():
    """The README lists every registered code with its severity and description, and no other."""
    table = README.split("<!-- codes -->", 2)[1]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \| (.+?) \|$", table, re.M)
    assert rows == [(c.name, c.severity, c.description) for c in CODES.values()]


def test_every_code_is_a_constant_mypy_checks():
    """One list of codes: the FindingCode constants are the registry's codes, and the
    source names codes only through them (mypy then catches a misspelt one)."""
    assert [code.value for code in FindingCode] == list(CODES)
    package = ROOT / "src" / "evalcli"
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    calls = r'(?:Finding\.of|self\.finding|note)\(\s*"([a-z0-9-]+)"'
    assert re.findall(calls, source) == []
    used = set(re.findall(r"FindingCode\.([A-Z0-9_]+)", source))
    assert {"PLACEHOLDER", "INVALID_SDG", "PAGE_LIMIT", "NOT_UTF8", "IMPORT_KEPT"} <= used
    assert used <= {code.name for code in FindingCode}


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    code = re.findall(r"```python\n(.*?)```", README.split("## Using evalcli from Python")[1], re.S)
    exec(compile(code[0], "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "placeholder" in printed and "example-en.pdf" in printed
    assert (tmp_path / "build" / "example-en.pdf").is_file()
