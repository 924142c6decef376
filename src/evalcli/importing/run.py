"""import as one step: a file in, a report folder out, with notes on what was found."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from evalcli.errors import InputError
from evalcli.importing.blocks import split_blocks
from evalcli.importing.detect import read_input
from evalcli.importing.summary import Imported, read_summary
from evalcli.importing.write import report_files, write_folder
from evalcli.pandoc import run_pandoc
from evalcli.template import Template

# pandoc's Markdown writer, kept plain: pipe tables, no divs or spans, no wrapping
_WRITER = (
    "markdown-smart-native_divs-native_spans-bracketed_spans-raw_html-simple_tables"
    "-multiline_tables-grid_tables-fenced_divs-link_attributes-header_attributes"
)


@dataclass
class ImportResult:
    """The imported report and the folder it was written to."""

    imported: Imported
    folder: Path
    kind: str
    files: list[str]


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


def to_markdown(kind: str, data: bytes) -> str:
    if kind == "markdown":
        return data.decode("utf-8-sig")
    markdown = run_pandoc(
        "", ["--to", _WRITER, "--wrap=none", "--standalone"], 0, reader="docx", stdin=data
    ).decode("utf-8")
    return _drop_dangling_anchors(markdown)


def import_summary(
    source: Path, folder: Path, template: Template, lang: str | None = None, force: bool = False
) -> ImportResult:
    """Read a DOCX or Markdown summary and write it as a report folder."""
    kind, data = read_input(source)
    meta, blocks = split_blocks(to_markdown(kind, data))
    imported = read_summary(meta, blocks, template, lang)
    found_facts = len(set(imported.metadata) - {"template", "language", "title", "subtitle"})
    if found_facts <= 0 and not imported.sections:
        raise InputError(
            f"{source}: no quick facts and no sections found; this does not look "
            f"like an {template.title} in English, Spanish or French"
        )
    files = report_files(imported, template, source.name)
    write_folder(folder, files, force)
    return ImportResult(imported, folder, kind, sorted(files))
