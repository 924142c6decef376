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

OUT = Path(__file__).resolve().parent.parent / "src/evalcli/template/bundled/ilo_summary/reference.docx"
FONT = "Calibri"  # Carlito, bundled for the PDF, has the same metrics
BLUE = RGBColor(0x1E, 0x2D, 0xBE)  # ILO blue
DARK = RGBColor(0x23, 0x23, 0x23)


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


def main() -> None:
    doc = Document(io.BytesIO(default_reference()))
    styles = doc.styles

    # the same measure as the PDF (10.5 pt, single spacing), so both have the same length
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        set_font(styles[name], 10.5)
    for name in ("Body Text", "First Paragraph"):
        spacing(styles[name], 0, 5, 1.0)
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    spacing(styles["Compact"], 0, 0)

    set_font(styles["Title"], 17, bold=True, color=BLUE)
    spacing(styles["Title"], 0, 6)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    set_font(styles["Subtitle"], 13, bold=True, color=DARK)
    spacing(styles["Subtitle"], 0, 12)
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    heading_sizes = {1: 12.5, 2: 11.5, 3: 10.5, 4: 10.5}
    for level, size in heading_sizes.items():
        style = styles[f"Heading {level}"]
        set_font(style, size, bold=True, italic=level == 4, color=BLUE if level < 3 else DARK)
        spacing(style, 12 if level == 1 else 8, 3)
        style.paragraph_format.keep_with_next = True
    styles["Heading 1"].font.all_caps = True

    disclaimer = paragraph_style(doc, "Disclaimer", "Body Text")
    set_font(disclaimer, 9, italic=True, color=RGBColor(0x44, 0x44, 0x44))
    spacing(disclaimer, 8, 10)

    follow_up = paragraph_style(doc, "Follow-up", "Body Text")
    set_font(follow_up, 10, color=RGBColor(0x33, 0x33, 0x33))
    follow_up.paragraph_format.left_indent = Cm(0.5)
    spacing(follow_up, 0, 8)

    facts = paragraph_style(doc, "Quick Facts", "Compact")
    set_font(facts, 9.5)
    spacing(facts, 1, 1)
    facts.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    label = paragraph_style(doc, "Quick Facts Label", "Quick Facts")
    set_font(label, 9.5, bold=True)

    if "Draft Mark" not in [s.name for s in styles]:
        mark = styles.add_style("Draft Mark", WD_STYLE_TYPE.CHARACTER)
        mark.font.bold = True
        mark.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)

    for name in ("Header", "Footer"):
        style = paragraph_style(doc, name, "Normal")
        set_font(style, 8.5, color=RGBColor(0x55, 0x55, 0x55))
        spacing(style, 0, 0)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.3), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)

    doc.core_properties.title = ""
    doc.core_properties.author = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    OUT.write_bytes(normalize_zip(buffer.getvalue()))
    print(f"wrote {OUT.name} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
