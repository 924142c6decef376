"""A DOCX package (OPC) read and written as python-docx reads and writes one, without it.

python-docx takes about 100 ms to import and builds an object for every
element; the DOCX polish needs a handful of XML edits. This module loads
the package into lxml trees and saves it back byte for byte as python-docx
would: the parts in the order of a depth-first walk of the relationships,
the XML parts python-docx parses serialized as it serializes them, the
relationships and content types written from scratch as it writes them.
``Unsupported`` says that a package needs python-docx itself.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any

from lxml import etree

from evalcli.outputs.zipnorm import write_zip
from evalcli.records import Record, field

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_EXTERNAL = "External"
# the parts python-docx parses into XML (docx/__init__.py); every other part stays bytes
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
XML_PARTS = frozenset(
    {
        "application/vnd.openxmlformats-package.core-properties+xml",
        f"{_WML}.comments+xml",
        f"{_WML}.document.main+xml",
        f"{_WML}.footer+xml",
        f"{_WML}.header+xml",
        f"{_WML}.numbering+xml",
        f"{_WML}.settings+xml",
        f"{_WML}.styles+xml",
    }
)
# content types a part's extension gives without an override (docx/opc/spec.py)
_DEFAULT_TYPES = frozenset(
    {
        ("bin", "application/vnd.openxmlformats-officedocument.presentationml.printerSettings"),
        ("bin", "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"),
        ("bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings"),
        ("bmp", "image/bmp"),
        ("emf", "image/x-emf"),
        ("fntdata", "application/x-fontdata"),
        ("gif", "image/gif"),
        ("jpe", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("jpg", "image/jpeg"),
        ("png", "image/png"),
        ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
        ("tif", "image/tiff"),
        ("tiff", "image/tiff"),
        ("wdp", "image/vnd.ms-photo"),
        ("wmf", "image/x-wmf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("xml", "application/xml"),
    }
)
PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


class Unsupported(Exception):
    """The package has something this reader does not do as python-docx does."""


def parse_xml(data: bytes | str) -> Any:
    """XML as python-docx parses it (insignificant white space dropped, no entities)."""
    return etree.fromstring(data, PARSER)


def serialize(element: Any) -> bytes:
    """An XML part as python-docx writes one."""
    return bytes(etree.tostring(element, encoding="UTF-8", standalone=True))


class Rel(Record):
    """One relationship: its type, and the part name it points at (or an external target)."""

    reltype: str
    target: str
    external: bool = False


class Part(Record):
    """One part: its content type, and its XML (``element``) or its bytes (``blob``)."""

    name: str  # "/word/document.xml"
    content_type: str
    blob: bytes = b""
    element: Any = None
    rels: dict[str, Rel] = field(default_factory=dict)

    def data(self) -> bytes:
        """The part's bytes as python-docx writes them."""
        return serialize(self.element) if self.element is not None else self.blob

    def related(self, reltype: str) -> list[str]:
        """The part names this part's relationships of ``reltype`` point at, in order."""
        return [r.target for r in self.rels.values() if r.reltype == reltype and not r.external]

    def next_rid(self) -> str:
        """The first free ``rIdN``, gaps first, as python-docx picks it."""
        for number in range(1, len(self.rels) + 2):
            if f"rId{number}" not in self.rels:
                return f"rId{number}"
        raise AssertionError("unreachable")  # pragma: no cover


def _base(partname: str) -> str:
    return posixpath.split(partname)[0]


def _rels_member(partname: str) -> str:
    base, filename = posixpath.split(partname)
    return posixpath.join(base, "_rels", f"{filename}.rels")[1:]


def _ext(partname: str) -> str:
    raw = posixpath.splitext(partname)[1]
    return raw[1:] if raw.startswith(".") else raw


