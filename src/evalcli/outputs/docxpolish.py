"""The DOCX polish as direct XML edits: what ``docx.make_docx`` did with python-docx, faster.

Each step makes the very elements, attributes and order python-docx makes,
so the file is byte-identical to the python-docx polish (a test compares
the two). A package this module does not know how to polish exactly (a
reference document with its own header, a table with merged cells, an
unknown style) raises ``Unsupported``, and python-docx does it instead.
"""

from __future__ import annotations

import functools
from typing import Any

from lxml import etree

from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.ooxml import W, put
from evalcli.outputs.opc import Package, Part, Rel, Unsupported, parse_xml

__all__ = ["Document", "Styles", "Unsupported", "parse_xml"]

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = "http://www.w3.org/XML/1998/namespace"
_NS = {
    "w": W,
    "r": _R,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT_DOCUMENT = f"{_RT}/officeDocument"
_RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_SECT_PR = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
    "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
    "printerSettings", "sectPrChange",
)  # fmt: skip
_RPR_FIRST = "rStyle"
# python-docx's names for built-in styles ("Header" is "header" in styles.xml)
_INTERNAL = {"Caption": "caption", "Footer": "footer", "Header": "header"} | {
    f"Heading {n}": f"heading {n}" for n in range(1, 10)
}
_UI = {internal: ui for ui, internal in _INTERNAL.items()}
_NAMESPACES = (
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:mo="http://schemas.microsoft.com/office/mac/office/2008/main" '
    'xmlns:mv="urn:schemas-microsoft-com:mac:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    f'xmlns:r="{_R}" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    f'xmlns:w="{W}" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14 wp14"'
)
# python-docx's templates for a new header and footer (docx/templates/default-*.xml)
_STORY = '<w:{tag} {ns}><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p></w:{tag}>'


@functools.cache  # about 2,000 calls a polish, for a few dozen names
def qn(tag: str) -> str:
    """``"w:p"`` as lxml names it: ``"{namespace}p"``."""
    prefix, name = tag.split(":")
    return f"{{{_NS[prefix]}}}{name}"


def element(tag: str) -> Any:
    """A new element as python-docx's ``OxmlElement`` makes it (its prefix declared)."""
    prefix = tag.split(":")[0]
    return etree.Element(qn(tag), nsmap={prefix: _NS[prefix]})


def get_or_add(parent: Any, tag: str, first: bool = False) -> Any:
    """``parent``'s ``tag`` child, added where the schema puts it if it has none.

    ``first``: the child goes first (python-docx's ``pPr``, ``tcPr``, ``rPr``).
    """
    found = parent.find(qn(tag))
    if found is not None:
        return found
    new = element(tag)
    if first:
        parent.insert(0, new)
        return new
    return put(parent, new)


def _ordered(parent: Any, tag: str, order: tuple[str, ...]) -> Any:
    """A new ``tag`` child before the first child that follows it in ``order``."""
    new = element(tag)
    later = {qn(f"w:{name}") for name in order[order.index(tag.split(":")[1]) + 1 :]}
    for child in parent:
        if child.tag in later:
            child.addprevious(new)
            return new
    parent.append(new)
    return new


def on_off(parent: Any, tag: str, value: bool) -> None:
    """python-docx's ``CT_OnOff.val``: on is the element alone, off is ``w:val="0"``."""
    flag = get_or_add(parent, tag)
    if value:
        flag.attrib.pop(qn("w:val"), None)
    else:
        flag.set(qn("w:val"), "0")


class Styles:
    """Style lookups as python-docx answers them (by UI name, by id, the defaults)."""

    def __init__(self, root: Any) -> None:
        self._styles = root.findall(qn("w:style"))
        self._by_id: dict[str, Any] = {}
        self._by_name: dict[str, Any] = {}
        for style in self._styles:
            self._by_id.setdefault(style.get(qn("w:styleId")), style)
            name = style.find(qn("w:name"))
            if name is not None and name.get(qn("w:val")) is not None:
                self._by_name.setdefault(name.get(qn("w:val")), style)

    def default(self, kind: str) -> Any:
        """The default style of a kind ("paragraph", "character"): the last one marked."""
        found = [
            s
            for s in self._styles
            if s.get(qn("w:type")) == kind and s.get(qn("w:default")) in ("1", "true", "on")
        ]
        return found[-1] if found else None

    def style_id(self, ui_name: str, kind: str) -> str:
        """The id of the style ``ui_name``, of type ``kind``, that is not the default."""
        style = self._by_name.get(_INTERNAL.get(ui_name, ui_name))
        if style is None or style.get(qn("w:type")) != kind or style is self.default(kind):
            raise Unsupported(f"style {ui_name}")
        style_id = style.get(qn("w:styleId"))
        if style_id is None:
            raise Unsupported(f"style {ui_name}")
        return str(style_id)

    def paragraph_name(self, style_id: str | None) -> str | None:
        """The UI name of a paragraph's style, the default one for an unknown id."""
        style = self._by_id.get(style_id) if style_id else None
        if style is None or style.get(qn("w:type")) != "paragraph":
            style = self.default("paragraph")
        if style is None:
            return None
        name = style.find(qn("w:name"))
        value = name.get(qn("w:val")) if name is not None else None
        return None if value is None else _UI.get(value, value)


