"""evalcli import: the sample as Markdown and DOCX, round trips, and input it refuses."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, FIXTURES, run, run_json
from evalcli.report.load import load_report
from evalcli.tools.pandoc import pandoc_path
from evalcli.yamlnodes import plain

SAMPLE = FIXTURES / "import" / "alianzas-peru-summary-es.md"
SECTIONS = ("background", "findings", "lessons", "good_practices", "recommendations")


# build prints typographic quotes (evalcli.lua); the report holds what its author typed
STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def report_data(folder: Path) -> tuple[dict, dict[str, str]]:
    """The metadata as plain data and each section's text, whitespace and quotes normalised."""
    report, _template = load_report(folder)
    metadata = plain(report.metadata)
    assert isinstance(metadata, dict)
    metadata.pop("template", None)
    texts = {
        sid: " ".join(s.text.translate(STRAIGHT_QUOTES).split())
        for sid, s in report.sections.items()
    }
    return metadata, texts


def summary_data(folder: Path) -> tuple[dict, dict[str, str]]:
    """``report_data`` with lessons and good practices in the short form the summary prints
    (their annex fields go on the annex pages: see test_annexes.py)."""
    metadata, texts = report_data(folder)
    report, _template = load_report(folder)
    for sid in ("lessons", "good_practices"):
        items = report.sections[sid].items
        short = " ".join(f"## {i.title} {i.body}" for i in items)
        texts[sid] = " ".join(short.translate(STRAIGHT_QUOTES).split())
    return metadata, texts


def item_titles(folder: Path, name: str) -> list[str]:
    text = (folder / f"{name}.md").read_text(encoding="utf-8")
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


def pandoc_docx(markdown: Path, out: Path) -> Path:
    subprocess.run(
        [pandoc_path(), "-f", "markdown-smart", str(markdown), "-o", str(out)], check=True
    )
    return out


def facts_as_table(markdown: str) -> str:
    """The sample with its "Label: value" quick facts laid out as a two-column table."""
    paragraphs = re.split(r"\n\s*\n", markdown.strip())
    start = next(i for i, p in enumerate(paragraphs) if p.startswith("Código de Proyecto"))
    end = next(i for i, p in enumerate(paragraphs) if p.startswith("Esta evaluación"))
    rows = [p.split(":", 1) for p in paragraphs[start:end]]
    table = "|   |   |\n|---|---|\n" + "\n".join(f"| {a.strip()} | {b.strip()} |" for a, b in rows)
    return "\n\n".join([*paragraphs[:start], table, *paragraphs[end:]]) + "\n"


