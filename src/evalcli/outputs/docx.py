"""DOCX: pandoc with the template's reference.docx, then python-docx for what pandoc cannot do.

python-docx adds the quick-facts table's look (shaded label column, widths,
borders), the header with the project code and short title, the "page X of
Y" footer, the draft watermark, automatic hyphenation, keeping each
recommendation with its follow-up facts, and the document properties.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

from evalcli.outputs import docxpolish as polish
from evalcli.outputs.convert import pandoc_docx
from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.ooxml import put
from evalcli.outputs.zipnorm import normalize_zip
from evalcli.template.spec import Template
from evalcli.tools.pandoc import PandocRun

LABEL_FILL = "E8EAF8"
BORDER = "BFBFBF"
LABEL_SHARE = 0.32
CELL_MARGINS = {"top": 40, "bottom": 40, "left": 108, "right": 108}  # twips: 2 pt, 5.4 pt
FOLLOW_UP = "Follow-up"
VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
# Word's own watermark: a WordArt shape behind the text, in the header
WATERMARK = """<w:r {ns}><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>
<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
<v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom"
 o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s1025" type="#_x0000_t136" alt="{text}"
 style="position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;
rotation:315;z-index:-251657216;mso-position-horizontal:center;
mso-position-horizontal-relative:margin;mso-position-vertical:center;
mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#e1e1e1" stroked="f">
<v:textpath style="font-family:&quot;Calibri&quot;;font-weight:bold;font-size:1pt"
 string="{text}"/></v:shape></w:pict></w:r>"""


def _element(tag: str, **attrs: str) -> Any:
    element = polish.element(tag)
    for key, value in attrs.items():
        element.set(polish.qn(f"w:{key}"), value)
    return element


def _replace(parent: Any, tag: str, new: Any) -> None:
    """``new`` in place of ``parent``'s ``tag`` children, where the schema puts it."""
    for old in parent.findall(polish.qn(tag)):
        parent.remove(old)
    put(parent, new)


def _tbl_pr(table: Any) -> Any:
    """The table properties of a python-docx table or of a ``w:tbl`` element."""
    tbl = getattr(table, "_tbl", table)
    found = tbl.find(polish.qn("w:tblPr"))
    if found is None:
        raise polish.Unsupported("a table without properties")
    return found


