"""How many pages an output has, and what laid it out: plain data, cheap to import."""

from __future__ import annotations

from evalcli.i18n import Message, nmsg
from evalcli.records import Record

LAYOUTS = {"typst": "Typst", "libreoffice": "LibreOffice"}


class PageCount(Record, frozen=True):
    """The pages of one output as one engine laid them out.

    A PDF's count is its own. A DOCX has no pages until a word processor lays
    it out: LibreOffice does so as Word does (the fonts have the same
    metrics); without it, the count is the Typst PDF's, whose sizes and
    spacing mirror the DOCX's.
    """

    output: str  # "pdf" | "docx"
    pages: int
    layout: str  # "typst" | "libreoffice"

    def describe(self) -> Message:
        """ "PDF 5 pages (Typst)", "DOCX 6 pages (LibreOffice layout)"."""
        engine = LAYOUTS.get(self.layout, self.layout)
        output, n = self.output.upper(), self.pages
        if self.output == "docx":
            return nmsg(
                "{output} {n} page ({engine} layout)",
                "{output} {n} pages ({engine} layout)",
                n,
                output=output,
                n=n,
                engine=engine,
            )
        return nmsg(
            "{output} {n} page ({engine})",
            "{output} {n} pages ({engine})",
            n,
            output=output,
            n=n,
            engine=engine,
        )

    def as_dict(self) -> dict[str, object]:
        return {"output": self.output, "pages": self.pages, "layout": self.layout}
