"""The writers' guides (docs/guide-en.md, -es, -fr): every command in them runs, as shown.

A guide walks a consultant through a report: its ``sh`` and ``console``
blocks are run in order in an empty folder, in the guide's language; a
``yaml`` or ``markdown`` block whose first line names a file
(``# mi-informe/evaluation.yaml``, ``<!-- mi-informe/lessons.md -->``) is
written to that file first. A ``console`` block's lines must be printed, in
order (``...`` stands for lines left out).
"""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT, run
from evalcli.diagnostics import CODES

GUIDES = {"en": "en_GB.UTF-8", "es": "es_PE.UTF-8", "fr": "fr_FR.UTF-8"}
_BLOCK = re.compile(r"^```(sh|console|yaml|markdown)\n(.*?)^```", re.S | re.M)
_NAMED = re.compile(r"^(?:# |<!-- )(\S+\.(?:yaml|md))(?: -->)?$")


def _guide(lang: str) -> str:
    return (ROOT / "docs" / f"guide-{lang}.md").read_text(encoding="utf-8")


def _evalcli(line: str):
    args = shlex.split(line)
    assert args[0] == "evalcli", line
    if args[1] == "preview":
        args.append("--max-builds=1")  # preview watches until Ctrl-C otherwise
    return run(*args[1:])


@pytest.mark.parametrize("lang", sorted(GUIDES))
def test_the_guide_runs_as_written(lang, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", GUIDES[lang])
    ran = 0
    for kind, body in _BLOCK.findall(_guide(lang)):
        first, _, rest = body.partition("\n")
        named = _NAMED.match(first)
        if kind in ("yaml", "markdown"):
            if named:
                (tmp_path / named.group(1)).write_text(rest, encoding="utf-8")
            continue
        if kind == "sh":
            for line in body.strip().splitlines():
                result = _evalcli(line)
                assert result.exit_code == 0, (line, result.output)
                ran += 1
            continue
        command, *shown = body.rstrip("\n").splitlines()
        result = _evalcli(command.removeprefix("$ "))
        assert result.exit_code in (0, 1), (command, result.output)
        printed = result.output.splitlines()
        position = 0
        for line in shown:
            if line == "...":
                continue
            assert line in printed[position:], f"{lang}: not printed: {line}"
            position = printed.index(line, position) + 1
        ran += 1
    assert ran >= 5
    assert (tmp_path / "build").is_dir()


@pytest.mark.parametrize("lang", sorted(GUIDES))
def test_the_guide_explains_every_finding(lang):
    table = _guide(lang).rsplit("\n## ", 1)[1]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| [^|]+ \| (.+) \|$", table, re.M)
    assert [code for code, _ in rows] == list(CODES)
    assert all(len(text) > 30 for _, text in rows)


def test_the_guides_are_one_per_language_and_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lang in GUIDES:
        assert f"docs/guide-{lang}.md" in readme
