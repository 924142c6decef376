"""One document's Markdown to DOCX and Typst PDF, side by side, as its plan asks."""

from __future__ import annotations

import base64
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from evalcli.check.alttext import described
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.errors import InputError
from evalcli.files import open_report_file
from evalcli.i18n import Message, msg
from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.plan import DocumentPlan
from evalcli.report.model import Report
from evalcli.template.spec import Template


def inline_images(markdown: str, names: dict[str, Path]) -> str:
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
        with open_report_file(file) as stream:  # no link followed, one hard link
            data = base64.b64encode(stream.read()).decode("ascii")
        definitions.append(f"[{label}]: <data:{mime};base64,{data}>")
    return markdown + "\n\n" + "\n".join(definitions) + "\n" if definitions else markdown


def all_described(report: Report) -> bool:
    """Whether every image of the report has a description (or is decorative): PDF/UA-1."""
    return described(image for section in report.sections.values() for image in section.images)


def not_ua_findings(report: Report, reasons: list[Message]) -> list[Finding]:
    """A ``pdf-not-ua`` finding for each reason Typst gave for refusing PDF/UA-1."""
    return [
        Finding.of(
            FindingCode.PDF_NOT_UA,
            msg(
                "{reason}; the PDF was made without PDF/UA-1: use only characters the "
                "template's fonts have (or a template whose fonts have them) to make it "
                "accessible",
                reason=reason,
            ),
            Location(report.metadata_path),
        )
        for reason in reasons
    ]


def convert(
    markdown: str,
    template: Template,
    info: DocInfo,
    images: dict[str, Path],
    plan: DocumentPlan,
    pdf_standard: str | None,
    typst_template: str | None = None,
    described: bool = True,
    not_ua: list[Message] | None = None,
) -> tuple[bytes | None, bytes | None]:
    """(DOCX, Typst PDF), each made only when ``plan`` asks for it, side by side.

    They are independent, and pandoc and typst run outside the interpreter
    lock. The DOCX gets its images as data URIs, the PDF as files in its root.
    A PDF that Typst cannot make PDF/UA-1 is made without it, and the reason
    added to ``not_ua``, unless ``--pdf-standard ua-1`` asked for it.
    """
    from evalcli.outputs.docx import make_docx
    from evalcli.outputs.pdf import TYPST_TEMPLATE, NotAccessibleError, make_pdf_typst

    typst_template = typst_template or TYPST_TEMPLATE
    with ThreadPoolExecutor(max_workers=2) as pool:
        docx_job = (
            pool.submit(make_docx, inline_images(markdown, images), template, info)
            if plan.docx
            else None
        )
        pdf_job = (
            pool.submit(
                make_pdf_typst,
                markdown,
                template,
                info,
                pdf_standard,
                images,
                typst_template,
                described,
            )
            if plan.typst
            else None
        )
        docx = docx_job.result() if docx_job else None
        try:
            pdf = pdf_job.result() if pdf_job else None
        except NotAccessibleError as exc:
            if pdf_standard == "ua-1":
                raise InputError(
                    msg("--pdf-standard ua-1: {problem}", problem=exc.message())
                ) from exc
            pdf = make_pdf_typst(
                markdown, template, info, pdf_standard, images, typst_template, described=False
            )
            if not_ua is not None:
                not_ua.append(exc.message())
        return docx, pdf
