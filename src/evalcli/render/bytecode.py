"""The Jinja skeletons compiled once per machine and version, not at every build.

Compiling ``summary.md.j2`` cost every build about 13 ms, on the way to the
converters. Jinja's bytecode cache keeps the compiled module: here one file
per skeleton path in the user's cache folder (``$XDG_CACHE_HOME/evalcli/
skeletons``, else ``~/.cache/evalcli/skeletons``), holding the very text it
was compiled from, what compiled it (evalcli, Jinja, Python and the
environment's options) and the code. A file that differs in any of these,
is damaged, is a link, or is not the user's alone is compiled again, and
never fails a run.

The code in such a file runs as it is, outside the sandbox's checks, so it
is read only from where a pull request cannot put it (``private.
trusted_folder``: this user's folder, mode 0700, outside any git work tree)
and only from a regular file of this user's, mode 0600, with one link,
opened without following links (``private.read_private``), and only when it
is sealed with this user's key (``private.seal``): a file this user's
evalcli did not write is never loaded.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from evalcli import __version__
from evalcli.private import read_private, seal, trusted_folder, unseal, user_folder, write_private

FORMAT = "2"  # of the cache files: raise it when what they hold changes
_PURPOSE = b"evalcli skeleton"
MAX_CACHE_BYTES = 4 * 2**20


def cache_folder() -> Path:
    """Where this user's compiled skeletons are kept."""
    return user_folder("XDG_CACHE_HOME", ".cache") / "skeletons"


def compiled_by(environment: Any) -> str:
    """What the code of a skeleton depends on besides its text: the versions of evalcli,
    Jinja and Python, and every option of the environment that changes what it compiles."""
    options = (
        type(environment).__name__,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        environment.sandboxed,
        autoescape if isinstance(autoescape := environment.autoescape, bool) else "function",
        sorted(environment.extensions),
        sorted(environment.filters),
        sorted(environment.tests),
    )
    versions = (__version__, FORMAT, jinja2.__version__, jinja2.bccache.bc_version, sys.version)
    return repr((versions, options))


def prefix(environment: Any, name: str, filename: str | None, source: str) -> bytes:
    """The start of the cache file of ``source``: the code follows it.

    The text's length comes before the text, so no other text's file starts
    with the same bytes.
    """
    text = source.encode("utf-8")
    fields = (compiled_by(environment), name, filename or "", str(len(text)))
    return "\0".join(fields).encode("utf-8") + b"\0" + text + b"\0"


class SkeletonCache(BytecodeCache):
    """Jinja's bytecode cache in ``folder``, which the caller has found trusted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._prefixes: dict[str, bytes] = {}

    def file(self, key: str) -> Path:
        """The cache file of a bucket key (Jinja's digest of the skeleton's name and path)."""
        return self.folder / f"{key}.jinja"

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Bucket:
        """The bucket of a skeleton, with its code when the cache holds it for this very text."""
        key = self.get_cache_key(name, filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self._prefixes[key] = prefix(environment, name, filename, source)
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        """The code of the cache file, if it was compiled from this very text by the same."""
        expected = self._prefixes.get(bucket.key)
        sealed = read_private(self.file(bucket.key), MAX_CACHE_BYTES)
        if expected is None or sealed is None or len(sealed) > MAX_CACHE_BYTES:
            return
        data = unseal(sealed, _PURPOSE)
        if data is None or not data.startswith(expected):  # not this user's evalcli's own
            return
        with contextlib.suppress(EOFError, ValueError, TypeError, MemoryError):
            code = marshal.loads(data[len(expected) :])
            if isinstance(code, CodeType):
                bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write the cache file whole (a temporary file renamed); a failure only costs speed."""
        expected = self._prefixes.get(bucket.key)
        if expected is None or bucket.code is None:
            return
        sealed = seal(expected + marshal.dumps(bucket.code), _PURPOSE)
        if sealed is not None:
            write_private(self.file(bucket.key), sealed)


def skeleton_cache() -> SkeletonCache | None:
    """This user's cache of compiled skeletons, or None where it must not be trusted
    (inside the git work tree of the working folder, or not the user's alone)."""
    folder = cache_folder()
    return SkeletonCache(folder) if trusted_folder(folder) else None
