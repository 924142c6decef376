"""Refuse a DOCX (a zip archive) that is unsafe to hand to pandoc. Stdlib only.

pandoc's zip reader trusts the archive: it inflates each member's whole
deflate stream whatever size the central directory declares, and holds the
parsed XML in memory (about 130 MiB per MiB of document.xml, measured with pandoc 3.9).
So the declared sizes are checked first (cheap), then every member is
inflated here in chunks, counting, to catch an archive that lies about them.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from evalcli import regexes
from evalcli.i18n import Message, msg
from evalcli.limits import (
    KIB,
    MIB,
)
from evalcli.limits import (
    MAX_DOCX_MEMBERS as MAX_MEMBERS,
)
from evalcli.limits import (
    MAX_DOCX_RATIO as MAX_RATIO,
)
from evalcli.limits import (
    MAX_DOCX_UNCOMPRESSED as MAX_UNCOMPRESSED,
)
from evalcli.limits import (
    MAX_DOCX_XML as MAX_XML_UNCOMPRESSED,
)

RATIO_FLOOR = 1 * MIB  # the ratio limit applies to members larger than this
CHUNK = 64 * KIB

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then name and extra lengths
_DRIVE = regexes.compile(r"^[A-Za-z]:")
_PARSED = (".xml", ".rels")


class ArchiveError(ValueError):
    """The archive is damaged or could exhaust memory or disk; the message says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


