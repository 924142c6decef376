"""Decide what a file is from its content, not only its name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from evalcli.errors import InputError
from evalcli.i18n import msg
from evalcli.importing.docxguard import ArchiveError, check_docx_archive
from evalcli.limits import MAX_IMPORT_BYTES


def read_input(path: Path) -> tuple[str, bytes]:
    """("docx" | "pdf" | "markdown" | "text", the file's bytes), or a clear refusal.

    "text" is a plain-text transcript (.txt): lines as a PDF's text layer gives them,
    pages divided by form feeds."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(msg("{path}: no such file", path=str(path))) from None
    except IsADirectoryError:
        raise InputError(
            msg(
                "{path} is a folder; import reads DOCX, PDF, Markdown or text files",
                path=str(path),
            )
        ) from None
    except OSError as exc:
        raise InputError(
            msg("{path}: cannot read it: {reason}", path=str(path), reason=exc.strerror or "")
        ) from exc
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError(
            msg(
                "{path}: larger than {limit} MiB; a summary is far smaller: check that this "
                "is the right file",
                path=str(path),
                limit=MAX_IMPORT_BYTES // (1024 * 1024),
            )
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise InputError(
                msg(
                    "{path}: a damaged zip file; if it is a Word document, open "
                    "it in Word and save it again as .docx",
                    path=str(path),
                )
            ) from None
        if "word/document.xml" in names:
            try:
                check_docx_archive(data)
            except ArchiveError as exc:
                raise InputError(
                    msg("{path}: refused: {problem}", path=str(path), problem=exc.message)
                ) from None
            return "docx", data
        kind = (
            msg("an OpenDocument file (save it as .docx)")
            if "content.xml" in names
            else msg("a zip file but not a Word document")
        )
        raise InputError(
            msg(
                "{path}: {kind}; import reads DOCX, PDF, Markdown or text",
                path=str(path),
                kind=kind,
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            msg(
                "{path}: an old Word .doc file; open it in Word and save it as .docx, "
                "then import that",
                path=str(path),
            )
        )
    if data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf", data
    if data.startswith(b"{\\rtf"):
        raise InputError(
            msg("{path}: an RTF file; save it as .docx in Word, then import that", path=str(path))
        )
    if b"\x00" in data[:4096]:
        raise InputError(msg("{path}: a binary file, not DOCX, PDF or text", path=str(path)))
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            msg(
                "{path}: text that is not UTF-8 (byte {byte}); save it as UTF-8 and import "
                "it again",
                path=str(path),
                byte=exc.start,
            )
        ) from None
    return ("text" if path.suffix.lower() == ".txt" else "markdown"), data
