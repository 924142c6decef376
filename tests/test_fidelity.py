"""What an ILO reader sees: the DOCX and the PDF agree, and each looks as a published summary."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader

from conftest import CONTENT, run
from evalcli.outputs.docinfo import running_header
from evalcli.template.loader import BUNDLED_DIR

REFERENCE = BUNDLED_DIR / "ilo_summary" / "reference.docx"


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("english")
    assert run("build", CONTENT / "example-en", "-o", out, "--to", "docx,pdf,md").exit_code == 0
    return out


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("draft")
    result = run("build", CONTENT / "alianzas-peru", "-o", out, "--draft", "--to", "docx,pdf,md")
    assert result.exit_code == 0, result.output
    return out


def _follow_up_blocks(path: Path) -> list[list]:
    """Each recommendation's follow-up paragraphs, with the paragraph before them first."""
    paragraphs = Document(str(path)).paragraphs
    blocks: list[list] = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style.name != "Follow-up":
            continue
        if paragraphs[index - 1].style.name != "Follow-up":
            blocks.append([paragraphs[index - 1]])
        blocks[-1].append(paragraph)
    return blocks


def test_follow_up_facts_are_left_aligned_paragraphs_without_line_breaks(english):
    blocks = _follow_up_blocks(english / "example-en.docx")
    assert len(blocks) == 3
    for block in blocks:
        facts = block[1:]
        assert [p.text.split(":")[0] for p in facts] == [
            "Addressed to",
            "Priority",
            "Timeframe",
            "Resource implications",
        ]
        for paragraph in facts:
            # no manual breaks for justification to stretch across the line
            assert not paragraph._p.findall(".//{*}br")
            assert paragraph.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
            assert paragraph.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert blocks[0][1].text == "Addressed to: ILO, national TVET agency of Togo"


def test_a_recommendation_keeps_with_its_follow_up(english):
    for block in _follow_up_blocks(english / "example-en.docx"):
        before, *facts = block
        assert before.paragraph_format.keep_with_next
        assert [p.paragraph_format.keep_with_next for p in facts] == [True] * (len(facts) - 1) + [
            False
        ]


def test_r1_and_its_follow_up_share_a_page_in_the_pdf(english):
    for page in PdfReader(str(english / "example-en.pdf")).pages:
        text = page.extract_text()
        if "R1. " in text:
            assert "Addressed to: ILO, national TVET agency of Togo" in text


def test_word_styles_as_word_has_them():
    doc = Document(str(REFERENCE))
    for name in ("Header", "Footer"):
        style = doc.styles[name]
        assert style.builtin, f"{name} is a custom look-alike of Word's style"
        assert style.style_id == name
    subtitle = doc.styles["Subtitle"].element
    assert subtitle.find(".//{*}numPr") is None  # no list level without a list
    assert subtitle.rPr.find("{*}spacing") is None  # no letter-spacing


def test_docx_and_pdf_share_sizes():
    """The same sizes as summary.typ: the two outputs lay out alike."""
    typst = (BUNDLED_DIR / "ilo_summary" / "summary.typ").read_text(encoding="utf-8")
    doc = Document(str(REFERENCE))
    sizes = {
        "Body Text": "size: 10.5pt",
        "Title": "size: 16pt",
        "Subtitle": "size: 12.5pt",
        "Heading 1": "size: 12.5pt",
        "Heading 2": "size: 11.5pt",
        "Heading 3": "size: 11pt",
        "Follow-up": "size: 9.5pt",
        "Quick Facts": "size: 9.5pt",
        "Disclaimer": "size: 8.5pt",
    }
    for style, typst_size in sizes.items():
        assert f"size: {doc.styles[style].font.size.pt:g}pt" == typst_size
        assert typst_size in typst
    body = doc.styles["Body Text"].paragraph_format
    assert (body.space_after.pt, body.line_spacing) == (4, 1.0)
    assert "#let body-after = 4pt" in typst


