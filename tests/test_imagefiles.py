"""Tests for imagesize: headers built here with struct and zlib, no image library."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path

import pytest

from evalcli.limits import MAX_PNG_CHUNK_INFLATED
from evalcli.report import imagefiles as imagesize
from evalcli.report.imagefiles import (
    HEAD_BYTES,
    MAX_IMAGE_FILE_BYTES,
    MAX_IMAGE_PIXELS,
    ImageHeaderError,
    image_problem,
    image_size,
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A PNG; its pixel data is real for small sizes, a stub for hostile ones."""
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\x80" * 3 * width for _ in range(height)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int, sof: int = 0xC0, before: bytes = b"") -> bytes:
    """SOI, APP0 (JFIF), ``before``, DQT, SOFn, SOS and a few bytes of scan data, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    sof_segment = bytes([0xFF, sof]) + struct.pack(">H", len(frame) + 2) + frame
    sos = b"\xff\xda" + struct.pack(">H", 12) + b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    return b"\xff\xd8" + app0 + before + dqt + sof_segment + sos + b"\x12\x34" * 8 + b"\xff\xd9"


def app1(size: int) -> bytes:
    """An APPn segment (Exif-like) of ``size`` payload bytes, at most 65533."""
    return b"\xff\xe1" + struct.pack(">H", size + 2) + b"Exif\x00\x00" + bytes(size - 6)


def gif(width: int, height: int, frame: tuple[int, int, int, int] | None = None) -> bytes:
    left, top, fw, fh = frame or (0, 0, width, height)
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF1, 0, 0) + bytes(3 * 4)
    control = b"\x21\xf9\x04\x00\x00\x00\x00\x00"
    comment = b"\x21\xfe\x05hello\x00"
    descriptor = b"\x2c" + struct.pack("<HHHHB", left, top, fw, fh, 0)
    return screen + control + comment + descriptor + b"\x02\x02\x44\x01\x00\x3b"


def riff(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


class CountingReader(io.BytesIO):
    """Counts the bytes read, to show that a header read stays bounded."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.count = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.count += len(data)
        return data


# ---------------------------------------------------------------- PNG


def test_png(tmp_path: Path) -> None:
    assert image_size(write(tmp_path, "a.png", png(3, 2))) == ("png", 3, 2)


def test_hostile_png_declaring_100000_squared_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.png", png(100_000, 100_000, idat=zlib.compress(b"\x00" * 64)))
    assert path.stat().st_size < 200
    assert image_size(path) == ("png", 100_000, 100_000)
    reason = image_problem(path)
    assert reason == (
        "declares 100000×100000 pixels; the limit is 40 megapixels (e.g. 8000×5000); "
        "scale the image down"
    )


def test_png_bad_checksum_truncated_and_zero(tmp_path: Path) -> None:
    data = bytearray(png(3, 2))
    data[20] ^= 1  # the height, under the IHDR checksum
    with pytest.raises(ImageHeaderError, match="checksum"):
        image_size(write(tmp_path, "crc.png", bytes(data)))
    with pytest.raises(ImageHeaderError, match="truncated PNG"):
        image_size(write(tmp_path, "short.png", png(3, 2)[:20]))
    with pytest.raises(ImageHeaderError, match="declares 0×2"):
        image_size(write(tmp_path, "zero.png", png(0, 2, idat=b"")))


# ---------------------------------------------------------------- JPEG


@pytest.mark.parametrize("sof", [0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA])
def test_jpeg_baseline_and_progressive(tmp_path: Path, sof: int) -> None:
    path = write(tmp_path, "a.jpg", jpeg(640, 480, sof=sof, before=app1(1000)))
    assert image_size(path) == ("jpeg", 640, 480)


def test_jpeg_dht_is_not_a_frame_and_fill_bytes_are_skipped(tmp_path: Path) -> None:
    dht = b"\xff\xc4" + struct.pack(">H", 4) + b"\x00\x00"
    data = jpeg(50, 40, before=dht + b"\xff\xff\xff")  # fill bytes before the next marker
    assert image_size(write(tmp_path, "a.jpg", data)) == ("jpeg", 50, 40)


