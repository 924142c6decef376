"""PDF: pandoc's Typst writer and the typst compiler, or LibreOffice from the DOCX."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from evalcli import regexes
from evalcli.errors import ConversionError, InputError
from evalcli.files import copy_report_file, scratch_dir
from evalcli.i18n import Message, msg
from evalcli.limits import LIBREOFFICE_MEMORY, LIBREOFFICE_TIMEOUT, TYPST_MEMORY, TYPST_TIMEOUT
from evalcli.outputs.docinfo import DocInfo
from evalcli.template.spec import Template
from evalcli.tools import typstserver
from evalcli.tools.pandoc import PandocRun, filter_args
from evalcli.tools.sandbox import EXIT_TYPST_ERROR, Confined, child_command

TYPST_TEMPLATE = "summary.typ"
_PAGE = regexes.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def escape_xml(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities, as ``xml.sax.saxutils.escape`` does.

    saxutils imports urllib.request (and http, email): tens of milliseconds of every build.
    """
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def typst_source(
    markdown: str, template: Template, epoch: int, typst_template: str = TYPST_TEMPLATE
) -> PandocRun:
    """Start pandoc on the Typst source; collect it with ``.result()``."""
    args = [
        "--to",
        "typst",
        "--template",
        str(template.path / typst_template),
        *filter_args(template.path, markdown),
    ]
    return PandocRun(markdown.encode("utf-8"), args, epoch)


def _meta(info: DocInfo) -> dict[str, object]:
    return {
        "title": info.title,
        "kind": info.kind,
        "lang": info.language,
        "region": info.region,
        "labels_lang": info.labels_lang or info.language,
        "authors": list(info.authors),
        "keywords": list(info.keywords),
        "code": info.code,
        "header": info.header,
        "page": info.page,
        "draft": info.draft,
    }


class NoTypstSourceError(ConversionError):
    """The DOCX's pandoc run wrote no Typst source: it failed (its own error says why), or
    the template's filter does not write one (a copy whose comments only name the pipe)."""


class NotAccessibleError(ConversionError):
    """Typst's PDF/UA-1 check refused the content, e.g. a character the fonts lack.

    The build then makes the PDF without PDF/UA-1 and says why, unless
    PDF/UA-1 was asked for by name.
    """


# what --pdf-standard may be combined with PDF/UA-1 by Typst
_WITH_UA = ("a-2b", "a-3b")


def typst_standards(requested: str | None, described: bool = True) -> list[str]:
    """The standards the Typst PDF is made to: PDF/UA-1 always, with PDF/A where asked.

    PDF/UA-1 needs a description for every image; without one (``described``
    false) the file claims only what it meets, unless PDF/UA-1 was asked for
    by name, which is then refused.
    """
    if requested == "ua-1" and not described:
        raise InputError(
            msg(
                "--pdf-standard ua-1 needs a description for every image; "
                "see the missing-alt-text findings of 'evalcli check'"
            )
        )
    if requested not in (None, "ua-1", *_WITH_UA):
        raise InputError(
            msg(
                "--pdf-standard {standard} cannot be combined with PDF/UA-1 by the typst "
                "engine; use one of {choices}",
                standard=requested,
                choices=", ".join(_WITH_UA),
            )
        )
    wanted = [requested] if requested in _WITH_UA else []
    return [*wanted, "ua-1"] if described else wanted