@pytest.fixture(scope="module")
def from_markdown(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("md") / "report"
    result = run("import", SAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_markdown_import_finds_every_item(from_markdown):
    assert len(item_titles(from_markdown, "recommendations")) == 9
    assert item_titles(from_markdown, "lessons") == [
        "Reintegración económica",
        "Medidas para mitigar la rotación. El caso de la PNP",
    ]
    assert item_titles(from_markdown, "good_practices")[3] == "Identificación de champions"
    assert item_titles(from_markdown, "recommendations")[4].startswith("Adaptar las actuaciones")


def test_markdown_import_equals_the_hand_conversion(from_markdown):
    assert report_data(from_markdown) == report_data(CONTENT / "alianzas-peru")


def test_import_reports_what_it_found(tmp_path):
    result = run("import", SAMPLE, "-o", tmp_path / "r")
    assert "2 lessons learned, 4 good practices, 9 recommendations" in result.stdout
    assert "(es)" in result.stdout
    assert (
        "alianzas-peru-summary-es.md:25:1: warning[import-kept] approval_date: 'Haga clic aquí "
        "para ingresar la fecha' kept as written (placeholder text; check will flag it)"
    ) in result.stderr
    assert "joined 3 paragraphs that were split mid-sentence" in result.stderr


def test_check_on_the_import_flags_the_two_unfilled_fields(from_markdown):
    data = run_json(from_markdown)
    errors = [
        (f["field"], f["code"]) for f in data["reports"][0]["findings"] if f["severity"] == "error"
    ]
    assert errors == [("approval_date", "placeholder"), ("keywords", "placeholder")]


@pytest.mark.parametrize("layout", ["paragraphs", "table"])
def test_docx_import_gives_the_same_report(tmp_path, from_markdown, layout):
    source = tmp_path / "sample.md"
    text = SAMPLE.read_text(encoding="utf-8")
    source.write_text(facts_as_table(text) if layout == "table" else text, encoding="utf-8")
    docx = pandoc_docx(source, tmp_path / "sample.docx")
    result = run("import", docx, "-o", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert report_data(tmp_path / "r") == report_data(from_markdown)
    assert run("check", tmp_path / "r").exit_code == 1


def test_round_trip_build_then_import(tmp_path):
    assert run("build", CONTENT / "example-en", "-o", tmp_path / "b", "--to", "docx").exit_code == 0
    result = run("import", tmp_path / "b" / "example-en.docx", "-o", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert report_data(tmp_path / "r") == summary_data(CONTENT / "example-en")
    assert run("check", "--strict", tmp_path / "r").exit_code == 0


def test_round_trip_of_the_spanish_sample(tmp_path, report_copy):
    folder = report_copy(CONTENT / "alianzas-peru")
    assert run("build", "--draft", folder, "-o", tmp_path / "b", "--to", "docx").exit_code == 0
    assert run("import", tmp_path / "b" / "alianzas-peru.docx", "-o", tmp_path / "r").exit_code == 0
    assert report_data(tmp_path / "r") == report_data(folder)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("summary.pdf", b"%PDF-1.7\n...", "a damaged PDF"),
        ("summary.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "an old Word .doc file"),
        ("summary.png", b"\x89PNG\r\n\x1a\n\x00\x00", "a binary file, not DOCX, PDF or text"),
        ("summary.md", "Resumen en Per\xfa".encode("latin-1"), "text that is not UTF-8"),
        ("notes.md", b"Shopping list\n\nMilk, eggs.\n", "does not look like an ILO evaluation"),
    ],
)
def test_refused_input(tmp_path, name, content, message):
    source = tmp_path / name
    source.write_bytes(content)
    result = run("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no staging folder left


def test_opendocument_is_refused(tmp_path):
    shutil.make_archive(str(tmp_path / "odt"), "zip", root_dir=FIXTURES / "valid")
    source = tmp_path / "summary.odt"
    (tmp_path / "odt.zip").rename(source)
    result = run("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "a zip file but not a Word document" in result.stderr


def test_missing_file(tmp_path):
    result = run("import", tmp_path / "nope.docx", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "nope.docx: no such file" in result.stderr


def test_existing_folder_is_kept_unless_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    result = run("import", SAMPLE, "-o", out)
    assert result.exit_code == 2
    assert "already exists and is not empty; choose another folder, or add --force" in (
        result.stderr
    )
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert run("import", SAMPLE, "-o", out, "--force").exit_code == 0
    assert not (out / "mine.txt").exists()
    assert (out / "evaluation.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_partly_understood_input(tmp_path):
    source = tmp_path / "partial.md"
    source.write_text(
        "An example summary – Final Evaluation\n\n"
        "Project code: ABC/21/01/XYZ\n\n"
        "Date when the evaluation was completed by the evaluator: sometime next spring\n\n"
        "Favourite colour: blue\n\n"
        "Country(ies): Peru and Atlantis\n\n"
        "A stray sentence before any section.\n\n"
        "Background and context\n\n"
        "The project did things.\n",
        encoding="utf-8",
    )
    result = run("import", source, "-o", tmp_path / "r")
    assert result.exit_code == 0
    err = result.stderr
    assert (
        "partial.md:5:1: warning[import-kept] completion_date: 'sometime next spring' kept as "
        "written (not understood as a date; check will flag it)"
    ) in err
    assert "partial.md:7:1: warning[import-unmatched] 'Favourite colour' matches no field" in err
    assert "countries: 'Peru and Atlantis' kept as written" in err
    assert (
        "partial.md:11:1: warning[import-unplaced] could not place "
        "'A stray sentence before any section.'"
    ) in err
    yaml_text = (tmp_path / "r" / "evaluation.yaml").read_text(encoding="utf-8")
    assert "completion_date: sometime next spring" in yaml_text
    assert "extra:\n  Favourite colour: blue" in yaml_text
    assert "A stray sentence" in (tmp_path / "r" / "unplaced.md").read_text(encoding="utf-8")
    codes = {f["code"] for f in run_json(tmp_path / "r")["reports"][0]["findings"]}
    assert {"invalid-date", "invalid-country", "missing-section", "unplaced-text"} <= codes


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", broken)
    result = run("import", SAMPLE, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "No space left on device; free some disk space and run again" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_headings_as_the_ilo_english_template_writes_them(tmp_path):
    source = tmp_path / "old.md"
    source.write_text(
        "# Skills for Work – Final Independent Evaluation\n\n"
        "| | |\n|---|---|\n| ILO TC/SYMBOL | ABC/21/01/XYZ |\n| Country(ies) | Ghana |\n\n"
        "## 1. Background & Context\n\nThe project trained people.\n\n"
        "## 2. Main Findings & Conclusions\n\n### Relevance\n\nIt was relevant.\n\n"
        "## 3. Recommendations, Lessons Learned and Good Practices\n\n"
        "### Main recommendations and follow-up\n\n**1. Keep going**\n\nDo more.\n\n"
        "### Important lessons learned\n\n**Lesson one**\n\nLearned.\n",
        encoding="utf-8",
    )
    result = run("import", source, "-o", tmp_path / "r", "--lang", "en")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "r"
    assert (folder / "background.md").read_text(encoding="utf-8") == "The project trained people.\n"
    assert (folder / "findings.md").read_text(encoding="utf-8") == (
        "## Relevance\n\nIt was relevant.\n"
    )
    assert item_titles(folder, "lessons") == ["Lesson one"]
    assert item_titles(folder, "recommendations") == ["Keep going"]
    assert not (folder / "unplaced.md").exists()
