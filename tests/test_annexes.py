"""build --annexes: each lesson and good practice on its ILO page; check, import, export."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import CONTENT, run, run_json

LESSON_LABELS = [
    "Brief description of lesson learned (link to specific action or task)",
    "Context and any related preconditions",
    "Targeted users / Beneficiaries",
    "Challenges / negative lessons – causal factors",
    "Success / positive issues – causal factors",
    "ILO administrative issues (staff, resources, design, implementation)",
    "Other relevant comments",
]


def pages(pdf: Path) -> list[str]:
    """Each page's text on one line, apostrophes straight."""
    return [
        " ".join(page.extract_text().replace("’", "'").split())
        for page in PdfReader(str(pdf)).pages
    ]


def tables(docx: Path) -> list[list[tuple[str, str]]]:
    return [
        [(row.cells[0].text, row.cells[1].text) for row in table.rows]
        for table in Document(str(docx)).tables
    ]


def normal(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("\\", "").split())


def annex_records(folder: Path, section: str) -> list[tuple[str, dict[str, str]]]:
    """(title, annex record) of each item, as export gives them, whitespace normalised."""
    data = json.loads(run("export", folder).stdout)["reports"][0]["sections"][section]["items"]
    return [
        (item["title"], {k: normal(v) for k, v in item["annex"].items() if k != "themes"})
        for item in data
    ]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("annexes")
    result = run(
        "build", CONTENT / "example-en", "-o", out, "--annexes", "--to", "docx,pdf,md", "--force"
    )
    assert result.exit_code == 0, result.output
    assert "missing-annex-field" not in result.output
    return out


def test_build_writes_one_annex_file_per_report_beside_the_summary(example):
    assert sorted(p.name for p in example.iterdir() if not p.name.startswith(".")) == [
        "example-en-annexes.docx",
        "example-en-annexes.md",
        "example-en-annexes.pdf",
        "example-en.docx",
        "example-en.md",
        "example-en.pdf",
    ]


def test_pdf_has_one_ilo_template_page_per_lesson_and_practice(example):
    found = pages(example / "example-en-annexes.pdf")
    assert len(found) == 4
    ll1, ll2, gp1, gp2 = found
    assert ll1.startswith("Example project: Skills for Green Jobs")  # the running header
    assert "ILO LESSON LEARNED TEMPLATE" in ll1
    assert "LL1. Employers shape training when they share its cost" in ll1
    assert "Project TC/SYMBOL: GHA/20/05/EXA" in ll1
    assert "Name of evaluator: Ama Example-Mensah (team leader)" in ll1
    assert "Date: September 2025" in ll1
    assert "LL Element Text" in ll1
    assert "Context and any related preconditions The project upgraded informal" in ll1
    assert "LL2. Demand assessments need updating during implementation" in ll2
    assert "ILO EMERGING GOOD PRACTICE TEMPLATE" in gp1
    assert "GP1. Mentoring by master craftspeople" in gp1
    assert "Establish a clear cause-effect relationship Master craftspeople trained" in gp1
    assert "Upward links to higher ILO goals" in gp2
    assert "GP2. District co-funding agreements" in gp2
    assert "Page 4 of 4" in gp2


def test_docx_has_each_page_as_a_table_and_a_page_break_before_each(example):
    doc = Document(str(example / "example-en-annexes.docx"))
    titles = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [p.text for p in titles] == [
        "ILO Lesson Learned Template",
        "ILO Lesson Learned Template",
        "ILO Emerging Good Practice Template",
        "ILO Emerging Good Practice Template",
    ]
    assert [p.paragraph_format.page_break_before for p in titles] == [False, True, True, True]
    items = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert items == [
        "LL1. Employers shape training when they share its cost",
        "LL2. Demand assessments need updating during implementation",
        "GP1. Mentoring by master craftspeople",
        "GP2. District co-funding agreements",
    ]
    ll1 = tables(example / "example-en-annexes.docx")[0]
    assert ll1[0] == ("LL Element", "Text")
    assert [label for label, _text in ll1[1:]] == LESSON_LABELS
    assert ll1[1][1].startswith("Where employers contributed equipment")  # the item's own text
    assert ll1[5][1].startswith("In the four districts where employers contributed, 71%")
    assert ll1[7][1] == ""  # other comments: optional, not given