def make_pdf_typst(
    markdown: str,
    template: Template,
    info: DocInfo,
    standard: str | None = None,
    images: dict[str, Path] | None = None,
    typst_template: str = TYPST_TEMPLATE,
    described: bool = True,
    source: Callable[[], bytes] | None = None,
) -> bytes:
    """Compile with the bundled fonts only, rooted in a private folder, in a confined child.

    The folder holds the Typst source and copies of the report's images, and
    nothing else: content cannot read any other file. ``typst_template`` is the
    template folder's pandoc template (the summary's, or the annex pages').
    The file is tagged PDF/UA-1 (``described``: every image has a description),
    and PDF/A-2b or A-3b where ``standard`` asks; its label cells are row headers.
    ``source`` gives the Typst source made by another pandoc run (the DOCX's, see
    ``PandocRun``); without it, pandoc makes it here.
    """
    standards = typst_standards(standard, described)
    if source is None:
        source = typst_source(markdown, template, info.epoch, typst_template).result
    from evalcli.outputs.pdftags import row_headers  # loaded while pandoc works

    typst = source()
    if not typst:  # the DOCX run failed before it wrote it: its error says why
        raise NoTypstSourceError(msg("pandoc wrote no Typst source"))
    text = typst.decode("utf-8")
    with scratch_dir("typst") as scratch:
        root = scratch / "root"
        root.mkdir()
        (root / "main.typ").write_text(text, encoding="utf-8")
        (root / "meta.json").write_text(
            json.dumps(_meta(info), ensure_ascii=False), encoding="utf-8"
        )
        for name, file in (images or {}).items():
            copy_report_file(file, root / name)  # no link followed, one hard link
        try:
            pdf = compile_typst(scratch, root, _fonts(template), standards, info.epoch)
        except ConversionError as exc:
            problem = exc.message().args.get("problem")
            if "ua-1" in standards and "PDF/UA-1 error" in str(problem):
                # typst's own words, without our prefix
                detail = str(problem).split(": ", 1)[-1]
                raise NotAccessibleError(
                    msg("typst could not make the PDF PDF/UA-1: {problem}", problem=detail)
                ) from exc
            raise
    return row_headers(pdf, every_table=typst_template != TYPST_TEMPLATE)


def _fonts(template: Template) -> list[str]:
    fonts = template.path / "fonts"
    return [str(fonts)] if fonts.is_dir() else []


def start_typst(template: Template) -> None:
    """Start this process's Typst child now: it starts up, and warms up with the
    template's fonts, while pandoc works."""
    typstserver.start(_fonts(template), TYPST_MEMORY, TYPST_TIMEOUT)


def compile_typst(
    scratch: Path, root: Path, font_paths: list[str], pdf_standards: list[str], timestamp: int
) -> bytes:
    """Compile ``root/main.typ`` to PDF in this process's Typst child, within the Typst limits.

    The child (``tools.typstserver``) has an address-space cap (``limits``), an
    environment without the caller's variables, and is killed with evalcli
    (SIGTERM, Ctrl-C, or its death); each compile has a wall-clock timeout. It
    sees ``root`` only, an empty package path and the fonts in ``font_paths``;
    the request, Typst's messages and the PDF stay in ``scratch``, outside the
    root. ``pdf_standards`` is passed on as given.
    """
    output = scratch / "out.pdf"
    request = scratch / "request.json"
    errors = scratch / "errors.txt"
    empty = scratch / "no-packages"
    empty.mkdir()
    request.write_text(
        json.dumps(
            {
                "input": str(root / "main.typ"),
                "output": str(output),
                "errors": str(errors),
                "root": str(root),
                "font_paths": font_paths,
                "ignore_system_fonts": True,
                "format": "pdf",
                "pdf_standards": pdf_standards,
                "timestamp": timestamp,
                "package_path": str(empty),
                "package_cache_path": str(empty),
            }
        ),
        encoding="utf-8",
    )
    done = typstserver.compile_request(request, errors, font_paths, TYPST_MEMORY, TYPST_TIMEOUT)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        # the private folder's path means nothing to the user (and names this machine)
        message = message.replace(f"{root}{os.sep}", "").replace(str(scratch), "")
        if done.returncode != EXIT_TYPST_ERROR:
            stopped = msg(
                "it stopped with status {status}: {output}",
                status=done.returncode,
                output=message[-500:],
            )
            raise ConversionError(_could_not_compile(pdf_standards, stopped))
        raise ConversionError(_could_not_compile(pdf_standards, message))
    return output.read_bytes()


def _could_not_compile(standards: list[str], problem: str | Message) -> Message:
    if not standards:
        return msg("typst could not compile the PDF: {problem}", problem=problem)
    return msg(
        "typst could not compile the PDF to {standards}: {problem}",
        standards=" + ".join(f"PDF/{s.upper()}" for s in standards),
        problem=problem,
    )


