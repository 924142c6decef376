"""PDF: pandoc's Typst writer and the typst compiler, or LibreOffice from the DOCX."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, cast

from evalcli.errors import ConversionError, InputError
from evalcli.files import scratch_dir
from evalcli.limits import LIBREOFFICE_TIMEOUT
from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.pandoc import PandocRun, filter_args
from evalcli.template.spec import Template

TYPST_TEMPLATE = "summary.typ"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def typst_source(markdown: str, template: Template, epoch: int) -> PandocRun:
    """Start pandoc on the Typst source; collect it with ``.result()``."""
    args = [
        "--to",
        "typst",
        "--template",
        str(template.path / TYPST_TEMPLATE),
        *filter_args(template.path),
    ]
    return PandocRun(markdown.encode("utf-8"), args, epoch)


def _meta(info: DocInfo) -> dict[str, object]:
    return {
        "title": info.title,
        "kind": info.kind,
        "lang": info.lang,
        "authors": list(info.authors),
        "keywords": list(info.keywords),
        "code": info.code,
        "header": info.header,
        "page": info.page,
        "draft": info.draft,
    }


def make_pdf_typst(
    markdown: str,
    template: Template,
    info: DocInfo,
    standard: str | None = None,
    images: dict[str, Path] | None = None,
) -> bytes:
    """Compile in-process with the bundled fonts only, rooted in a private folder.

    The folder holds the Typst source and copies of the report's images, and
    nothing else: content cannot read any other file.
    """
    job = typst_source(markdown, template, info.epoch)
    import typst  # imported while pandoc works

    source = job.result().decode("utf-8")
    fonts = template.path / "fonts"
    with scratch_dir("typst") as root:
        (root / "main.typ").write_text(source, encoding="utf-8")
        (root / "meta.json").write_text(
            json.dumps(_meta(info), ensure_ascii=False), encoding="utf-8"
        )
        for name, file in (images or {}).items():
            shutil.copyfile(file, root / name)
        empty = root / "no-packages"
        empty.mkdir()
        try:
            pdf = typst.compile(
                str(root / "main.typ"),
                root=str(root),
                font_paths=[str(fonts)] if fonts.is_dir() else [],
                ignore_system_fonts=True,
                format="pdf",
                pdf_standards=cast(Any, [standard] if standard else []),
                timestamp=info.epoch,
                package_path=str(empty),
                package_cache_path=str(empty),
            )
        except typst.TypstError as exc:
            raise ConversionError(f"typst could not compile the PDF: {exc}") from exc
    if not isinstance(pdf, bytes):  # pragma: no cover - typst returns bytes for pdf
        raise ConversionError("typst returned no PDF")
    return pdf


def soffice() -> str | None:
    """The LibreOffice binary, if one is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_pdf_libreoffice(docx: bytes) -> bytes:
    """Convert a DOCX with LibreOffice headless, so the PDF looks exactly like the DOCX."""
    binary = soffice()
    if binary is None:
        raise InputError(
            "--pdf-engine libreoffice needs LibreOffice ('soffice' on PATH); "
            "install it or use the default engine, typst"
        )
    with scratch_dir("libreoffice") as root:
        (root / "summary.docx").write_bytes(docx)
        profile = (root / "profile").as_uri()
        try:
            done = subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(root),
                    str(root / "summary.docx"),
                ],
                capture_output=True,
                check=False,
                timeout=LIBREOFFICE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise ConversionError(
                f"LibreOffice took longer than {LIBREOFFICE_TIMEOUT} s and was stopped"
            ) from None
        pdf = root / "summary.pdf"
        if done.returncode != 0 or not pdf.is_file():
            message = done.stderr.decode("utf-8", "replace").strip()
            raise ConversionError(f"LibreOffice could not convert the DOCX: {message}")
        return pdf.read_bytes()


def page_count(pdf: bytes) -> int:
    """Pages in a PDF: its /Type /Page objects (both engines write them uncompressed)."""
    return len(_PAGE.findall(pdf))
