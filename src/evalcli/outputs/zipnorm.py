"""Rewrite a zip-based document (DOCX) so the same content gives the same bytes."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(members: list[tuple[str, bytes]]) -> bytes:
    """An archive of ``members`` (name, data), in their order, with fixed timestamps and
    permissions; ``[Content_Types].xml`` first, as some readers need."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in sorted(members, key=lambda m: (m[0] != "[Content_Types].xml",)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps and permissions, members in their order.

    python-docx stamps every member with the current time; Word and LibreOffice
    ignore these stamps, so fixing them loses nothing.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    return write_zip([(name, source.read(name)) for name in source.namelist()])
