"""Nothing silently wrong (issue 13): each promise, through the command line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import CONTENT, ROOT, run, run_json

BUNDLED = ROOT / "src" / "evalcli" / "template" / "bundled" / "ilo_summary"


def peru(tmp_path: Path) -> Path:
    """A copy of the real Spanish summary, to break one thing in."""
    folder = tmp_path / "alianzas-peru"
    shutil.copytree(CONTENT / "alianzas-peru", folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def codes(folder: Path) -> list[str]:
    return [f["code"] for f in run_json(folder)["reports"][0]["findings"]]


# --- 4. a level-1 heading among items never renumbers them silently


def test_level_1_heading_among_items_is_an_error_naming_the_item(tmp_path):
    folder = peru(tmp_path)
    edit(folder / "good_practices.md", "## Espacios de trabajo", "# Espacios de trabajo")
    result = run("check", folder)
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "error[item-heading]" in x)
    assert "good_practices.md:5:1:" in line
    assert "inside BP1 ('Trabajo colaborativo')" in line
    assert "'## Espacios de trabajo interinstitucional' if it is BP2" in line
    assert run("build", folder, "-o", tmp_path / "out").exit_code == 1


# --- 5. after a fatal YAML error, only true findings


def test_yaml_syntax_error_brings_no_findings_that_need_the_metadata(tmp_path):
    folder = peru(tmp_path)
    edit(folder / "evaluation.yaml", "title: ", 'title: "')
    found = codes(folder)
    assert found.count("yaml-syntax") == 1
    assert "missing-criterion" not in found
    assert set(found) == {"yaml-syntax", "missing-follow-up"}  # those hold whatever the YAML


def test_criteria_are_recognised_in_every_language_of_the_template(tmp_path):
    folder = peru(tmp_path)
    edit(folder / "evaluation.yaml", "language: es", "language: en")
    found = codes(folder)
    assert "missing-criterion" not in found


# --- 7. every command honours the settings' template-dirs


def test_schema_and_init_find_a_template_of_the_settings(tmp_path, monkeypatch):
    mytpl = tmp_path / "mytpl"
    shutil.copytree(BUNDLED, mytpl)
    edit(mytpl / "template.yaml", "name: ilo_summary", "name: mytpl")
    (tmp_path / "evalcli.toml").write_text('template-dirs = ["mytpl"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    schema = run("schema", "--template", "mytpl")
    assert schema.exit_code == 0, schema.output
    assert '"budget"' in schema.stdout
    init = run("init", "r", "--template", "mytpl")
    assert init.exit_code == 0, init.output
    assert "template: mytpl" in (tmp_path / "r" / "evaluation.yaml").read_text(encoding="utf-8")
    assert run("check", "r").exit_code == 1  # the same template found again: errors, no exit 2


# --- 8. findings point at the place to fix


def test_a_misspelt_required_key_is_one_finding_at_that_key(tmp_path):
    folder = peru(tmp_path)
    edit(folder / "evaluation.yaml", "\ntitle: ", "\ntitel: ")
    result = run("check", folder)
    lines = [x for x in result.stdout.splitlines() if "[missing-field]" in x or "titel" in x]
    assert len(lines) == 1
    assert "evaluation.yaml:4:1: error[missing-field] title (Title) is required" in lines[0]
    assert "'titel' here is not a field: rename it to 'title'" in lines[0]


def test_an_attribute_finding_points_at_the_attribute(tmp_path):
    folder = peru(tmp_path)
    heading = "## Mantener la estructura de coordinación multinivel"
    edit(folder / "recommendations.md", heading, heading + ' {priority="urgent" prority="x"}')
    found = run_json(folder)["reports"][0]["findings"]
    at = {f["code"]: (f["line"], f["column"]) for f in found if f["line"] == 9}
    assert at["invalid-attribute"] == (9, len(heading) + 3)
    assert at["unknown-attribute"] == (9, len(heading) + 3 + len('priority="urgent" '))


# --- 1. values as typed: every way YAML reads a value otherwise is a finding with the fix


def findings_of(folder: Path) -> list[dict]:
    return run_json(folder)["reports"][0]["findings"]


def test_budget_with_thousands_separators_is_an_error_saying_what_to_write(tmp_path):
    folder = peru(tmp_path)
    edit(folder / "evaluation.yaml", "amount: 7940000,", "amount: 7,940,000,")
    edit(folder / "evaluation.yaml", "amount: 49123.00", "amount: 49,123.00")
    result = run("check", folder)
    assert result.exit_code == 1
    assert (
        "evaluation.yaml:21:18: error[invalid-money] budget: amount '7,940,000' has thousands "
        "separators: inside {...} YAML reads each comma as the end of the value, so this "
        "would be 7; write 7940000"
    ) in result.stdout
    assert "evaluation_budget: amount '49,123.00' has thousands separators" in result.stdout
    assert "write 49123.00" in result.stdout
    assert "unknown-field" not in result.stdout and "'940'" not in result.stdout
    assert run("build", folder, "-o", tmp_path / "out").exit_code == 1


@pytest.mark.parametrize(
    ("typed", "fix"),
    [
        ("USD 2,450,000", "write 'USD 2,450,000' as {amount: 2450000, currency: USD}"),
        ("US$ 2.45 million", "write 'US$ 2.45 million' as {amount: 2450000, currency: USD}"),
        ("2.450.000,50 EUR", "write '2.450.000,50 EUR' as {amount: 2450000.50, currency: EUR}"),
        (
            "7,940,000",
            "'7,940,000' gives no currency: write it as {amount: 7940000, currency: USD}, "
            "with the ISO 4217 code of its currency",
        ),
        ("two million", "write it as {amount: 7940000, currency: USD}"),  # only the example left
    ],
)
def test_a_budget_typed_on_one_line_is_told_the_mapping_with_its_own_figures(tmp_path, typed, fix):
    folder = peru(tmp_path)
    edit(
        folder / "evaluation.yaml",
        "budget: {amount: 7940000, currency: USD, note: tras cuatro ampliaciones}",
        f"budget: {typed}",
    )
    money = [f for f in findings_of(folder) if f["field"] == "budget"]
    assert [f["code"] for f in money] == ["invalid-money"]
    assert money[0]["message"] == f"budget: expected an amount and a currency; {fix}"


def test_a_repeated_piece_of_a_split_number_is_not_a_duplicate_key(tmp_path):
    folder = peru(tmp_path)
    edit(
        folder / "evaluation.yaml",
        "{amount: 7940000, currency: USD, note: tras cuatro ampliaciones}",
        "{amount: 1,000, currency: USD, note: con 2,000 más}",
    )
    found = findings_of(folder)
    assert "duplicate-key" not in {f["code"] for f in found}
    money = [f for f in found if f["field"] == "budget"]
    assert [f["code"] for f in money] == ["invalid-money", "split-value"]
    assert money[1]["message"].endswith('put it in quotes: "con 2,000 más"')


def test_text_split_by_a_comma_in_a_flow_list_is_a_warning_to_quote_it(tmp_path):
    folder = peru(tmp_path)
    edit(
        folder / "evaluation.yaml", "joint_agencies: []", "joint_agencies: [UNICEF, 1,000 partners]"
    )
    split = [f for f in findings_of(folder) if f["code"] == "split-value"]
    assert len(split) == 1
    assert "'1,000 partners'" in split[0]["message"]


def test_leading_zeros_dates_in_words_and_tabs_get_the_fix(tmp_path):
    folder = peru(tmp_path)
    meta = folder / "evaluation.yaml"
    edit(meta, "amount: 7940000,", "amount: 07940000,")
    edit(meta, 'sdgs: ["5.5"', 'sdgs: ["05.5"')
    edit(meta, "project_start: 2017-10", "project_start: Octubre 2017")
    messages = {f["field"]: f["message"] for f in findings_of(folder)}
    assert messages["budget"].endswith("which YAML reads as an octal number; write 7940000")
    assert messages["sdgs"] == "sdgs: SDG '05.5' has a leading zero; write \"5.5\""
    assert messages["project_start"].endswith("YYYY-MM-DD: 2017-10")
    edit(meta, "\nlanguage: es", "\n\tlanguage: es")
    result = run("check", folder)
    assert result.exit_code == 2
    assert "indent with spaces: YAML does not allow tabs for indentation" in result.stdout


# --- 13. README details and --help examples


@pytest.mark.parametrize(
    "name", ["check", "build", "init", "import", "preview", "export", "schema"]
)
def test_help_shows_examples(name):
    shown = run(name, "--help").stdout
    assert f"evalcli {name} " in shown.split("Options:")[0], name


def test_readme_names_no_tag_that_does_not_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "@v0.1.0" not in readme  # no release is tagged
    assert "quote them in YAML, since\nan unquoted `8.10` is the number 8.1" not in readme
    assert "`8.10`\nstays target 8.10" in readme


# --- 12. preview and Ctrl-C: exit 130, said once, no traceback


def _preview(folder: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "evalcli", "preview", folder, "-o", out, "--interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize("presses", [1, 2])
def test_preview_stops_on_ctrl_c_with_130_once(tmp_path, presses):
    folder = peru(tmp_path)
    process = _preview(folder, tmp_path / "out")
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # up to the first build
        lines.append(line)
        if " built " in line or "not built" in line:
            break
    for _ in range(presses):
        process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    output = "".join(lines) + rest
    assert process.returncode == 130, output
    assert output.count("stopped") == 1
    assert "interrupted" not in output and "Traceback" not in output


# --- 10. running inside a report folder


def test_check_inside_a_report_folder_suggests_the_dot(tmp_path, monkeypatch):
    folder = peru(tmp_path)
    monkeypatch.chdir(folder)
    result = run("check")
    assert result.exit_code == 2
    assert "this folder is a report: name it, as in 'evalcli check .'" in result.stderr
    assert run("check", ".").exit_code == 1  # its two unfilled fields


def test_build_dot_inside_a_report_is_up_to_date_the_second_time(tmp_path, monkeypatch):
    folder = tmp_path / "example-en"
    shutil.copytree(CONTENT / "example-en", folder)
    monkeypatch.chdir(folder)
    first = run("build", ".", "--to", "pdf")
    assert first.exit_code == 0, first.output
    assert "wrote build/example-en.pdf" in first.stdout
    second = run("build", ".", "--to", "pdf")
    assert "up to date build/example-en.pdf" in second.stdout, second.output
    assert run("check", ".").exit_code == 0  # its own build/ is not part of the report


def test_preview_inside_the_report_does_not_rebuild_for_its_own_pdf(tmp_path):
    folder = tmp_path / "example-en"
    shutil.copytree(CONTENT / "example-en", folder)
    process = _preview(folder, folder / "build" / "preview")
    assert process.stdout is not None
    for line in process.stdout:
        if " built " in line:
            break
    time.sleep(1.5)  # a rebuild for its own output would come within 0.1 s
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert " built " not in rest, rest


# --- 11. drafts of a half-filled report say what is missing


def test_a_draft_marks_missing_required_values_and_nameless_consultants(tmp_path):
    folder = peru(tmp_path)
    meta = folder / "evaluation.yaml"
    edit(meta, "donor: U.S.A", "donor:")
    edit(meta, "{name: Victoria Sánchez Esteban, role: lead}", "{role: lead}")
    edit(meta, "evaluation_manager: ", "evaluation_manager: \n_was: ")
    result = run("build", "--draft", "--to", "md", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "alianzas-peru.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert "[\\[falta\\] – USD 7\\,940\\,000" in rows["| Donante y presupuesto"]
    consultants = next(v for k, v in rows.items() if k.startswith("| Nombre"))
    assert "[\\[falta\\] \\(líder\\)" in consultants and "lead" not in consultants
    manager = rows["| Oficial Oficina Evaluación"]
    assert manager.endswith('[\\[falta\\]]{custom-style="Placeholder"} |'), manager


# --- 3. the JSON Schema and check agree (the property is in test_schema_check.py)


@pytest.mark.parametrize(
    ("sdgs", "valid"),
    [("[8.7]", True), ('["Sdg 8.7"]', True), ('["99"]', False), ("[99]", False)],
)
def test_schema_and_check_agree_on_the_issues_sdgs(tmp_path, sdgs, valid):
    folder = peru(tmp_path)
    edit(folder / "evaluation.yaml", 'sdgs: ["5.5", "8.3", "8.7", "16.2"]', f"sdgs: {sdgs}")
    found = [f for f in findings_of(folder) if f["field"] == "sdgs"]
    assert (not found) is valid
    schema = json.loads(run("schema").stdout)
    data = yaml.safe_load((folder / "evaluation.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # dates as an editor's YAML 1.2 reads them
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert [list(e.absolute_path)[:1] for e in errors if "sdgs" in e.absolute_path] == (
        [] if valid else [["sdgs"]]
    )