def test_jpeg_frame_after_large_exif_is_found_with_bounded_reads() -> None:
    big = app1(65_000) * 8  # ~520 KB of metadata before the frame header
    data = jpeg(8000, 6000, before=big) + bytes(5_000_000)
    reader = CountingReader(data)
    assert imagesize._size(reader) == ("jpeg", 8000, 6000)
    assert reader.count < HEAD_BYTES + 1024


def test_jpeg_errors(tmp_path: Path) -> None:
    no_frame = jpeg(10, 10).replace(b"\xff\xc0", b"\xff\xe2")  # the SOF turned into APP2
    with pytest.raises(ImageHeaderError, match="no frame header before the image data"):
        image_size(write(tmp_path, "noframe.jpg", no_frame))
    with pytest.raises(ImageHeaderError, match="truncated JPEG"):
        image_size(write(tmp_path, "short.jpg", jpeg(10, 10, before=app1(2000))[:1500]))
    with pytest.raises(ImageHeaderError, match="DNL"):
        image_size(write(tmp_path, "dnl.jpg", jpeg(10, 0)))
    with pytest.raises(ImageHeaderError, match="no marker"):
        image_size(write(tmp_path, "junk.jpg", b"\xff\xd8\xff\xe0\x00\x04\x00\x00garbage"))


def test_jpeg_endless_segments_stop() -> None:
    tiny = b"\xff\xfe\x00\x02"  # empty comment segments
    reader = CountingReader(b"\xff\xd8" + tiny * 100_000)
    with pytest.raises(ImageHeaderError, match="first 1024 segments"):
        imagesize._size(reader)
    assert reader.count < HEAD_BYTES + 8 * 1024


# ---------------------------------------------------------------- GIF and WebP


def test_gif(tmp_path: Path) -> None:
    assert image_size(write(tmp_path, "a.gif", gif(320, 200))) == ("gif", 320, 200)
    spill = gif(10, 10, frame=(5, 5, 60000, 300))
    assert image_size(write(tmp_path, "b.gif", spill)) == ("gif", 60005, 305)
    with pytest.raises(ImageHeaderError, match="truncated GIF"):
        image_size(write(tmp_path, "c.gif", b"GIF89a\x01\x00"))


def test_webp_lossy_lossless_extended(tmp_path: Path) -> None:
    lossy = riff(b"VP8 ", b"\x10\x02\x00\x9d\x01\x2a" + struct.pack("<HH", 400, 300) + bytes(8))
    bits = (1023 - 1) | ((767 - 1) << 14)
    lossless = riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + bytes(8))
    extended = riff(b"VP8X", b"\x10\x00\x00\x00" + (99_999).to_bytes(3, "little") * 2 + bytes(4))
    assert image_size(write(tmp_path, "a.webp", lossy)) == ("webp", 400, 300)
    assert image_size(write(tmp_path, "b.webp", lossless)) == ("webp", 1023, 767)
    assert image_size(write(tmp_path, "c.webp", extended)) == ("webp", 100_000, 100_000)
    assert image_problem(tmp_path / "c.webp") is not None
    bad = riff(b"VP8 ", b"\x10\x02\x00\x00\x00\x00" + bytes(12))
    with pytest.raises(ImageHeaderError, match="no VP8 key frame"):
        image_size(write(tmp_path, "d.webp", bad))
    with pytest.raises(ImageHeaderError, match="unknown first chunk"):
        image_size(write(tmp_path, "e.webp", riff(b"ALPH", bytes(20))))


# ---------------------------------------------------------------- SVG