def rule_table(table: Any, text_width: int, share: float = LABEL_SHARE) -> list[int]:
    """A two-column table across the text width, fixed layout, thin grey rules; its widths.

    ``share`` is the label column's part of the width. ``table`` is python-docx's
    or a ``w:tbl`` element.
    """
    widths = [int(text_width * share), text_width - int(text_width * share)]
    tbl_pr = _tbl_pr(table)
    _replace(tbl_pr, "w:tblW", _element("w:tblW", w=str(sum(widths) // 635), type="dxa"))
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        put(borders, _element(f"w:{side}", val="single", sz="4", space="0", color=BORDER))
    _replace(tbl_pr, "w:tblBorders", borders)
    _replace(tbl_pr, "w:tblLayout", _element("w:tblLayout", type="fixed"))
    return widths


def _style_facts_table(doc: Any, text_width: int) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Emu

    if not doc.tables:
        return
    table = doc.tables[0]
    widths = rule_table(table, text_width)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall("{*}gridCol"), widths, strict=False):
        col.set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(width // 635)
        )
    # the style ids looked up once: python-docx scans every style each time a style is set
    label, value = (
        doc.part.get_style_id(doc.styles[name], WD_STYLE_TYPE.PARAGRAPH)
        for name in ("Quick Facts Label", "Quick Facts")
    )
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Emu(widths[min(index, 1)])
            for paragraph in cell.paragraphs:
                paragraph._p.style = label if index == 0 else value
            if index == 0:
                tc_pr = cell._tc.get_or_add_tcPr()
                _replace(
                    tc_pr, "w:shd", _element("w:shd", val="clear", color="auto", fill=LABEL_FILL)
                )


def _cell_margins(doc: Any) -> None:
    """The quick-facts cells' padding, the same as the PDF's table inset."""
    if not doc.tables:
        return
    margins = _element("w:tblCellMar")
    for side, twips in CELL_MARGINS.items():
        put(margins, _element(f"w:{side}", w=str(twips), type="dxa"))
    _replace(doc.tables[0]._tbl.tblPr, "w:tblCellMar", margins)


def describe_table(table: Any, caption: str, description: str, header_row: bool) -> None:
    """A table's title and description for screen readers (Word's Alt Text of a table),
    and which of its rows and columns are headers (Word's "Header Row", "First Column").

    Word has no row-header cells: the labels are the table's first column, said
    so by its look flags and its description. ``table`` is python-docx's or a
    ``w:tbl`` element.
    """
    tbl_pr = _tbl_pr(table)
    look = tbl_pr.find("{*}tblLook")
    if look is None:
        look = put(tbl_pr, _element("w:tblLook"))
    flags = {"firstRow": header_row, "lastRow": False, "firstColumn": True, "lastColumn": False}
    for key, value in flags.items():
        look.set(f"{{{_W}}}{key}", "1" if value else "0")
    look.set(f"{{{_W}}}noHBand", "1")
    look.set(f"{{{_W}}}noVBand", "1")
    look.set(f"{{{_W}}}val", "06A0" if header_row else "0680")
    if caption:
        put(tbl_pr, _element("w:tblCaption", val=caption))
    if description:
        put(tbl_pr, _element("w:tblDescription", val=description))


def _describe_facts_table(doc: Any, info: DocInfo) -> None:
    if doc.tables:
        describe_table(doc.tables[0], info.facts_caption, info.facts_description, False)


DECORATIVE_TITLE = "evalcli-decorative"  # set by evalcli.lua on images marked {.decorative}
_DECORATIVE = (
    '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"'
    ' val="1"/></a:ext></a:extLst>'
)


def _alt_text(doc: Any) -> None:
    """Each image's description in both places Word keeps one, and Word's "Mark as
    decorative" on images marked {.decorative}, which screen readers skip.

    pandoc puts the image's source in the picture's own description, which
    here is a data URI: the description replaces it.
    """
    _mark_images(doc.element.body)


def _mark_images(body: Any) -> None:
    for props in body.iter("{*}docPr"):
        if props.get("title") == DECORATIVE_TITLE:
            props.set("title", "")
            props.set("descr", "")
            for old in props.findall("{*}extLst"):
                props.remove(old)
            props.append(polish.parse_xml(_DECORATIVE))
        for picture in props.getparent().iter("{*}cNvPr"):
            picture.set("descr", props.get("descr", ""))


def _style_names(doc: Any) -> Callable[[Any], str | None]:
    """A paragraph's style name, as ``paragraph.style.name`` gives it, each style looked up once.

    python-docx scans every style of the document for each paragraph's style.
    """
    from docx.enum.style import WD_STYLE_TYPE

    names: dict[str | None, str | None] = {}

    def name(paragraph: Any) -> str | None:
        style_id = paragraph._p.style
        if style_id not in names:
            style = doc.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            names[style_id] = None if style is None else style.name
        return names[style_id]

    return name


def _keep_follow_up(doc: Any) -> None:
    """A recommendation's last paragraph and its follow-up facts stay on one page.

    Each fact is its own left-aligned paragraph (no manual line breaks for
    justification to stretch); all but the last keep with the next, and the
    paragraph before them moves with them, as the PDF's sticky block does.
    """
    paragraphs = doc.paragraphs
    style_name = _style_names(doc)
    for index, paragraph in enumerate(paragraphs):
        if style_name(paragraph) != FOLLOW_UP:
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        last = following is None or style_name(following) != FOLLOW_UP
        paragraph.paragraph_format.keep_with_next = not last
        previous = paragraphs[index - 1] if index else None
        if previous is not None and style_name(previous) != FOLLOW_UP:
            previous.paragraph_format.keep_with_next = True
            previous.paragraph_format.keep_together = True


def _hyphenation(doc: Any) -> None:
    """Automatic hyphenation, as the PDF's justified text has (styles that are not
    justified, such as headings and the quick facts, turn it off)."""
    _hyphenate(doc.settings.element)


def _hyphenate(settings: Any) -> None:
    if settings.find("{*}autoHyphenation") is not None:
        return
    flag = _element("w:autoHyphenation")
    anchor = settings.find("{*}defaultTabStop")
    if anchor is not None:
        anchor.addnext(flag)
    else:
        settings.insert(0, flag)


def _watermark(paragraph: Any, text: str) -> None:
    """The draft mark across every page, behind the text, as the PDF has it."""
    getattr(paragraph, "_p", paragraph).append(polish.parse_xml(_watermark_xml(text)))


def _watermark_xml(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    size = 90  # pt, as in summary.typ
    width, height = round(size * 0.62 * len(text)), round(size * 0.66)
    return WATERMARK.format(
        ns=f'xmlns:w="{_W}" {VML}', width=width, height=height, text=quoteattr(text)[1:-1]
    )


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


_FOOTER_FIELDS = {"{page}": "PAGE", "{pages}": "NUMPAGES"}


def footer_pieces(page: str) -> Iterator[tuple[str | None, str]]:
    """The footer's text cut into Word fields (``{page}``: PAGE, ``{pages}``: NUMPAGES),
    as (instruction, "") pairs, and plain text, as (None, text)."""
    for piece in re.split(r"(\{page\}|\{pages\})", page):
        if piece in _FOOTER_FIELDS:
            yield _FOOTER_FIELDS[piece], ""
        elif piece:
            yield None, piece


def _field(paragraph: Any, instruction: str) -> None:
    simple = _element("w:fldSimple", instr=instruction)
    run = _element("w:r")
    text = _element("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    getattr(paragraph, "_p", paragraph).append(simple)


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
        _watermark(paragraph, info.draft)
        paragraph.add_run(info.draft + "   ", style=doc.styles["Draft Mark"])
    paragraph.add_run(f"{info.header}\t{info.code}")

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for instruction, text in footer_pieces(info.page):
        if instruction:
            _field(paragraph, instruction)
        else:
            paragraph.add_run(text)


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
    """The finished DOCX, byte-identical for the same input.

    The polish edits the XML directly (``docxpolish``), as python-docx would;
    a package it does not know how to polish exactly goes through python-docx.
    """
    return finish_docx(pandoc_docx(markdown, template, info.epoch), info)


def finish_docx(job: PandocRun, info: DocInfo) -> bytes:
    """``make_docx`` from a pandoc run already started (``pandoc_docx``): waits for it, polishes."""
    data = job.result()
    try:
        return _polish_xml(data, info)
    except polish.Unsupported:
        return polish_with_python_docx(data, info)


def _polish_xml(data: bytes, info: DocInfo) -> bytes:
    """``polish_with_python_docx`` as direct XML edits: the same steps, the same bytes."""
    polish.check_core_text(info)
    doc = polish.Document(data)
    text_width = doc.text_width()
    table = doc.first_table()
    if table is not None:
        _facts_table_xml(doc, table, text_width)
        _replace(_tbl_pr(table), "w:tblCellMar", _margins())
        describe_table(table, info.facts_caption, info.facts_description, False)
    _mark_images(doc.body)
    _keep_follow_up_xml(doc)
    _hyphenate(doc.settings)
    _header_footer_xml(doc, info, text_width)
    polish.set_core(doc.core, info)
    return doc.save()


def _facts_table_xml(doc: polish.Document, table: Any, text_width: int) -> None:
    rows = polish.cells(table)
    widths = rule_table(table, text_width)
    grid = table.find(polish.qn("w:tblGrid"))
    for col, width in zip(grid.findall("{*}gridCol"), widths, strict=False):
        col.set(polish.qn("w:w"), str(width // 635))
    label = doc.styles.style_id("Quick Facts Label", "paragraph")
    value = doc.styles.style_id("Quick Facts", "paragraph")
    for cells in rows:
        for index, cell in enumerate(cells):
            polish.cell_width(cell, widths[min(index, 1)])
            for paragraph in polish.paragraphs(cell):
                polish.set_style(paragraph, label if index == 0 else value)
            if index == 0:
                tc_pr = polish.get_or_add(cell, "w:tcPr", first=True)
                _replace(
                    tc_pr, "w:shd", _element("w:shd", val="clear", color="auto", fill=LABEL_FILL)
                )


def _margins() -> Any:
    margins = _element("w:tblCellMar")
    for side, twips in CELL_MARGINS.items():
        put(margins, _element(f"w:{side}", w=str(twips), type="dxa"))
    return margins


def _keep_follow_up_xml(doc: polish.Document) -> None:
    paragraphs = polish.paragraphs(doc.body)
    names = [doc.styles.paragraph_name(polish.style_of(p)) for p in paragraphs]
    for index, paragraph in enumerate(paragraphs):
        if names[index] != FOLLOW_UP:
            continue
        last = index + 1 >= len(paragraphs) or names[index + 1] != FOLLOW_UP
        p_pr = polish.get_or_add(paragraph, "w:pPr", first=True)
        polish.on_off(p_pr, "w:keepNext", not last)
        if index and names[index - 1] != FOLLOW_UP:
            previous = polish.get_or_add(paragraphs[index - 1], "w:pPr", first=True)
            polish.on_off(previous, "w:keepNext", True)
            polish.on_off(previous, "w:keepLines", True)


def _header_footer_xml(doc: polish.Document, info: DocInfo, text_width: int) -> None:
    paragraph = doc.add_story("header", "Header")
    polish.set_style(paragraph, doc.styles.style_id("Header", "paragraph"))
    p_pr = polish.get_or_add(paragraph, "w:pPr", first=True)
    tabs = polish.get_or_add(p_pr, "w:tabs")
    tab = polish.element("w:tab")
    tab.set(polish.qn("w:pos"), str(round(text_width / 635.0)))
    tab.set(polish.qn("w:val"), "right")
    tabs.append(tab)
    if info.draft:
        mark = doc.styles.style_id("Draft Mark", "character")
        _watermark(paragraph, info.draft)
        polish.add_run(paragraph, info.draft + "   ", mark)
    polish.add_run(paragraph, f"{info.header}\t{info.code}")

    paragraph = doc.add_story("footer", "Footer")
    polish.set_style(paragraph, doc.styles.style_id("Footer", "paragraph"))
    p_pr = polish.get_or_add(paragraph, "w:pPr", first=True)
    polish.get_or_add(p_pr, "w:jc").set(polish.qn("w:val"), "center")
    for instruction, text in footer_pieces(info.page):
        if instruction:
            _field(paragraph, instruction)
        else:
            polish.add_run(paragraph, text)


def polish_with_python_docx(data: bytes, info: DocInfo) -> bytes:
    """The polish through python-docx's object model, for any package pandoc writes."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    text_width = int(
        (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    )
    _style_facts_table(doc, text_width)
    _cell_margins(doc)
    _describe_facts_table(doc, info)
    _alt_text(doc)
    _keep_follow_up(doc)
    _hyphenation(doc)
    _header_footer(doc, info, text_width)
    _properties(doc, info)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue())
