"""Row header cells in a PDF's structure tree (Typst's or LibreOffice's).

A screen reader announces a data cell with its headers. Typst tags the cells
of ``table.header`` as column headers, but marking a column of labels as row
headers (``pdf.header-cell``) needs a Typst feature flag that the ``typst``
package cannot set. So the label cell of each row of the quick-facts table
(and of each annex table) is retagged here: ``/TD`` becomes ``/TH`` with
``/Scope /Row``. Each edit keeps the object's length (a shorter value is
padded with spaces, which PDF ignores between tokens), so every offset in the
file holds and nothing else is rewritten. Objects are found through the
file's cross-reference table, so text that only looks like an object (in a
title or a description) is never taken for one.
"""

from __future__ import annotations

import re

from evalcli import regexes
from evalcli.records import Record

_ELEMENT = regexes.compile(
    rb"(?P<num>\d+) 0 obj\s*<</Type/StructElem\s*/S/(?P<type>[\w#]+)"
    rb"\s*/P (?P<parent>\d+) 0 R(?P<rest>.*?)>>\s*endobj",
    re.S,
)
_OBJECT = regexes.compile(rb"(?P<num>\d+) 0 obj\s*<<(?P<body>[^<>]*)>>\s*endobj")
_STARTXREF = regexes.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = regexes.compile(rb"(\d+) (\d+)\s*\n")
_ENTRY = regexes.compile(rb"(\d{10}) \d{5} n")
_ATTRIBUTES = regexes.compile(rb"/A (\d+) 0 R")
_KIDS = regexes.compile(rb"/K\s*(?:\[(?P<list>[^\]]*)\]|(?P<one>\d+ 0 R))")
_REF = regexes.compile(rb"(\d+) 0 R")
_HEADERS = regexes.compile(rb"/Headers\s*\[[^\]]*\]")
_ROW_SCOPE = b"/Scope/Row"
_ROW_HEADER = b"/O/Table/Scope/Row"


class _Element(Record):
    type: bytes
    parent: int
    start: int
    end: int
    kids: list[int]


def _offsets(pdf: bytes) -> dict[int, int]:
    """Object number -> offset, from the cross-reference table; empty if there is none."""
    end = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
    if end is None or pdf[int(end.group(1)) : int(end.group(1)) + 4] != b"xref":
        return {}
    position = int(end.group(1)) + 4
    offsets: dict[int, int] = {}
    while True:
        while pdf[position : position + 1] in (b" ", b"\r", b"\n"):
            position += 1
        section = _SUBSECTION.match(pdf, position)
        if section is None:
            return offsets
        first, count = int(section.group(1)), int(section.group(2))
        position = section.end()
        for number in range(first, first + count):
            entry = _ENTRY.match(pdf, position)
            if entry is not None:
                offsets[number] = int(entry.group(1))
            position += 20  # every entry is 20 bytes long


def _elements(pdf: bytes, offsets: dict[int, int]) -> dict[int, _Element]:
    found = {}
    for number, offset in offsets.items():
        match = _ELEMENT.match(pdf, offset)
        if match is None or int(match.group("num")) != number:
            continue
        kids: list[int] = []
        listed = _KIDS.search(match.group("rest"))
        if listed:
            refs = listed.group("list") or listed.group("one") or b""
            kids = [int(ref) for ref in _REF.findall(refs)]
        found[int(match.group("num"))] = _Element(
            match.group("type"), int(match.group("parent")), match.start(), match.end(), kids
        )
    return found


def _in_order(elements: dict[int, _Element]) -> list[int]:
    """Every element, depth first from the document's, as a reader meets them."""
    roots = [num for num, el in elements.items() if el.parent not in elements]
    order: list[int] = []
    stack = list(reversed(roots))
    while stack:
        num = stack.pop()
        order.append(num)
        stack.extend(reversed([kid for kid in elements[num].kids if kid in elements]))
    return order


def _nested(num: int, elements: dict[int, _Element]) -> bool:
    parent = elements[num].parent
    while parent in elements:
        if elements[parent].type in (b"TD", b"TH"):
            return True
        parent = elements[parent].parent
    return False


def _label_cells(table: int, elements: dict[int, _Element]) -> list[int]:
    """The first cell of each body row of a table."""
    rows: list[int] = []
    for kid in elements[table].kids:
        part = elements.get(kid)
        if part is None or part.type == b"THead":
            continue
        rows.extend([kid] if part.type == b"TR" else part.kids)
    cells = []
    for row in rows:
        element = elements.get(row)
        if element is not None and element.type == b"TR" and element.kids:
            cells.append(element.kids[0])
    return cells


Edit = tuple[int, int, bytes]  # start, end, the same number of new bytes


def _retag(pdf: bytes, element: _Element, offsets: dict[int, int]) -> list[Edit]:
    """The edits that make a ``/TD`` a ``/TH`` of ``/Scope /Row``; none if there is no room.

    Typst writes a cell's table attributes inline (``/Headers [...]``, which
    becomes the scope); LibreOffice points to an attribute object of the
    cell's own (its layout hints, which give way to the scope).
    """
    obj = pdf[element.start : element.end]
    kind = obj.find(b"/S/TD")
    if kind < 0:
        return []
    retype = (element.start + kind, element.start + kind + 5, b"/S/TH")
    headers = _HEADERS.search(obj)
    if headers is not None and len(headers.group(0)) >= len(_ROW_SCOPE):
        start = element.start + headers.start()
        return [
            retype,
            (start, start + len(headers.group(0)), _ROW_SCOPE.ljust(len(headers.group(0)))),
        ]
    shared = _ATTRIBUTES.search(obj)
    if shared is None or pdf.count(b"/A " + shared.group(1) + b" 0 R") != 1:
        return []
    number = int(shared.group(1))
    target = _OBJECT.match(pdf, offsets[number]) if number in offsets else None
    if target is None or int(target.group("num")) != number:
        return []
    if len(target.group("body")) < len(_ROW_HEADER):
        return []
    body = target.group("body")
    return [retype, (target.start("body"), target.end("body"), _ROW_HEADER.ljust(len(body)))]


def row_headers(pdf: bytes, every_table: bool = False) -> bytes:
    """The PDF with the label column of its first table (or ``every_table``) as row headers.

    Tables inside a cell are left as they are. A file whose tree is not as
    Typst or LibreOffice writes it is returned unchanged.
    """
    offsets = _offsets(pdf)
    elements = _elements(pdf, offsets)
    tables = [
        num
        for num in _in_order(elements)
        if elements[num].type == b"Table" and not _nested(num, elements)
    ]
    if not every_table:
        tables = tables[:1]
    out = bytearray(pdf)
    for table in tables:
        for cell in _label_cells(table, elements):
            element = elements.get(cell)
            if element is None or element.type != b"TD":
                continue
            for start, end, new in _retag(pdf, element, offsets):
                out[start:end] = new
    return bytes(out)
