"""An image's format and pixel size from its header alone, and a size check before Typst.

Stdlib only. Reads a bounded prefix (``HEAD_BYTES``) of the file; JPEG is walked
marker by marker with small reads and seeks. SVG is read with regular
expressions on that prefix, never with an XML parser (no entity expansion).
"""

from __future__ import annotations

import base64
import binascii
import io
import mmap
import re
import struct
import urllib.parse
import zlib
from pathlib import Path
from typing import BinaryIO

from evalcli import regexes
from evalcli.files import open_report_file
from evalcli.i18n import Message, msg
from evalcli.limits import MAX_IMAGE_BYTES as MAX_IMAGE_FILE_BYTES
from evalcli.limits import MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_PNG_CHUNK_INFLATED

HEAD_BYTES = 64 * 1024
FORMATS = ("png", "jpeg", "gif", "webp", "svg")

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_MAX_SEGMENTS = 1024
_JPEG_MAX_FILL = 64
# SOF0-3, 5-7, 9-11, 13-15: baseline, extended, progressive, lossless, hierarchical, arithmetic
_JPEG_SOF = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_GIF_MAX_BLOCKS = 100_000  # frames and extensions; a real chart has a few
_PNG_MAX_CHUNKS = 100_000
_PNG_COMPRESSED = frozenset({b"iCCP", b"zTXt", b"iTXt"})
_EMBED_PREFIX = 256 * 1024  # decoded bytes of an image embedded in an SVG that we look at

_PROLOGUE = regexes.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S | re.I
)
_ROOT = regexes.compile(
    r"<(?:[A-Za-z_][\w.-]*:)?svg((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>"
)
_ROOT_START = regexes.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg(?=[\s/>])")
_ATTRIBUTE = regexes.compile(r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_LENGTH = regexes.compile(
    r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|q|em|ex|%)?\s*",
    re.I,
)
# CSS absolute units in px at 96 dpi; em and ex at the CSS default font size of 16 px
_UNITS = {
    "": 1.0,
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "mm": 96 / 25.4,
    "cm": 96 / 2.54,
    "in": 96.0,
    "q": 96 / 101.6,
    "em": 16.0,
    "ex": 8.0,
}
_SVG_DEFAULT = 100.0  # resvg's viewport when an SVG gives neither a size nor a viewBox
_DATA_URI = regexes.compile(rb"data:([A-Za-z0-9.+/-]*)((?:;[A-Za-z0-9=.+-]*)*),", re.I)
# an href hidden behind character references (&#100;ata:...) that the scan above would miss
_ESCAPED_HREF = regexes.compile(
    rb"href\s*=\s*(?:\"(?!\s*(?:https?://|#))[^\"&]*&|'(?!\s*(?:https?://|#))[^'&]*&)"
)
# linear: each pattern starts at a fixed character and its runs cannot overlap
_SVG_ENTITY = regexes.compile(rb"<!ENTITY", re.I)
_SVG_FILTER = regexes.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,40}:)?(filter|fe[A-Z][A-Za-z]{0,30})(?=[\s/>])"
)
_SVG_EXTERNAL = regexes.compile(
    # atomic: the opening quote, once read, is never given back to the look-ahead
    rb"(?>href\s{0,40}=\s{0,40}[\"']|url\(\s{0,40}[\"']?|@import\s{0,40}[\"']?)"
    rb"(?!\s{0,40}(?:#|data:))([^\"')>]{0,80})",
    re.I,
)
_BASE64_RUN = regexes.compile(rb"[A-Za-z0-9+/=\s]*")
_URI_RUN = regexes.compile(rb"[^\"'<>\s)]*")