def style_of(paragraph: Any) -> str | None:
    """A paragraph's style id (``w:pStyle``), or None."""
    p_pr = paragraph.find(qn("w:pPr"))
    style = p_pr.find(qn("w:pStyle")) if p_pr is not None else None
    return None if style is None else style.get(qn("w:val"))


def set_style(paragraph: Any, style_id: str) -> None:
    p_pr = get_or_add(paragraph, "w:pPr", first=True)
    get_or_add(p_pr, "w:pStyle").set(qn("w:val"), style_id)


def _run_text(run: Any, text: str) -> None:
    """python-docx's ``run.text = text``: tabs and line ends as their own elements."""
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            joined = "".join(buffer)
            t = element("w:t")
            run.append(t)
            t.text = joined
            if len(joined.strip()) < len(joined):
                t.set(f"{{{_XML}}}space", "preserve")
            buffer.clear()

    for char in text:
        if char == "\t":
            flush()
            run.append(element("w:tab"))
        elif char in "\r\n":
            flush()
            run.append(element("w:br"))
        else:
            buffer.append(char)
    flush()


def add_run(paragraph: Any, text: str, style_id: str | None = None) -> Any:
    """python-docx's ``paragraph.add_run(text, style)``."""
    run = element("w:r")
    paragraph.append(run)
    if text:
        _run_text(run, text)
    if style_id is not None:
        r_pr = get_or_add(run, "w:rPr", first=True)
        if r_pr.find(qn(f"w:{_RPR_FIRST}")) is None:
            style = element(f"w:{_RPR_FIRST}")
            r_pr.insert(0, style)
            style.set(qn("w:val"), style_id)
    return run


class Document:
    """The parts of a pandoc DOCX that the polish edits, found as python-docx finds them."""

    def __init__(self, data: bytes) -> None:
        self.package = Package(data)
        documents = self.package.related(_RT_DOCUMENT)
        if len(documents) != 1:
            raise Unsupported("main document")
        self.part = self.package.parts[documents[0]]
        if self.part.content_type != f"{_WML}.document.main+xml":
            raise Unsupported("main document type")
        self.body = self.part.element.find(qn("w:body"))
        if self.body is None:
            raise Unsupported("body")
        self.styles = Styles(self._related(f"{_RT}/styles").element)
        self.settings = self._related(f"{_RT}/settings").element
        cores = self.package.related(_RT_CORE)
        if len(cores) != 1:
            raise Unsupported("core properties")
        self.core = self.package.parts[cores[0]].element
        sections = self.part.element.xpath(
            "./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr", namespaces=_NS
        )
        if len(sections) != 1 or sections[0].getparent() is not self.body:
            raise Unsupported("sections")
        self.section = sections[0]
        if self.section.find(qn("w:headerReference")) is not None:
            raise Unsupported("a header of the reference document")
        if self.section.find(qn("w:footerReference")) is not None:
            raise Unsupported("a footer of the reference document")

    def _related(self, reltype: str) -> Part:
        found = self.part.related(reltype)
        if not found:
            raise Unsupported(reltype)
        part = self.package.parts[found[0]]
        if part.element is None:
            raise Unsupported(reltype)
        return part

    def text_width(self) -> int:
        """The page's width less its side margins, in EMU (``section.page_width`` ...)."""

        def twips(tag: str, attribute: str) -> int:
            found = self.section.find(qn(tag))
            value = found.get(qn(attribute)) if found is not None else None
            if value is not None and not value.isdigit():
                raise Unsupported("a page size in units")
            return int(value) * 635 if value is not None else 0

        width = twips("w:pgSz", "w:w")
        return width - twips("w:pgMar", "w:left") - twips("w:pgMar", "w:right")

    def first_table(self) -> Any:
        """The body's first table (the quick facts), or None."""
        return self.body.find(qn("w:tbl"))

    def add_story(self, kind: str, style: str) -> Any:
        """A new header or footer part, related to the document, its reference in the
        section: python-docx's ``is_linked_to_previous = False``. Its paragraph."""
        partname = self.package.next_partname(f"/word/{kind}%d.xml")
        tag = "hdr" if kind == "header" else "ftr"
        root = parse_xml(_STORY.format(tag=tag, ns=_NAMESPACES, style=style))
        self.package.parts[partname] = Part(partname, f"{_WML}.{kind}+xml", element=root)
        rid = self.part.next_rid()
        self.part.rels[rid] = Rel(f"{_RT}/{kind}", partname)
        reference = _ordered(self.section, f"w:{kind}Reference", _SECT_PR)
        reference.set(qn("w:type"), "default")
        reference.set(qn("r:id"), rid)
        return root.find(qn("w:p"))

    def save(self) -> bytes:
        """The package, as python-docx would save it."""
        return self.package.save()


