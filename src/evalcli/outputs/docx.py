"""DOCX: pandoc with the template's reference.docx, then python-docx for what pandoc cannot do.

python-docx adds the quick-facts table's look (shaded label column, widths,
borders), the header with the project code and short title, the "page X of
Y" footer, and the document properties.
"""

from __future__ import annotations

import io
import re
from typing import Any

from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.pandoc import PandocRun, filter_args
from evalcli.outputs.zipnorm import normalize_zip
from evalcli.template.spec import Template

LABEL_FILL = "E8EAF8"
BORDER = "BFBFBF"
LABEL_SHARE = 0.32


def pandoc_docx(markdown: str, template: Template, epoch: int) -> PandocRun:
    """Start pandoc on the DOCX; collect it with ``.result()``. Images come as data URIs."""
    args = ["--to", "docx", "--output", "-", *filter_args(template.path)]
    if template.reference_docx.is_file():
        args += ["--reference-doc", str(template.reference_docx)]
    return PandocRun(markdown.encode("utf-8"), args, epoch)


def _element(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _replace(parent: Any, tag: str, new: Any) -> None:
    from docx.oxml.ns import qn

    for old in parent.findall(qn(tag)):
        parent.remove(old)
    parent.append(new)


def _style_facts_table(doc: Any, text_width: int) -> None:
    from docx.shared import Emu

    if not doc.tables:
        return
    table = doc.tables[0]
    widths = [int(text_width * LABEL_SHARE), text_width - int(text_width * LABEL_SHARE)]
    tbl_pr = table._tbl.tblPr
    _replace(tbl_pr, "w:tblW", _element("w:tblW", w=str(sum(widths) // 635), type="dxa"))
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color=BORDER))
    _replace(tbl_pr, "w:tblBorders", borders)
    _replace(tbl_pr, "w:tblLayout", _element("w:tblLayout", type="fixed"))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall("{*}gridCol"), widths, strict=False):
        col.set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(width // 635)
        )
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Emu(widths[min(index, 1)])
            style = doc.styles["Quick Facts Label" if index == 0 else "Quick Facts"]
            for paragraph in cell.paragraphs:
                paragraph.style = style
            if index == 0:
                tc_pr = cell._tc.get_or_add_tcPr()
                _replace(
                    tc_pr, "w:shd", _element("w:shd", val="clear", color="auto", fill=LABEL_FILL)
                )


def _field(paragraph: Any, instruction: str) -> None:
    simple = _element("w:fldSimple", instr=instruction)
    run = _element("w:r")
    text = _element("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _header_footer(doc: Any, info: DocInfo, text_width: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Emu

    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = doc.styles["Header"]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(text_width), WD_TAB_ALIGNMENT.RIGHT)
    if info.draft:
        paragraph.add_run(info.draft + "   ", style=doc.styles["Draft Mark"])
    paragraph.add_run(f"{info.header}\t{info.code}")

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in re.split(r"(\{page\}|\{pages\})", info.page):
        if piece == "{page}":
            _field(paragraph, "PAGE")
        elif piece == "{pages}":
            _field(paragraph, "NUMPAGES")
        elif piece:
            paragraph.add_run(piece)


def _properties(doc: Any, info: DocInfo) -> None:
    props = doc.core_properties
    props.title = info.title
    props.subject = info.kind
    props.keywords = ", ".join(info.keywords)
    props.language = info.lang
    props.author = "; ".join(info.authors)
    props.last_modified_by = "evalcli"
    props.comments = ""
    props.category = info.kind
    props.created = info.date
    props.modified = info.date
    props.revision = 1


def make_docx(markdown: str, template: Template, info: DocInfo) -> bytes:
    """The finished DOCX, byte-identical for the same input."""
    job = pandoc_docx(markdown, template, info.epoch)
    from docx import Document  # imported while pandoc works

    doc = Document(io.BytesIO(job.result()))
    section = doc.sections[0]
    text_width = int(
        (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    )
    _style_facts_table(doc, text_width)
    _header_footer(doc, info, text_width)
    _properties(doc, info)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())
