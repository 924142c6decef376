"""template.yaml parsed once per machine and version, not at every run.

Its 45 KB (every field's labels and help in three languages) cost ``evalcli
check`` about a sixth of its start-up to parse; the same nodes decode from a
cache file four times faster. The file sits in the user's cache folder
(``$XDG_CACHE_HOME/evalcli``, else ``~/.cache/evalcli``), one per template
path, with evalcli's version, the path and the very text it was parsed from.
A changed template, another version, or a file that is missing, damaged,
a link, or not the user's alone is parsed again, and never fails a run. As
for the build manifest's key, a cache folder inside the git work tree (where
a pull request could commit a forged file) is not used at all. msgspec
decodes the file into the node types and nothing else, so nothing in it can
run.
"""

from __future__ import annotations

import binascii
import contextlib
import os
from pathlib import Path

import msgspec

from evalcli import __version__
from evalcli.diagnostics import Finding
from evalcli.files import read_private, trusted_folder, user_folder
from evalcli.yamlnodes import Node, parse_yaml

FORMAT = "1"  # of the cache files: raise it when the node types change
MAX_CACHE_BYTES = 16 * 2**20


class _Cached(msgspec.Struct, array_like=True):
    made_by: str  # evalcli's version and the cache format
    source: str
    text: str  # what was parsed: the cache serves this very text only
    root: Node


def cache_folder() -> Path:
    """Where this user's parsed templates are kept."""
    return user_folder("XDG_CACHE_HOME", ".cache") / "templates"


def _file(source: Path) -> Path:
    """The cache file of a template path (two paths may share one: each then parses)."""
    name = binascii.crc32(os.fsencode(source))  # not hashlib: loading OpenSSL costs more
    return cache_folder() / f"{name:08x}.msgpack"


def _write(file: Path, data: bytes) -> None:
    """Write the cache file whole (a temporary file renamed); a failure only costs speed."""
    import tempfile  # only on the run that fills the cache

    with contextlib.suppress(OSError):
        handle, name = tempfile.mkstemp(prefix=".tmp-", dir=file.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            temporary.replace(file)
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def parse_template_yaml(text: str, source: Path) -> tuple[Node | None, list[Finding]]:
    """``parse_yaml(text, source)``, from the cache when it holds this very text."""
    made_by, file = f"{__version__} {FORMAT}", _file(source)
    if not trusted_folder(file.parent):  # inside a checkout, or not the user's alone
        return parse_yaml(text, source)
    data = read_private(file, MAX_CACHE_BYTES)
    if data is not None and len(data) <= MAX_CACHE_BYTES:
        # every location in a template's nodes is in the template file itself
        decoder = msgspec.msgpack.Decoder(_Cached, dec_hook=lambda _type, _obj: source)
        with contextlib.suppress(msgspec.DecodeError):
            cached = decoder.decode(data)
            if (cached.made_by, cached.source, cached.text) == (made_by, str(source), text):
                return cached.root, []
    root, findings = parse_yaml(text, source)
    if root is not None and not findings:
        encoder = msgspec.msgpack.Encoder(enc_hook=lambda _path: "")
        _write(file, encoder.encode(_Cached(made_by, str(source), text, root)))
    return root, findings
