"""import as one step: a file in, a report folder out, with findings on what was found."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from evalcli import regexes
from evalcli.errors import InputError
from evalcli.files import write_folder
from evalcli.i18n import msg
from evalcli.importing.blocks import split_blocks
from evalcli.importing.detect import read_input
from evalcli.importing.layout import metadata_yaml, report_files
from evalcli.importing.pagetext import pages_markdown
from evalcli.importing.pdftext import pdf_pages
from evalcli.importing.reader import Imported, read_summary
from evalcli.limits import MAX_IMPORT_TEXT, MAX_LINE_CHARS, MIB
from evalcli.template.spec import Template
from evalcli.tools.pandoc import run_pandoc

# pandoc's Markdown writer, kept plain: pipe tables, no divs or spans, no wrapping
_WRITER = (
    "markdown-smart-native_divs-native_spans-bracketed_spans-raw_html-simple_tables"
    "-multiline_tables-grid_tables-fenced_divs-link_attributes-header_attributes"
)
CELLS_FILTER = Path(__file__).parent / "cells.lua"
# linear: an anchor holds no "]", so a scan from one "](#" stops before the next
_INTERNAL_LINK = regexes.compile(r"\]\(#([^)\s\]]+)\)")
_ANCHOR = regexes.compile(r"\{#([^\s{}]+)|\bid=\"([^\"]*)\"")


def _drop_dangling_anchors(markdown: str) -> str:
    """A link to an anchor the document does not define becomes an empty link, "(#)".

    Word files keep links to bookmarks that no longer exist (pandoc names them
    "#X" and a hash); they point nowhere, as "[text](#)" did in the source.
    """

    defined = {m.group(1) or m.group(2) for m in _ANCHOR.finditer(markdown)}

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in defined else "](#)"

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


def text_limits(markdown: str, source: Path) -> None:
    """The limits ``check`` puts on a report's text, on the text ``import`` reads.

    The text is the Markdown file, or pandoc's Markdown of the DOCX (one line a
    paragraph); a report made from it has to pass ``check`` anyway.
    """
    if len(markdown) > MAX_IMPORT_TEXT:
        raise InputError(
            msg(
                "{source}: its text is {size} MiB; the limit is {limit} MiB (a summary's "
                "text is well under 100 KB): check that this is the right file",
                source=str(source),
                size=format(len(markdown) / MIB, ".1f"),
                limit=MAX_IMPORT_TEXT // MIB,
            )
        )
    for number, line in enumerate(markdown.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                msg(
                    "{source}: line {line} is longer than {limit} characters, "
                    "the limit for a line of a report; break it into paragraphs",
                    source=str(source),
                    line=number,
                    limit=format(MAX_LINE_CHARS, ","),
                )
            )


def import_file(
    source: Path, folder: Path, template: Template, lang: str | None = None, force: bool = False
) -> Imported:
    """Read a summary or full report (DOCX, PDF, Markdown, text) and write it as a
    report folder, all at once.

    The folder written never holds the input: replacing it (``force``) would
    delete the file being imported.
    """
    if source.resolve().is_relative_to(folder.resolve()):
        raise InputError(
            msg(
                "{source} lies in {folder}, which the import would replace; "
                "choose another output folder with -o",
                source=str(source),
                folder=str(folder),
            )
        )
    kind, data = read_input(source)
    skipped: Counter[str] = Counter()
    if kind in ("pdf", "text"):
        pages = (
            pdf_pages(data, str(source)) if kind == "pdf" else data.decode("utf-8-sig").split("\f")
        )
        text_limits("\n".join(pages), source)  # before the page reader sees it, not only after
        page_text = pages_markdown(pages)
        markdown, skipped = page_text.markdown, page_text.dropped
    else:
        markdown = to_markdown(kind, data, template)
    text_limits(markdown, source)
    meta, blocks = split_blocks(markdown)
    imported = read_summary(meta, blocks, template, source, lang, lines=kind == "markdown")
    imported.skipped.update(skipped)
    found_facts = len(set(imported.metadata) - {"template", "language", "title", "subtitle"})
    if found_facts <= 0 and not imported.sections:
        raise InputError(
            msg(
                "{source}: no quick facts and no sections found; this does not look "
                "like an {template} in {languages}",
                source=str(source),
                template=template.title,
                languages=", ".join(template.languages),
            )
        )
    text = metadata_yaml(imported.metadata, imported.extra, template, source.name)
    write_folder(folder, report_files(text, imported.sections, imported.unplaced, template), force)
    return imported


IMPORTABLE = (".docx", ".pdf", ".md", ".markdown", ".txt")


def import_sources(sources: list[Path]) -> list[Path]:
    """The files to import: each file given, and the importable files inside each folder
    given (sorted, not in hidden folders)."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = [
                p
                for p in sorted(source.rglob("*"))
                if p.suffix.lower() in IMPORTABLE
                and p.is_file()
                and not p.is_symlink()
                and not any(part.startswith(".") for part in p.relative_to(source).parts)
            ]
            if not found:
                raise InputError(
                    msg(
                        "{source}: a folder with no DOCX, PDF, Markdown or text file",
                        source=str(source),
                    )
                )
            files.extend(found)
        else:
            files.append(source)
    return files


def folder_names(files: list[Path], output: Path) -> list[Path]:
    """One report folder per file under ``output``: the file's name without its extension,
    or with it ("report-pdf") when two files share a name."""
    stems = Counter(f.stem for f in files)
    names: list[Path] = []
    for file in files:
        name = file.stem if stems[file.stem] == 1 else f"{file.stem}-{file.suffix.lstrip('.')}"
        names.append(output / name)
    if len(set(names)) != len(names):
        raise InputError(
            msg(
                "two files would be imported into the same folder under {folder}",
                folder=str(output),
            )
        )
    return names
