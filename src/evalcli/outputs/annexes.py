"""The annex pages of one report as DOCX, PDF and Markdown: ``<name>-annexes.*``.

They go through the summary's pipeline: the annexes.md.j2 skeleton, pandoc
with the template's filters (annexes.lua makes each page's table), then
python-docx, or pandoc's Typst writer with annexes.typ and typst.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from evalcli.check.annexes import annexes_started, check_annexes
from evalcli.diagnostics import Finding
from evalcli.i18n import Message
from evalcli.outputs.convert import all_described, convert, not_ua_findings
from evalcli.outputs.docinfo import doc_info
from evalcli.outputs.docx import LABEL_FILL, _element, _replace, describe_table, rule_table
from evalcli.outputs.ooxml import put
from evalcli.outputs.plan import BuildOptions, annex_stem, plan
from evalcli.outputs.zipnorm import normalize_zip
from evalcli.records import replace
from evalcli.render.annexes import TYPST_TEMPLATE, render_annexes, template_annexes
from evalcli.report.facts import Facts, report_language
from evalcli.report.model import Report
from evalcli.template.spec import Template

HEAD_FILL = "D3D7F2"
LABEL_SHARE = 0.3


def _style_table(doc: Any, table: Any, text_width: int) -> None:
    """A page's table as in the ILO templates: ruled, labels shaded, header row darker."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Emu

    widths = rule_table(table, text_width, LABEL_SHARE)
    tbl_pr = table._tbl.tblPr
    margins = _element("w:tblCellMar")  # the PDF's cell inset: 4 pt above and below
    for side, twips in (("top", 80), ("left", 108), ("bottom", 80), ("right", 108)):
        put(margins, _element(f"w:{side}", w=str(twips), type="dxa"))
    _replace(tbl_pr, "w:tblCellMar", margins)
    for col, width in zip(table._tbl.tblGrid.findall("{*}gridCol"), widths, strict=False):
        col.set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(width // 635)
        )
    for number, row in enumerate(table.rows):
        for index, cell in enumerate(row.cells):
            cell.width = Emu(widths[min(index, 1)])
            fill = HEAD_FILL if number == 0 else LABEL_FILL if index == 0 else None
            if fill:
                tc_pr = cell._tc.get_or_add_tcPr()
                _replace(tc_pr, "w:shd", _element("w:shd", val="clear", color="auto", fill=fill))
            for paragraph in cell.paragraphs:
                if number == 0 or index == 0:
                    paragraph.style = doc.styles["Quick Facts Label"]
                elif paragraph.style.name in ("Quick Facts", "First Paragraph"):
                    paragraph.style = doc.styles["Body Text"]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT  # as in the PDF: a narrow column


def _tables_and_titles(doc: Any) -> list[tuple[Any, str]]:
    """Each table with the text of the last heading above it: the page's item."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    found: list[tuple[Any, str]] = []
    title = ""
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, doc)
            name = paragraph.style.name if paragraph.style is not None else ""
            if name.startswith("Heading") and paragraph.text.strip():
                title = " ".join(paragraph.text.split())
        elif child.tag.endswith("}tbl"):
            found.append((Table(child, doc), title))
    return found


def _polish(data: bytes) -> bytes:
    """Each page on a page of its own, the tables styled, the header block shaded."""
    from docx import Document
    from docx.shared import Pt

    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    text_width = int(
        (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    )
    first = True
    for paragraph in doc.paragraphs:
        if paragraph.style is not None and paragraph.style.name == "Heading 1":
            paragraph.paragraph_format.page_break_before = not first
            first = False
    for table, title in _tables_and_titles(doc):
        _style_table(doc, table, text_width)
        describe_table(table, title, "", header_row=True)
    names = {style.name for style in doc.styles}
    if "Annex Header" in names:
        style = doc.styles["Annex Header"]
        style.font.size = Pt(9.5)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(2)
        p_pr = style.element.get_or_add_pPr()
        _replace(p_pr, "w:shd", _element("w:shd", val="clear", color="auto", fill=LABEL_FILL))
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())


def build_annexes(
    report: Report,
    template: Template,
    options: BuildOptions,
    stem: Path,
    names: dict[str, str],
    files_by_name: dict[str, Path],
    facts: Facts | None = None,
) -> tuple[dict[Path, bytes], list[Finding]]:
    """The annex documents to write, by path: every lesson and good practice, one page each;
    and, for a report whose items carry no annex fields, warnings that its pages are empty
    (check reports them once any item carries one).

    ``names`` maps each usable image target to its plain name, ``files_by_name``
    each plain name to its file, as for the summary; ``facts`` the report's parsed facts.
    """
    from evalcli.outputs.pdf import make_pdf_libreoffice

    annexes = template_annexes(template)
    rendered = render_annexes(report, template, options.lang, names, facts)
    info = doc_info(rendered.facts, template, rendered.title, options.draft, rendered.doc_lang)
    info = replace(info, kind=annexes.document[rendered.facts.language])
    target = annex_stem(stem)
    files: dict[Path, bytes] = {}
    if "md" in options.formats:
        as_written = render_annexes(report, template, options.lang, {t: t for t in names}, facts)
        files[target.with_suffix(".md")] = as_written.markdown.encode("utf-8")
    decided = plan(options).annexes
    assert decided is not None
    not_ua: list[Message] = []
    docx, pdf = convert(
        rendered.markdown,
        template,
        info,
        files_by_name,
        decided,
        options.pdf_standard,
        TYPST_TEMPLATE,
        described=all_described(report),
        not_ua=not_ua,
    )
    docx = _polish(docx) if docx is not None else None
    if docx is not None and decided.write_docx:
        files[target.with_suffix(".docx")] = docx
    if decided.write_pdf:
        if pdf is None:
            assert docx is not None
            pdf = make_pdf_libreoffice(
                docx,
                template,
                info,
                options.pdf_standard,
                described=all_described(report),
                every_table=True,
            )
        files[target.with_suffix(".pdf")] = pdf
    findings = []
    if not annexes_started(report, template):
        findings = check_annexes(report, template, report_language(report, template), always=True)
    return files, [*findings, *not_ua_findings(report, not_ua)]
