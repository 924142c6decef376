"""Paths as printed: relative to the working folder when they lie inside it."""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path


def display_path(path: Path) -> str:
    """A path relative to the working folder when it lies inside it."""
    return _display(path, os.getcwd())  # noqa: PTH109 - a string, fast: called per finding


@functools.lru_cache(maxsize=65536)
def _display(path: Path, cwd: str) -> str:
    text = os.fspath(path)
    if not os.path.isabs(text):  # noqa: PTH117 - relative already (as discovery gives): fast
        norm = os.path.normpath(text)
        if norm != os.pardir and not norm.startswith(os.pardir + os.sep):
            return norm
    full = real_path(text, _SHOWN_FOLDERS)
    cwd = _real(cwd)
    if full == cwd:
        return "."
    if full.startswith(cwd + os.sep):
        return full[len(cwd) + 1 :]
    return str(path)


@functools.lru_cache(maxsize=16)
def _real(folder: str) -> str:
    # the working folder, resolved once rather than once per path shown
    return os.path.realpath(folder)


_SHOWN_FOLDERS: dict[str, str] = {}  # the folders of the paths shown, resolved


def real_path(path: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, the folders above it looked up in (and added to)
    ``folders``: a portfolio names thousands of files in a few folders, and realpath
    looks at every part of every path. The caller keeps ``folders`` as long as it may
    take the folders to stay as they are (one run)."""
    parent, name = os.path.split(path)
    plain = name and parent != path and "/." not in path and "//" not in path
    if not plain or os.sep != "/" or not os.path.isabs(path):  # noqa: PTH117 - strings
        return os.path.realpath(path)  # relative, the root, "." or "..", doubled slashes
    try:
        linked = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:  # as realpath: a part that cannot be looked at is taken as written
        linked = False
    if linked:
        return os.path.realpath(path)
    real = folders.get(parent)
    if real is None:
        real = folders[parent] = real_path(parent, folders)
    return os.path.join(real, name)  # noqa: PTH118 - strings, for speed
