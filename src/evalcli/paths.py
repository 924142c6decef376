"""Paths as printed: relative to the working folder when they lie inside it."""

from __future__ import annotations

import functools
import os
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
    full = os.path.realpath(path)
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
