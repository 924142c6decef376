"""build: a checked Report -> DOCX, PDF and Markdown files, written atomically."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from evalcli.docinfo import doc_info
from evalcli.errors import InputError
from evalcli.model import Finding, Location, Report
from evalcli.render import render
from evalcli.template import Template
from evalcli.writeout import write_all

FORMATS = ("docx", "pdf", "md")


@dataclass
class BuildOptions:
    """How to build: which formats, where, and with which engine."""

    output: Path = Path("build")
    formats: tuple[str, ...] = ("docx", "pdf")
    lang: str | None = None
    draft: bool = False
    strict: bool = False
    pdf_standard: str | None = None
    pdf_engine: str = "typst"


@dataclass
class BuildResult:
    """What a build wrote, how many pages the PDF has, and any page-limit finding."""

    outputs: list[Path] = field(default_factory=list)
    pages: int | None = None
    findings: list[Finding] = field(default_factory=list)


def _guard_sources(report: Report, targets: list[Path]) -> None:
    sources = {report.metadata_path.resolve()}
    sources |= {s.path.resolve() for s in report.sections.values()}
    for target in targets:
        if target.resolve() in sources:
            raise InputError(
                f"{target} is one of the report's own files; choose another output folder with -o"
            )


def build_report(report: Report, template: Template, options: BuildOptions) -> BuildResult:
    """Render and convert one report; nothing is written unless every output succeeds."""
    from evalcli.docxout import make_docx
    from evalcli.pdfout import make_pdf_libreoffice, make_pdf_typst, page_count

    rendered = render(report, template, options.lang)
    info = doc_info(rendered.facts, template, rendered.title, options.draft)
    stem = options.output / report.name
    files: dict[Path, bytes] = {}
    result = BuildResult()
    if "md" in options.formats:
        files[stem.with_suffix(".md")] = rendered.markdown.encode("utf-8")
    images = {
        image.target: image.file
        for section in report.sections.values()
        for image in section.images
        if image.file is not None
    }
    want_docx = "docx" in options.formats or options.pdf_engine == "libreoffice"
    typst_pdf = "pdf" in options.formats and options.pdf_engine == "typst"
    # the DOCX and the Typst PDF are independent: make them side by side (pandoc
    # and typst run outside the interpreter lock)
    with ThreadPoolExecutor(max_workers=2) as pool:
        docx_job = (
            pool.submit(make_docx, rendered.markdown, template, info, report.path)
            if want_docx
            else None
        )
        pdf_job = (
            pool.submit(
                make_pdf_typst, rendered.markdown, template, info, options.pdf_standard, images
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
        result.pages = page_count(pdf)
        limit = template.page_limit
        if limit and result.pages > limit:
            result.findings.append(
                Finding(
                    "error" if options.strict else "warning",
                    "page-limit",
                    f"the PDF has {result.pages} pages; the {template.title} should have no more "
                    f"than about {limit}{template.page_limit_source}: shorten the longest sections",
                    Location(report.metadata_path),
                )
            )
    if any(f.severity == "error" for f in result.findings):
        return result
    _guard_sources(report, list(files))
    write_all(files)
    result.outputs = list(files)
    return result
