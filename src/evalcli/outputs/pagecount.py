"""How many pages an output has, and what laid it out: plain data, cheap to import."""

from __future__ import annotations

from dataclasses import dataclass

LAYOUTS = {"typst": "Typst", "libreoffice": "LibreOffice"}


@dataclass(frozen=True)
class PageCount:
    """The pages of one output as one engine laid them out.

    A PDF's count is its own. A DOCX has no pages until a word processor lays
    it out: LibreOffice does so as Word does (the fonts have the same
    metrics); without it, the count is the Typst PDF's, whose sizes and
    spacing mirror the DOCX's.
    """

    output: str  # "pdf" | "docx"
    pages: int
    layout: str  # "typst" | "libreoffice"

    def describe(self) -> str:
        """ "PDF 5 pages (Typst)", "DOCX 6 pages (LibreOffice layout)"."""
        engine = LAYOUTS.get(self.layout, self.layout)
        by = f"{engine} layout" if self.output == "docx" else engine
        return f"{self.output.upper()} {self.pages} page{'s' * (self.pages != 1)} ({by})"

    def as_dict(self) -> dict[str, object]:
        return {"output": self.output, "pages": self.pages, "layout": self.layout}