SVG = '<svg xmlns="http://www.w3.org/2000/svg" {}><rect width="1" height="1"/></svg>'


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="300" height="200"', (300, 200)),
        ('width="300px" height="150.2px"', (300, 151)),
        ('width="72pt" height="1in"', (96, 96)),
        ('width="25.4mm" height="2.54cm"', (96, 96)),
        ('width="1pc" height="2em"', (16, 32)),
        ('viewBox="0 0 640 480"', (640, 480)),
        ('viewBox="-10,-10, 64.5 ,48"', (65, 48)),
        ('width="50%" height="100%" viewBox="0 0 640 480"', (320, 480)),
        ('width="800" viewBox="0 0 400 300"', (800, 600)),
        ('height="600" viewBox="0 0 400 300"', (800, 600)),
        ('width="100%" height="100%"', (100, 100)),
        ("", (100, 100)),
        ("width='12' height = '8' data-x=\"a>b\"", (12, 8)),
    ],
)
def test_svg_sizes(tmp_path: Path, attributes: str, size: tuple[int, int]) -> None:
    assert image_size(write(tmp_path, "a.svg", SVG.format(attributes))) == ("svg", *size)


def test_svg_prologue_prefix_and_bom(tmp_path: Path) -> None:
    text = (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by <hand> -->\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/svg11.dtd">\n'
        '<svg:svg xmlns:svg="http://www.w3.org/2000/svg" svg:width="40" height="30"/>'
    )
    assert image_size(write(tmp_path, "a.svg", text)) == ("svg", 40, 30)


def test_svg_entities_are_never_expanded(tmp_path: Path) -> None:
    text = (
        '<!DOCTYPE svg [<!ENTITY a "1234567890"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="&b;" height="10"/>'
    )
    with pytest.raises(ImageHeaderError, match="XML entity"):
        image_size(write(tmp_path, "a.svg", text))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<html><body/></html>", "first element is <html>"),
        ("hello world", "not a PNG, JPEG, GIF, WebP or SVG"),
        ('<svg width="-3" height="4"/>', "not a positive size"),
        ('<svg width="wide" height="4"/>', "malformed width"),
        ('<svg viewBox="0 0 10"/>', "malformed viewBox"),
        ('<svg width="10" height="10"', "malformed"),
        ('<svg width="1e12" height="10"/>', "not a positive size"),
    ],
)
def test_svg_errors(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ImageHeaderError, match=reason):
        image_size(write(tmp_path, "a.svg", text))


def test_svg_root_tag_beyond_the_bounded_read(tmp_path: Path) -> None:
    text = "<!--" + "x" * HEAD_BYTES + '--><svg width="1" height="1"/>'
    with pytest.raises(ImageHeaderError, match="prologue is longer than 64 KiB"):
        image_size(write(tmp_path, "a.svg", text))
    long_tag = '<svg width="1" height="1" data-x="' + "y" * HEAD_BYTES + '"/>'
    with pytest.raises(ImageHeaderError, match="longer than 64 KiB"):
        image_size(write(tmp_path, "b.svg", long_tag))


def _svg_embedding(href: str, extra: str = "") -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="100" height="100">{extra}<image width="10" height="10" xlink:href="{href}"/></svg>'
    )


def test_svg_embedding_a_hostile_png_is_refused(tmp_path: Path) -> None:
    bomb = base64.encodebytes(png(100_000, 100_000, idat=b"")).decode()  # wrapped at 76
    path = write(tmp_path, "a.svg", _svg_embedding(f"data:image/png;base64,\n{bomb}"))
    assert image_size(path) == ("svg", 100, 100)
    assert image_problem(path) == (
        "embeds a PNG of 100000×100000 pixels; the limit is 40 megapixels (e.g. 8000×5000); "
        "scale the image down"
    )


def test_svg_embedding_small_images_and_fonts_passes(tmp_path: Path) -> None:
    small = base64.b64encode(png(4, 4)).decode()
    style = "<style>@font-face{src:url(data:font/woff2;base64,d09GMgABAAAAA)}</style>"
    text = _svg_embedding(f"data:image/png;base64,{small}", extra=style)
    assert image_problem(write(tmp_path, "a.svg", text)) is None


def test_svg_embedding_many_images_adds_up(tmp_path: Path) -> None:
    one = base64.b64encode(png(6000, 6000, idat=b"")).decode()  # 36 MP each
    text = _svg_embedding(
        f"data:image/png;base64,{one}", extra=_svg_embedding(f"data:;base64,{one}")
    )
    reason = image_problem(write(tmp_path, "a.svg", text))
    assert reason is not None
    assert reason.startswith("embeds images of 72 megapixels in all")


