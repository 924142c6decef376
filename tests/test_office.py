"""Interop: a real office suite opens the DOCX and lays it out as the PDF is laid out.

Skipped, with a reason, without LibreOffice; CI installs it. LibreOffice sees
only the template's fonts (Carlito, metric-compatible with the DOCX's Calibri),
so its pages are the pages a Word user sees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import CONTENT, run
from evalcli.outputs.pdf import libreoffice_pdf, soffice
from evalcli.template.loader import BUNDLED_DIR

FONTS = BUNDLED_DIR / "ilo_summary" / "fonts"

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed"),
]


def _text(pdf: Path | bytes) -> list[str]:
    """Each page's text, hyphenation undone and white space made single."""
    import io

    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    pages = []
    for page in reader.pages:
        text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", page.extract_text())
        pages.append(" ".join(text.split()))
    return pages


def _headings(docx: Path) -> list[str]:
    return [
        p.text
        for p in Document(str(docx)).paragraphs
        if p.style.name.startswith("Heading") and p.text.strip()
    ]


def _in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces not found after the previous one (an empty list: all in order)."""
    missing, at = [], 0
    folded = text.casefold()
    for piece in pieces:
        found = folded.find(" ".join(piece.split()).casefold(), at)
        if found < 0:
            missing.append(piece)
        else:
            at = found
    return missing


@pytest.fixture(scope="module", params=["example-en", "alianzas-peru"])
def both_layouts(request, tmp_path_factory) -> tuple[Path, list[str], list[str]]:
    """A report as DOCX laid out by LibreOffice and as the Typst PDF."""
    out = tmp_path_factory.mktemp(request.param)
    result = run("build", CONTENT / request.param, "-o", out, "--draft")
    assert result.exit_code == 0, result.output
    docx = out / f"{request.param}.docx"
    office = libreoffice_pdf(docx.read_bytes(), FONTS, 0)
    return docx, _text(office), _text(out / f"{request.param}.pdf")


def test_libreoffice_lays_out_the_docx_like_the_typst_pdf(both_layouts):
    docx, office, typst = both_layouts
    assert abs(len(office) - len(typst)) <= 1, (len(office), len(typst))
    headings = _headings(docx)
    assert len(headings) >= 10
    # the same headings, in the same order, in both layouts
    assert _in_order(" ".join(office), headings) == []
    assert _in_order(" ".join(typst), headings) == []
    # the quick facts come first in both, label by label
    labels = [row.cells[0].text for row in Document(str(docx)).tables[0].rows]
    assert _in_order(office[0], labels) == [] and _in_order(typst[0], labels) == []


def test_recommendations_begin_on_the_same_page_in_both(both_layouts):
    _docx, office, typst = both_layouts

    def page_of(pages: list[str], text: str) -> int:
        return next(i for i, page in enumerate(pages) if text in page)

    assert abs(page_of(office, "R1. ") - page_of(typst, "R1. ")) <= 1
    assert f"{len(office)}" in office[-1]  # "Page 3 of 3": the fields were updated


def test_libreoffice_opens_the_docx_and_the_text_is_there(tmp_path):
    assert run("build", CONTENT / "example-en", "-o", tmp_path, "--to", "docx").exit_code == 0
    pages = _text(libreoffice_pdf((tmp_path / "example-en.docx").read_bytes(), FONTS, 0))
    text = " ".join(pages)
    for expected in [
        "Executive Summary",
        "Project code",
        "GHA/20/05/EXA",
        "Relevance",
        "R3. Extend district co-funding",
        f"Page 1 of {len(pages)}",
        "Ghana and Togo",
        "Addressed to: ILO, national TVET agency of Togo",
    ]:
        assert expected in text


def test_pdf_engine_libreoffice_uses_the_bundled_font_and_tags(tmp_path):
    result = run("build", CONTENT / "example-en", "-o", tmp_path, "--pdf-engine", "libreoffice")
    assert result.exit_code == 0, result.output
    assert "PDF 3 pages (LibreOffice), DOCX 3 pages (LibreOffice layout)" in result.output
    data = (tmp_path / "example-en.pdf").read_bytes()
    fonts = {f.decode() for f in re.findall(rb"/BaseFont\s*/([A-Za-z+\-]+)", data)}
    assert fonts and all("Carlito" in f for f in fonts), fonts
    reader = PdfReader(str(tmp_path / "example-en.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged for screen readers
    assert root["/Lang"] == "en-GB"
    keywords = reader.metadata["/Keywords"].replace("\u00a0", " ")
    # whole keywords, as in the DOCX: not "green, jobs, skills, ..."
    assert keywords == "green jobs, skills development, youth employment, apprenticeships"
    assert reader.metadata["/CreationDate"].startswith("D:20251114")  # the document's date
    assert "Executive Summary" in " ".join(_text(tmp_path / "example-en.pdf"))


def test_pdf_engine_libreoffice_makes_pdf_a_when_asked(tmp_path):
    result = run(
        "build",
        CONTENT / "example-en",
        "-o",
        tmp_path,
        "--pdf-engine",
        "libreoffice",
        "--pdf-standard",
        "a-2b",
    )
    assert result.exit_code == 0, result.output
    data = (tmp_path / "example-en.pdf").read_bytes()
    assert re.search(rb"pdfaid:part>2<", data)
    assert re.search(rb"pdfaid:conformance>B<", data)


def test_docx_pages_as_libreoffice_lays_them_out(tmp_path):
    result = run(
        "build",
        CONTENT / "alianzas-peru",
        "-o",
        tmp_path,
        "--draft",
        "--to",
        "docx",
        "--docx-pages",
        "libreoffice",
        "--format",
        "json",
    )
    report = json.loads(result.stdout)["reports"][0]
    [count] = report["page_counts"]
    assert count["output"] == "docx" and count["layout"] == "libreoffice"
    assert count["pages"] == report["pages"] >= 5
    codes = [f["code"] for f in report["findings"]]
    assert "page-limit" in codes
