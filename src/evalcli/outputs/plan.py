"""What a build makes, decided once: formats, the PDF engine and how pages are counted.

Pure and cheap to import: ``check`` and the command line take ``BuildOptions``
from here without loading the converters.
"""

from __future__ import annotations

from pathlib import Path

from evalcli.records import Record

FORMATS = ("docx", "pdf", "md")


class BuildOptions(Record, frozen=True):
    """How to build: which formats, in which language, with which engine."""

    formats: tuple[str, ...] = ("docx", "pdf")
    lang: str | None = None
    draft: bool = False
    strict: bool = False
    pdf_standard: str | None = None
    pdf_engine: str = "typst"
    # how the DOCX's pages are counted: "typst" (the PDF's layout, which mirrors
    # the DOCX) or "libreoffice" (laid out as Word users will see it)
    docx_pages: str = "typst"
    annexes: bool = False  # also <name>-annexes.*: one ILO annex page per lesson and practice
    # one pandoc run for a document's DOCX and Typst source where the content allows
    # (``outputs.convert``): a third less work, in one process instead of two side by
    # side; for a run whose processes keep every core busy anyway
    one_pandoc: bool = False


class DocumentPlan(Record, frozen=True):
    """The conversions one document (the summary, or its annexes) needs.

    ``docx``: pandoc makes a DOCX (to write, or for LibreOffice to lay out);
    ``typst``: pandoc and Typst make a PDF (to write, or to count the DOCX's
    pages on); ``libreoffice``: LibreOffice lays the DOCX out as a PDF;
    ``one_pandoc``: the DOCX's pandoc run may make the Typst source too.
    """

    docx: bool
    typst: bool
    libreoffice: bool
    write_md: bool
    write_docx: bool
    write_pdf: bool
    one_pandoc: bool = False


class BuildPlan(Record, frozen=True):
    """The summary's and the annexes' conversions, and how each output's pages are counted.

    ``pdf_from`` names the engine whose PDF is written ("typst" or
    "libreoffice"); ``docx_pages_from`` the layout the DOCX's pages are counted
    on; ``count_pages`` whether the summary's pages are counted at all.
    """

    summary: DocumentPlan
    annexes: DocumentPlan | None
    pdf_from: str | None
    docx_pages_from: str | None
    needs_soffice: bool

    @property
    def count_pages(self) -> bool:
        """Whether any output of the summary has its pages counted (for the page limit)."""
        return self.pdf_from is not None or self.docx_pages_from is not None


def plan(options: BuildOptions) -> BuildPlan:
    """The conversions ``options`` ask for, for the summary and (when asked) the annexes."""
    formats = set(options.formats)
    lo_engine = options.pdf_engine == "libreoffice"
    lo_docx_pages = "docx" in formats and options.docx_pages == "libreoffice"
    want_docx = "docx" in formats or ("pdf" in formats and lo_engine)
    libreoffice = want_docx and (lo_engine or lo_docx_pages)
    # without LibreOffice, a DOCX alone is measured on the Typst PDF of the same content
    typst_pdf = ("pdf" in formats and not lo_engine) or (
        "docx" in formats and "pdf" not in formats and not libreoffice
    )
    summary = DocumentPlan(
        docx=want_docx,
        typst=typst_pdf,
        libreoffice=libreoffice,
        write_md="md" in formats,
        write_docx="docx" in formats,
        write_pdf="pdf" in formats,
        one_pandoc=options.one_pandoc and want_docx and typst_pdf,
    )
    annexes = None
    if options.annexes:
        # the annexes' pages are not counted: only the PDF asked for is made; their
        # filter (annexes.lua) acts after the one that would write the Typst source
        annexes = DocumentPlan(
            docx=want_docx,
            typst="pdf" in formats and not lo_engine,
            libreoffice="pdf" in formats and lo_engine,
            write_md="md" in formats,
            write_docx="docx" in formats,
            write_pdf="pdf" in formats,
        )
    pdf_from = options.pdf_engine if "pdf" in formats else None
    docx_pages_from = None
    if "docx" in formats:
        docx_pages_from = "libreoffice" if summary.libreoffice else "typst"
    return BuildPlan(summary, annexes, pdf_from, docx_pages_from, lo_docx_pages)


ANNEX_SUFFIX = "-annexes"


def annex_stem(stem: Path) -> Path:
    """Where a report's annex pages go: ``build/example-en`` -> ``build/example-en-annexes``."""
    return stem.with_name(stem.name + ANNEX_SUFFIX)
