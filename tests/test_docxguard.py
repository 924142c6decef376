"""Tests for docxguard: a real DOCX, bombs built by streaming, and archives that lie."""

from __future__ import annotations

import contextlib
import io
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalcli.importing.docxguard import (
    MAX_MEMBERS,
    MIB,
    ArchiveError,
    check_docx_archive,
    inflate_bounded,
)

FIXTURE = (
    Path(__file__).parent / "fixtures" / "hostile" / "sample.docx"
)  # pandoc 3.9, from the ES sample
GIB = 1024 * MIB


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def zeros_deflated(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mebibytes`` MiB of zeros, and its CRC-32, without the zeros.

    After a full flush the compressor starts afresh, so one compressed MiB
    (~1 KB) repeated is a valid stream; the CRC still needs the real bytes,
    fed one MiB at a time (~0.3 s per GiB).
    """
    zero = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zero, crc)
    return block * mebibytes + compressor.flush(zlib.Z_FINISH), crc


def zip64_of(name: str, deflated: bytes, crc: int, size: int) -> bytes:
    """A one-member zip64 archive written by hand from an already deflated stream."""
    encoded = name.encode()
    extra = struct.pack("<HHQQ", 1, 16, size, len(deflated))
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 8, 0, 0x21, crc, 2**32 - 1, 2**32 - 1,
        len(encoded), len(extra),
    )  # fmt: skip
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, crc, 2**32 - 1,
        2**32 - 1, len(encoded), len(extra), 0, 0, 0, 0, 0,
    )  # fmt: skip
    body = local + encoded + extra + deflated
    directory = central + encoded + extra
    end64 = struct.pack(
        "<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, 1, 1, len(directory), len(body)
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, len(body) + len(directory), 1)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end64 + locator + end


@contextlib.contextmanager
def _inflating_counted() -> Iterator[list[int]]:
    """Bytes zipfile inflated inside the block, in a one-element list (a cost, not a time)."""
    inflated = [0]
    real = zipfile.ZipExtFile.read

    def read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = real(self, n)
        inflated[0] += len(data)
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zipfile.ZipExtFile, "read", read)
        yield inflated


@pytest.fixture(scope="module")
def gib_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """word/document.xml of 1 GiB of zeros in a ~1 MB zip, built in about half a second."""
    deflated, crc = zeros_deflated(1024)
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    path.write_bytes(zip64_of("word/document.xml", deflated, crc, GIB))
    return path


def test_real_docx_passes() -> None:
    data = FIXTURE.read_bytes()
    check_docx_archive(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = inflate_bounded(archive, "word/document.xml", 1 * MIB)
    assert document.startswith(b"<?xml")
    assert "Alianzas en acción".encode() in document


def test_docx_made_by_pandoc_now_passes(tmp_path: Path) -> None:
    pypandoc = pytest.importorskip("pypandoc")
    source = tmp_path / "a.md"
    source.write_text("# Título\n\nUn párrafo.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    target = tmp_path / "a.docx"
    subprocess.run([pypandoc.get_pandoc_path(), str(source), "-o", str(target)], check=True)
    check_docx_archive(target.read_bytes())


def test_gib_of_zeros_is_refused_from_its_declared_sizes(gib_bomb: Path) -> None:
    data = gib_bomb.read_bytes()
    assert len(data) < 2 * MIB
    refused = r"inflates 1011:1 to 1,024 MiB; the limit is 100:1"
    with _inflating_counted() as inflated, pytest.raises(ArchiveError, match=refused):
        check_docx_archive(data)
    assert inflated == [0]  # refused from the sizes the archive declares: nothing inflated


def test_inflate_bounded_stops_on_the_gib_bomb(gib_bomb: Path) -> None:
    with zipfile.ZipFile(gib_bomb) as archive:
        assert archive.getinfo("word/document.xml").file_size == GIB
        refused = "inflates to more than 10485760 bytes"
        with _inflating_counted() as inflated, pytest.raises(ArchiveError, match=refused):
            inflate_bounded(archive, "word/document.xml", 10 * MIB)
    assert inflated[0] <= 10 * MIB + 2 * MIB  # it stopped at the limit, not at 1 GiB


def test_hand_written_zip64_is_a_valid_archive() -> None:
    """The same construction at 8 MiB, checked against zipfile's own reader."""
    deflated, crc = zeros_deflated(8)
    data = zip64_of("word/document.xml", deflated, crc, 8 * MIB)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert inflate_bounded(archive, "word/document.xml", 8 * MIB) == bytes(8 * MIB)


def test_zip64_is_refused_as_pandoc_cannot_read_it() -> None:
    content = b"<w:document/>"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(content) + compressor.flush()
    data = zip64_of("word/document.xml", deflated, zlib.crc32(content), len(content))
    with pytest.raises(ArchiveError, match="uses ZIP64, which pandoc cannot read"):
        check_docx_archive(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, archive.open("a.xml", "w", force_zip64=True) as w:
        w.write(content)
    with pytest.raises(ArchiveError, match="uses ZIP64"):
        check_docx_archive(out.getvalue())


def _lie_about_size(data: bytes, name: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size of ``name`` in its local and central headers."""
    patched = bytearray(data)
    local = patched.index(b"PK\x03\x04")
    while patched[local + 30 : local + 30 + len(name)] != name:
        local = patched.index(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", patched, local + 22, declared)
    central = patched.index(b"PK\x01\x02")
    while patched[central + 46 : central + 46 + len(name)] != name:
        central = patched.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", patched, central + 24, declared)
    return bytes(patched)


def test_central_directory_that_lies_about_sizes_is_caught() -> None:
    honest = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b"a" * (50 * MIB) + b"</w:document>",
        }
    )
    lying = _lie_about_size(honest, b"word/document.xml", 1000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size == 1000
        assert info.file_size / info.compress_size < 100  # passes the declared-size checks
        assert len(archive.read("[Content_Types].xml")) == 8
        with pytest.raises(ArchiveError, match="inflates to more than 4096 bytes"):
            inflate_bounded(archive, "word/document.xml", 4096)
    with pytest.raises(ArchiveError, match="inflates to more than 1000 bytes but declares 1000"):
        check_docx_archive(lying)


def test_member_that_inflates_to_less_than_declared_is_caught() -> None:
    honest = zip_of({"word/document.xml": b"<x/>" * 100})
    lying = _lie_about_size(honest, b"word/document.xml", 100_000)
    with pytest.raises(ArchiveError, match="inflates to 400 bytes but declares 100000"):
        check_docx_archive(lying)


def test_ratio_floor_and_limit() -> None:
    check_docx_archive(zip_of({"word/media/blank.bmp": bytes(900 * 1024)}))  # under 1 MiB
    with pytest.raises(ArchiveError, match=r"'word/media/blank.bmp' inflates \d+:1 to 2.0 MiB"):
        check_docx_archive(zip_of({"word/media/blank.bmp": bytes(2 * MIB)}))


def _declare(data: bytes, sizes: dict[bytes, int]) -> bytes:
    """Rewrite central-directory sizes (compressed and not) of some members; data untouched."""
    patched = bytearray(data)
    central = patched.index(b"PK\x01\x02")
    while central >= 0:
        (name_length,) = struct.unpack_from("<H", patched, central + 28)
        name = bytes(patched[central + 46 : central + 46 + name_length])
        if name in sizes:
            struct.pack_into("<II", patched, central + 20, sizes[name], sizes[name])
        central = patched.find(b"PK\x01\x02", central + 46)
    return bytes(patched)


def test_total_and_xml_limits() -> None:
    media = {f"word/media/image{i}.png": b"x" for i in range(7)}
    declared = _declare(zip_of(media), {name.encode(): 30 * MIB for name in media})
    with pytest.raises(ArchiveError, match=r"declares 210 MiB uncompressed; the limit is 200 MiB"):
        check_docx_archive(declared)
    xml = {f"word/part{i}.xml": b"<x/>" for i in range(4)}
    declared = _declare(zip_of(xml), {name.encode(): 3 * MIB for name in xml})
    with pytest.raises(ArchiveError, match=r"declares 12 MiB of XML; the limit is 10 MiB"):
        check_docx_archive(declared)


def test_too_many_members() -> None:
    data = zip_of({f"word/f{i}.xml": b"" for i in range(MAX_MEMBERS + 1)})
    with pytest.raises(ArchiveError, match=f"holds {MAX_MEMBERS + 1} files; the limit is 5000"):
        check_docx_archive(data)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/passwd", "absolute path"),
        ("\\windows\\x.xml", "absolute path"),
        ("C:/x.xml", "absolute path"),
        ("word/../../evil.xml", "leaves the archive"),
        ("..\\evil.xml", "leaves the archive"),
        ("word/..", "leaves the archive"),
    ],
)
def test_bad_member_names(name: str, reason: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", b"<x/>")
        archive.writestr(zipfile.ZipInfo(name), b"x")
        # zipfile keeps a leading "/" (it strips it only when extracting)
    with pytest.raises(ArchiveError, match=reason):
        check_docx_archive(out.getvalue())


def test_names_that_only_look_odd_pass() -> None:
    check_docx_archive(zip_of({"word/a..b.xml": b"<x/>", "[Content_Types].xml": b"<T/>"}))


def test_duplicate_names() -> None:
    out = io.BytesIO()
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(out, "w") as archive,
    ):
        archive.writestr("word/document.xml", b"<a/>")
        archive.writestr("word/document.xml", b"<b/>")
    with pytest.raises(ArchiveError, match=r"two files named 'word/document\.xml'"):
        check_docx_archive(out.getvalue())


def test_overlapping_members_share_one_stream() -> None:
    """A Fifield-style bomb: two central entries point at the same compressed data."""
    single = zip_of({"word/a.xml": b"<x/>" * 1000})
    cd = single.index(b"PK\x01\x02")
    eocd = single.index(b"PK\x05\x06")
    entry = single[cd:eocd]
    twin = entry.replace(b"word/a.xml", b"word/b.xml")
    directory = entry + twin
    end = bytearray(single[eocd:])
    struct.pack_into("<HHII", end, 8, 2, 2, len(directory), cd)
    with pytest.raises(ArchiveError, match="overlaps another file"):
        check_docx_archive(single[:cd] + directory + bytes(end))


def test_unsupported_method_encrypted_and_not_a_zip() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", b"<x/>")
    with pytest.raises(ArchiveError, match="compression method 12"):
        check_docx_archive(out.getvalue())
    plain = bytearray(zip_of({"word/document.xml": b"<x/>"}))
    struct.pack_into("<H", plain, plain.index(b"PK\x01\x02") + 8, 1)  # the encrypted flag
    with pytest.raises(ArchiveError, match="is encrypted"):
        check_docx_archive(bytes(plain))
    with pytest.raises(ArchiveError, match="not a readable zip archive"):
        check_docx_archive(b"PK\x03\x04 not really")
    with pytest.raises(ArchiveError, match="has no member 'nope'"):
        inflate_bounded(zipfile.ZipFile(io.BytesIO(zip_of({"a": b""}))), "nope", 10)


def test_damaged_stream_is_reported() -> None:
    data = bytearray(zip_of({"word/document.xml": b"<w:document>" + b"ab" * 5000}))
    start = data.index(b"word/document.xml") + len("word/document.xml")
    data[start + 10 : start + 20] = b"\xff" * 10  # inside the deflate stream
    with pytest.raises(ArchiveError, match=r"'word/document.xml' (is damaged|inflates)"):
        check_docx_archive(bytes(data))
