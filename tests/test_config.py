"""Settings: evalcli.toml or [tool.evalcli], found upward; rules waived globally and per path."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SAMPLE, run

FOLLOW_UP = "warning[missing-follow-up]"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """reports/current/peru and reports/archive/peru: recommendations without follow-up facts."""
    for where in ("current", "archive"):
        folder = shutil.copytree(FIXTURES / "valid", tmp_path / "reports" / where / "peru")
        (folder / "recommendations.md").write_text(
            "## Keep the structure\n\nBecause it works.\n", encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def squeeze(text: str) -> str:
    """Text with runs of spaces as one, for aligned columns."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_no_settings_file_means_defaults(project):
    result = run("config")
    assert result.exit_code == 0
    assert "settings file: none (all defaults)" in result.stdout
    assert 'content = ["content"] # default' in squeeze(result.stdout)


def test_content_folder_and_per_path_ignores_relative_to_the_settings_file(project):
    write(
        project / "evalcli.toml",
        'content = ["reports"]\n\n[per-path-ignores]\n'
        '"reports/archive/**" = ["missing-follow-up"]\n',
    )
    (project / "sub").mkdir()
    result = run("check")  # no REPORT: the settings' content folder
    assert result.exit_code == 0
    assert f"reports/current/peru/recommendations.md:1:1: {FOLLOW_UP}" in result.stdout
    assert "archive" not in result.stdout
    assert result.stdout.strip().endswith("2 reports checked: 0 errors, 1 warning")


def test_settings_are_found_upward_in_pyproject(project, monkeypatch):
    write(
        project / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.evalcli]\ncontent = ["reports"]\n'
        'ignore = ["missing-follow-up"]\n',
    )
    monkeypatch.chdir(project / "reports" / "current")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert FOLLOW_UP not in result.stdout
    assert "2 reports checked: 0 errors, 0 warnings" in result.stdout
    shown = run("config").stdout
    assert "settings file: ../../pyproject.toml" in shown
    assert 'ignore = ["missing-follow-up"] # pyproject.toml:6' in squeeze(shown)
    assert "strict = false # default" in squeeze(shown)


def test_a_pyproject_without_the_table_is_passed_over(project, monkeypatch):
    write(project / "evalcli.toml", 'content = ["reports"]\n')
    inner = project / "reports" / "current"
    write(inner / "pyproject.toml", '[project]\nname = "x"\n')
    monkeypatch.chdir(inner)
    assert "settings file: ../../evalcli.toml" in run("config").stdout


def test_severity_re_grades_a_rule_in_every_format(project):
    write(project / "evalcli.toml", '[severity]\nmissing-follow-up = "error"\n')
    result = run("check", "reports/current", "--format", "json")
    assert result.exit_code == 1
    finding = json.loads(result.stdout)["reports"][0]["findings"][0]
    assert (finding["code"], finding["severity"]) == ("missing-follow-up", "error")


def test_strict_and_rules_apply_to_build(project, tmp_path):
    write(project / "evalcli.toml", "strict = true\n")
    refused = run("build", "reports/current", "-o", tmp_path / "out", "--to", "md")
    assert refused.exit_code == 1
    assert "not built: the report has warnings and --strict is set" in refused.stderr
    write(project / "evalcli.toml", 'strict = true\nignore = ["missing-follow-up"]\n')
    built = run("build", "reports/current", "-o", tmp_path / "out", "--to", "md")
    assert built.exit_code == 0, built.output
    assert (
        run(
            "build", "--no-strict", "reports/archive", "-o", tmp_path / "o2", "--to", "md"
        ).exit_code
        == 0
    )


def test_rules_apply_to_import_findings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = run("import", SAMPLE, "-o", tmp_path / "r0", "--format", "json")
    assert "import-kept" in before.stdout
    write(tmp_path / "evalcli.toml", 'ignore = ["import-kept"]\n')
    result = run("import", SAMPLE, "-o", tmp_path / "r", "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["reports"][0]["findings"]}
    assert "import-joined" in codes and "import-kept" not in codes


def test_output_settings_are_used_by_build(project):
    write(
        project / "evalcli.toml",
        'output = "dist"\nformats = ["md"]\nname = "{project_code}_{language}"\n',
    )
    result = run("build", "reports/current")
    assert result.exit_code == 0, result.output
    assert (project / "dist" / "ABC-21-01-XYZ_en.md").is_file()


def test_languages_lists_the_languages_reports_may_be_in(project):
    write(project / "evalcli.toml", 'languages = ["es", "fr"]\n')
    result = run("check", "reports/current")
    assert result.exit_code == 1
    assert "error[unexpected-language] the report is in 'en'; the settings allow es, fr" in (
        result.stdout
    )


def test_unknown_keys_and_codes_are_findings_with_file_and_line(project):
    write(
        project / "evalcli.toml",
        'contnet = ["reports"]\nstrict = "yes"\nignore = [\n  "missing-folow-up",\n]\n\n'
        '[per-path-ignores]\n"reports/archive/**" = ["unreadable"]\n',
    )
    result = run("check")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[:4] == [
        "evalcli.toml:1:1: error[config-key] 'contnet' is not a setting; did you mean "
        "'content'?; settings are content, output, name, formats, lang, languages, "
        "pdf-standard, pdf-engine, strict, template-dirs, jobs, ignore, severity, "
        "per-path-ignores, messages",
        "evalcli.toml:2:1: error[config-value] strict must be true or false",
        "evalcli.toml:4:1: error[config-value] ignore: 'missing-folow-up' is not a finding "
        "code; did you mean 'missing-follow-up'?",
        "evalcli.toml:8:1: error[config-value] per-path-ignores.reports/archive/**: "
        "'unreadable' means a file could not be read or a tool failed; it cannot be "
        "ignored or re-graded",
    ]
    assert lines[-1] == "evalcli: error: fix the settings in evalcli.toml first"
    as_json = run("check", "--format", "json")
    assert json.loads(as_json.stdout)["summary"]["errors"] == 4
    assert run("config").exit_code == 2


def test_a_settings_file_that_is_not_toml(project):
    write(project / "evalcli.toml", "content = [\n")
    result = run("build", "-o", project / "out")
    assert result.exit_code == 2
    assert "evalcli.toml:2:1: error[config-syntax] evalcli.toml is not valid TOML" in result.stderr
    assert not (project / "out").exists()


def test_config_as_json(project):
    write(project / "evalcli.toml", 'pdf-standard = "a-2b"\n')
    data = json.loads(run("config", "--format", "json").stdout)
    assert data["file"] == "evalcli.toml"
    assert data["settings"]["pdf-standard"] == {"value": "a-2b", "source": "evalcli.toml:1"}
    assert data["settings"]["output"] == {"value": "build", "source": "default"}


def test_the_readme_settings_example_is_valid(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", readme, re.S)
    assert block
    write(tmp_path / "pyproject.toml", block.group(1))
    monkeypatch.chdir(tmp_path)
    result = run("config", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["settings"]
    assert data["per-path-ignores"]["value"] == {"content/archive/**": ["missing-follow-up"]}
    assert data["severity"]["source"] == "pyproject.toml:14"
    assert data["messages"]["value"] == "es"


def test_shell_completion_as_the_readme_says():
    done = subprocess.run(
        [sys.executable, "-m", "evalcli"],
        env={**os.environ, "_EVALCLI_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "_evalcli_completion" in done.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_EVALCLI_COMPLETE=bash_source evalcli)"' in readme
