"""The build plan: which conversions each choice of formats and engines makes, in one table."""

from __future__ import annotations

import pytest

from evalcli.outputs.plan import BuildOptions, plan
from evalcli.records import replace

# formats, pdf engine, docx pages ->
#   summary (docx, typst, libreoffice), written PDF from, DOCX pages counted on,
#   annexes (docx, typst, libreoffice)
TABLE = [
    ("docx,pdf", "typst", "typst", (1, 1, 0), "typst", "typst", (1, 1, 0)),
    ("pdf", "typst", "typst", (0, 1, 0), "typst", None, (0, 1, 0)),
    ("docx", "typst", "typst", (1, 1, 0), None, "typst", (1, 0, 0)),
    ("md", "typst", "typst", (0, 0, 0), None, None, (0, 0, 0)),
    ("docx,pdf", "libreoffice", "typst", (1, 0, 1), "libreoffice", "libreoffice", (1, 0, 1)),
    ("pdf", "libreoffice", "typst", (1, 0, 1), "libreoffice", None, (1, 0, 1)),
    ("docx", "libreoffice", "typst", (1, 0, 1), None, "libreoffice", (1, 0, 0)),
    ("docx,pdf", "typst", "libreoffice", (1, 1, 1), "typst", "libreoffice", (1, 1, 0)),
    ("docx", "typst", "libreoffice", (1, 0, 1), None, "libreoffice", (1, 0, 0)),
    ("pdf", "typst", "libreoffice", (0, 1, 0), "typst", None, (0, 1, 0)),
]


@pytest.mark.parametrize(
    ("formats", "engine", "pages", "summary", "pdf_from", "docx_from", "annexes"), TABLE
)
def test_each_choice_makes_only_the_conversions_it_needs(
    formats, engine, pages, summary, pdf_from, docx_from, annexes
):
    options = BuildOptions(
        tuple(formats.split(",")), pdf_engine=engine, docx_pages=pages, annexes=True
    )
    decided = plan(options)
    made = decided.summary
    assert (made.docx, made.typst, made.libreoffice) == tuple(map(bool, summary))
    assert decided.pdf_from == pdf_from
    assert decided.docx_pages_from == docx_from
    assert decided.count_pages == (pdf_from is not None or docx_from is not None)
    assert decided.annexes is not None
    extra = decided.annexes
    assert (extra.docx, extra.typst, extra.libreoffice) == tuple(map(bool, annexes))
    assert decided.needs_soffice == (pages == "libreoffice" and "docx" in formats)


@pytest.mark.parametrize(("formats", "engine", "pages"), [row[:3] for row in TABLE])
def test_one_pandoc_run_is_planned_only_for_a_summary_that_needs_both_conversions(
    formats, engine, pages
):
    options = BuildOptions(
        tuple(formats.split(",")), pdf_engine=engine, docx_pages=pages, annexes=True
    )
    alone = plan(options)
    shared = plan(replace(options, one_pandoc=True))
    assert not alone.summary.one_pandoc
    assert shared.summary.one_pandoc == (shared.summary.docx and shared.summary.typst)
    assert shared.annexes is not None and not shared.annexes.one_pandoc  # annexes.lua acts later
    # nothing else changes: the same conversions, outputs and page counts
    assert replace(shared.summary, one_pandoc=False) == alone.summary
    assert (shared.pdf_from, shared.docx_pages_from) == (alone.pdf_from, alone.docx_pages_from)


def test_no_annexes_are_planned_unless_asked():
    assert plan(BuildOptions()).annexes is None
