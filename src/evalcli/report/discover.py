"""Turn command-line paths into report folders: folders, files inside reports, git changes.

A report folder holds ``evaluation.yaml``. A path names the report it lies
in (a section, an image in a subfolder, the metadata), a report folder, or a
folder searched for report folders. Paths that git names are followed only
through real folders: a symbolic link is never taken to find a report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from evalcli.errors import InputError
from evalcli.i18n import msg
from evalcli.records import Record, field
from evalcli.report.load import METADATA_FILE

DEFAULT_ROOT = Path("content")
_SKIP = {".git", "build", "node_modules", "__pycache__", ".venv", "venv"}


class Selection(Record):
    """The reports a command works on, and what was passed over and why."""

    reports: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)  # report folders deleted since the ref
    outside: list[Path] = field(default_factory=list)  # files given that lie in no report
    changed_since: str | None = None
    shard: tuple[int, int] | None = None
    before_shard: int = 0


def _search(root: Path) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in _SKIP and not d.startswith("."))
        if METADATA_FILE in files:
            found.append(Path(folder))
    return sorted(found)


def absolute(path: str | Path) -> Path:
    """A path made absolute as written: ``..`` folded, symbolic links left as they are."""
    return Path(os.path.normpath(Path(path).absolute()))


def report_of(path: Path, stop: Path | None = None) -> Path | None:
    """The report folder a file lies in: the nearest folder above it with evaluation.yaml.

    The search goes up through the path as written, never past ``stop`` or a
    folder holding ``.git``; with ``stop`` given, a symbolic link on the way
    ends it (git never names a path through a link, so one there is hostile).
    """
    folder = absolute(path).parent
    limit = absolute(stop) if stop else None
    while True:
        if limit is not None and folder.is_symlink():
            return None
        if (folder / METADATA_FILE).is_file():
            return folder
        if (folder / ".git").exists() or folder == limit or folder.parent == folder:
            return None
        folder = folder.parent


def _relative_to_cwd(path: Path) -> Path:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith(os.pardir) else Path(relative)


def _add(reports: list[Path], seen: set[str], folders: Iterable[Path]) -> None:
    for folder in folders:
        key = os.path.abspath(folder)  # noqa: PTH100 - as absolute() makes it, as a string
        if key not in seen:
            seen.add(key)
            reports.append(folder)


def find_reports(
    paths: Sequence[str | Path], roots: Sequence[Path] = (DEFAULT_ROOT,)
) -> list[Path]:
    """Report folders named by ``paths`` (or under ``roots``), in order, without repeats."""
    return select(paths, roots).reports


def select(paths: Sequence[str | Path], roots: Sequence[Path] = (DEFAULT_ROOT,)) -> Selection:
    """The reports ``paths`` name; a path that does not exist is an error (exit 2)."""
    selection = Selection()
    seen: set[str] = set()
    targets = [Path(p) for p in paths] or list(roots)
    for target in targets:
        if not target.exists():
            if paths:
                raise InputError(msg("{path}: no such file or folder", path=str(target)))
            if (Path.cwd() / METADATA_FILE).is_file():
                raise InputError(
                    msg(
                        "{path}: no such file or folder (this folder is a report: name it, "
                        "as in 'evalcli check .')",
                        path=str(target),
                    )
                )
            raise InputError(
                msg(
                    "{path}: no such file or folder (run it from the folder that holds "
                    "content/, or name a report folder)",
                    path=str(target),
                )
            )
        if target.is_file():
            folder = report_of(target)
            if folder is None:
                selection.outside.append(target)
                continue
            found = [folder if target.is_absolute() else _relative_to_cwd(folder)]
        elif (target / METADATA_FILE).is_file():
            found = [target]
        else:
            found = _search(target)
            if not found:
                raise InputError(
                    msg(
                        "{path}: no report folder here (a report folder holds {file}); "
                        "create one with 'evalcli init'",
                        path=str(target),
                        file=METADATA_FILE,
                    )
                )
        _add(selection.reports, seen, found)
    return selection


def _within(path: Path, folders: Sequence[Path]) -> bool:
    full = absolute(path)
    return any(full.is_relative_to(absolute(folder)) for folder in folders)


def select_changed(
    changed: Sequence[Path],
    deleted: Sequence[Path],
    top: Path,
    within: Sequence[Path],
    ref: str,
) -> Selection:
    """The reports that hold a changed or deleted file, and the reports deleted whole."""
    selection = Selection(changed_since=ref)
    seen: set[str] = set()
    gone: list[Path] = []
    for path in [*changed, *deleted]:
        if not _within(path, within):
            continue
        folder = report_of(path, stop=top)
        if folder is not None:
            _add(selection.reports, seen, [_relative_to_cwd(folder)])
        elif path.name == METADATA_FILE and path in deleted and not os.path.lexists(path):
            gone.append(_relative_to_cwd(path.parent))
    selection.reports.sort()
    _add(selection.deleted, set(), sorted(gone))
    return selection


def shard_key(report: Path, root: Path) -> int:
    """A number for a report that does not depend on the machine or on the other reports."""
    import hashlib  # only sharding hashes: not imported by every check

    relative = os.path.relpath(absolute(report), absolute(root))
    digest = hashlib.sha256(Path(relative).as_posix().encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big")


def take_shard(selection: Selection, shard: tuple[int, int], root: Path) -> Selection:
    """Keep shard K of N: each report lands in the same shard on every machine, every run."""
    index, total = shard
    selection.before_shard = len(selection.reports)
    selection.shard = shard
    selection.reports = [r for r in selection.reports if shard_key(r, root) % total == index - 1]
    return selection


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N."""
    try:
        index, total = (int(part) for part in text.split("/"))
    except ValueError:
        index = total = 0
    if not 1 <= index <= total:
        raise InputError(
            msg("--shard {shard}: give K/N with 1 <= K <= N, e.g. --shard 2/4", shard=text)
        )
    return index, total
