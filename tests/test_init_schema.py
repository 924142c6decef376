"""evalcli init and evalcli schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from conftest import CONTENT, FIXTURES, run, run_json
from evalcli.files import read_user_text
from evalcli.yamlnodes import parse_yaml, plain


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_init_writes_a_report_that_check_says_is_unfinished(tmp_path, lang):
    folder = tmp_path / "new"
    result = run("init", folder, "--lang", lang)
    assert result.exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "background.md",
        "evaluation.yaml",
        "findings.md",
        "good_practices.md",
        "lessons.md",
        "recommendations.md",
    ]
    findings = run_json(folder)["reports"][0]["findings"]
    codes = {f["code"] for f in findings}
    assert codes <= {
        "empty-field",
        "invalid-money",
        "invalid-type",
        "placeholder",
        "missing-follow-up",
    }
    empty = {f["field"] for f in findings if f["code"] == "empty-field"}
    assert {"title", "project_code", "sdgs", "approval_date", "keywords"} <= empty
    # every section file still holds "[insert ...]" text
    assert {f["section"] for f in findings if f["code"] == "placeholder"} == {
        "background",
        "findings",
        "lessons",
        "good_practices",
        "recommendations",
    }
    # the findings file already names the six criteria in the report's language
    assert "missing-criterion" not in codes


def test_init_spanish_uses_spanish_labels_and_prefixes(tmp_path):
    run("init", tmp_path / "r", "--lang", "es")
    assert "# Código de Proyecto (obligatorio)." in (tmp_path / "r" / "evaluation.yaml").read_text(
        encoding="utf-8"
    )
    assert (tmp_path / "r" / "findings.md").read_text(encoding="utf-8").startswith("## Pertinencia")
    assert "[insertar el título de LA1]" in (tmp_path / "r" / "lessons.md").read_text(
        encoding="utf-8"
    )


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("init", tmp_path / "r")
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "r").iterdir()] == ["notes.txt"]


def _as_data(folder):
    path = folder / "evaluation.yaml"
    text, _ = read_user_text(path, 1 << 20)
    node, _ = parse_yaml(text, path)
    return plain(node)


def test_schema_accepts_the_valid_reports_and_rejects_bad_ones():
    schema = json.loads(run("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for folder in (CONTENT / "example-en", FIXTURES / "valid"):
        assert list(validator.iter_errors(_as_data(folder))) == []
    errors = list(validator.iter_errors(_as_data(FIXTURES / "bad-project-code")))
    assert [e.absolute_path[0] for e in errors] == ["project_code"]
    errors = list(validator.iter_errors(_as_data(FIXTURES / "missing-field")))
    assert any("'title' is a required property" in e.message for e in errors)


def test_schema_is_the_same_in_every_run():
    """Committed beside the content for editors, the schema must not change from run to run.

    Its patterns are built from sets (SDG targets, locale names, phrases), whose
    order changes with Python's string hashing from one process to the next.
    """
    code = "import sys; from evalcli.cli import cli; cli(prog_name='evalcli')"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code, "schema"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["type"] == "object"