def test_svg_embedding_percent_encoded_svg_or_hidden_href_is_refused(tmp_path: Path) -> None:
    inner = "data:image/svg+xml,%3Csvg%20width%3D%2210%22%20height%3D%2210%22%2F%3E"
    assert image_problem(write(tmp_path, "a.svg", _svg_embedding(inner))) == (
        "embeds an SVG inside the SVG; convert the inner one to PNG"
    )
    hidden = "&#100;ata:image/png;base64,AAAA"
    reason = image_problem(write(tmp_path, "b.svg", _svg_embedding(hidden)))
    assert reason is not None
    assert "character references" in reason
    garbage = "data:image/png;base64,bm90IGFuIGltYWdl"
    reason = image_problem(write(tmp_path, "c.svg", _svg_embedding(garbage)))
    assert reason is not None
    assert reason.startswith("embeds an image that cannot be checked")


# ---------------------------------------------------------------- image_problem and misc


def test_image_problem_limits(tmp_path: Path) -> None:
    assert MAX_IMAGE_PIXELS == 40_000_000
    assert image_problem(write(tmp_path, "ok.png", png(8000, 5000, idat=b""))) is None
    tall = image_problem(write(tmp_path, "tall.png", png(100, 30_000, idat=b"")))
    assert tall == (
        "declares 100×30000 pixels; the limit is 20000 pixels per side; scale the image down"
    )
    big = tmp_path / "big.png"
    with big.open("wb") as stream:  # sparse: no real disk use
        stream.write(png(10, 10))
        stream.truncate(MAX_IMAGE_FILE_BYTES + 5 * 2**20)
    assert image_problem(big) == (
        "is 25.0 MiB; the limit is 20 MiB per image; compress or scale it down"
    )


def test_image_problem_unreadable_or_unknown(tmp_path: Path) -> None:
    assert image_problem(tmp_path / "missing.png") == "cannot read it: No such file or directory"
    assert image_problem(write(tmp_path, "empty.png", b"")) == "an empty file, not an image"
    assert image_problem(write(tmp_path, "x.bmp", b"BM" + bytes(60))) == (
        "not a PNG, JPEG, GIF, WebP or SVG image"
    )
    assert image_problem(write(tmp_path, "x.svgz", b"\x1f\x8b\x08" + bytes(20))) == (
        "a gzip-compressed file (.svgz?); save the SVG uncompressed"
    )


def test_image_size_reads_a_bounded_prefix() -> None:
    reader = CountingReader(png(10, 10) + bytes(10 * HEAD_BYTES))
    assert imagesize._size(reader) == ("png", 10, 10)
    assert reader.count <= HEAD_BYTES + 1024  # the prefix, then chunk headers up to IEND


# ---------------------------------------------------------------- beyond the header


def _iccp(inflated: int) -> bytes:
    """An iCCP chunk whose profile inflates to ``inflated`` bytes of zeros."""
    packer = zlib.compressobj(9)
    block = bytes(1 << 20)
    body = b"".join(packer.compress(block) for _ in range(inflated >> 20)) + packer.flush()
    return _chunk(b"iCCP", b"icc\x00\x00" + body)


def _with_chunk(image: bytes, chunk: bytes) -> bytes:
    """The PNG with ``chunk`` right after its IHDR."""
    return image[:33] + chunk + image[33:]


def test_png_colour_profile_that_inflates_is_refused_without_inflating_it(tmp_path: Path) -> None:
    small = write(tmp_path, "ok.png", _with_chunk(png(10, 10), _iccp(1 << 20)))
    assert image_problem(small) is None
    bomb = write(tmp_path, "bomb.png", _with_chunk(png(10, 10), _iccp(64 << 20)))
    assert bomb.stat().st_size < 100_000
    assert image_problem(bomb) == (
        "has a colour profile (iCCP) that inflates to more than "
        f"{MAX_PNG_CHUNK_INFLATED >> 20} MiB; save the image again without it"
    )