def cells(table: Any) -> list[list[Any]]:
    """Each row's cells, for a table python-docx would see the same way (no merges)."""
    grid = table.find(qn("w:tblGrid"))
    columns = len(grid.findall(qn("w:gridCol"))) if grid is not None else 0
    rows = []
    for row in table.findall(qn("w:tr")):
        cells = row.findall(qn("w:tc"))
        if len(cells) != columns or len(row) != len(cells) + (row.find(qn("w:trPr")) is not None):
            raise Unsupported("table layout")
        tr_pr = row.find(qn("w:trPr"))
        if tr_pr is not None and (
            tr_pr.find(qn("w:gridBefore")) is not None or tr_pr.find(qn("w:gridAfter")) is not None
        ):
            raise Unsupported("table layout")
        for cell in cells:
            tc_pr = cell.find(qn("w:tcPr"))
            if tc_pr is not None and (
                tc_pr.find(qn("w:gridSpan")) is not None or tc_pr.find(qn("w:vMerge")) is not None
            ):
                raise Unsupported("merged cells")
        rows.append(cells)
    return rows


def check_core_text(info: DocInfo) -> None:
    """python-docx refuses a property of more than 255 characters: so does this path."""
    values = (info.title, info.kind, ", ".join(info.keywords), info.lang, "; ".join(info.authors))
    if any(len(value) > 255 for value in values):
        raise Unsupported("a long document property")


def cell_width(cell: Any, width_emu: int) -> None:
    """python-docx's ``cell.width = Emu(width)``."""
    tc_pr = get_or_add(cell, "w:tcPr", first=True)
    tc_w = get_or_add(tc_pr, "w:tcW")
    tc_w.set(qn("w:type"), "dxa")
    tc_w.set(qn("w:w"), str(round(width_emu / 635.0)))


def paragraphs(parent: Any) -> list[Any]:
    """The paragraphs directly in ``parent`` (a body or a cell), as python-docx lists them."""
    return list(parent.iterchildren(qn("w:p")))


def set_core(core: Any, info: DocInfo) -> None:
    """python-docx's core properties setters, in the order ``docx._properties`` calls them."""
    texts = [
        ("dc:title", info.title),
        ("dc:subject", info.kind),
        ("cp:keywords", ", ".join(info.keywords)),
        ("dc:language", info.lang),
        ("dc:creator", "; ".join(info.authors)),
        ("cp:lastModifiedBy", "evalcli"),
        ("dc:description", ""),
        ("cp:category", info.kind),
    ]
    for tag, value in texts:
        _core_child(core, tag).text = value
    stamp = info.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag in ("dcterms:created", "dcterms:modified"):
        child = _core_child(core, tag)
        child.text = stamp
        core.set(qn("xsi:foo"), "bar")  # python-docx's way to declare xsi on the root
        child.set(qn("xsi:type"), "dcterms:W3CDTF")
        del core.attrib[qn("xsi:foo")]
    _core_child(core, "cp:revision").text = "1"


def _core_child(core: Any, tag: str) -> Any:
    found = core.find(qn(tag))
    if found is None:
        found = element(tag)
        core.append(found)
    return found
