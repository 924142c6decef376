"""template.yaml parsed once per machine and version, not at every run.

Its 45 KB (every field's labels and help in three languages) cost ``evalcli
check`` about a sixth of its start-up to parse; the same nodes decode from a
cache file four times faster. The file sits in the user's cache folder
(``$XDG_CACHE_HOME/evalcli``, else ``~/.cache/evalcli``), one per template
path, with evalcli's version, the path and the very text it was parsed from.
A changed template, another version, or a file that is missing, damaged,
a link, or not the user's alone is parsed again, and never fails a run. As
for the build manifest's key, a cache folder inside the git work tree (where
a pull request could commit a forged file) is not used at all. The file is
data only: the nodes as nested tuples of strings, numbers and booleans in
``marshal``'s format (built in, so nothing more to import), sealed with this
user's key (``private.seal``): a damaged, copied or forged file fails the
seal and the template is parsed again. Nothing in it is imported or called.
"""

from __future__ import annotations

import binascii
import marshal
import os
from pathlib import Path
from typing import Any

from evalcli import __version__
from evalcli.diagnostics import Finding, Location
from evalcli.private import read_private, seal, trusted_folder, unseal, user_folder, write_private
from evalcli.template.spec import is_bundled
from evalcli.yamlnodes import Entry, Map, Node, Scalar, Seq, parse_yaml

FORMAT = "3"  # of the cache files: raise it when the node types change
MAX_CACHE_BYTES = 16 * 2**20
_MAGIC = b"evalcli-template\n"
_PURPOSE = b"evalcli nodes"
_SCALAR, _SEQ, _MAP = 0, 1, 2
_location = tuple.__new__  # Location(file, line, column) without the named tuple's own __new__


def _pack(node: Node) -> tuple[Any, ...]:
    """A node as nested tuples of plain values (its file is the template's, so left out)."""
    loc = node.loc
    if isinstance(node, Scalar):
        return (_SCALAR, loc.line, loc.column, node.text, node.plain, *node.span, node.split)
    if isinstance(node, Seq):
        return (_SEQ, loc.line, loc.column, node.flow, tuple(_pack(item) for item in node.items))
    entries = tuple(
        (key, entry.key_loc.line, entry.key_loc.column, _pack(entry.value))
        for key, entry in node.entries.items()
    )
    return (_MAP, loc.line, loc.column, node.flow, entries)


def _unpack(packed: tuple[Any, ...], file: Path) -> Node:
    """The node ``_pack`` gave; a tuple of another shape raises (ValueError, TypeError...)."""
    kind = packed[0]
    if kind == _SCALAR:
        _kind, line, column, text, plain, start, end, split = packed
        return Scalar(text, _location(Location, (file, line, column)), plain, (start, end), split)
    _kind, line, column, flow, children = packed
    loc = _location(Location, (file, line, column))
    if kind == _SEQ:
        return Seq([_unpack(item, file) for item in children], loc, flow)
    if kind != _MAP:
        raise ValueError(f"not a node kind: {kind!r}")
    entries = {
        key: Entry(key, _location(Location, (file, key_line, key_column)), _unpack(value, file))
        for key, key_line, key_column, value in children
    }
    return Map(entries, loc, flow)


def encode(made_by: str, source: Path, text: str, root: Node) -> bytes | None:
    """A cache file's bytes: for ``made_by`` (version and format), this path and this text,
    sealed with this user's key; None when there is no key to seal with."""
    sealed = seal(marshal.dumps((made_by, str(source), text, _pack(root))), _PURPOSE)
    return None if sealed is None else _MAGIC + sealed


def decode(data: bytes, made_by: str, source: Path, text: str) -> Node | None:
    """The nodes in a cache file's bytes if this user's evalcli sealed them, made by
    ``made_by`` from this very path and text; else None."""
    payload = unseal(data[len(_MAGIC) :], _PURPOSE) if data.startswith(_MAGIC) else None
    if payload is None:
        return None
    try:
        cached_by, cached_source, cached_text, packed = marshal.loads(payload)
        if (cached_by, cached_source, cached_text) != (made_by, str(source), text):
            return None
        return _unpack(packed, source)
    except (ValueError, TypeError, EOFError, IndexError, RecursionError, MemoryError):
        return None


def cache_folder() -> Path:
    """Where this user's parsed templates are kept."""
    return user_folder("XDG_CACHE_HOME", ".cache") / "templates"


def _file(source: Path) -> Path:
    """The cache file of a template path (two paths may share one: each then parses)."""
    name = binascii.crc32(os.fsencode(source))  # a name, not a check: hashlib loads OpenSSL
    return cache_folder() / f"{name:08x}.nodes"


def parse_template_yaml(text: str, source: Path) -> tuple[Node | None, list[Finding]]:
    """``parse_yaml(text, source)``, from the cache when it holds this very text.

    Only the templates evalcli ships are kept: a project's own (``--template-dir``,
    maybe a pull request's) are parsed at every run, so no repository fills the
    user's cache folder with templates of its own.
    """
    made_by, file = f"{__version__} {FORMAT}", _file(source)
    if not is_bundled(source) or not trusted_folder(file.parent):
        return parse_yaml(text, source)
    data = read_private(file, MAX_CACHE_BYTES)
    if data is not None and len(data) <= MAX_CACHE_BYTES:
        cached = decode(data, made_by, source, text)
        if cached is not None:
            return cached, []
    root, findings = parse_yaml(text, source)
    if root is not None and not findings:
        data = encode(made_by, source, text, root)
        if data is not None:
            write_private(file, data)
    return root, findings
