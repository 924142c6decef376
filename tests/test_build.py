"""evalcli build: what a user finds in the DOCX and PDF, and how failures leave the disk."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import CONTENT, FIXTURES, outputs, run
from evalcli.errors import ConversionError
from evalcli.template.loader import BUNDLED_DIR as TEMPLATES_DIR


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph and table cell, in document order."""
    doc = Document(str(path))
    found = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = next(p for p in doc.paragraphs if p._p is child)
            found.append((paragraph.style.name, paragraph.text))
        elif tag == "tbl":
            table = next(t for t in doc.tables if t._tbl is child)
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        found.append((paragraph.style.name, paragraph.text))
    return found


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.fixture(scope="module")
def example_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    result = run("build", CONTENT / "example-en", "-o", out, "--to", "docx,pdf,md")
    assert result.exit_code == 0, result.output
    return out


def test_build_reports_what_it_wrote(example_build):
    assert sorted(p.name for p in outputs(example_build)) == [
        "example-en.docx",
        "example-en.md",
        "example-en.pdf",
    ]


def test_docx_has_every_quick_fact_label_and_value_in_a_shaded_table(example_build):
    doc = Document(str(example_build / "example-en.docx"))
    table = doc.tables[0]
    rows = [(r.cells[0].text, r.cells[1].text) for r in table.rows]
    assert rows[0] == ("Project code", "GHA/20/05/EXA")
    assert ("SDG(s)", "SDG 4.4, SDG 8.5, SDG 8.6 and SDG 13.3") in rows
    assert ("Date when evaluation was approved by EVAL", "14 November 2025") in rows
    assert ("Project duration", "July 2020 to June 2025") in rows
    assert ("Country(ies)", "Ghana and Togo") in rows
    assert ("Donor and budget", "Example Foundation (invented) – USD 2,450,000") in rows
    assert (
        "Name of consultant(s)",
        "Ama Example-Mensah (team leader) and Jean Exemple (national consultant)",
    ) in rows
    assert len(rows) == 19
    shading = table.rows[0].cells[0]._tc.xpath(".//w:shd/@w:fill")
    assert shading == ["E8EAF8"]
    assert table.rows[0].cells[1]._tc.xpath(".//w:shd/@w:fill") == []


def test_docx_headings_in_order_with_word_styles(example_build):
    paragraphs = docx_paragraphs(example_build / "example-en.docx")
    headings = [
        (style, text)
        for style, text in paragraphs
        if style.startswith(("Heading", "Title", "Subtitle"))
    ]
    assert headings[:3] == [
        (
            "Title",
            "Example project: Skills for Green Jobs in Coastal Communities – "
            "Independent Final Evaluation (invented example)",
        ),
        ("Subtitle", "Executive Summary"),
        ("Heading 1", "Background and context"),
    ]
    names = [text for style, text in headings]
    # as in the ILO template, the findings part and its section share a heading
    order = [
        "Background and context",
        "Main findings and conclusions",
        "Main findings and conclusions",
        "Relevance",
        "Sustainability",
        "Lessons learned, good practices and recommendations",
        "Lessons learned",
        "LL1. Employers shape training when they share its cost",
        "Good practices",
        "GP2. District co-funding agreements",
        "Recommendations",
        "R3. Extend district co-funding to the remaining districts",
    ]
    assert [n for n in names if n in order] == order
    styles = {style for style, _ in paragraphs}
    assert {"Disclaimer", "Follow-up", "Quick Facts", "Quick Facts Label", "Heading 3"} <= styles
    follow_up = [text for style, text in paragraphs if style == "Follow-up"]
    assert follow_up[0].startswith("Addressed to: ILO, national TVET agency of Togo")


