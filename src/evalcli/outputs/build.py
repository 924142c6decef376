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
from evalcli.outputs.docinfo import doc_info
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


@dataclass
class Built:
    """What building one report gave: the files written, the PDF's pages, any finding."""

    files: dict[Path, int] = field(default_factory=dict)  # path -> size in bytes
    pages: int | None = None
    findings: list[Finding] = field(default_factory=list)


def _guard_sources(report: Report, targets: list[Path]) -> None:
    sources = {report.metadata_path.resolve()}
    sources |= {s.path.resolve() for s in report.sections.values()}
    sources |= {image.file for s in report.sections.values() for image in s.images if image.file}
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
    """Image names as data URIs, so that a sandboxed pandoc embeds them without reading files."""
    for name, file in names.items():
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        markdown = markdown.replace(f"](<{name}>)", f"](<data:{mime};base64,{data}>)")
    return markdown


def build_report(report: Report, template: Template, options: BuildOptions, stem: Path) -> Built:
    """Render and convert one report to ``stem`` + suffix; nothing is written unless all succeed."""
    from evalcli.outputs.docx import make_docx
    from evalcli.outputs.pdf import make_pdf_libreoffice, make_pdf_typst, page_count

    images = _images(report)
    # every image under a plain name of ours: spaces and odd characters never reach a converter
    names = {
        target: f"image-{number}{file.suffix.lower()}"
        for number, (target, file) in enumerate(sorted(images.items()), start=1)
    }
    files_by_name = {names[target]: file for target, file in images.items()}
    rendered = render(report, template, options.lang, names)
    info = doc_info(rendered.facts, template, rendered.title, options.draft)
    files: dict[Path, bytes] = {}
    built = Built()
    if "md" in options.formats:
        as_written = render(report, template, options.lang, {t: t for t in images})
        files[stem.with_suffix(".md")] = as_written.markdown.encode("utf-8")
    want_docx = "docx" in options.formats or (
        "pdf" in options.formats and options.pdf_engine == "libreoffice"
    )
    typst_pdf = "pdf" in options.formats and options.pdf_engine == "typst"
    # the DOCX and the Typst PDF are independent: make them side by side (pandoc
    # and typst run outside the interpreter lock)
    with ThreadPoolExecutor(max_workers=2) as pool:
        docx_job = (
            pool.submit(make_docx, _inline_images(rendered.markdown, files_by_name), template, info)
            if want_docx
            else None
        )
        pdf_job = (
            pool.submit(
                make_pdf_typst,
                rendered.markdown,
                template,
                info,
                options.pdf_standard,
                files_by_name,
            )
            if typst_pdf
            else None
        )
        docx = docx_job.result() if docx_job else None
        pdf = pdf_job.result() if pdf_job else None
    if docx is not None and "docx" in options.formats:
        files[stem.with_suffix(".docx")] = docx
    if "pdf" in options.formats:
        if pdf is None:
            assert docx is not None
            pdf = make_pdf_libreoffice(docx)
        files[stem.with_suffix(".pdf")] = pdf
        built.pages = page_count(pdf)
        limit = template.page_limit
        if limit and built.pages > limit:
            built.findings.append(
                Finding.of(
                    "page-limit",
                    f"the PDF has {built.pages} pages; the {template.title} should have no more "
                    f"than about {limit}{template.page_limit_source}: shorten the longest sections",
                    Location(report.metadata_path),
                    severity="error" if options.strict else "warning",
                )
            )
    if any(f.severity == "error" for f in built.findings):
        return built
    _guard_sources(report, list(files))
    write_files(files)
    built.files = {path: len(data) for path, data in files.items()}
    return built
