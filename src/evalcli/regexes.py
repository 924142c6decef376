"""Regular expressions compiled once per machine and Python, not at every start.

Python compiles a pattern from its text in Python code: evalcli's eighty or
so patterns cost ``evalcli check`` about a tenth of its start-up. ``compile``
here gives the very ``re.Pattern`` that ``re.compile`` gives, built from the
regular-expression engine's own code for the pattern, which is kept in the
user's cache folder (``$XDG_CACHE_HOME/evalcli/regexes``, else
``~/.cache/evalcli/regexes``), one file per Python build.

The file is trusted as the parsed templates are (``private.trusted_folder``:
never inside a git work tree, this user's alone), and sealed with this
user's key (``private.seal``): it holds each pattern's text and flags with
the engine's code for it, in ``marshal``'s format, as Python's own compiler
produced it. The engine's own check of the code it is given is no safety
boundary (crafted code can crash it), so a file that is not this user's
evalcli's own, byte for byte, is never decoded.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import _thread
import atexit
import binascii
import contextlib
import marshal
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any, AnyStr

from evalcli.private import read_private, seal, trusted_folder, unseal, user_folder, write_private

FORMAT = "2"
MAX_PATTERNS = 4000  # settings and templates add patterns of their own; no file grows past this
MAX_BYTES = 4 * 2**20
_MAGIC = b"evalcli-regexes\n"
_PURPOSE = b"evalcli regexes"

Key = tuple[str | bytes, int]
_known: dict[Key, tuple[Any, ...]] | None = None  # read from the file at the first compile
_learned: dict[Key, tuple[Any, ...]] = {}  # compiled from text in this run, to be written
_used: set[Key] = set()  # served from the file in this run


def _made_by() -> str:
    """What the engine's code depends on: this Python build and its engine's version."""
    return f"{FORMAT} {sys.implementation.cache_tag} {sys.version} {_sre.MAGIC}"


def cache_file() -> Path:
    """This Python build's file (two 3.11 builds do not take turns overwriting one)."""
    build = binascii.crc32(sys.version.encode())  # a name, not a check
    return (
        user_folder("XDG_CACHE_HOME", ".cache")
        / "regexes"
        / f"{sys.implementation.cache_tag}-{build:08x}"
    )


def _trusted(file: Path) -> bool:
    try:
        return trusted_folder(file.parent)
    except OSError:  # no working folder (deleted under us): no cache
        return False


def _read() -> dict[Key, tuple[Any, ...]]:
    file = cache_file()
    data = read_private(file, MAX_BYTES) if _trusted(file) else None
    if not data or len(data) > MAX_BYTES or not data.startswith(_MAGIC):
        return {}
    payload = unseal(data[len(_MAGIC) :], _PURPOSE)
    if payload is None:  # not written by evalcli for this user
        return {}
    try:
        made_by, entries = marshal.loads(payload)
    except (ValueError, TypeError, EOFError, MemoryError):  # MemoryError: a forged length
        return {}
    return entries if made_by == _made_by() and isinstance(entries, dict) else {}


def _write() -> None:
    """At exit: the file again, with the patterns this run compiled from their text.

    Past MAX_PATTERNS or MAX_BYTES (many settings' own patterns, say), only the
    patterns this run used are kept: the file never grows past its bounds, and
    patterns no run asks for any more leave it.
    """
    file = cache_file()
    if not _learned or not _trusted(file):
        return
    known = _known or {}
    entries = {**known, **_learned}
    payload = marshal.dumps((_made_by(), entries)) if len(entries) <= MAX_PATTERNS else b""
    if not payload or len(payload) > MAX_BYTES:
        entries = {key: known[key] for key in _used if key in known} | _learned
        payload = marshal.dumps((_made_by(), entries))
        if len(entries) > MAX_PATTERNS or len(payload) > MAX_BYTES:
            return
    sealed = seal(payload, _PURPOSE)
    if sealed is not None:
        write_private(file, _MAGIC + sealed)


def _engine_code(pattern: AnyStr, flags: int) -> tuple[Any, ...]:
    """What ``re._compiler.compile`` hands the engine for this pattern, after flags."""
    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]  # opcodes are int subclasses
    names = parsed.state.groupdict
    by_index: list[str | None] = [None] * parsed.state.groups
    for name, index in names.items():
        by_index[index] = name
    groups = int(parsed.state.groups) - 1
    return (int(flags | parsed.state.flags), code, groups, dict(names), tuple(by_index))


def compile(
    pattern: AnyStr, flags: int | re.RegexFlag = 0, *, keep: bool = True
) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, from the engine code kept for it when there is some.

    ``keep=False`` for a pattern that comes from a project (settings, its own templates):
    those are compiled from their text, so a repository cannot fill the file of every
    later run with patterns of its own."""
    global _known
    if not keep:
        return re.compile(pattern, flags)
    if _known is None:
        _known = _read()
    key = (pattern, int(flags))
    kept = _known.get(key)
    if kept is not None:
        with contextlib.suppress(RuntimeError, TypeError, ValueError, OverflowError):
            compiled: re.Pattern[AnyStr] = _sre.compile(pattern, *kept)
            _used.add(key)
            return compiled
    try:
        args = _engine_code(pattern, int(flags))
        compiled = _sre.compile(pattern, *args)
    except re.error:
        raise
    except Exception:
        return re.compile(pattern, flags)
    if len(_learned) < MAX_PATTERNS:
        if not _learned:
            atexit.register(_write)
        _learned[key] = args
    return compiled


_RE_COMPILE = re.compile  # the standard one, whatever is in its place for a while
_routing = _thread.allocate_lock()
_loading = 0  # how many library_patterns blocks are open


def _library_compile(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
    if type(pattern) not in (str, bytes) or flags & re.DEBUG:
        return _RE_COMPILE(pattern, flags)  # a compiled pattern, or one to print
    return compile(pattern, flags)


@contextlib.contextmanager
def library_patterns() -> Iterator[None]:
    """While a library loads, the patterns it compiles with ``re.compile`` come from the
    cache too.

    yaml, Jinja and tomllib compile dozens of patterns as they are imported
    (Jinja's pattern of every Unicode identifier character alone costs a build
    several milliseconds): constants of their code, kept as evalcli's own
    are. The patterns are the very ones ``re.compile`` gives; anything but a
    pattern's text goes to ``re.compile`` itself. Another thread compiling
    meanwhile gets the same patterns, from here.
    """
    global _loading
    with _routing:
        _loading += 1
        re.compile = _library_compile
    try:
        yield
    finally:
        with _routing:
            _loading -= 1
            if not _loading:
                re.compile = _RE_COMPILE