def test_headings_of_items_stand_out_from_the_text(english):
    doc = Document(str(english / "example-en.docx"))
    heading = doc.styles["Heading 3"]
    body = doc.styles["Body Text"]
    assert heading.font.size > body.font.size
    assert heading.paragraph_format.space_before.pt >= 9
    assert heading.paragraph_format.space_after.pt >= 3


def test_hyphenation_is_on_where_text_is_justified(english):
    with zipfile.ZipFile(english / "example-en.docx") as docx:
        assert b"<w:autoHyphenation/>" in docx.read("word/settings.xml")
    doc = Document(str(english / "example-en.docx"))
    for name in ("Heading 3", "Follow-up", "Quick Facts", "Title"):
        assert doc.styles[name].element.pPr.find("{*}suppressAutoHyphens") is not None


def test_quotes_are_typographic_in_the_documents_and_as_typed_in_the_markdown(draft):
    markdown = (draft / "alianzas-peru.md").read_text(encoding="utf-8")
    assert '"Alianzas en Acción' in markdown
    text = "\n".join(p.text for p in Document(str(draft / "alianzas-peru.docx")).paragraphs)
    assert "“Alianzas en Acción para Terminar" in text and "Perú” (Alianzas)" in text
    pdf = "\n".join(p.extract_text() for p in PdfReader(str(draft / "alianzas-peru.pdf")).pages)
    assert "“Alianzas en Acción" in pdf


def test_the_running_header_never_ends_on_a_conjunction():
    title = (
        "Alianzas en acción para terminar con la Trata de Niñas, Niños y Adolescentes en el Perú"
    )
    cut = "Alianzas en acción para terminar con la Trata de Niñas, Niños …"  # not "… Niños y"
    assert running_header(title) == cut
    assert running_header("Short title") == "Short title"
    english = "Promoting decent work and the protection of rights of migrant workers in agriculture"
    assert running_header(english) == (
        "Promoting decent work and the protection of rights of migrant …"
    )


def test_draft_docx_has_a_watermark_like_the_pdf(draft):
    doc = Document(str(draft / "alianzas-peru.docx"))
    header = doc.sections[0].header._element
    textpaths = header.findall(".//{urn:schemas-microsoft-com:vml}textpath")
    assert [t.get("string") for t in textpaths if t.get("string")] == ["BORRADOR"]
    pdf = PdfReader(str(draft / "alianzas-peru.pdf"))
    assert all("BORRADOR" in page.extract_text() for page in pdf.pages)


def test_english_final_docx_has_no_watermark(english):
    header = Document(str(english / "example-en.docx")).sections[0].header._element
    assert not header.findall(".//{urn:schemas-microsoft-com:vml}shape")


def test_draft_marks_placeholder_values(draft):
    doc = Document(str(draft / "alianzas-peru.docx"))
    marked = {
        run.text
        for row in doc.tables[0].rows
        for paragraph in row.cells[1].paragraphs
        for run in paragraph.runs
        if run.style is not None and run.style.name == "Placeholder"
    }
    assert "Haga clic aquí para ingresar la fecha" in marked
    assert any("Use themes as provided in i-eval Discovery" in text for text in marked)
    assert not any("PER/17/51/USA" in text for text in marked)


def test_keywords_metadata_is_plain_text(draft, english):
    # the draft's only "keyword" is the template's instruction: no keyword at all
    assert Document(str(draft / "alianzas-peru.docx")).core_properties.keywords == ""
    metadata = PdfReader(str(draft / "alianzas-peru.pdf")).metadata
    assert "](" not in str(metadata.get("/Keywords", ""))
    keywords = PdfReader(str(english / "example-en.pdf")).metadata["/Keywords"]
    assert keywords == "green jobs, skills development, youth employment, apprenticeships"


def test_build_reports_each_outputs_pages(tmp_path):
    result = run("build", CONTENT / "example-en", "-o", tmp_path, "--format", "json")
    import json

    report = json.loads(result.stdout)["reports"][0]
    assert report["page_counts"] == [
        {"output": "pdf", "pages": report["pages"], "layout": "typst"},
        {"output": "docx", "pages": report["pages"], "layout": "typst"},
    ]
    text = run("build", CONTENT / "example-en", "-o", tmp_path, "--force").output
    assert "PDF 3 pages (Typst), DOCX 3 pages (Typst layout)" in text