class Package:
    """The parts of a DOCX, reachable from its relationships, in python-docx's order."""

    def __init__(self, data: bytes) -> None:
        archive = zipfile.ZipFile(io.BytesIO(data))
        self._members = set(archive.namelist())
        self._archive = archive
        types = parse_xml(archive.read("[Content_Types].xml"))
        self._overrides = {
            o.get("PartName").lower(): o.get("ContentType")
            for o in types.iterchildren(f"{{{CT_NS}}}Override")
        }
        self._defaults = {
            d.get("Extension").lower(): d.get("ContentType")
            for d in types.iterchildren(f"{{{CT_NS}}}Default")
        }
        self.rels = self._read_rels("/")
        self.parts: dict[str, Part] = {}
        self._walk(self.rels)
        del self._archive

    def _read_rels(self, partname: str) -> dict[str, Rel]:
        member = "_rels/.rels" if partname == "/" else _rels_member(partname)
        rels: dict[str, Rel] = {}
        if member not in self._members:
            return rels
        base = "/" if partname == "/" else _base(partname)
        for item in parse_xml(self._archive.read(member)).iterchildren(f"{{{PR_NS}}}Relationship"):
            target = item.get("Target")
            external = item.get("TargetMode", "Internal") == _EXTERNAL
            if not external:
                target = posixpath.abspath(posixpath.join(base, target))
            rels[item.get("Id")] = Rel(item.get("Type"), target, external)
        return rels

    def _content_type(self, partname: str) -> str:
        if partname.lower() in self._overrides:
            found = self._overrides[partname.lower()]
        elif _ext(partname).lower() in self._defaults:
            found = self._defaults[_ext(partname).lower()]
        else:
            raise Unsupported(partname)
        if not isinstance(found, str):
            raise Unsupported(partname)
        return found

    def _walk(self, rels: dict[str, Rel]) -> None:
        for rel in rels.values():
            if rel.external or rel.target in self.parts:
                continue
            member = rel.target[1:]
            if member not in self._members:
                raise Unsupported(rel.target)
            content_type = self._content_type(rel.target)
            blob = self._archive.read(member)
            part = Part(rel.target, content_type)
            self.parts[rel.target] = part
            part.rels = self._read_rels(rel.target)
            if content_type in XML_PARTS:
                part.element = parse_xml(blob)
            else:
                part.blob = blob
            self._walk(part.rels)

    def related(self, reltype: str) -> list[str]:
        """The parts the package's own relationships of ``reltype`` point at."""
        return [r.target for r in self.rels.values() if r.reltype == reltype and not r.external]

    def next_partname(self, template: str) -> str:
        """``template % n`` for the first free n, as python-docx names a new part."""
        names = set(self._order())
        for number in range(1, len(names) + 2):
            if template % number not in names:
                return template % number
        raise AssertionError("unreachable")  # pragma: no cover

    def _order(self) -> list[str]:
        seen: list[str] = []

        def walk(rels: dict[str, Rel]) -> None:
            for rel in rels.values():
                if rel.external or rel.target in seen:
                    continue
                seen.append(rel.target)
                walk(self.parts[rel.target].rels)

        walk(self.rels)
        return seen

    def save(self) -> bytes:
        """The package as python-docx saves it, zipped with fixed times (``zipnorm``)."""
        order = [self.parts[name] for name in self._order()]
        members = [
            ("[Content_Types].xml", _content_types(order)),
            ("_rels/.rels", _rels(self.rels, "/")),
        ]
        for part in order:
            members.append((part.name[1:], part.data()))
            if part.rels:
                members.append((_rels_member(part.name), _rels(part.rels, _base(part.name))))
        return write_zip(members)


def _content_types(parts: list[Part]) -> bytes:
    defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "xml": "application/xml",
    }
    overrides: dict[str, str] = {}
    for part in parts:
        ext = _ext(part.name)
        if (ext.lower(), part.content_type) in _DEFAULT_TYPES:
            defaults[ext.lower()] = part.content_type
        else:
            overrides[part.name] = part.content_type
    types = parse_xml(f'<Types xmlns="{CT_NS}"/>')
    for ext in sorted(defaults):
        default = parse_xml(f'<Default xmlns="{CT_NS}"/>')
        default.set("Extension", ext)
        default.set("ContentType", defaults[ext])
        types.append(default)
    for name in sorted(overrides):
        override = parse_xml(f'<Override xmlns="{CT_NS}"/>')
        override.set("PartName", name)
        override.set("ContentType", overrides[name])
        types.append(override)
    return serialize(types)


def _rels(rels: dict[str, Rel], base: str) -> bytes:
    root = parse_xml(f'<Relationships xmlns="{PR_NS}"/>')
    for rid, rel in rels.items():
        item = parse_xml(f'<Relationship xmlns="{PR_NS}"/>')
        item.set("Id", rid)
        item.set("Type", rel.reltype)
        if rel.external:
            target = rel.target
        else:
            target = rel.target[1:] if base == "/" else posixpath.relpath(rel.target, base)
        item.set("Target", target)
        if rel.external:
            item.set("TargetMode", _EXTERNAL)
        root.append(item)
    return serialize(root)
