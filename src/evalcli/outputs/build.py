"""Build one checked report: render, convert to DOCX, PDF and Markdown, and write atomically."""

from __future__ import annotations

from pathlib import Path

from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.errors import InputError
from evalcli.files import write_files
from evalcli.i18n import Message, join, msg
from evalcli.outputs.convert import all_described, convert, not_ua_findings
from evalcli.outputs.docinfo import doc_info
from evalcli.outputs.pagecount import PageCount
from evalcli.outputs.plan import BuildOptions, plan
from evalcli.records import Record, field
from evalcli.render import render
from evalcli.report.checked import CheckedReport
from evalcli.report.model import Report
from evalcli.template.spec import Template


class Built(Record):
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
                msg(
                    "{path} is one of the report's own files; choose another output folder with -o",
                    path=str(target),
                )
            )


def _images(report: Report) -> dict[str, Path]:
    """Each usable image target and its file (load checked it: inside the folder, in limits)."""
    return {
        image.target: image.file
        for section in report.sections.values()
        for image in section.images
        if image.file is not None
    }


def _page_limit(
    report: Report, template: Template, counts: list[PageCount], strict: bool
) -> list[Finding]:
    """A finding when an output, as its reader will see it, is longer than the limit."""
    limit = template.page_limit
    longest = max(counts, key=lambda count: count.pages)
    if not limit or longest.pages <= limit:
        return []
    measured = [count.describe() for count in counts]
    return [
        Finding.of(
            FindingCode.PAGE_LIMIT,
            msg(
                "{measured}; the {template} should have no more than about "
                "{limit}{source}: shorten the longest sections",
                measured=join(measured),
                template=template.title,
                limit=limit,
                source=template.page_limit_source,
            ),
            Location(report.metadata_path),
            severity="error" if strict else "warning",
        )
    ]


def _not_ua(report: Report, pdf_from: str | None, draft: bool, described: bool) -> list[Finding]:
    """Say so when the PDF cannot claim PDF/UA-1 for a reason no other finding gives."""
    from evalcli.outputs.pdf import LO_DRAFT_NOT_UA

    if pdf_from != "libreoffice" or not draft:
        return []
    if not described:
        return []  # missing-alt-text already says the PDF does not claim it
    return [
        Finding.of(
            FindingCode.PDF_NOT_UA,
            msg(
                "{reason}, so this draft PDF does not claim PDF/UA-1; the build "
                "without --draft does, and so does --pdf-engine typst",
                reason=LO_DRAFT_NOT_UA,
            ),
            Location(report.metadata_path),
        )
    ]


def build_report(checked: CheckedReport, options: BuildOptions, stem: Path) -> Built:
    """Render and convert one checked report to ``stem`` + suffix; nothing is written unless
    all succeed. The report is not loaded or parsed again: its facts come with it."""
    from evalcli.outputs.pdf import make_pdf_libreoffice, page_count, soffice

    report, template, facts = checked.report, checked.template, checked.facts
    if template is None:
        raise InputError(
            msg("{path}: the report has no template to build with", path=str(checked.path))
        )

    decided = plan(options)
    if decided.summary.typst:
        from evalcli.outputs.pdf import start_typst

        start_typst(template)  # it starts up on another core while this one renders
    images = _images(report)
    # every image under a plain name of ours: spaces and odd characters never reach a converter
    names = {
        target: f"image-{number}{file.suffix.lower()}"
        for number, (target, file) in enumerate(sorted(images.items()), start=1)
    }
    files_by_name = {names[target]: file for target, file in images.items()}
    rendered = render(report, template, options.lang, names, facts)
    info = doc_info(rendered.facts, template, rendered.title, options.draft, rendered.doc_lang)
    files: dict[Path, bytes] = {}
    built = Built()
    not_ua: list[Message] = []
    if "md" in options.formats:
        as_written = render(report, template, options.lang, {t: t for t in images}, facts)
        files[stem.with_suffix(".md")] = as_written.markdown.encode("utf-8")
    described = all_described(report)
    if decided.needs_soffice and soffice() is None:
        raise InputError(
            msg(
                "--docx-pages libreoffice needs LibreOffice ('soffice' on PATH); install it, "
                "or count the DOCX's pages on the Typst layout (the default)"
            )
        )
    docx, pdf = convert(
        rendered.markdown,
        template,
        info,
        files_by_name,
        decided.summary,
        options.pdf_standard,
        described=described,
        not_ua=not_ua,
    )
    built.findings.extend(not_ua_findings(report, not_ua))
    lo_pdf = None
    if docx is not None and decided.summary.libreoffice:
        lo_standard = options.pdf_standard if decided.pdf_from == "libreoffice" else None
        lo_pdf = make_pdf_libreoffice(docx, template, info, lo_standard, described=described)
    if docx is not None and decided.summary.write_docx:
        files[stem.with_suffix(".docx")] = docx
    built.findings.extend(_not_ua(report, decided.pdf_from, options.draft, described))
    if decided.pdf_from is not None:
        pdf = pdf if decided.pdf_from == "typst" else lo_pdf
        assert pdf is not None
        files[stem.with_suffix(".pdf")] = pdf
        built.page_counts.append(PageCount("pdf", page_count(pdf), decided.pdf_from))
    if decided.docx_pages_from is not None:
        laid_out = lo_pdf if decided.docx_pages_from == "libreoffice" else pdf
        assert laid_out is not None
        built.page_counts.append(PageCount("docx", page_count(laid_out), decided.docx_pages_from))
    if built.page_counts:
        built.pages = max(count.pages for count in built.page_counts)
        built.findings.extend(_page_limit(report, template, built.page_counts, options.strict))
    if options.annexes:
        from evalcli.outputs.annexes import build_annexes

        annex_files, annex_findings = build_annexes(
            report, template, options, stem, names, files_by_name, facts
        )
        files.update(annex_files)
        built.findings.extend(annex_findings)
    if any(f.severity == "error" for f in built.findings):
        return built
    _guard_sources(report, list(files))
    write_files(files)
    built.files = {path: len(data) for path, data in files.items()}
    return built
