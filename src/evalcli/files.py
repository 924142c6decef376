"""Reading a user's files safely, and writing files and folders all at once or not at all.

Every write goes to a temporary name beside its target and is renamed into
place, so a failed or interrupted run never leaves a half-written document
or half a folder. Temporary names carry the process id; a later run removes
those whose process is gone (a run killed with SIGKILL cannot clean up).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from evalcli import regexes
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.errors import InputError, os_error
from evalcli.i18n import Message, msg
from evalcli.private import git_work_tree
from evalcli.text import normalize_newlines

# shutil and tempfile are imported in the functions that write: check writes nothing,
# and loading them (with bz2, lzma, random) is a share of its start-up time

_TEMP = ".evalcli-"
_STALE = regexes.compile(r"^\.evalcli-(\d+)-")


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO put in a report must not hang the open


class NotOwnFileError(OSError):
    """A report's file that is not a regular file of its own: a link, a FIFO, a hard link."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


def _checked_fd(handle: int, name: str) -> tuple[int, os.stat_result]:
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise NotOwnFileError(msg("{file} is not a regular file", file=name))
    if info.st_nlink > 1:
        os.close(handle)
        raise NotOwnFileError(
            msg(
                "{file} has {count} hard links; a report's files must be its own: "
                "copy the file instead of linking it",
                file=name,
                count=info.st_nlink,
            )
        )
    return handle, info


def _reader(handle: int) -> BinaryIO:
    return io.BufferedReader(io.FileIO(handle, "r", closefd=True))


def open_report_file(file: Path, folder: Path | None = None) -> BinaryIO:
    """Open a report's file for reading, so that what was checked is what is read.

    No symbolic link is followed: with ``folder`` (the report folder), on every
    step from the folder down to the file (each opened from the one above, as
    ``openat`` does); without it, at the file itself (``O_NOFOLLOW``). The file
    must be a regular file with one hard link (a second link could be a file
    from outside the folder). Raises OSError (``NotOwnFileError``) otherwise.
    """
    return _reader(_open_checked(file, folder)[0])


def _open_checked(file: Path, folder: Path | None) -> tuple[int, os.stat_result]:
    """``open_report_file``'s descriptor, blocking again, with the file's status."""
    handle, info = _open_own(file, folder)
    if _NONBLOCK:  # opened non-blocking only to refuse a FIFO; read as usual
        try:
            os.set_blocking(handle, True)
        except OSError:
            os.close(handle)
            raise
    return handle, info


def _open_own(file: Path, folder: Path | None) -> tuple[int, os.stat_result]:
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    parts: tuple[str, ...] = ()
    if folder is not None and os.open in os.supports_dir_fd:
        if file.parent == folder:  # the usual case, a section: no need to resolve anything
            parts = (file.name,)
        else:
            for base in (folder, folder.resolve()):
                if file.is_relative_to(base):
                    parts = file.relative_to(base).parts
                    break
    if not parts:
        return _checked_fd(os.open(file, flags), file.name)
    assert folder is not None
    current = os.open(folder, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts[:-1]:
            below = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=current)
            os.close(current)
            current = below
        handle = os.open(parts[-1], flags, dir_fd=current)
    finally:
        os.close(current)
    return _checked_fd(handle, file.name)


def copy_report_file(file: Path, target: Path) -> None:
    """Copy a report's file (an image) to ``target`` as ``open_report_file`` reads it."""
    import shutil

    with open_report_file(file) as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)


def _read_up_to(handle: int, count: int) -> bytes:
    """Up to ``count`` bytes from ``handle``: fewer only at the end of the file."""
    parts = []
    while count > 0:
        chunk = os.read(handle, count)
        if not chunk:
            break
        parts.append(chunk)
        count -= len(chunk)
    return b"".join(parts)