def check_docx_archive(data: bytes) -> None:
    """Raise ArchiveError with a one-line reason unless ``data`` is a zip safe for pandoc.

    Checks, in order: the zip can be read; member count; member names (no absolute
    paths, no ``..``, no duplicates); no encryption, only stored or deflated
    members; declared ratio; no ZIP64; declared total and XML sizes; no
    overlapping members (one compressed stream shared by many entries); and
    finally that each member really inflates to exactly what it declares.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ArchiveError(
            msg("not a readable zip archive ({problem})", problem=str(exc))
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(
                msg("holds {n} files; the limit is {limit}", n=len(members), limit=MAX_MEMBERS)
            )
        seen: set[str] = set()
        total = xml_total = 0
        for info in members:
            _check_member(info, seen)
            total += info.file_size
            if info.filename.lower().endswith(_PARSED):
                xml_total += info.file_size
        if _uses_zip64(data, members):
            raise ArchiveError(
                msg("uses ZIP64, which pandoc cannot read; open it in Word and save it again")
            )
        if total > MAX_UNCOMPRESSED:
            raise ArchiveError(
                msg(
                    "declares {size} uncompressed; the limit is {limit}",
                    size=_mib(total),
                    limit=_mib(MAX_UNCOMPRESSED),
                )
            )
        if xml_total > MAX_XML_UNCOMPRESSED:
            raise ArchiveError(
                msg(
                    "declares {size} of XML; the limit is {limit} (a long report is 1-3 MiB)",
                    size=_mib(xml_total),
                    limit=_mib(MAX_XML_UNCOMPRESSED),
                )
            )
        _check_overlaps(data, members)
        for info in members:
            inflated = 0
            for block in _inflate(archive, info, info.file_size):
                inflated += len(block)
            if inflated != info.file_size:
                raise ArchiveError(
                    msg(
                        "{name} inflates to {inflated} bytes but declares {declared}",
                        name=repr(info.filename),
                        inflated=inflated,
                        declared=info.file_size,
                    )
                )


def inflate_bounded(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The member's content, inflated in CHUNK steps; ArchiveError as soon as it passes ``limit``.

    Unlike ``archive.read(name)``, this ignores the size the archive declares,
    so a member that declares 1 KiB but inflates to 1 GiB stops after ``limit``
    bytes instead of being trusted (or silently truncated).
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ArchiveError(msg("has no member {name}", name=repr(name))) from None
    return b"".join(_inflate(archive, info, limit))


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    # zipfile stops at the declared size; declare "unbounded" to see the real stream end.
    unbounded = copy.copy(info)
    unbounded.file_size = 2**62
    produced = 0
    try:
        with archive.open(unbounded) as stream:
            while block := stream.read(CHUNK):
                produced += len(block)
                if produced > limit:
                    raise ArchiveError(
                        msg(
                            "{name} inflates to more than {limit} bytes but declares {declared}",
                            name=repr(info.filename),
                            limit=limit,
                            declared=info.file_size,
                        )
                        if limit == info.file_size
                        else msg(
                            "{name} inflates to more than {limit} bytes",
                            name=repr(info.filename),
                            limit=limit,
                        )
                    )
                yield block
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise ArchiveError(
            msg("{name} is damaged ({problem})", name=repr(info.filename), problem=str(exc))
        ) from None


def _check_member(info: zipfile.ZipInfo, seen: set[str]) -> None:
    name = info.filename
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise ArchiveError(msg("holds a file with an absolute path: {name}", name=repr(name[:80])))
    if ".." in parts or "\x00" in name:
        raise ArchiveError(
            msg("holds a file whose name leaves the archive: {name}", name=repr(name[:80]))
        )
    if name in seen:
        raise ArchiveError(msg("holds two files named {name}", name=repr(name[:80])))
    seen.add(name)
    if info.flag_bits & 0x1:
        raise ArchiveError(msg("{name} is encrypted", name=repr(name[:80])))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(
            msg(
                "{name} uses compression method {method}; a DOCX uses only deflate",
                name=repr(name[:80]),
                method=info.compress_type,
            )
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
        raise ArchiveError(
            msg(
                "{name} inflates {ratio}:1 to {size}; "
                "the limit is {limit}:1 for files over {floor}",
                name=repr(name[:80]),
                ratio=format(ratio, ".0f"),
                size=_mib(info.file_size),
                limit=MAX_RATIO,
                floor=_mib(RATIO_FLOOR),
            )
        )


def _check_overlaps(data: bytes, members: list[zipfile.ZipInfo]) -> None:
    """Each member's local header and data must lie apart from every other's."""
    end = 0
    for info in sorted(members, key=lambda i: i.header_offset):
        start = info.header_offset
        header = data[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            raise ArchiveError(
                msg("{name} lies past the end of the archive", name=repr(info.filename[:80]))
            )
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != b"PK\x03\x04":
            raise ArchiveError(msg("{name} has no local header", name=repr(info.filename[:80])))
        if start < end:
            raise ArchiveError(
                msg("{name} overlaps another file in the archive", name=repr(info.filename[:80]))
            )
        end = start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        if end > len(data):
            raise ArchiveError(
                msg("{name} lies past the end of the archive", name=repr(info.filename[:80]))
            )


def _uses_zip64(data: bytes, members: list[zipfile.ZipInfo]) -> bool:
    """A ZIP64 end record, or a ZIP64 extra field in a central or local header.

    pandoc 3.9 refuses all of these ("Can't read ZIP64 archive"), even the
    local-only extra that Python's ``force_zip64`` writes for small members.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65_535))
    if end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07":
        return True
    for info in members:
        start = info.header_offset
        header = data[start : start + _LOCAL_HEADER.size]
        local_extra = b""
        if len(header) == _LOCAL_HEADER.size:
            _signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
            extra_start = start + _LOCAL_HEADER.size + name_length
            local_extra = data[extra_start : extra_start + extra_length]
        if _has_zip64_field(info.extra) or _has_zip64_field(local_extra):
            return True
    return False


def _has_zip64_field(extra: bytes) -> bool:
    pos = 0
    while pos + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, pos)
        if kind == 0x0001:
            return True
        pos += 4 + size
    return False


def _mib(size: int) -> str:
    return f"{size / MIB:,.1f} MiB" if size < 10 * MIB else f"{size // MIB:,} MiB"
