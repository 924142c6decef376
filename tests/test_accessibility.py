"""Accessible and valid by default: PDF/UA-1, row headers, alternative text, valid OOXML.

The checkers themselves (openxml-audit, pdfua) run on every document any test
builds (tests/validators.py); these tests assert what a screen-reader user,
or a publisher's intake check, would notice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pypandoc
import pytest

import validators
from conftest import CONTENT, FIXTURES, run
from evalcli.outputs.pdf import soffice
from evalcli.template.loader import BUNDLED_DIR

DESCRIPTION = "Trainees placed in jobs, by district"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _example(tmp_path: Path, image: str = f"![{DESCRIPTION}](chart.png)") -> Path:
    folder = tmp_path / "example-en"
    shutil.copytree(CONTENT / "example-en", folder)
    shutil.copyfile(FIXTURES / "chart.png", folder / "chart.png")
    with (folder / "findings.md").open("a", encoding="utf-8") as stream:
        stream.write(f"\n{image}\n")
    return folder


def _scope(element: pikepdf.Dictionary) -> str | None:
    attributes = element.get("/A")
    for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(entry, pikepdf.Dictionary) and "/Scope" in entry:
            return str(entry.Scope)
    return None


def _elements(pdf: Path, kind: str) -> list[dict[str, str | None]]:
    """The structure elements of one type, in reading order: their /Alt and /Scope."""
    found: list[dict[str, str | None]] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            if node.get("/S") == f"/{kind}":
                alt = node.get("/Alt")
                found.append({"alt": None if alt is None else str(alt), "scope": _scope(node)})
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(pdf) as document:
        walk(document.Root.StructTreeRoot.K)
    return found


_PREFIXES = {
    "http://www.aiim.org/pdfua/ns/id/": "pdfuaid",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
}


def _claims(pdf: Path) -> dict[str, str]:
    """The conformance the XMP metadata claims: {"pdfuaid:part": "1", "pdfaid:part": "2"}."""
    with pikepdf.open(pdf) as document, document.open_metadata() as xmp:
        claims = {}
        for key, value in xmp.items():
            namespace, _, name = key.lstrip("{").partition("}")
            if namespace in _PREFIXES and name == "part":
                claims[f"{_PREFIXES[namespace]}:part"] = str(value)
        return claims


def _docx_xml(docx: Path) -> str:
    return zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")


def test_an_image_description_reaches_the_pdf_the_docx_and_the_markdown(tmp_path):
    folder = _example(tmp_path)
    result = run("build", folder, "-o", tmp_path / "out", "--to", "docx,pdf,md")
    assert result.exit_code == 0, result.output
    figures = _elements(tmp_path / "out" / "example-en.pdf", "Figure")
    assert [figure["alt"] for figure in figures] == [DESCRIPTION]
    xml = _docx_xml(tmp_path / "out" / "example-en.docx")
    assert f'<wp:docPr descr="{DESCRIPTION}"' in xml
    assert f'<pic:cNvPr descr="{DESCRIPTION}"' in xml  # not the image's data URI
    markdown = (tmp_path / "out" / "example-en.md").read_text(encoding="utf-8")
    assert f"![{DESCRIPTION}](<chart.png>)" in markdown
    # the checkers saw what this test built
    assert (tmp_path / "out" / "example-en.pdf").resolve() in validators._checked
    assert (tmp_path / "out" / "example-en.docx").resolve() in validators._checked


def test_a_description_is_text_in_the_pdf_never_typst_code(tmp_path):
    hostile = 'a "quoted" \\\\ chart"); #panic("boom'
    folder = _example(tmp_path, f"Inline ![{hostile}](chart.png) image.")
    result = run("build", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 0, result.output
    [figure] = _elements(tmp_path / "out" / "example-en.pdf", "Figure")
    assert figure["alt"] == "a “quoted” \\ chart”); #panic(“boom"


def test_the_pdf_claims_pdf_ua_and_shows_its_title(tmp_path):
    result = run("build", CONTENT / "example-en", "-o", tmp_path, "--to", "pdf")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "example-en.pdf"
    assert _claims(pdf) == {"pdfuaid:part": "1"}
    with pikepdf.open(pdf) as document:
        assert document.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(document.docinfo.Title).startswith("Example project")


@pytest.mark.parametrize(("standard", "part"), [("a-2b", "2"), ("a-3b", "3"), ("ua-1", None)])
def test_pdf_a_is_made_together_with_pdf_ua(tmp_path, standard, part):
    result = run("build", CONTENT / "example-en", "-o", tmp_path, "--to", "pdf",
                 "--pdf-standard", standard)  # fmt: skip
    assert result.exit_code == 0, result.output
    claims = _claims(tmp_path / "example-en.pdf")
    assert claims["pdfuaid:part"] == "1"
    assert claims.get("pdfaid:part") == part


def test_each_quick_fact_label_is_the_row_header_of_its_value(tmp_path):
    result = run("build", CONTENT / "example-en", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    headers = _elements(tmp_path / "example-en.pdf", "TH")
    assert len(headers) == 19  # one per quick-facts row
    assert all(header["scope"] == "/Row" for header in headers)
    assert not _elements(tmp_path / "example-en.pdf", "THead")
    xml = _docx_xml(tmp_path / "example-en.docx")
    first_table = xml[xml.index("<w:tbl>") : xml.index("</w:tblPr>")]
    assert '<w:tblCaption w:val="Quick facts"/>' in first_table
    assert "each row gives a label and its value" in first_table
    assert 'w:firstColumn="1"' in first_table


def test_annex_tables_have_column_and_row_headers(tmp_path):
    result = run("build", CONTENT / "example-en", "-o", tmp_path, "--annexes")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "example-en-annexes.pdf"
    scopes = [header["scope"] for header in _elements(pdf, "TH")]
    assert scopes.count("/Column") == 2 * len(_elements(pdf, "Table"))
    assert scopes.count("/Row") > scopes.count("/Column")
    xml = _docx_xml(tmp_path / "example-en-annexes.docx")
    assert re.search(r'<w:tblCaption w:val="LL1\. [^"]+"/>', xml)


def test_an_image_without_description_is_a_finding_and_the_pdf_claims_no_pdf_ua(tmp_path):
    folder = _example(tmp_path, "![](chart.png)")
    check = run("check", folder)
    assert "findings.md:40:1: warning[missing-alt-text] image 'chart.png' has no description" in (
        check.output
    )
    assert "{.decorative}" in check.output
    result = run("build", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 0, result.output
    assert "pdfuaid:part" not in _claims(tmp_path / "out" / "example-en.pdf")
    refused = run("build", folder, "-o", tmp_path / "ua", "--pdf-standard", "ua-1")
    assert refused.exit_code == 2
    assert "--pdf-standard ua-1 needs a description for every image" in refused.output
    assert not (tmp_path / "ua").exists()


def test_text_the_fonts_cannot_show_builds_without_the_pdf_ua_claim_and_says_why(tmp_path):
    folder = _example(tmp_path)
    with (folder / "findings.md").open("a", encoding="utf-8") as stream:
        stream.write("\nA word in Pashto: څ.\n")
    result = run("build", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 0, result.output
    assert "info[pdf-not-ua] typst could not make the PDF PDF/UA-1" in result.output
    assert "could not be displayed with font" in result.output
    assert "pdfuaid:part" not in _claims(tmp_path / "out" / "example-en.pdf")
    refused = run("build", folder, "-o", tmp_path / "ua", "--pdf-standard", "ua-1")
    assert refused.exit_code == 2
    assert "--pdf-standard ua-1: typst could not make the PDF PDF/UA-1" in refused.output
    assert not (tmp_path / "ua").exists()


def test_a_decorative_image_needs_no_description_and_is_not_read_out(tmp_path):
    folder = _example(tmp_path, "![](chart.png){.decorative}")
    assert "missing-alt-text" not in run("check", folder).output
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "example-en.pdf"
    assert _claims(pdf)["pdfuaid:part"] == "1"
    assert not _elements(pdf, "Figure")
    assert re.search(rb"/Subtype\s*/Image", pdf.read_bytes())
    xml = _docx_xml(tmp_path / "out" / "example-en.docx")
    assert re.search(r'<wp:docPr descr="" title="" [^>]*><a:extLst><a:ext uri="[^"]+">'
                     r'<adec:decorative [^>]*val="1"/>', xml)  # fmt: skip


def test_pandoc_typst_writer_still_drops_alt_text():
    """When this fails, pandoc writes image descriptions itself: drop ALT_TEXT in evalcli.lua."""
    typst = pypandoc.convert_text(f"![{DESCRIPTION}](chart.png)", "typst", format="markdown")
    assert "image(" in typst
    assert "alt:" not in typst


def test_every_style_is_based_on_a_style_the_reference_docx_defines():
    styles = zipfile.ZipFile(BUNDLED_DIR / "ilo_summary" / "reference.docx").read("word/styles.xml")
    defined = set(re.findall(rb'w:styleId="([^"]+)"', styles))
    based_on = set(re.findall(rb'<w:basedOn w:val="([^"]+)"', styles))
    assert b"TableNormal" in based_on
    assert based_on <= defined


@pytest.mark.office
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_libreoffice_pdf_is_pdf_ua_with_row_headers_except_for_drafts(tmp_path):
    folder = _example(tmp_path)
    result = run("build", folder, "-o", tmp_path / "out", "--pdf-engine", "libreoffice")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "example-en.pdf"
    assert _claims(pdf)["pdfuaid:part"] == "1"
    assert len([h for h in _elements(pdf, "TH") if h["scope"] == "/Row"]) == 19
    assert [f["alt"] for f in _elements(pdf, "Figure")] == [DESCRIPTION]
    draft = run("build", folder, "-o", tmp_path / "draft", "--pdf-engine", "libreoffice",
                "--draft", "--to", "pdf")  # fmt: skip
    assert draft.exit_code == 0, draft.output
    assert "info[pdf-not-ua] LibreOffice cannot make a PDF/UA-1 draft" in draft.output
    assert "pdfuaid:part" not in _claims(tmp_path / "draft" / "example-en.pdf")


def test_the_checkers_are_installed_command_line_tools():
    """.ci/run runs the tests, so both checkers gate CI through tests/validators.py."""
    for tool in ("openxml-audit", "pdfua"):
        done = subprocess.run(
            [str(Path(validators.sys.executable).parent / tool), "--help"],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, tool


def test_row_headers_leave_a_file_they_cannot_read_as_it_is(tmp_path):
    from evalcli.outputs.pdftags import row_headers

    assert run("build", CONTENT / "example-en", "-o", tmp_path, "--to", "pdf").exit_code == 0
    pdf = (tmp_path / "example-en.pdf").read_bytes()
    assert row_headers(pdf) == pdf  # already retagged: nothing left to do
    shifted = b"%junk\n" + pdf.replace(b"/S/TH", b"/S/TD")  # offsets no longer match
    assert row_headers(shifted) == shifted


def test_a_table_in_the_prose_keeps_its_column_headers(tmp_path):
    table = "| District | Trainees |\n|---|---:|\n| Keta | 320 |\n| Ada | 280 |\n\n: By district"
    folder = _example(tmp_path, table)
    result = run("build", folder, "-o", tmp_path / "out", "--lang", "fr")
    assert result.exit_code == 0, result.output
    scopes = [h["scope"] for h in _elements(tmp_path / "out" / "example-en.pdf", "TH")]
    assert scopes.count("/Column") == 2  # the prose table's header row, as written
    assert scopes.count("/Row") == 19  # the quick facts only: prose tables keep their cells
    assert '<w:tblCaption w:val="Informations clés"/>' in _docx_xml(
        tmp_path / "out" / "example-en.docx"
    )