def test_docx_header_footer_and_properties(example_build):
    doc = Document(str(example_build / "example-en.docx"))
    header = doc.sections[0].header.paragraphs[0].text
    assert header.endswith("\tGHA/20/05/EXA")
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    props = doc.core_properties
    assert props.title.startswith("Example project: Skills for Green Jobs")
    assert props.language == "en-GB"  # the prose's language and region
    assert props.author == "Ama Example-Mensah; Jean Exemple"
    assert "green jobs" in props.keywords


def test_pdf_pages_text_and_metadata(example_build):
    reader = PdfReader(str(example_build / "example-en.pdf"))
    assert 1 <= len(reader.pages) <= 4
    text = pdf_text(example_build / "example-en.pdf")
    for expected in [
        "Executive Summary",
        "Project code",
        "GHA/20/05/EXA",
        "BACKGROUND AND CONTEXT",
        "R3. Extend district co-funding",
        f"Page 1 of {len(reader.pages)}",
    ]:
        assert expected in text
    assert reader.metadata.title.startswith("Example project")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root  # tagged for screen readers
    fonts = {
        str(f)
        for f in re.findall(
            rb"/BaseFont\s*/([A-Za-z+\-]+)", (example_build / "example-en.pdf").read_bytes()
        )
    }
    assert fonts and all("Carlito" in f for f in fonts)