def test_the_summary_keeps_its_short_form(example):
    summary = (example / "example-en.md").read_text(encoding="utf-8")
    assert "Where employers contributed equipment" in summary
    assert "The project upgraded informal apprenticeships" not in summary
    assert "### Context" not in summary
    text = " ".join(p.extract_text() for p in PdfReader(str(example / "example-en.pdf")).pages)
    assert "71% of graduates" not in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "es",
            [
                "PLANTILLA DE LECCIONES APRENDIDAS DE LA OIT",
                "LA1. Reintegración económica",
                "Código TC/SYMBOL del proyecto: PER/17/51/USA",
                "Elemento LA Texto",
                "Breve descripción de la lección aprendida",
                "Contexto y condiciones previas relacionadas",
            ],
        ),
        (
            "en",
            [
                "ILO LESSON LEARNED TEMPLATE",
                "LL1. Reintegración económica",
                "Project TC/SYMBOL: PER/17/51/USA",
                "LL Element Text",
                "Brief description of lesson learned",
            ],
        ),
        (
            "fr",
            [
                "MODÈLE DE L’OIT POUR LES ENSEIGNEMENTS TIRÉS",
                "ET1. Reintegración económica",
                "PER/17/51/USA",
                "Élément ET Texte",
                "Brève description de l’enseignement tiré",
            ],
        ),
    ],
)
def test_the_sample_has_six_pages_in_each_language(tmp_path, lang, expected):
    result = run(
        "build", CONTENT / "alianzas-peru", "-o", tmp_path, "--annexes", "--draft",
        "--lang", lang, "--to", "pdf", "--force",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found = pages(tmp_path / "alianzas-peru-annexes.pdf")
    assert len(found) == 6  # LA1, LA2, BP1-BP4
    for phrase in expected:
        assert phrase.replace("’", "'") in found[0], phrase
    # the published summary has no annex text: the description is the item's, the rest empty
    assert "El trabajo en este ámbito debe realizarse desde un enfoque integral" in found[0]
    prefix = {"es": "BP", "en": "GP", "fr": "BP"}[lang]
    assert f"{prefix}4. Identificación de champions" in found[5]
    # and build says so, once per item
    assert len(re.findall(r"warning\[missing-annex-field\]", result.output)) == 6


def test_check_is_quiet_about_annexes_in_a_summary_only_report():
    codes = [
        f["code"] for r in run_json(CONTENT / "alianzas-peru")["reports"] for f in r["findings"]
    ]
    assert "missing-annex-field" not in codes


def test_check_warns_for_a_missing_field_and_a_heading_that_names_none(report_copy):
    folder = report_copy(CONTENT / "example-en")
    lessons = folder / "lessons.md"
    text = lessons.read_text(encoding="utf-8")
    text = re.sub(r"### Successes\n\nWhen the places.*?quickly\.\n\n", "", text, flags=re.S)
    text = text.replace(
        "### Administrative issues\n\nA budget", "### Administrative isues\n\nA budget"
    )
    lessons.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    findings = run_json(folder)["reports"][0]["findings"]
    annex = [f for f in findings if "annex" in f["code"]]
    assert [(f["code"], lines[f["line"] - 1]) for f in annex] == [
        ("missing-annex-field", "## Demand assessments need updating during implementation"),
        ("annex-heading", "### Administrative isues"),
    ]
    assert annex[0]["severity"] == "warning"
    assert annex[0]["message"].startswith(
        "LL2 ('Demand assessments need updating during [...]') lacks Successes, "
        "Administrative issues for its ILO annex page"
    )
    assert "did you mean 'Administrative issues'?" in annex[1]["message"]
    assert run("check", folder).exit_code == 0  # warnings only


def test_import_reads_the_docx_annex_pages_back_into_the_items(example, tmp_path):
    out = tmp_path / "imported"
    result = run("import", example / "example-en-annexes.docx", "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 lessons learned, 2 good practices" in result.output
    lessons = (out / "lessons.md").read_text(encoding="utf-8")
    assert "## Employers shape training when they share its cost\n\nWhere employers" in lessons
    assert "\n### Context\n\nThe project upgraded informal apprenticeships" in lessons
    assert "### Description" not in lessons  # it is the item's own text
    for section in ("lessons", "good_practices"):
        assert annex_records(out, section) == annex_records(CONTENT / "example-en", section)


def test_import_of_a_summary_followed_by_its_annex_pages_round_trips(example, tmp_path):
    summary = (example / "example-en.md").read_text(encoding="utf-8")
    annexes = (example / "example-en-annexes.md").read_text(encoding="utf-8")
    combined = tmp_path / "full.md"
    combined.write_text(summary + "\n" + annexes.split("---\n", 2)[2], encoding="utf-8")
    out = tmp_path / "imported"
    assert run("import", combined, "-o", out).exit_code == 0
    assert run_json(out)["summary"]["warnings"] == 0
    for section in ("lessons", "good_practices"):
        assert annex_records(out, section) == annex_records(CONTENT / "example-en", section)


def test_import_keeps_paragraphs_and_lists_of_a_field(report_copy, tmp_path):
    folder = report_copy(CONTENT / "example-en")
    lessons = folder / "lessons.md"
    text = lessons.read_text(encoding="utf-8").replace(
        "### Beneficiaries\n\n", "### Beneficiaries\n\n- employers\n- *TVET* agencies\n\n", 1
    )
    lessons.write_text(text, encoding="utf-8")
    assert run("build", folder, "-o", tmp_path / "b", "--annexes", "--to", "docx").exit_code == 0
    out = tmp_path / "imported"
    assert run("import", tmp_path / "b" / "example-en-annexes.docx", "-o", out).exit_code == 0
    imported = (out / "lessons.md").read_text(encoding="utf-8")
    assert "### Beneficiaries\n\n- employers\n- *TVET* agencies\n\nTraining providers" in imported


def test_export_gives_i_eval_discovery_records(tmp_path):
    data = json.loads(run("export", CONTENT / "example-en").stdout)["reports"][0]
    lesson = data["sections"]["lessons"]["items"][0]["annex"]
    assert list(lesson) == [
        "description",
        "context",
        "beneficiaries",
        "challenges",
        "success",
        "administrative_issues",
        "comments",
        "themes",
    ]
    assert lesson["themes"] == [
        "green jobs",
        "skills development",
        "youth employment",
        "apprenticeships",
    ]
    practice = data["sections"]["good_practices"]["items"][1]["annex"]
    assert practice["ilo_goals"].startswith("Links to P&B Outcome 5")
    assert "annex" not in data["sections"]["recommendations"]["items"][0]

    out = tmp_path / "lessons.csv"
    args = ("export", "--format", "csv", "--items", "lessons", "-o", out)
    assert run(*args, CONTENT / "example-en", CONTENT / "alianzas-peru").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["number"] for r in rows] == ["LL1", "LL2", "LA1", "LA2"]
    assert rows[0]["challenges"].startswith("Small employers could not spare staff time")
    assert rows[0]["themes"] == "green jobs; skills development; youth employment; apprenticeships"
    # the published summary: its description is the lesson's text, the rest empty, and its
    # keywords are the template's placeholder, which is no theme
    assert rows[2]["description"] == rows[2]["text"]
    assert (rows[2]["context"], rows[2]["themes"]) == ("", "")


def test_init_scaffolds_the_annex_fields_in_the_reports_language(tmp_path):
    assert run("init", tmp_path / "new", "--lang", "es").exit_code == 0
    practices = (tmp_path / "new" / "good_practices.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (.+)$", practices, re.M)
    assert headings == [
        "Contexto",
        "Causa y efecto",
        "Impacto",
        "Replicación",
        "Objetivos de la OIT",
    ]
    assert "[insertar: Potencial de replicación y por quién]" in practices


def test_a_template_without_annexes_refuses_build_annexes(tmp_path):
    from evalcli.template.loader import BUNDLED_DIR

    folder = tmp_path / "plain_summary"
    shutil.copytree(BUNDLED_DIR / "ilo_summary", folder)
    spec = folder / "template.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.split("\nannexes:", 1)[0] + "\n", encoding="utf-8")
    report = tmp_path / "report"
    shutil.copytree(CONTENT / "example-en", report)
    yaml = report / "evaluation.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(
            "template: ilo_summary", "template: plain_summary"
        ),
        encoding="utf-8",
    )
    result = run("build", report, "-o", tmp_path / "b", "--annexes", "--template-dir", folder)
    assert result.exit_code == 2
    assert "has no annex pages; build without --annexes" in result.output
