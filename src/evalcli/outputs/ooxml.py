"""WordprocessingML children in the order the schema requires.

Word, and validators such as openxml-audit, reject a property element out of
its schema sequence (``w:tblW`` after ``w:tblLook``, ``w:shd`` after
``w:spacing``). python-docx appends what it is given, so every element our
code adds goes through :func:`put`, which places it where the schema says.
"""

from __future__ import annotations

from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# ECMA-376 (transitional) sequences of the parents we add children to
_ORDER: dict[str, tuple[str, ...]] = {
    "tblPr": (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
    ),
    "tblCellMar": ("top", "start", "left", "bottom", "end", "right"),
    "tblBorders": ("top", "start", "left", "bottom", "end", "right", "insideH", "insideV"),
    "tcPr": (
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
        "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
        "cellDel", "cellMerge", "tcPrChange",
    ),
    "pPr": (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
        "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
        "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
        "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
        "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
        "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    ),
}  # fmt: skip


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def put(parent: Any, new: Any) -> Any:
    """Put ``new`` in ``parent`` in schema order, replacing any child of the same name."""
    name = _local(new.tag)
    for old in [child for child in parent if child.tag == new.tag]:
        parent.remove(old)
    order = _ORDER.get(_local(parent.tag))
    if order is None or name not in order:
        parent.append(new)
        return new
    rank = order.index(name)
    for child in parent:
        other = _local(child.tag) if isinstance(child.tag, str) else ""
        if other in order and order.index(other) > rank:
            child.addprevious(new)
            return new
    parent.append(new)
    return new


def in_order(parent: Any, children: list[Any]) -> Any:
    """``parent`` with ``children`` added, each in schema order."""
    for child in children:
        put(parent, child)
    return parent
