"""Turn command-line paths into report folders."""

from __future__ import annotations

import os
from pathlib import Path

from evalcli.errors import InputError
from evalcli.report.load import METADATA_FILE

DEFAULT_ROOT = Path("content")
_SKIP = {".git", "build", "node_modules", "__pycache__", ".venv", "venv"}


def _search(root: Path) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in _SKIP and not d.startswith("."))
        if METADATA_FILE in files:
            found.append(Path(folder))
    return sorted(found)


def find_reports(paths: tuple[str, ...] | list[str] | tuple[Path, ...]) -> list[Path]:
    """Report folders named by ``paths`` (or under ``content/``), in order, without repeats."""
    targets = [Path(p) for p in paths] or [DEFAULT_ROOT]
    reports: list[Path] = []
    seen: set[Path] = set()
    for target in targets:
        if not target.exists():
            hint = (
                " (run it from the folder that holds content/, or name a report folder)"
                if not paths
                else ""
            )
            raise InputError(f"{target}: no such file or folder{hint}")
        if target.is_file():
            if target.name != METADATA_FILE:
                raise InputError(f"{target}: expected a report folder (or its {METADATA_FILE})")
            found = [target.parent]
        elif (target / METADATA_FILE).is_file():
            found = [target]
        else:
            found = _search(target)
            if not found:
                raise InputError(
                    f"{target}: no report folder here (a report folder holds "
                    f"{METADATA_FILE}); create one with 'evalcli init'"
                )
        for folder in found:
            if folder not in seen:
                seen.add(folder)
                reports.append(folder)
    return reports
