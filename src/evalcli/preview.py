"""``evalcli preview``: rebuild one report's PDF each time one of its files is saved.

The process stays warm (Python, the template and the converters loaded once),
so a rebuild costs one pandoc and one Typst run: a fraction of a second for a
summary. Changes are found by looking at the files' sizes and modification
times a few times a second: no dependency, and it works the same on every
system and on network drives, where change notifications often do not.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from evalcli.errors import InputError
from evalcli.project import Project
from evalcli.reporting import display_path, text_lines

Echo = Callable[..., None]
Snapshot = tuple[tuple[str, int, int], ...]


def _ignored(name: str) -> bool:
    """Editors' swap and backup files, and evalcli's own temporary files."""
    return name.startswith((".", "~")) or name.endswith(("~", ".swp", ".tmp"))


def snapshot(folder: Path) -> Snapshot:
    """(name, size, modification time) of every file in the report folder."""
    found = []
    for current, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not _ignored(d))
        for name in sorted(files):
            if _ignored(name):
                continue
            path = Path(current, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _build_once(
    folder: Path,
    output: Path,
    project: Project,
    echo: Echo,
    shown: list[str] | None,
) -> list[str]:
    from evalcli import api

    # a draft PDF, whatever the settings' formats and strictness
    options = replace(
        project.build_options(draft=True), formats=("pdf",), strict=False, pdf_standard=None
    )
    start = time.monotonic()
    [result] = api.build([folder], options, project, output=output, force=True)
    took = (time.monotonic() - start) * 1000
    lines = text_lines(result.findings)
    if lines != shown:
        if not result.findings:
            echo("no findings")
        for finding, line in zip(result.findings, lines, strict=True):
            echo(line, finding.severity)
    stamp = datetime.now().strftime("%H:%M:%S")
    if result.built:
        written = ", ".join(display_path(p) for p in result.files)
        echo(f"{stamp} built {written} ({result.pages} pages) in {took:.0f} ms")
    else:
        echo(f"{stamp} not built: {result.note}")
    return lines


def watch(
    report: Path,
    output: Path,
    project: Project,
    interval: float = 0.2,
    max_builds: int | None = None,
    echo: Echo = print,
) -> None:
    """Build ``report`` as a draft PDF now and after every change, until Ctrl-C."""
    from evalcli import api

    selection = api.select([report], project=project)
    if len(selection.reports) != 1:
        raise InputError(f"{report}: preview one report folder (or a file inside it)")
    folder = selection.reports[0]
    echo(f"watching {display_path(folder)} (Ctrl-C to stop); PDF in {display_path(output)}")
    seen: Snapshot | None = None
    shown: list[str] | None = None
    builds = 0
    try:
        while True:
            now = snapshot(folder)
            if now != seen:
                time.sleep(min(interval, 0.05))  # let an editor finish writing
                now = snapshot(folder)
                seen = now
                shown = _build_once(folder, output, project, echo, shown)
                builds += 1
                if max_builds is not None and builds >= max_builds:
                    return
            time.sleep(interval)
    except KeyboardInterrupt:
        echo("stopped")
