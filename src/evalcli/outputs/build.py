"""Build one checked report: render, convert to DOCX, PDF and Markdown, and write atomically."""

from __future__ import annotations

import base64
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from evalcli.diagnostics import Finding, Location
from evalcli.errors import InputError
from evalcli.files import write_files
from evalcli.outputs.docinfo import DocInfo, doc_info
from evalcli.outputs.pagecount import PageCount
from evalcli.render import render
from evalcli.report.model import Report
from evalcli.template.spec import Template

FORMATS = ("docx", "pdf", "md")


@dataclass(frozen=True)
class BuildOptions:
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


@dataclass
class Built:
    """What building one report gave: the files written, their pages, any finding.

    ``pages`` is the most any output has, which the page limit is checked on;
    ``page_counts`` gives each output's count and what laid it out.
    """

    files: dict[Path, int] = field(default_factory=dict)  # path -> size in bytes
    pages: int | None = None
    page_counts: list[PageCount] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _guard_sources(report: Report, targets: list[Path]) -> None:
    sources = {report.metadata_path.resolve()}
    sources |= {s.path.resolve() for s in report.sections.values()}
    sources |= {i.file.resolve() for s in report.sections.values() for i in s.images if i.file}
    for target in targets:
        if target.resolve() in sources:
            raise InputError(
                f"{target} is one of the report's own files; choose another output folder with -o"
            )


def _images(report: Report) -> dict[str, Path]:
    """Each usable image target and its file (load checked it: inside the folder, in limits)."""
    return {
        image.target: image.file
        for section in report.sections.values()
        for image in section.images
        if image.file is not None
    }


def _inline_images(markdown: str, names: dict[str, Path]) -> str:
    """Image names as data URIs, so that a sandboxed pandoc embeds them without reading files.

    Each image is encoded once, as a reference definition at the end, however
    often the text shows it (300 inline copies of one 2 MB image were 2.6 GB).
    """
    definitions = []
    for number, (name, file) in enumerate(names.items(), 1):
        link = f"](<{name}>)"
        if link not in markdown:
            continue
        label = f"evalcli-image-{number}"
        markdown = markdown.replace(link, f"][{label}]")
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        definitions.append(f"[{label}]: <data:{mime};base64,{data}>")
    return markdown + "\n\n" + "\n".join(definitions) + "\n" if definitions else markdown


def _page_limit(
    report: Report, template: Template, counts: list[PageCount], strict: bool
) -> list[Finding]:
    """A finding when an output, as its reader will see it, is longer than the limit."""
    limit = template.page_limit
    longest = max(counts, key=lambda count: count.pages)
    if not limit or longest.pages <= limit:
        return []
    measured = ", ".join(count.describe() for count in counts)
    return [
        Finding.of(
            "page-limit",
            f"{measured}; the {template.title} should have no more than about "
            f"{limit}{template.page_limit_source}: shorten the longest sections",
            Location(report.metadata_path),
            severity="error" if strict else "warning",
        )
    ]


def convert(
    markdown: str,
    template: Template,
    info: DocInfo,
    images: dict[str, Path],
    want_docx: bool,
    typst_pdf: bool,
    options: BuildOptions,
    typst_template: str | None = None,
) -> tuple[bytes | None, bytes | None]:
    """(DOCX, Typst PDF), each made only when asked for, side by side.

    They are independent, and pandoc and typst run outside the interpreter
    lock. The DOCX gets its images as data URIs, the PDF as files in its root.
    """
    from evalcli.outputs.docx import make_docx
    from evalcli.outputs.pdf import TYPST_TEMPLATE, make_pdf_typst

    with ThreadPoolExecutor(max_workers=2) as pool:
        docx_job = (
            pool.submit(make_docx, _inline_images(markdown, images), template, info)
            if want_docx
            else None
        )
        pdf_job = (
            pool.submit(
                make_pdf_typst,
                markdown,
                template,
                info,
                options.pdf_standard,
                images,
                typst_template or TYPST_TEMPLATE,
            )
            if typst_pdf
            else None
        )
        return (
            docx_job.result() if docx_job else None,
            pdf_job.result() if pdf_job else None,
        )


def build_report(report: Report, template: Template, options: BuildOptions, stem: Path) -> Built:
    """Render and convert one report to ``stem`` + suffix; nothing is written unless all succeed."""
    from evalcli.outputs.pdf import make_pdf_libreoffice, page_count, soffice

    images = _images(report)
    # every image under a plain name of ours: spaces and odd characters never reach a converter
    names = {
        target: f"image-{number}{file.suffix.lower()}"
        for number, (target, file) in enumerate(sorted(images.items()), start=1)
    }
    files_by_name = {names[target]: file for target, file in images.items()}
    rendered = render(report, template, options.lang, names)
    info = doc_info(rendered.facts, template, rendered.title, options.draft, rendered.doc_lang)
    files: dict[Path, bytes] = {}
    built = Built()
    if "md" in options.formats:
        as_written = render(report, template, options.lang, {t: t for t in images})
        files[stem.with_suffix(".md")] = as_written.markdown.encode("utf-8")
    want_docx = "docx" in options.formats or (
        "pdf" in options.formats and options.pdf_engine == "libreoffice"
    )
    lo_docx_pages = "docx" in options.formats and options.docx_pages == "libreoffice"
    if lo_docx_pages and soffice() is None:
        raise InputError(
            "--docx-pages libreoffice needs LibreOffice ('soffice' on PATH); install it, "
            "or count the DOCX's pages on the Typst layout (the default)"
        )
    # without LibreOffice, a DOCX alone is measured on the Typst PDF of the same content
    typst_pdf = ("pdf" in options.formats and options.pdf_engine == "typst") or (
        "docx" in options.formats and "pdf" not in options.formats and not lo_docx_pages
    )
    docx, pdf = convert(
        rendered.markdown, template, info, files_by_name, want_docx, typst_pdf, options
    )
    lo_pdf = None
    if docx is not None and (options.pdf_engine == "libreoffice" or lo_docx_pages):
        lo_standard = options.pdf_standard if options.pdf_engine == "libreoffice" else None
        lo_pdf = make_pdf_libreoffice(docx, template, info, lo_standard)
    if docx is not None and "docx" in options.formats:
        files[stem.with_suffix(".docx")] = docx
    if "pdf" in options.formats:
        pdf = pdf if options.pdf_engine == "typst" else lo_pdf
        assert pdf is not None
        files[stem.with_suffix(".pdf")] = pdf
        built.page_counts.append(PageCount("pdf", page_count(pdf), options.pdf_engine))
    if "docx" in options.formats:
        laid_out = lo_pdf if lo_pdf is not None else pdf
        assert laid_out is not None
        layout = "libreoffice" if lo_pdf is not None else "typst"
        built.page_counts.append(PageCount("docx", page_count(laid_out), layout))
    if built.page_counts:
        built.pages = max(count.pages for count in built.page_counts)
        built.findings.extend(_page_limit(report, template, built.page_counts, options.strict))
    if options.annexes:
        from evalcli.outputs.annexes import build_annexes

        annex_files, annex_findings = build_annexes(
            report, template, options, stem, names, files_by_name
        )
        files.update(annex_files)
        built.findings.extend(annex_findings)
    if any(f.severity == "error" for f in built.findings):
        return built
    _guard_sources(report, list(files))
    write_files(files)
    built.files = {path: len(data) for path, data in files.items()}
    return built