def soffice() -> str | None:
    """The LibreOffice binary, if one is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# --pdf-standard -> LibreOffice's PDF export options, and what the file then declares
_LO_STANDARDS: dict[str, tuple[dict[str, object], bytes]] = {
    "a-2b": ({"SelectPdfVersion": 2}, rb"pdfaid:part>2<"),
    "a-3b": ({"SelectPdfVersion": 3}, rb"pdfaid:part>3<"),
    "ua-1": ({"PDFUACompliance": True}, rb"pdfuaid:part>1<"),
}
_LO_MINIMUM = (7, 4)  # export options as JSON on the command line, PDF/UA
_LO_VERSION = regexes.compile(rb"LibreOffice (\d+)\.(\d+)")
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <cachedir>{cache}</cachedir>
  <dir>{fonts}</dir>
  <alias binding="same"><family>Calibri</family><prefer><family>Carlito</family></prefer></alias>
</fontconfig>
"""


def _export_filter(standard: str | None, ua: bool = False) -> str:
    """``pdf:writer_pdf_Export:{...}``: tagged always, PDF/A or PDF/UA as asked."""
    options: dict[str, object] = {"UseTaggedPDF": True, "ExportBookmarks": True}
    if standard:
        options.update(_LO_STANDARDS[standard][0])
    if ua:
        options.update(_LO_STANDARDS["ua-1"][0])
    typed = {
        key: {"type": "boolean" if isinstance(value, bool) else "long", "value": str(value).lower()}
        for key, value in options.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def _version(binary: str, env: dict[str, str]) -> tuple[int, int] | None:
    try:
        done = subprocess.run(
            [binary, "--version"], capture_output=True, env=env, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = _LO_VERSION.search(done.stdout)
    return (int(found.group(1)), int(found.group(2))) if found else None


def _for_libreoffice(docx: bytes, keywords: tuple[str, ...]) -> bytes:
    """The DOCX with keywords LibreOffice keeps whole.

    LibreOffice splits a DOCX's keywords at every space ("trata, de, personas");
    no-break spaces inside each keyword keep it one. Only this copy, which
    LibreOffice reads, is changed; the DOCX written for people is not.
    """
    if not keywords:
        return docx
    import zipfile  # only for LibreOffice: not on the way to the converters

    source = zipfile.ZipFile(io.BytesIO(docx))
    core = source.read("docProps/core.xml").decode("utf-8")
    joined = escape_xml(", ".join(k.replace(" ", "\u00a0") for k in keywords))
    core = re.sub(
        r"<cp:keywords>.*?</cp:keywords>|<cp:keywords/>",
        f"<cp:keywords>{joined}</cp:keywords>",
        core,
        flags=re.S,
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = core.encode("utf-8") if item.filename == "docProps/core.xml" else None
            target.writestr(item, data if data is not None else source.read(item.filename))
    return out.getvalue()


def _fixed(pdf: bytes, epoch: int) -> bytes:
    """The same PDF with the clock's traces replaced by the document's own date.

    LibreOffice stamps the creation time and a random file identifier; the
    identifier becomes a digest of the file. The replacements have the same
    length, so every offset in the file holds.
    """
    moment = datetime.fromtimestamp(epoch, UTC)

    def pdf_date(match: re.Match[bytes]) -> bytes:
        return match.group(1) + moment.strftime("%Y%m%d%H%M%S").encode() + match.group(3)

    def xmp_date(match: re.Match[bytes]) -> bytes:
        return match.group(1) + moment.strftime("%Y-%m-%dT%H:%M:%S").encode() + match.group(3)

    pdf = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})([^)]*\))", pdf_date, pdf)
    pdf = re.sub(
        rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)"
        rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([^<]*<)",
        xmp_date,
        pdf,
    )
    ids = regexes.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>)")
    digest = hashlib.md5(ids.sub(b"", pdf), usedforsecurity=False).hexdigest().upper().encode()

    def file_id(match: re.Match[bytes]) -> bytes:
        first = digest[: len(match.group(2))].ljust(len(match.group(2)), b"0")
        second = digest[: len(match.group(4))].ljust(len(match.group(4)), b"0")
        return match.group(1) + first + match.group(3) + second + match.group(5)

    return ids.sub(file_id, pdf)


