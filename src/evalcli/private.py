"""This user's private files: the caches and the build manifest's key.

What evalcli keeps between runs (parsed templates, compiled patterns, the key
that signs a build manifest) is trusted only where a pull request cannot put
a file: in a folder of this user's alone, outside the git work tree of the
working folder. A file there is read only if it is a regular file of this
user's, mode 0600, with one link, opened without following a link.
Nothing here imports the rest of evalcli, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def git_work_tree(start: Path) -> Path | None:
    """The git work tree ``start`` lies in (the folder a pull request fills), if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def private_to_user(info: os.stat_result, kind: int) -> bool:
    """Ours alone: the right kind of file, owned by this user, no access for others."""
    if stat.S_IFMT(info.st_mode) != kind:
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        return False
    return kind != stat.S_IFREG or info.st_nlink == 1


def user_folder(variable: str, *default: str) -> Path:
    """This user's evalcli folder of a kind: ``$variable/evalcli``, else ``~/default/evalcli``."""
    home = os.path.expanduser("~")  # noqa: PTH111 - a string, joined below
    base = os.environ.get(variable) or os.path.join(home, *default)  # noqa: PTH118
    return Path(base) / "evalcli"


def trusted_folder(folder: Path, outside: Path | None = None) -> bool:
    """``folder`` is this user's alone (made so if missing) and lies where a pull request
    cannot put files: outside the git work tree of the working folder, and outside
    ``outside`` (an output folder)."""
    full = Path(os.path.abspath(folder))  # noqa: PTH100 - as written: links are checked below
    output = Path(os.path.abspath(outside)) if outside else None  # noqa: PTH100
    for inside in (output, git_work_tree(Path.cwd())):
        if inside is not None and full.is_relative_to(inside):
            return False
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return private_to_user(folder.lstat(), stat.S_IFDIR)
    except OSError:
        return False


def read_private(file: Path, limit: int) -> bytes | None:
    """Up to ``limit`` + 1 bytes of a regular file of this user's alone (no link followed),
    or None: a caller that gets more than ``limit`` knows the file is too big."""
    try:
        handle = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not private_to_user(os.fstat(handle), stat.S_IFREG):
            return None
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(handle, left)):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


def write_private(file: Path, data: bytes) -> None:
    """Write a file of this user's whole (a temporary file, mode 0600, renamed); a failure
    is ignored, as befits a cache, which only costs speed when it is missing."""
    import tempfile  # only on the runs that fill a cache

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
