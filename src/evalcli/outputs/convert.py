"""One document's Markdown to DOCX and Typst PDF, side by side, as its plan asks."""

from __future__ import annotations

import base64
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.plan import DocumentPlan
from evalcli.template.spec import Template


def inline_images(markdown: str, names: dict[str, Path]) -> str:
    """Image names as data URIs, so that a sandboxed pandoc embeds them without reading files."""
    for name, file in names.items():
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        markdown = markdown.replace(f"](<{name}>)", f"](<data:{mime};base64,{data}>)")
    return markdown


def convert(
    markdown: str,
    template: Template,
    info: DocInfo,
    images: dict[str, Path],
    plan: DocumentPlan,
    pdf_standard: str | None,
    typst_template: str | None = None,
) -> tuple[bytes | None, bytes | None]:
    """(DOCX, Typst PDF), each made only when ``plan`` asks for it, side by side.

    They are independent, and pandoc and typst run outside the interpreter
    lock. The DOCX gets its images as data URIs, the PDF as files in its root.
    """
    from evalcli.outputs.docx import make_docx
    from evalcli.outputs.pdf import TYPST_TEMPLATE, make_pdf_typst

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
                typst_template or TYPST_TEMPLATE,
            )
            if plan.typst
            else None
        )
        return (
            docx_job.result() if docx_job else None,
            pdf_job.result() if pdf_job else None,
        )
