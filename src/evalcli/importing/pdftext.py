"""The text layer of a PDF, page by page, read by pypdf in a confined child process.

pypdf (BSD licence, pure Python, maintained) reads what Word and LibreOffice
write; its layout mode keeps a table's row on one line ("Label      value"),
with a wrapped value indented under its column, which is what the quick-facts
reader needs. pdfminer.six (MIT) would do as well for prose but splits
table columns into separate boxes. A PDF is untrusted: the child process has a
memory cap and a timeout, pypdf refuses any stream that inflates past its
own limit (75 MB), and the pages and characters read are counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evalcli.errors import InputError
from evalcli.i18n import Message, from_data, msg, verbatim
from evalcli.limits import MAX_PDF_PAGES, MAX_PDF_TEXT, PDF_MEMORY, PDF_TIMEOUT

# the child finds evalcli where this process did (-I ignores PYTHONPATH and the user's site)
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_CHILD = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from evalcli.importing.pdftext import _extract; _extract()"
)
_REFUSED = 3  # the child's exit status when it refuses the PDF (its message on stderr)


def _confine() -> None:  # pragma: no cover - runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY, PDF_MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def pdf_pages(data: bytes, name: str) -> list[str]:
    """The text of each page, or an InputError that names the file and says what to do."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD.format(root=str(_PACKAGE_ROOT))],
            input=data,
            capture_output=True,
            timeout=PDF_TIMEOUT,
            preexec_fn=_confine if os.name == "posix" else None,
            env={},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            msg(
                "{file}: reading the PDF's text took longer than {seconds} s and was stopped; "
                "import the DOCX it was made from instead",
                file=name,
                seconds=PDF_TIMEOUT,
            )
        ) from None
    if done.returncode == _REFUSED:
        raise InputError(msg("{file}: {problem}", file=name, problem=_refusal(done.stderr)))
    if done.returncode != 0:
        raise InputError(
            msg(
                "{file}: a damaged PDF, or one too large to read within "
                "{mib} MiB; import the DOCX it was made from instead",
                file=name,
                mib=PDF_MEMORY // (1024 * 1024),
            )
        )
    pages: list[str] = json.loads(done.stdout.decode("utf-8"))
    if not any(page.strip() for page in pages):
        raise InputError(
            msg(
                "{file}: a PDF with no text layer (a scan?); import reads the text that Word "
                "or LibreOffice put in a PDF. Run OCR on it first, or import the DOCX",
                file=name,
            )
        )
    return pages


def _refusal(stderr: bytes) -> Message:
    """The child's reason, sent as message data so that it prints in the run's language."""
    text = stderr.decode("utf-8", "replace").strip()
    try:
        found = from_data(json.loads(text))
    except ValueError:
        found = None
    return found or verbatim(text)


def _refuse(message: Message) -> None:  # pragma: no cover - runs in the child
    sys.stderr.write(json.dumps(message.as_data()) + "\n")
    raise SystemExit(_REFUSED)


def _extract() -> None:  # pragma: no cover - runs in the child (tests reach it through import)
    import io
    import logging

    import pypdf
    from pypdf.errors import PdfReadError

    logging.disable(logging.WARNING)  # pypdf logs damaged objects; the result says enough
    try:
        reader = pypdf.PdfReader(io.BytesIO(sys.stdin.buffer.read()))
        if reader.is_encrypted:
            _refuse(msg("an encrypted PDF; save it without a password, then import it"))
        if len(reader.pages) > MAX_PDF_PAGES:
            _refuse(
                msg(
                    "a PDF of {n} pages, more than the {limit} import reads; an evaluation "
                    "report is far shorter: check that this is the right file",
                    n=len(reader.pages),
                    limit=MAX_PDF_PAGES,
                )
            )
        pages, total = [], 0
        for page in reader.pages:
            text = page.extract_text(extraction_mode="layout")
            total += len(text)
            if total > MAX_PDF_TEXT:
                _refuse(
                    msg(
                        "more than {mib} MiB of text in the PDF",
                        mib=MAX_PDF_TEXT // (1024 * 1024),
                    )
                )
            pages.append(text)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        _refuse(
            msg(
                "a damaged PDF ({problem}); open it and save it again, or import the DOCX",
                problem=type(exc).__name__,
            )
        )
    sys.stdout.write(json.dumps(pages))