def read_user_text(
    path: Path, limit: int, folder: Path | None = None
) -> tuple[str | None, Finding | None]:
    """A user's file as UTF-8 text with ``\\n`` line ends, or a finding that says why not.

    With ``folder`` (a report's), the file is opened as ``open_report_file`` does.
    """
    try:
        if folder is not None:
            # the descriptor read directly: the buffered file objects around it would
            # cost as much again as reading a section. It stays non-blocking: that has
            # no effect on a regular file (open(2)), and _open_own refused anything else
            handle, info = _open_own(path, folder)
            try:
                # reading n bytes would allocate n at once: ask for what the file holds,
                # or one byte past the limit to tell a file that is too large (or that
                # says it is empty, as some file systems do, and is not)
                size = info.st_size
                data = _read_up_to(handle, size if 0 < size <= limit else limit + 1)
            finally:
                os.close(handle)
        else:
            with path.open("rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                data = stream.read(min(size, limit) + 1)
    except NotOwnFileError as exc:
        return None, Finding.of(FindingCode.NOT_A_FILE, exc.message, Location(path))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ELOOP:
            message = msg("{file}: it became a symbolic link while being read", file=path.name)
            return None, Finding.of(FindingCode.NOT_A_FILE, message, Location(path))
        message = msg("cannot read {file}: {reason}", file=path.name, reason=reason)
        return None, Finding.of(FindingCode.UNREADABLE, message, Location(path))
    if len(data) > limit:
        return None, Finding.of(
            FindingCode.TOO_LARGE,
            msg(
                "{file} is larger than {limit} KiB, the limit for this file; "
                "a real summary needs a small part of that: split or shorten it",
                file=path.name,
                limit=limit // 1024,
            ),
            Location(path),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Finding.of(
            FindingCode.NOT_UTF8,
            msg(
                "{file} is not UTF-8 text (byte {byte} cannot be decoded); "
                "save it as UTF-8 in your editor",
                file=path.name,
                byte="0x" + format(data[exc.start], "02x"),
            ),
            Location(path, line, column),
        )
    return normalize_newlines(text), None


MAX_NAMES_LISTED = 20  # a folder of thousands of odd names is one finding per name up to this


def non_utf8_names(folder: Path) -> list[Finding]:
    """A warning for each name under ``folder`` that is not UTF-8 (kept as surrogates).

    Such a file cannot be named from Markdown, and tools that expect UTF-8 choke
    on it; evalcli itself shows it escaped (``\\xff``) and goes on.
    """
    findings: list[Finding] = []
    top = os.fspath(folder)
    for current, subfolders, files in os.walk(top):
        for name in [*subfolders, *files]:
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                path = Path(current) / name
                shown = "".join(
                    f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch
                    for ch in name
                )
                findings.append(
                    Finding.of(
                        FindingCode.NAME_NOT_UTF8,
                        msg(
                            "the name {name} is not UTF-8: rename it (a report can refer "
                            "only to UTF-8 names)",
                            name=shown,
                        ),
                        Location(path, 0, 0),
                    )
                )
                if len(findings) >= MAX_NAMES_LISTED:
                    return findings
    return findings


def workspace(start: Path | None = None) -> Path:
    """The git work tree of the working folder (what a pull request fills), else that folder."""
    here = Path(os.path.normpath(Path(start or Path.cwd()).absolute()))
    return git_work_tree(here) or here


def refuse_linked_folder(folder: Path, what: Message | None = None) -> None:
    """Stop (exit 2) if ``folder``, or a folder above it inside the workspace, is a symbolic link.

    A link committed in a repository (``build -> ../victim``) would send every
    write elsewhere; evalcli writes only where the path as written leads.
    Folders above the workspace (a system's ``/tmp`` link) are the user's own.
    """
    full = Path(os.path.normpath(folder.absolute()))
    top = workspace()
    for part in (full, *full.parents):
        if part != full and (part == top or not part.is_relative_to(top)):
            return
        if part.is_symlink():
            try:
                target = str(part.readlink())
            except OSError:
                target = "?"
            raise InputError(
                msg(
                    "the {what} {folder} goes through the symbolic link {link} (to {target}); "
                    "evalcli writes only into real folders: remove the link, or give the real "
                    "folder with -o",
                    what=what or msg("output folder"),
                    folder=str(folder),
                    link=str(part),
                    target=target,
                )
            )
        if part == top:
            return


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: leave its files alone
    return True


def remove_stale(folder: Path) -> None:
    """Remove temporary files and folders that a killed evalcli run left in ``folder``."""
    import shutil

    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _STALE.match(entry.name)
            if match and not _process_alive(int(match.group(1))):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def temp_name(target: Path) -> str:
    """The prefix of a temporary file for ``target``: hidden, with this process's id."""
    return f"{_TEMP}{os.getpid()}-{target.name}."


def _scratch_root() -> Path | None:
    """``<tmp>/evalcli-<uid>`` if it is this user's private folder; None (use the plain temporary
    folder) if another local user made it first, or made it a link, or can write to it:
    files there could be read, replaced or planted by them.
    """
    import tempfile

    if not hasattr(os, "getuid"):
        return None
    root = Path(tempfile.gettempdir()) / f"evalcli-{os.getuid()}"
    with contextlib.suppress(FileExistsError, OSError):
        root.mkdir(mode=0o700)
    try:
        info = root.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return root


@contextlib.contextmanager
def scratch_dir(purpose: str) -> Iterator[Path]:
    """A private temporary folder, removed on leaving; stale ones of killed runs are removed."""
    import shutil
    import tempfile

    root = _scratch_root()
    if root is not None:
        remove_stale(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{_TEMP}{os.getpid()}-{purpose}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise InputError(
            msg(
                "cannot create the folder {folder}: a file of that name is in the way; "
                "choose another path",
                folder=str(folder),
            )
        ) from exc
    except OSError as exc:
        raise os_error(exc, msg("create the folder"), folder) from exc


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file under a temporary name first, then rename them all.

    If anything fails before the renames, the previous outputs are untouched
    and no temporary file is left behind. Errors are one-line InputErrors.
    """
    import tempfile

    for parent in {target.parent for target in files}:
        refuse_linked_folder(parent, msg("folder"))
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            _make_folder(target.parent)
            remove_stale(target.parent)
            try:
                handle, name = tempfile.mkstemp(prefix=temp_name(target), dir=target.parent)
                staged.append((Path(name), target))
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                Path(name).chmod(0o644)
            except OSError as exc:
                raise os_error(exc, msg("write"), target) from exc
        for temporary, target in staged:
            if target.is_dir() and not target.is_symlink():
                raise InputError(
                    msg(
                        "cannot write {path}: it is a folder; choose another path", path=str(target)
                    )
                )
            try:
                temporary.replace(target)
            except OSError as exc:
                raise os_error(exc, msg("write"), target) from exc
    finally:
        for temporary, _target in staged:
            with contextlib.suppress(OSError):
                temporary.unlink()


def write_folder(target: Path, files: dict[str, str], replace: bool) -> None:
    """Create the folder ``target`` holding ``files``, all at once or not at all.

    An existing folder is refused unless ``replace``; an existing empty folder
    is always fine. The new folder is assembled beside the target and renamed.
    """
    import shutil
    import tempfile

    refuse_linked_folder(target.parent, msg("folder"))
    exists = target.exists() or target.is_symlink()
    if exists and not target.is_dir():
        raise InputError(
            msg("{path} exists and is not a folder; choose another path", path=str(target))
        )
    empty = exists and not any(target.iterdir())
    if exists and not empty and not replace:
        raise InputError(
            msg(
                "{path} already exists and is not empty; choose another folder, "
                "or add --force to replace it",
                path=str(target),
            )
        )
    _make_folder(target.parent)
    remove_stale(target.parent)
    backup: Path | None = None
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=temp_name(target), dir=target.parent))
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.chmod(0o755)
        if exists:
            backup = Path(tempfile.mkdtemp(prefix=temp_name(target) + "old.", dir=target.parent))
            backup.rmdir()
            target.rename(backup)
        staging.rename(target)
        staging = None
    except OSError as exc:
        raise os_error(exc, msg("write"), target) from exc
    finally:
        if staging is not None:
            if backup is not None and backup.exists() and not target.exists():
                backup.rename(target)
            shutil.rmtree(staging, ignore_errors=True)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
