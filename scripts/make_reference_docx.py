"""Generate template/bundled/ilo_summary/reference.docx from pandoc's default reference document.

The reference document carries the Word styles pandoc applies (headings, body
text, tables). It is generated, never edited by hand: change this script and
run it again.

    python scripts/make_reference_docx.py
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from evalcli.outputs.zipnorm import normalize_zip

OUT = (
    Path(__file__).resolve().parent.parent
    / "src/evalcli/template/bundled/ilo_summary/reference.docx"
)
FONT = "Calibri"  # Carlito, bundled for the PDF, has the same metrics
BLUE = RGBColor(0x1E, 0x2D, 0xBE)  # ILO blue
DARK = RGBColor(0x23, 0x23, 0x23)
INK = RGBColor(0x14, 0x14, 0x14)
GREY = RGBColor(0x55, 0x55, 0x55)

# Sizes and spacing in points, the same as summary.typ's. Between two paragraphs
# Word leaves the larger of the first's "after" and the second's "before", as
# Typst does with "below" and "above".
BODY, BODY_AFTER = 10.5, 4
HEADINGS = {  # level: (size, before, after)
    1: (12.5, 14, 4),
    2: (11.5, 10, 3),
    3: (11, 9, 3),
    4: (10.5, 6, 2),
}


def default_reference() -> bytes:
    pandoc = pypandoc.get_pandoc_path()
    return subprocess.run(
        [pandoc, "--print-default-data-file", "reference.docx"], check=True, capture_output=True
    ).stdout


def set_font(style, size: float, bold: bool = False, italic: bool = False, color=None) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    if color is not None:
        font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def spacing(style, before: float, after: float, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line:
        fmt.line_spacing = line


def paragraph_style(doc, name: str, base: str):
    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def set_pr(style, tag: str, **attrs: str) -> None:
    """Add or replace a paragraph property of a style, e.g. w:contextualSpacing."""
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn(tag)):
        ppr.remove(old)
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    ppr.append(element)
    # CT_PPr wants its children in schema order; python-docx knows it
    ppr.remove(element)
    ppr.insert_element_before(element, *_after(tag))


def _after(tag: str) -> tuple[str, ...]:
    order = [
        "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
        "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
        "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
        "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
        "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
        "w:sectPr", "w:pPrChange",
    ]  # fmt: skip
    return tuple(order[order.index(tag) + 1 :])


def drop(style, *tags: str) -> None:
    """Remove properties (paragraph or run) from a style."""
    for parent in (style.element.pPr, style.element.rPr):
        if parent is None:
            continue
        for tag in tags:
            for old in parent.findall(qn(tag)):
                parent.remove(old)


def no_hyphens(style) -> None:
    set_pr(style, "w:suppressAutoHyphens")


def builtin_style(doc, name: str):
    """Word's own style of that name (Header, Footer), not a custom look-alike."""
    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
    style.style_id = name  # Word's own ids: "Header", "Footer"
    style.base_style = styles["Normal"]
    return style


# Word's built-in "Normal Table", which pandoc's "Table" style is based on but
# its reference document does not define (a validator rejects the dangling basedOn)
NORMAL_TABLE = (
    '<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' w:type="table" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr>'
    '<w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
)


def based_on_defined(doc) -> None:
    """Every style's basedOn names a style that styles.xml defines."""
    from docx.oxml import parse_xml

    root = doc.styles.element
    ids = {el.get(qn("w:styleId")) for el in root.findall(qn("w:style"))}
    if "TableNormal" not in ids:
        root.append(parse_xml(NORMAL_TABLE))
        ids.add("TableNormal")
    for based in root.iter(qn("w:basedOn")):
        if based.get(qn("w:val")) not in ids:
            raise SystemExit(
                f"a style is based on {based.get(qn('w:val'))!r}, which is not defined"
            )