@pytest.mark.parametrize("kind", [b"zTXt", b"iTXt"])
def test_png_compressed_text_that_inflates_is_refused(tmp_path: Path, kind: bytes) -> None:
    text = zlib.compress(bytes(MAX_PNG_CHUNK_INFLATED + 1), 9)
    body = b"k\x00\x00" + text if kind == b"zTXt" else b"k\x00\x01\x00en\x00\x00" + text
    path = write(tmp_path, "t.png", _with_chunk(png(10, 10), _chunk(kind, body)))
    reason = image_problem(path)
    assert reason is not None and f"text chunk ({kind.decode()}) that inflates" in reason


def test_png_chunk_past_any_real_length_is_refused(tmp_path: Path) -> None:
    lying = struct.pack(">I", 2**31 + 5) + b"tEXt"
    path = write(tmp_path, "l.png", _with_chunk(png(10, 10), lying))
    assert "a damaged PNG: a b'tEXt' chunk of" in (image_problem(path) or "")


def test_apng_frames_are_held_to_the_pixel_limit(tmp_path: Path) -> None:
    frame = struct.pack(">IIIIIHHBB", 0, 11_000, 11_000, 0, 0, 1, 1, 0, 0)
    path = write(tmp_path, "a.png", _with_chunk(png(10, 10), _chunk(b"fcTL", frame)))
    assert "has an animation frame of 11000×11000 pixels" in (image_problem(path) or "")


def test_gif_frame_beyond_the_first_64_kib_is_sized(tmp_path: Path) -> None:
    """121 megapixels in a second frame after a 70 KB comment: the first 64 KiB look fine."""
    first = gif(100, 100)[:-1]  # without the trailer
    comment = b"\x21\xfe" + (b"\xff" + bytes(255)) * 280 + b"\x00"
    second = b"\x2c" + struct.pack("<HHHHB", 0, 0, 11_000, 11_000, 0) + b"\x02\x02\x44\x01\x00"
    path = write(tmp_path, "g.gif", first + comment + second + b"\x3b")
    assert path.stat().st_size > HEAD_BYTES
    assert image_size(path) == ("gif", 11_000, 11_000)
    assert "declares 11000×11000 pixels" in (image_problem(path) or "")


def test_svg_declared_size_is_held_to_the_pixel_limit(tmp_path: Path) -> None:
    path = write(
        tmp_path, "s.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="11000" height="11000"/>'
    )
    assert "declares 11000×11000 pixels" in (image_problem(path) or "")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('<filter id="f"><feTurbulence baseFrequency="0.9" numOctaves="99"/></filter>',
         "an SVG with a filter (<filter>)"),
        ('<feGaussianBlur stdDeviation="9"/>', "an SVG with a filter (<feGaussianBlur>)"),
        ('<image href="other.png" width="9" height="9"/>',
         "an SVG that refers to another file or address ('other.png')"),
        ('<image xlink:href="file:///etc/passwd"/>', "refers to another file or address"),
        ('<style>@import "https://example.org/a.css";</style>', "refers to another file"),
        ('<rect style="fill:url(http://example.org/p)"/>', "refers to another file"),
    ],
)  # fmt: skip
def test_svg_costly_or_outside_features_are_refused(tmp_path: Path, body: str, reason: str) -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="90">{body}</svg>'
    assert reason in (image_problem(write(tmp_path, "s.svg", svg)) or "")


def test_svg_entity_declarations_are_refused(tmp_path: Path) -> None:
    svg = '<!DOCTYPE svg [<!ENTITY a "x">]><svg xmlns="http://www.w3.org/2000/svg" width="9"/>'
    assert "declares XML entities" in (image_problem(write(tmp_path, "e.svg", svg)) or "")


def test_svg_inner_links_and_gradients_pass(tmp_path: Path) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="90" height="90"><defs><linearGradient id="g"/></defs>'
        '<rect fill="url(#g)" width="9" height="9"/><use xlink:href="#g"/>'
        '<rect style="fill: url( \'#g\')"/><style>a { fill: url("data:x") }</style></svg>'
    )
    assert image_problem(write(tmp_path, "ok.svg", svg)) is None