def test_a_docx_alone_is_still_measured_against_the_page_limit(tmp_path):
    result = run("build", CONTENT / "alianzas-peru", "-o", tmp_path, "--draft", "--to", "docx")
    assert result.exit_code == 0
    assert "warning[page-limit] DOCX 6 pages (Typst layout); the ILO evaluation summary" in (
        result.output
    )
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "alianzas-peru.docx"
    ]


def test_libreoffice_options_without_libreoffice_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("evalcli.outputs.pdf.soffice", lambda: None)
    for option in (["--pdf-engine", "libreoffice"], ["--docx-pages", "libreoffice"]):
        result = run("build", CONTENT / "example-en", "-o", tmp_path, "--force", *option)
        assert result.exit_code == 2, result.output
        assert "needs LibreOffice ('soffice' on PATH)" in result.output
    assert not list(tmp_path.glob("*.pdf"))


def test_an_old_libreoffice_is_refused_for_pdf_a(tmp_path, monkeypatch):
    monkeypatch.setattr("evalcli.outputs.pdf.soffice", lambda: "/usr/bin/soffice-7.3")
    monkeypatch.setattr("evalcli.outputs.pdf._version", lambda binary, env: (7, 3))
    result = run(
        "build",
        *(CONTENT / "example-en", "-o", tmp_path),
        *("--pdf-engine", "libreoffice", "--pdf-standard", "a-2b"),
    )
    assert result.exit_code == 2, result.output
    assert "needs LibreOffice 7.4 or later (this is 7.3); use --pdf-engine typst" in result.output
    assert not list(tmp_path.glob("*.pdf"))


def test_a_pdf_that_does_not_declare_the_standard_is_refused(tmp_path, monkeypatch):
    """Never a file that claims nothing where PDF/A was asked for, with exit 0."""
    fake = tmp_path / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ $# -gt 0 ]; do [ "$1" = --outdir ] && out="$2"; shift; done\n'
        "printf '%%PDF-1.7\\n1 0 obj <</Type /Page>> endobj\\n' > \"$out/summary.pdf\"\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setattr("evalcli.outputs.pdf.soffice", lambda: str(fake))
    monkeypatch.setattr("evalcli.outputs.pdf._version", lambda binary, env: (24, 2))
    out = tmp_path / "out"
    result = run(
        "build",
        *(CONTENT / "example-en", "-o", out),
        *("--pdf-engine", "libreoffice", "--pdf-standard", "ua-1"),
    )
    assert result.exit_code == 2, result.output
    assert "did not make a UA-1 file; use --pdf-engine typst" in result.output
    assert not out.exists() or not list(out.glob("*.pdf"))


def test_libreoffice_clock_stamps_become_the_document_date():
    from evalcli.outputs.pdf import _fixed

    pdf = (
        b"%PDF-1.7\n<</CreationDate(D:20261128105003Z')/ModDate(D:20261128105003Z')>>\n"
        b"<xmp:CreateDate>2026-11-28T10:50:03Z</xmp:CreateDate>\n"
        b"trailer <</ID [ <C3A62B94799DFD5D06BE1B084163C6A1>\n"
        b"<C3A62B94799DFD5D06BE1B084163C6A1> ]>>"
    )
    fixed = _fixed(pdf, 1763078400)  # 2025-11-14
    assert len(fixed) == len(pdf)  # every offset in the file holds
    assert b"(D:20251114000000Z')" in fixed and b"2026" not in fixed
    assert b"<xmp:CreateDate>2025-11-14T00:00:00Z</xmp:CreateDate>" in fixed
    assert b"C3A62B94799DFD5D06BE1B084163C6A1" not in fixed
    assert _fixed(pdf, 1763078400) == fixed