def main() -> None:
    doc = Document(io.BytesIO(default_reference()))
    styles = doc.styles

    # the same measure as the PDF: 10.5 pt, single spacing, 4 pt between paragraphs
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        set_font(styles[name], BODY)
        styles[name].paragraph_format.widow_control = True
    for name in ("Body Text", "First Paragraph"):
        spacing(styles[name], 0, BODY_AFTER, 1.0)
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    spacing(styles["Compact"], 0, 0, 1.0)

    title = styles["Title"]
    set_font(title, 16, bold=True, color=BLUE)
    spacing(title, 0, 8, 1.0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    title.paragraph_format.keep_with_next = True
    drop(title, "w:contextualSpacing", "w:szCs")
    no_hyphens(title)
    subtitle = styles["Subtitle"]
    set_font(subtitle, 12.5, bold=True, color=DARK)
    spacing(subtitle, 0, 10, 1.0)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    # pandoc's default gives Subtitle a list level with no list, and letter-spacing
    drop(subtitle, "w:numPr", "w:spacing", "w:szCs")
    spacing(subtitle, 0, 10, 1.0)
    no_hyphens(subtitle)

    for level, (size, before, after) in HEADINGS.items():
        style = styles[f"Heading {level}"]
        set_font(style, size, bold=True, italic=level == 4, color=BLUE if level < 3 else INK)
        drop(style, "w:szCs")
        spacing(style, before, after, 1.0)
        style.paragraph_format.keep_with_next = True
        no_hyphens(style)
    styles["Heading 1"].font.all_caps = True

    disclaimer = paragraph_style(doc, "Disclaimer", "Body Text")
    set_font(disclaimer, 8.5, italic=True, color=RGBColor(0x44, 0x44, 0x44))
    spacing(disclaimer, 8, BODY_AFTER)

    # one paragraph per fact, left-aligned, no space between them
    follow_up = paragraph_style(doc, "Follow-up", "Body Text")
    set_font(follow_up, 9.5, color=RGBColor(0x33, 0x33, 0x33))
    follow_up.paragraph_format.left_indent = Cm(0.5)
    follow_up.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    follow_up.paragraph_format.keep_together = True
    spacing(follow_up, 0, BODY_AFTER)
    set_pr(follow_up, "w:contextualSpacing")
    no_hyphens(follow_up)

    facts = paragraph_style(doc, "Quick Facts", "Compact")
    set_font(facts, 9.5)
    spacing(facts, 0, 0, 1.0)
    facts.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    no_hyphens(facts)
    label = paragraph_style(doc, "Quick Facts Label", "Quick Facts")
    set_font(label, 9.5, bold=True)

    if "Draft Mark" not in [s.name for s in styles]:
        mark = styles.add_style("Draft Mark", WD_STYLE_TYPE.CHARACTER)
        mark.font.bold = True
        mark.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    if "Placeholder" not in [s.name for s in styles]:
        # a value still holding the template's "click here" text, in drafts
        mark = styles.add_style("Placeholder", WD_STYLE_TYPE.CHARACTER)
        mark.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "FFF2A8")
        mark.element.get_or_add_rPr().append(shading)
    if "Hyperlink" in [s.name for s in styles]:
        styles["Hyperlink"].font.color.rgb = BLUE

    for name in ("Header", "Footer"):
        style = builtin_style(doc, name)
        set_font(style, 8, color=GREY)
        spacing(style, 0, 0, 1.0)
        no_hyphens(style)
    styles["Footer"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"val": "single", "sz": "3", "space": "1", "color": "AAAAAA"}.items():
        bottom.set(qn(f"w:{key}"), value)
    rule.append(bottom)
    ppr = styles["Header"].element.get_or_add_pPr()
    ppr.insert_element_before(rule, *_after("w:pBdr"))

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.3), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)

    based_on_defined(doc)
    doc.core_properties.title = ""
    doc.core_properties.author = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    OUT.write_bytes(normalize_zip(buffer.getvalue()))
    print(f"wrote {OUT.name} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