def test_spanish_pdf_keeps_accents_and_formats_for_the_language(tmp_path, report_copy):
    folder = report_copy(CONTENT / "alianzas-peru")
    text = (folder / "evaluation.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "approval_date: Haga clic aquí para ingresar la fecha", "approval_date: 2025-02"
    )
    text = text.replace(
        'keywords: "[Use themes as provided in i-eval Discovery](#)"',
        "keywords: [trata de personas, trabajo forzoso]",
    )
    (folder / "evaluation.yaml").write_text(text, encoding="utf-8")
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    # the PDF and the DOCX as Word lays it out have the same pages
    assert "PDF 6 pages (Typst), DOCX 6 pages (Typst layout)" in result.stdout
    assert "warning[page-limit] PDF 6 pages (Typst), DOCX 6 pages" in result.stderr
    pdf = pdf_text(tmp_path / "out" / "alianzas-peru.pdf")
    assert "Adolescentes en el Perú – Evaluación Final Independiente" in " ".join(pdf.split())
    assert "octubre de 2017 a diciembre de 2024" in pdf
    assert "ODS 5.5, ODS 8.3, ODS 8.7 y ODS 16.2" in pdf
    assert "LA2. Medidas para mitigar la rotación" in pdf
    assert "BP4. Identificación de champions" in pdf
    assert "Página 1 de 6" in pdf
    cells = [
        c.text
        for r in Document(str(tmp_path / "out" / "alianzas-peru.docx")).tables[0].rows
        for c in r.cells
    ]
    assert (
        "Victoria Sánchez Esteban (líder), Emma Rotondo Dall-Orso y Cinthia Belbussi Persini"
        in cells
    )
    assert "U.S.A – USD 7,940,000 tras cuatro ampliaciones" in cells  # Peru's convention


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", CONTENT / "example-en", "-o", first).exit_code == 0
    assert run("build", CONTENT / "example-en", "-o", second).exit_code == 0
    for name in ("example-en.docx", "example-en.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_report_with_errors_is_not_built_and_old_outputs_stay(tmp_path, report_copy):
    folder = report_copy("valid")
    out = tmp_path / "out"
    assert run("build", folder, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (folder / "evaluation.yaml").write_text(
        (folder / "evaluation.yaml").read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "nope"),
        encoding="utf-8",
    )
    result = run("build", folder, "-o", out)
    assert result.exit_code == 1
    assert "error[invalid-project-code]" in result.stderr
    assert "not built: the report has errors; fix them or use --draft" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_failed_conversion_keeps_previous_outputs_and_leaves_no_partial_file(
    tmp_path, report_copy, monkeypatch
):
    folder = report_copy("valid")
    out = tmp_path / "out"
    assert run("build", folder, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (folder / "background.md").write_text("## Project\n\nChanged text.\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise ConversionError("typst could not compile the PDF: simulated failure")

    monkeypatch.setattr("evalcli.outputs.pdf.make_pdf_typst", broken)
    result = run("build", folder, "-o", out)
    assert result.exit_code == 3
    assert (
        "evaluation.yaml: error[conversion-failed] typst could not compile the PDF: "
        "simulated failure" in result.stderr
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_template_syntax_in_content_is_printed_literally(tmp_path, report_copy):
    folder = report_copy("valid")
    (folder / "background.md").write_text(
        "## Project\n\nThe budget was {{ 7*7 }} and {% if x %}kept{% endif %}.\n", encoding="utf-8"
    )
    (folder / "evaluation.yaml").write_text(
        (folder / "evaluation.yaml")
        .read_text(encoding="utf-8")
        .replace("title: Fixture project", "title: 'Fixture {{ 7*7 }}'"),
        encoding="utf-8",
    )
    assert run("build", folder, "-o", tmp_path / "out").exit_code == 0
    docx_text = "\n".join(t for _, t in docx_paragraphs(tmp_path / "out" / "valid.docx"))
    assert "The budget was {{ 7*7 }} and {% if x %}kept{% endif %}." in docx_text
    assert "Fixture {{ 7*7 }}" in docx_text
    assert "49" not in docx_text
    assert "{{ 7*7 }}" in pdf_text(tmp_path / "out" / "valid.pdf")


@pytest.mark.parametrize(
    ("lang", "label", "kind"),
    [
        ("en", "Project code", "Executive Summary"),
        ("es", "Código de Proyecto", "Resumen Ejecutivo"),
        ("fr", "Code du projet", "Résumé exécutif"),
    ],
)
def test_lang_changes_labels(tmp_path, lang, label, kind):
    result = run("build", FIXTURES / "valid", "-o", tmp_path, "--lang", lang, "--to", "docx")
    assert result.exit_code == 0
    paragraphs = docx_paragraphs(tmp_path / "valid.docx")
    assert ("Subtitle", kind) in paragraphs
    assert ("Quick Facts Label", label) in paragraphs


def test_draft_builds_despite_errors_and_marks_every_page(tmp_path):
    result = run("build", "--draft", CONTENT / "alianzas-peru", "-o", tmp_path)
    assert result.exit_code == 0
    assert "(draft)" in result.stdout
    reader = PdfReader(str(tmp_path / "alianzas-peru.pdf"))
    assert all("BORRADOR" in page.extract_text() for page in reader.pages)
    header = Document(str(tmp_path / "alianzas-peru.docx")).sections[0].header.paragraphs[0].text
    assert header.startswith("BORRADOR")
    # the sample's empty link [text](#) keeps its text
    assert "Use themes as provided in i-eval Discovery" in pdf_text(tmp_path / "alianzas-peru.pdf")


def test_strict_page_limit_fails_and_writes_nothing(tmp_path, report_copy):
    folder = report_copy("valid")
    long_text = "\n\n".join(["The project did many things. " * 40] * 30)
    (folder / "background.md").write_text(f"## Project\n\n{long_text}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--strict", folder, "-o", out)
    assert result.exit_code == 1
    assert "error[page-limit] PDF 8 pages (Typst), DOCX 8 pages (Typst layout)" in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_pdf_a_standard(tmp_path):
    result = run(
        "build", FIXTURES / "valid", "-o", tmp_path, "--to", "pdf", "--pdf-standard", "a-2b"
    )
    assert result.exit_code == 0
    data = (tmp_path / "valid.pdf").read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in data
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in data


def test_markdown_only(tmp_path):
    result = run("build", FIXTURES / "valid", "-o", tmp_path, "--to", "md")
    assert result.exit_code == 0
    assert [p.name for p in outputs(tmp_path)] == ["valid.md"]
    text = (tmp_path / "valid.md").read_text(encoding="utf-8")
    assert "### R1. Do this" in text
    assert "**Priority:** High" in text


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run("build", FIXTURES / "valid", "-o", tmp_path, "--to", "docx,odt")
    assert result.exit_code == 2
    assert "--to docx,odt: choose from docx, pdf, md" in result.stderr


def test_output_never_overwrites_the_reports_own_files(report_copy):
    folder = report_copy("valid")
    (folder / "valid.md").write_text("", encoding="utf-8")
    before = (folder / "background.md").read_bytes()
    result = run("build", folder, "-o", folder, "--to", "md")
    # valid.md is not a section file, so writing it is allowed; sections stay as they were
    assert result.exit_code == 0
    assert (folder / "background.md").read_bytes() == before


def test_several_reports_build_one_after_another(tmp_path):
    result = run("build", CONTENT / "alianzas-peru", FIXTURES / "valid", "-o", tmp_path)
    assert result.exit_code == 1  # the sample has errors; the other report still builds
    assert "[1/2] " in result.stderr and "alianzas-peru: not built" in result.stderr
    assert "[2/2] " in result.stdout and "valid: wrote" in result.stdout
    assert sorted(p.name for p in outputs(tmp_path)) == ["valid.docx", "valid.pdf"]


def test_a_template_folder_allowed_on_the_command_line(tmp_path, report_copy):
    custom = tmp_path / "agency_template"
    shutil.copytree(TEMPLATES_DIR / "ilo_summary", custom)
    spec = custom / "template.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "kind: {en: Executive Summary,", "kind: {en: Evaluation Brief,"
        ),
        encoding="utf-8",
    )
    folder = report_copy("valid")
    meta = folder / "evaluation.yaml"
    meta.write_text(
        f"template: agency_template\n{meta.read_text(encoding='utf-8')}", encoding="utf-8"
    )
    refused = run("build", folder, "-o", tmp_path / "out", "--to", "docx")
    assert refused.exit_code == 2
    assert "no template 'agency_template'" in refused.stderr
    result = run("build", folder, "-o", tmp_path / "out", "--to", "docx", "--template-dir", custom)
    assert result.exit_code == 0, result.output
    assert ("Subtitle", "Evaluation Brief") in docx_paragraphs(tmp_path / "out" / "valid.docx")


def test_unknown_template_is_a_usage_error(report_copy):
    folder = report_copy("valid")
    meta = folder / "evaluation.yaml"
    meta.write_text(f"template: nonesuch\n{meta.read_text(encoding='utf-8')}", encoding="utf-8")
    result = run("check", folder)
    assert result.exit_code == 2
    assert (
        "evaluation.yaml:1:11: error[unknown-template] no template 'nonesuch': use one of "
        "ilo_summary, or allow your own template folder with --template-dir PATH"
    ) in result.stdout


def test_images_in_the_report_folder_go_into_both_documents(tmp_path, report_copy):
    folder = report_copy("valid")
    shutil.copyfile(FIXTURES / "chart.png", folder / "chart.png")
    (folder / "background.md").write_text(
        "## Project\n\nThe project did things.\n\n![Results by year](chart.png)\n", encoding="utf-8"
    )
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(tmp_path / "out" / "valid.docx").namelist()
    assert any(n.startswith("word/media/") for n in names)
    assert re.search(rb"/Subtype\s*/Image", (tmp_path / "out" / "valid.pdf").read_bytes())
    assert "Results by year" in pdf_text(tmp_path / "out" / "valid.pdf")


def test_missing_or_outside_images_are_errors(report_copy):
    folder = report_copy("valid")
    (folder / "background.md").write_text(
        "## Project\n\nText.\n\n![A](nope.png)\n\n![B](../valid/../../secret.png)\n",
        encoding="utf-8",
    )
    result = run("check", folder)
    assert result.exit_code == 1
    assert (
        "background.md:5:1: error[missing-image] image 'nope.png': there is no such file in "
        "the report folder"
    ) in result.stdout
    assert "background.md:7:1: error[missing-image]" in result.stdout