def libreoffice_pdf(
    docx: bytes,
    fonts: Path,
    epoch: int,
    keywords: tuple[str, ...] = (),
    standard: str | None = None,
    ua: bool = False,
) -> bytes:
    """The DOCX laid out and exported by LibreOffice headless: a tagged PDF.

    LibreOffice sees only the template's fonts (Carlito for Calibri, with the
    same metrics), through a private fontconfig, so the layout is the same on
    every machine; ``standard`` asks for PDF/A-2b, PDF/A-3b or PDF/UA-1, and
    the file is checked to declare it. The creation time is the document's
    own date, not the clock's. The file is still not byte-identical from run
    to run: LibreOffice embeds its font subsets (and, for PDF/A, a colour
    profile) in an order of its own that varies.
    """
    binary = soffice()
    if binary is None:
        raise InputError(
            msg(
                "--pdf-engine libreoffice needs LibreOffice ('soffice' on PATH); "
                "install it or use the default engine, typst"
            )
        )
    with scratch_dir("libreoffice") as root:
        (root / "cache").mkdir()
        conf = root / "fonts.conf"
        conf.write_text(
            _FONTS_CONF.format(cache=escape_xml(str(root / "cache")), fonts=escape_xml(str(fonts))),
            encoding="utf-8",
        )
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(root),
            "TMPDIR": str(root),
            "TZ": "UTC",
            "LANG": "C.UTF-8",
            "FONTCONFIG_FILE": str(conf),
        }
        if standard:
            version = _version(binary, env)
            if version is not None and version < _LO_MINIMUM:
                raise InputError(
                    msg(
                        "--pdf-standard {standard} with --pdf-engine libreoffice needs "
                        "LibreOffice {minimum} or later (this is {version}); "
                        "use --pdf-engine typst",
                        standard=standard,
                        minimum=".".join(map(str, _LO_MINIMUM)),
                        version=".".join(map(str, version)),
                    )
                )
        (root / "summary.docx").write_bytes(_for_libreoffice(docx, keywords))
        done = Confined(
            child_command(
                LIBREOFFICE_MEMORY,
                [
                    binary,
                    f"-env:UserInstallation={(root / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    _export_filter(standard, ua),
                    "--outdir",
                    str(root),
                    str(root / "summary.docx"),
                ],
            ),
            what="LibreOffice",
            timeout=LIBREOFFICE_TIMEOUT,
            memory=LIBREOFFICE_MEMORY,
            env=env,
        ).result()
        pdf = root / "summary.pdf"
        if done.returncode != 0 or not pdf.is_file():
            message = done.stderr.decode("utf-8", "replace").strip()
            raise ConversionError(
                msg("LibreOffice could not convert the DOCX: {problem}", problem=message)
            )
        data = pdf.read_bytes()
    if standard and _LO_STANDARDS[standard][1] not in data:
        raise InputError(
            msg(
                "this LibreOffice did not make a {standard} file; "
                "use --pdf-engine typst for --pdf-standard",
                standard=standard.upper(),
            )
        )
    return _fixed(data, epoch)


LO_DRAFT_NOT_UA = msg(
    "LibreOffice cannot make a PDF/UA-1 draft: it tags the draft watermark as a figure "
    "with no description"
)


def make_pdf_libreoffice(
    docx: bytes,
    template: Template,
    info: DocInfo,
    standard: str | None = None,
    described: bool = True,
    every_table: bool = False,
) -> bytes:
    """The PDF of the DOCX as LibreOffice lays it out, so it looks exactly like the DOCX.

    Like the Typst PDF, it is PDF/UA-1 when every image has a description
    (``described``), PDF/A where ``standard`` asks, and its label cells are
    row headers (of the first table, or ``every_table``). A draft is not
    PDF/UA-1 (see ``LO_DRAFT_NOT_UA``).
    """
    ua = typst_standards(standard, described)[-1:] == ["ua-1"]
    if ua and info.draft:
        if standard == "ua-1":
            raise InputError(
                msg(
                    "{reason}; use --pdf-engine typst for a PDF/UA-1 draft",
                    reason=LO_DRAFT_NOT_UA,
                )
            )
        ua = False
    from evalcli.outputs.pdftags import row_headers

    pdf = libreoffice_pdf(docx, template.path / "fonts", info.epoch, info.keywords, standard, ua=ua)
    return row_headers(pdf, every_table)


def page_count(pdf: bytes) -> int:
    """Pages in a PDF: its /Type /Page objects (both engines write them uncompressed)."""
    return len(_PAGE.findall(pdf))
