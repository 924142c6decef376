"""One pipeline: each report on its own, one kind of finding, OS errors as one line."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, FIXTURES, SAMPLE, outputs, run
from evalcli.errors import ConversionError
from evalcli.template.loader import BUNDLED_DIR


def _custom_template(tmp_path: Path, old: str, new: str) -> Path:
    custom = tmp_path / "custom"
    shutil.copytree(BUNDLED_DIR / "ilo_summary", custom)
    spec = custom / "template.yaml"
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    return custom


def test_a_template_with_an_unknown_field_type_is_refused_with_its_line(tmp_path):
    custom = _custom_template(tmp_path, "type: project_codes", "type: project_code")
    result = run("schema", "--template", "custom", "--template-dir", custom)
    assert result.exit_code == 2
    line = next(
        n
        for n, text in enumerate((custom / "template.yaml").read_text().splitlines(), 1)
        if "type: project_code" in text
    )
    assert f"template.yaml:{line}:11: field 'project_code' has type 'project_code'" in (
        result.stderr
    )
    assert "use one of: text, text_list" in result.stderr


def test_a_template_with_a_label_missing_a_language_is_refused(tmp_path):
    custom = _custom_template(
        tmp_path, "labels: {en: Title, es: Título, fr: Titre}", "labels: {en: Title}"
    )
    result = run("init", tmp_path / "r", "--template", "custom", "--template-dir", custom)
    assert result.exit_code == 2
    assert "field title: labels must give exactly en, es, fr" in result.stderr
    assert not (tmp_path / "r").exists()


def test_one_unreadable_report_does_not_hide_the_others(tmp_path):
    shutil.copytree(FIXTURES / "yaml-syntax", tmp_path / "a-broken")
    other = shutil.copytree(FIXTURES / "valid", tmp_path / "b-other-template")
    meta = other / "evaluation.yaml"
    meta.write_text("template: nonesuch\n" + meta.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(FIXTURES / "valid", tmp_path / "c-valid")
    result = run("check", "--format", "json", tmp_path)
    assert result.exit_code == 2
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)["reports"]}
    assert [f["code"] for f in reports["a-broken"]["findings"]][:1] == ["yaml-syntax"]
    assert [f["code"] for f in reports["b-other-template"]["findings"]] == ["unknown-template"]
    assert reports["c-valid"]["findings"] == []


def test_a_failed_conversion_does_not_stop_the_next_report(tmp_path, monkeypatch):
    from evalcli.outputs import pdf

    first = shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "a")
    shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "b")
    real = pdf.make_pdf_typst

    def fails_for_a(markdown, *args, **kwargs):
        if "Report A" in markdown:
            raise ConversionError("typst could not compile the PDF: simulated")
        return real(markdown, *args, **kwargs)

    meta = first / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("title: ", "title: Report A "))
    monkeypatch.setattr("evalcli.outputs.pdf.make_pdf_typst", fails_for_a)
    result = run("build", tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "error[conversion-failed] typst could not compile the PDF: simulated" in result.stderr
    assert "[2/2] " in result.stdout and "b: wrote" in result.stdout
    assert "2 reports: 1 built, 1 not built; 1 error, 0 warnings" in result.stderr
    assert sorted(p.name for p in outputs(tmp_path / "out")) == ["b.docx", "b.pdf"]


def test_init_under_a_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = run("init", tmp_path / "afile" / "sub")
    assert result.exit_code == 2
    assert result.stderr.startswith("evalcli: error: ")
    assert "a file of that name is in the way" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_into_a_path_under_a_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = run("build", FIXTURES / "valid", "-o", tmp_path / "afile" / "sub", "--to", "md")
    assert result.exit_code == 2
    assert "a part of this path is a file, not a folder; choose another path" in result.stderr
    assert "Traceback" not in result.output


def test_a_full_disk_is_one_line_and_keeps_the_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("build", FIXTURES / "valid", "-o", out, "--to", "md").exit_code == 0
    before = (out / "valid.md").read_bytes()
    real_fdopen = os.fdopen

    def full(fd, *args, **kwargs):
        stream = real_fdopen(fd, *args, **kwargs)

        class Full:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                stream.close()

            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

        return Full()

    monkeypatch.setattr("evalcli.files.os.fdopen", full)
    result = run("build", "--force", FIXTURES / "valid", "-o", out, "--to", "md")
    assert result.exit_code == 2
    assert "No space left on device; free some disk space and run again" in result.stderr
    assert (out / "valid.md").read_bytes() == before
    assert sorted(p.name for p in outputs(out)) == ["valid.md"]


def test_ctrl_c_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("evalcli.api.check", interrupted)
    result = run("check", FIXTURES / "valid")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


def test_a_bare_typed_number_is_flagged_and_not_printed_twice(tmp_path, report_copy):
    folder = report_copy("valid")
    (folder / "recommendations.md").write_text(
        '## 1. Do this {addressed_to="ILO" priority="high" timeframe="2026"}\n\nBecause.\n',
        encoding="utf-8",
    )
    checked = run("check", folder)
    assert "warning[item-numbering] R1 heading starts with its own number '1.'" in checked.stdout
    assert run("build", folder, "-o", tmp_path / "out", "--to", "md").exit_code == 0
    markdown = (tmp_path / "out" / "valid.md").read_text(encoding="utf-8")
    assert "### R1. Do this" in markdown
    assert "R1. 1." not in markdown


def test_two_reports_with_one_folder_name_are_refused_before_anything_is_written(tmp_path):
    for year in ("2023", "2024"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "in" / year / "peru")
    result = run("build", tmp_path / "in", "-o", tmp_path / "out", "--to", "md")
    assert result.exit_code == 2
    assert "2023/peru and " in result.stderr and "2024/peru would both be written" in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_names_from_the_metadata(tmp_path):
    shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "2023" / "peru")
    other = shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "2024" / "peru")
    meta = other / "evaluation.yaml"
    meta.write_text(meta.read_text().replace("ABC/21/01/XYZ", "DEF/22/02/XYZ"), encoding="utf-8")
    result = run(
        "build",
        tmp_path / "in",
        "-o",
        tmp_path / "out",
        "--to",
        "md",
        "--name",
        "{project_code}_{language}",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outputs(tmp_path / "out")) == [
        "ABC-21-01-XYZ_en.md",
        "DEF-22-02-XYZ_en.md",
    ]


def test_a_name_with_an_unknown_field_is_a_usage_error(tmp_path):
    result = run("build", FIXTURES / "valid", "-o", tmp_path, "--name", "{donor}")
    assert result.exit_code == 2
    assert "--name {donor}: use the fields {folder}, {project_code}" in result.stderr


def test_a_build_never_overwrites_a_section_file(tmp_path):
    # a report folder called "findings", built into itself, would write findings.md
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "findings")
    before = (folder / "findings.md").read_bytes()
    result = run("build", folder, "-o", folder, "--to", "md")
    assert result.exit_code == 2
    assert "is one of the report's own files; choose another output folder" in result.stderr
    assert (folder / "findings.md").read_bytes() == before


def test_import_findings_in_every_format(tmp_path):
    as_json = run("import", SAMPLE, "-o", tmp_path / "a", "--format", "json")
    findings = json.loads(as_json.stdout)["reports"][0]["findings"]
    kept = next(f for f in findings if f["code"] == "import-kept")
    assert kept["line"] == 25 and kept["severity"] == "warning"
    assert any(f["code"] == "import-joined" and f["severity"] == "info" for f in findings)
    as_github = run("import", SAMPLE, "-o", tmp_path / "b", "--format", "github")
    assert "::warning file=" in as_github.stdout and ",line=25," in as_github.stdout
    assert "::notice " in as_github.stdout


def test_the_library_api_checks_without_the_command_line():
    from evalcli import api

    results = api.check([CONTENT / "alianzas-peru"])
    codes = [f.code for f in results[0].findings]
    assert codes.count("placeholder") == 2
    assert api.worst_exit_code(results) == 1


@pytest.mark.parametrize("lang", ["de", "EN "])
def test_a_language_the_template_lacks_is_a_usage_error(tmp_path, lang):
    result = run("init", tmp_path / "r", "--lang", lang)
    assert result.exit_code == 2
    assert "choose from en, es, fr" in result.stderr


def test_a_role_given_to_a_field_of_the_wrong_type_is_refused_with_its_line(tmp_path):
    custom = _custom_template(tmp_path, "  countries: countries\n", "  countries: title\n")
    result = run("schema", "--template", "custom", "--template-dir", custom)
    assert result.exit_code == 2
    line = next(
        n
        for n, text in enumerate((custom / "template.yaml").read_text().splitlines(), 1)
        if text == "  countries: title"
    )
    assert (
        f"template.yaml:{line}:14: roles.countries: the field 'title' is of type text; "
        "the role needs countries"
    ) in result.stderr


def test_an_unknown_role_is_refused(tmp_path):
    custom = _custom_template(tmp_path, "  keywords: keywords\n", "  themes: keywords\n")
    result = run("schema", "--template", "custom", "--template-dir", custom)
    assert result.exit_code == 2
    assert "roles: unknown role 'themes'; the roles are title, subtitle" in result.stderr


def test_the_template_says_which_field_is_the_title(tmp_path, report_copy):
    # generic code (the document title) reads the field the template gives the role
    custom = _custom_template(tmp_path, "  title: title\n", "  title: administrative_office\n")
    folder = report_copy("valid")
    meta = folder / "evaluation.yaml"
    meta.write_text(f"template: custom\n{meta.read_text(encoding='utf-8')}", encoding="utf-8")
    result = run("build", folder, "-o", tmp_path / "out", "--to", "md", "--template-dir", custom)
    assert result.exit_code == 0, result.output
    head = (tmp_path / "out" / "valid.md").read_text(encoding="utf-8").splitlines()[:3]
    assert head[1] == 'title: "ILO Office"'
