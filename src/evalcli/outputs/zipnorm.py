"""Rewrite a zip-based document (DOCX) so the same content gives the same bytes."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps and permissions, members in their order.

    python-docx stamps every member with the current time; Word and LibreOffice
    ignore these stamps, so fixing them loses nothing.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # [Content_Types].xml must stay first for some readers
        names.sort(key=lambda n: (n != "[Content_Types].xml",))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
