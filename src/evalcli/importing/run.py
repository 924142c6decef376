"""import as one step: a file in, a report folder out, with findings on what was found."""

from __future__ import annotations

import re
from pathlib import Path

from evalcli.errors import InputError
from evalcli.files import write_folder
from evalcli.importing.blocks import split_blocks
from evalcli.importing.detect import read_input
from evalcli.importing.layout import metadata_yaml, report_files
from evalcli.importing.reader import Imported, read_summary
from evalcli.template.spec import Template
from evalcli.tools.pandoc import run_pandoc

# pandoc's Markdown writer, kept plain: pipe tables, no divs or spans, no wrapping
_WRITER = (
    "markdown-smart-native_divs-native_spans-bracketed_spans-raw_html-simple_tables"
    "-multiline_tables-grid_tables-fenced_divs-link_attributes-header_attributes"
)
CELLS_FILTER = Path(__file__).parent / "cells.lua"
_INTERNAL_LINK = re.compile(r"\]\(#([^)\s]+)\)")


def _drop_dangling_anchors(markdown: str) -> str:
    """A link to an anchor the document does not define becomes an empty link, "(#)".

    Word files keep links to bookmarks that no longer exist (pandoc names them
    "#X" and a hash); they point nowhere, as "[text](#)" did in the source.
    """

    def replace(match: re.Match[str]) -> str:
        anchor = match.group(1)
        defined = f"{{#{anchor}" in markdown or f'id="{anchor}"' in markdown
        return match.group(0) if defined else "](#)"

    return _INTERNAL_LINK.sub(replace, markdown)


def to_markdown(kind: str, data: bytes, template: Template | None = None) -> str:
    """The file's text as Markdown: as it is, or converted from DOCX by a sandboxed pandoc.

    Table cells of several paragraphs come as one line (see cells.lua). Markdown
    annex pages as ``build --annexes`` writes them (``.annex-table`` divs) go
    through pandoc too, so that their tables read as the DOCX's do.
    """
    args = ["--to", _WRITER, "--wrap=none", "--standalone"]
    cells = ["--lua-filter", str(CELLS_FILTER)]
    if kind == "markdown":
        text = data.decode("utf-8-sig")
        annexes = template.path / "annexes.lua" if template else None
        if annexes is None or not annexes.is_file() or "{.annex-table}" not in text:
            return text
        return run_pandoc(text, [*args, "--lua-filter", str(annexes), *cells], 0).decode("utf-8")
    markdown = run_pandoc("", [*args, *cells], 0, reader="docx", stdin=data).decode("utf-8")
    return _drop_dangling_anchors(markdown)


def import_file(
    source: Path, folder: Path, template: Template, lang: str | None = None, force: bool = False
) -> Imported:
    """Read a DOCX or Markdown summary and write it as a report folder, all at once."""
    kind, data = read_input(source)
    meta, blocks = split_blocks(to_markdown(kind, data, template))
    imported = read_summary(meta, blocks, template, source, lang, lines=kind == "markdown")
    found_facts = len(set(imported.metadata) - {"template", "language", "title", "subtitle"})
    if found_facts <= 0 and not imported.sections:
        raise InputError(
            f"{source}: no quick facts and no sections found; this does not look "
            f"like an {template.title} in {', '.join(template.languages)}"
        )
    text = metadata_yaml(imported.metadata, imported.extra, template, source.name)
    write_folder(folder, report_files(text, imported.sections, imported.unplaced, template), force)
    return imported