class ImageHeaderError(ValueError):
    """Not an image we can size: unknown format, truncated header or nonsense values."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


def image_size(path: Path) -> tuple[str, int, int]:
    """(format, width, height) from the header; format is one of ``FORMATS``.

    SVG sizes are in CSS px (96 dpi), rounded up. Raises ImageHeaderError with a
    short reason, or OSError if the file cannot be read.
    """
    with open_report_file(path) as stream:
        return _size(stream)


def image_problem(path: Path) -> str | None:
    """``image_reason`` as text in the language of this run."""
    reason = image_reason(path)
    return reason.render() if reason is not None else None


def image_reason(path: Path) -> Message | None:
    """None if Typst may safely decode the image, else a one-line reason to refuse it."""
    try:
        file_bytes = path.stat().st_size
        if file_bytes > MAX_IMAGE_FILE_BYTES:
            return msg(
                "is {size} MiB; the limit is {limit} MiB per image; compress or scale it down",
                size=format(file_bytes / 2**20, ".1f"),
                limit=MAX_IMAGE_FILE_BYTES // 2**20,
            )
        kind, width, height = image_size(path)
        if kind == "svg":
            return _pixel_reason(width, height) or _check_svg_embedded(path)
    except ImageHeaderError as exc:
        return exc.message
    except OSError as exc:
        return msg("cannot read it: {problem}", problem=exc.strerror or str(exc))
    return _pixel_reason(width, height)


def _pixel_reason(width: int, height: int, what: Message | None = None) -> Message | None:
    """Too many pixels, or too long a side; ``what`` is the part of the image that has them
    (default: the image itself, "declares")."""
    size = f"{width}×{height}"
    if width * height > MAX_IMAGE_PIXELS:
        limit = msg(
            "the limit is {megapixels} megapixels (e.g. 8000×5000)",
            megapixels=format(MAX_IMAGE_PIXELS / 1e6, "g"),
        )
    elif max(width, height) > MAX_IMAGE_SIDE:
        limit = msg("the limit is {pixels} pixels per side", pixels=MAX_IMAGE_SIDE)
    else:
        return None
    return msg(
        "{what} {size} pixels; {limit}; scale the image down",
        what=what or msg("declares"),
        size=size,
        limit=limit,
    )


def _size(stream: BinaryIO) -> tuple[str, int, int]:
    head = stream.read(HEAD_BYTES)
    if not head:
        raise ImageHeaderError(msg("an empty file, not an image"))
    if head.startswith(_PNG_SIGNATURE):
        size = _png(head)
        _png_chunks(stream)
        return size
    if head.startswith(b"\xff\xd8\xff"):
        return _jpeg(stream)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _gif(stream)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head.startswith(b"\x1f\x8b"):
        raise ImageHeaderError(msg("a gzip-compressed file (.svgz?); save the SVG uncompressed"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImageHeaderError(msg("a UTF-16 text file; save the SVG as UTF-8"))
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    if text.lstrip().startswith("<"):
        return _svg(text, truncated=len(head) == HEAD_BYTES)
    raise ImageHeaderError(msg("not a PNG, JPEG, GIF, WebP or SVG image"))


def _dimensions(kind: str, width: int, height: int) -> tuple[str, int, int]:
    if width <= 0 or height <= 0:
        raise ImageHeaderError(
            msg(
                "a damaged {kind} header: it declares {size}",
                kind=kind.upper(),
                size=str(width) + "×" + str(height),
            )
        )
    return kind, width, height


def _png(head: bytes) -> tuple[str, int, int]:
    if len(head) < 33:
        raise ImageHeaderError(msg("a truncated PNG header"))
    length, kind = struct.unpack(">I4s", head[8:16])
    if kind != b"IHDR" or length != 13:
        raise ImageHeaderError(msg("a damaged PNG: it does not start with an IHDR chunk"))
    (crc,) = struct.unpack(">I", head[29:33])
    if zlib.crc32(head[12:29]) != crc:
        raise ImageHeaderError(msg("a damaged PNG: the IHDR checksum is wrong"))
    width, height = struct.unpack(">II", head[16:24])
    if width >= 2**31 or height >= 2**31:
        raise ImageHeaderError(msg("a damaged PNG header: its size is out of range"))
    return _dimensions("png", width, height)


def _png_chunks(stream: BinaryIO) -> None:
    """Walk every chunk: lengths in range, frames (APNG) in the pixel limits, and the
    compressed profile and text chunks (iCCP, zTXt, iTXt) inflating to little."""
    stream.seek(8)
    for _ in range(_PNG_MAX_CHUNKS):
        header = stream.read(8)
        if len(header) < 8:
            return  # Typst reports a truncated PNG itself; nothing here grows
        length, kind = struct.unpack(">I4s", header)
        if length >= 2**31:
            raise ImageHeaderError(
                msg(
                    "a damaged PNG: a {chunk} chunk of {length} bytes",
                    chunk=repr(kind),
                    length=length,
                )
            )
        if kind == b"IEND":
            return
        if kind == b"fcTL" and length >= 12:  # an animation frame
            body = stream.read(length)
            frame_w, frame_h = struct.unpack(">II", body[4:12])
            reason = _pixel_reason(frame_w, frame_h, msg("has an animation frame of"))
            if reason:
                raise ImageHeaderError(reason)
        elif kind in _PNG_COMPRESSED:
            _png_inflated(kind, stream.read(length))
        else:
            stream.seek(length, io.SEEK_CUR)
        stream.seek(4, io.SEEK_CUR)  # the CRC
    raise ImageHeaderError(msg("a PNG of more than {n} chunks; save it again", n=_PNG_MAX_CHUNKS))


def _png_inflated(kind: bytes, body: bytes) -> None:
    """Refuse a compressed chunk that inflates past ``MAX_PNG_CHUNK_INFLATED``, without
    inflating more than that."""
    keyword_end = body.find(b"\0")
    if keyword_end < 0:
        raise ImageHeaderError(
            msg("a damaged PNG: its {chunk} chunk has no keyword", chunk=kind.decode())
        )
    if kind == b"iTXt":
        if body[keyword_end + 1 : keyword_end + 2] != b"\1":
            return  # uncompressed text
        start = keyword_end + 3
        for _ in range(2):  # the language tag and the translated keyword
            start = body.find(b"\0", start) + 1
            if start <= 0:
                raise ImageHeaderError(msg("a damaged PNG: an iTXt chunk without its fields"))
    else:
        start = keyword_end + 2  # the keyword's null and the compression method
    inflater = zlib.decompressobj()
    try:
        inflated = len(inflater.decompress(body[start:], MAX_PNG_CHUNK_INFLATED + 1))
    except zlib.error:
        reason = msg("a damaged PNG: its {chunk} chunk does not inflate", chunk=kind.decode())
        raise ImageHeaderError(reason) from None
    if inflated > MAX_PNG_CHUNK_INFLATED or inflater.unconsumed_tail:
        name = (
            msg("colour profile (iCCP)")
            if kind == b"iCCP"
            else msg("text chunk ({chunk})", chunk=kind.decode())
        )
        raise ImageHeaderError(
            msg(
                "has a {name} that inflates to more than {mib} MiB; "
                "save the image again without it",
                name=name,
                mib=MAX_PNG_CHUNK_INFLATED // 2**20,
            )
        )


def _read(stream: BinaryIO, count: int) -> bytes:
    data = stream.read(count)
    if len(data) < count:
        raise ImageHeaderError(msg("a truncated JPEG: it ends before its frame header"))
    return data


def _jpeg(stream: BinaryIO) -> tuple[str, int, int]:
    """Walk the markers after SOI up to the first SOF, seeking over segment bodies."""
    stream.seek(2)
    for _ in range(_JPEG_MAX_SEGMENTS):
        if _read(stream, 1) != b"\xff":
            raise ImageHeaderError(
                msg("a damaged JPEG: no marker at byte {at}", at=stream.tell() - 1)
            )
        marker = _read(stream, 1)[0]
        fill = 0
        while marker == 0xFF:
            fill += 1
            if fill > _JPEG_MAX_FILL:
                raise ImageHeaderError(msg("a damaged JPEG: a run of fill bytes"))
            marker = _read(stream, 1)[0]
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD8, 0xD9, 0xDA, 0x00):
            raise ImageHeaderError(msg("a damaged JPEG: no frame header before the image data"))
        (length,) = struct.unpack(">H", _read(stream, 2))
        if length < 2:
            raise ImageHeaderError(msg("a damaged JPEG: a segment shorter than its header"))
        if marker in _JPEG_SOF:
            if length < 8:
                raise ImageHeaderError(msg("a damaged JPEG frame header"))
            _precision, height, width = struct.unpack(">BHH", _read(stream, 5))
            if height == 0:
                raise ImageHeaderError(
                    msg("a JPEG whose height is only given later (DNL); re-save it")
                )
            return _dimensions("jpeg", width, height)
        stream.seek(length - 2, io.SEEK_CUR)
    raise ImageHeaderError(
        msg("a damaged JPEG: no frame header in its first {n} segments", n=_JPEG_MAX_SEGMENTS)
    )


def _gif(stream: BinaryIO) -> tuple[str, int, int]:
    """The logical screen, grown to cover every frame (Typst decodes them all at that size).

    Walks the whole file block by block, seeking over the image data, so a
    huge frame after the first 64 KiB is seen too.
    """
    stream.seek(0)
    header = stream.read(13)
    if len(header) < 13:
        raise ImageHeaderError(msg("a truncated GIF header"))
    width, height, flags = struct.unpack("<HHB", header[6:11])
    if flags & 0x80:
        stream.seek(3 << ((flags & 7) + 1), io.SEEK_CUR)
    for _ in range(_GIF_MAX_BLOCKS):
        block = stream.read(1)
        if block == b"\x2c":  # an image descriptor
            descriptor = stream.read(9)
            if len(descriptor) < 9:
                break
            left, top, frame_w, frame_h, frame_flags = struct.unpack("<HHHHB", descriptor)
            width, height = max(width, left + frame_w), max(height, top + frame_h)
            if frame_flags & 0x80:
                stream.seek(3 << ((frame_flags & 7) + 1), io.SEEK_CUR)
            stream.seek(1, io.SEEK_CUR)  # the LZW code size
        elif block == b"\x21":  # an extension: its label, then sub-blocks
            stream.seek(1, io.SEEK_CUR)
        else:  # the trailer (0x3b), the end of the file, or damage: what was read stands
            break
        while (length := stream.read(1)) and length != b"\0":  # sub-blocks up to the end
            stream.seek(length[0], io.SEEK_CUR)
    else:
        raise ImageHeaderError(
            msg("a GIF of more than {n} blocks; save it as PNG", n=_GIF_MAX_BLOCKS)
        )
    return _dimensions("gif", width, height)


def _webp(head: bytes) -> tuple[str, int, int]:
    if len(head) < 30:
        raise ImageHeaderError(msg("a truncated WebP header"))
    chunk = head[12:16]
    if chunk == b"VP8 ":
        if head[23:26] != b"\x9d\x01\x2a":
            raise ImageHeaderError(msg("a damaged WebP: no VP8 key frame"))
        width, height = struct.unpack("<HH", head[26:30])
        return _dimensions("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L":
        if head[20] != 0x2F:
            raise ImageHeaderError(msg("a damaged WebP: bad VP8L signature"))
        (bits,) = struct.unpack("<I", head[21:25])
        return _dimensions("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return _dimensions("webp", width, height)
    raise ImageHeaderError(msg("a WebP with an unknown first chunk {chunk}", chunk=repr(chunk)))


def _svg(text: str, truncated: bool) -> tuple[str, int, int]:
    pos = 0
    while (match := _PROLOGUE.match(text, pos)) and match.end() > pos:
        pos = match.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if not _ROOT_START.match(text, pos):
        if truncated and text.startswith(("<!", "<?"), pos):
            raise ImageHeaderError(msg("an SVG whose prologue is longer than 64 KiB"))
        element = re.match(r"<([^\s>/]*)", text[pos:])
        name = element.group(1) if element else ""
        raise ImageHeaderError(
            msg("not an image (a text file whose first element is <{name}>)", name=name)
        )
    root = _ROOT.match(text, pos)
    if root is None:
        raise ImageHeaderError(
            msg("an SVG whose <svg> tag is longer than 64 KiB")
            if truncated
            else msg("an SVG whose <svg> tag is malformed")
        )
    attributes = {
        name.rsplit(":", 1)[-1] if name.startswith("svg:") else name: value_dq or value_sq
        for name, value_dq, value_sq in _ATTRIBUTE.findall(root.group(1))
    }
    box = _viewbox(attributes.get("viewBox"))
    width = _svg_length(attributes.get("width"), box[0] if box else None, "width")
    height = _svg_length(attributes.get("height"), box[1] if box else None, "height")
    if width is None and height is None:
        width, height = box or (_SVG_DEFAULT, _SVG_DEFAULT)
    elif width is None:  # keep the viewBox's aspect ratio, as browsers do
        assert height is not None
        width = height * box[0] / box[1] if box else _SVG_DEFAULT
    elif height is None:
        height = width * box[1] / box[0] if box else _SVG_DEFAULT
    return _dimensions("svg", _ceil(width), _ceil(height))


def _ceil(value: float) -> int:
    if value > 2**31:
        raise ImageHeaderError(msg("an SVG whose size is out of range"))
    return max(1, -int(-value // 1))


def _viewbox(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    parts = value.replace(",", " ").split()
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ImageHeaderError(
            msg("an SVG with a malformed viewBox {value}", value=repr(value[:40]))
        ) from None
    if len(numbers) != 4 or not all(0 < n < 1e9 for n in numbers[2:]):
        raise ImageHeaderError(
            msg("an SVG with a malformed viewBox {value}", value=repr(value[:40]))
        )
    return numbers[2], numbers[3]


def _svg_length(value: str | None, box: float | None, name: str) -> float | None:
    """A root width or height in px; a percentage is of the viewBox (or resvg's 100 px)."""
    if value is None or value.strip() in ("", "auto"):
        return None
    if "&" in value:
        raise ImageHeaderError(
            msg("an SVG whose {name} uses an XML entity; write the number itself", name=name)
        )
    match = _LENGTH.fullmatch(value)
    if match is None:
        raise ImageHeaderError(
            msg("an SVG with a malformed {name} {value}", name=name, value=repr(value[:40]))
        )
    number, unit = float(match.group(1)), (match.group(2) or "").lower()
    if not 0 < number < 1e9:
        raise ImageHeaderError(
            msg(
                "an SVG whose {name} is not a positive size: {value}",
                name=name,
                value=repr(value[:40]),
            )
        )
    if unit == "%":
        return (box if box is not None else _SVG_DEFAULT) * number / 100
    return number * _UNITS[unit]


def _check_svg_embedded(path: Path) -> Message | None:
    """Size the raster images an SVG embeds as data: URIs; Typst decodes them in full.

    Scans the whole file through mmap (constant memory) and decodes at most
    ``_EMBED_PREFIX`` bytes of each embedded image.
    """
    with open_report_file(path) as stream:
        if path.stat().st_size == 0:
            return None
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if _ESCAPED_HREF.search(data):
                return msg("an SVG link written with XML character references; write it plainly")
            costly = _svg_features(data)
            if costly:
                return costly
            total = 0
            for match in _DATA_URI.finditer(data):
                payload = _embedded_prefix(data, match)
                try:
                    kind, width, height = _size(io.BytesIO(payload))
                except ImageHeaderError as exc:
                    mime = match.group(1).lower()
                    if mime.startswith(b"image/") or mime in (b"", b"text/plain"):
                        return msg(
                            "embeds an image that cannot be checked ({problem})",
                            problem=exc.message,
                        )
                    continue  # a font or style sheet: resvg does not decode it as an image
                if kind == "svg":
                    return msg("embeds an SVG inside the SVG; convert the inner one to PNG")
                reason = _pixel_reason(width, height, msg("embeds a {kind} of", kind=kind.upper()))
                if reason:
                    return reason
                total += width * height
                if total > MAX_IMAGE_PIXELS:
                    return msg(
                        "embeds images of {total} megapixels in all; the limit is "
                        "{limit} megapixels; scale them down",
                        total=format(total / 1e6, ".0f"),
                        limit=format(MAX_IMAGE_PIXELS / 1e6, "g"),
                    )
    return None


def _svg_features(data: mmap.mmap) -> Message | None:
    """An SVG feature that reads other files or costs unbounded time, named; else None.

    Refused: entity declarations, links to anything but the SVG itself or a
    data: URI, style sheets that import or point outside, and filters (an
    feTurbulence of 1.4 KB ran 67 s at 835 MB in Typst).
    """
    if _SVG_ENTITY.search(data):
        return msg("an SVG that declares XML entities; export it again without a DOCTYPE")
    found = _SVG_FILTER.search(data)
    if found:
        name = found.group(1).decode("ascii", "replace")
        return msg(
            "an SVG with a filter (<{name}>), which can take minutes to render; "
            "export it as PNG, or without filters",
            name=name,
        )
    found = _SVG_EXTERNAL.search(data)
    if found:
        target = found.group(1).decode("utf-8", "replace").strip()[:40]
        return msg(
            "an SVG that refers to another file or address ({target}); "
            "embed the image, or export it as PNG",
            target=repr(target),
        )
    return None


def _embedded_prefix(data: mmap.mmap, match: re.Match[bytes]) -> bytes:
    start = match.end()
    if b";base64" in match.group(2).lower():
        encoded = _BASE64_RUN.match(data, start, start + _EMBED_PREFIX * 4 // 3 + 4096)
        assert encoded is not None  # the pattern matches the empty string
        compact = re.sub(rb"\s+", b"", encoded.group()).rstrip(b"=")
        compact = compact[: len(compact) // 4 * 4]
        try:
            return base64.b64decode(compact)
        except (binascii.Error, ValueError):
            return b""
    raw = _URI_RUN.match(data, start, start + _EMBED_PREFIX * 3)
    assert raw is not None
    return urllib.parse.unquote_to_bytes(raw.group())[:_EMBED_PREFIX]
