"""``evalcli preview``: rebuild one report's PDF each time one of its files is saved.

The process stays warm (Python, the template and the converters loaded once),
so a rebuild costs one pandoc and one Typst run: a fraction of a second for a
summary. Changes are found by looking at the files' sizes and modification
times a few times a second: no dependency, and it works the same on every
system and on network drives, where change notifications often do not.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from evalcli.errors import InputError
from evalcli.i18n import msg, nmsg
from evalcli.project import Project
from evalcli.records import replace
from evalcli.reporting import display_path, text_lines

Echo = Callable[..., None]
Snapshot = tuple[tuple[str, int, int], ...]


def _ignored(name: str) -> bool:
    """Editors' swap and backup files, and evalcli's own temporary files."""
    return name.startswith((".", "~")) or name.endswith(("~", ".swp", ".tmp"))


def snapshot(folder: Path, skip: Path | None = None) -> Snapshot:
    """(name, size, modification time) of every file in the report folder; ``skip`` is a
    folder left out (the preview's own output, when it lies inside the report)."""
    found = []
    skipped = os.path.abspath(skip) if skip is not None else None  # noqa: PTH100
    for current, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(
            d
            for d in subfolders
            if not _ignored(d) and os.path.abspath(os.path.join(current, d)) != skipped  # noqa: PTH100, PTH118
        )
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
            echo(str(msg("no findings")))
        for finding, line in zip(result.findings, lines, strict=True):
            echo(line, finding.severity)
    stamp = datetime.now().strftime("%H:%M:%S")
    if result.built:
        written = ", ".join(display_path(p) for p in result.files)
        pages = result.pages or 0
        built = nmsg(
            "{time} built {files} ({n} page) in {ms} ms",
            "{time} built {files} ({n} pages) in {ms} ms",
            pages,
            time=stamp,
            files=written,
            n=pages,
            ms=format(took, ".0f"),
        )
        echo(str(built))
    else:
        echo(str(msg("{time} not built: {note}", time=stamp, note=result.note)))
    return lines


class _Flag:
    """Set by Ctrl-C. Not a ``threading.Event``: its ``set`` takes a lock, and a signal
    handler that takes a lock the interrupted code holds waits for ever."""

    def __init__(self) -> None:
        self.is_set = False

    def set(self, _signum: int = 0, _frame: object = None) -> None:
        self.is_set = True

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, in short steps, ending early once set."""
        end = time.monotonic() + seconds
        while not self.is_set and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))


def watch(
    report: Path,
    output: Path,
    project: Project,
    interval: float = 0.2,
    max_builds: int | None = None,
    echo: Echo = print,
) -> bool:
    """Build ``report`` as a draft PDF now and after every change, until Ctrl-C.

    Returns True when Ctrl-C (SIGINT) stopped it, False after ``max_builds``.
    Ctrl-C only sets a flag, looked at between builds: no exception lands in
    the middle of a build or of Python's own clean-up, and a second Ctrl-C
    changes nothing.
    """
    from evalcli import api

    selection = api.select([report], project=project)
    if len(selection.reports) != 1:
        raise InputError(
            msg("{path}: preview one report folder (or a file inside it)", path=str(report))
        )
    folder = selection.reports[0]
    watching = msg(
        "watching {folder} (Ctrl-C to stop); PDF in {output}",
        folder=display_path(folder),
        output=display_path(output),
    )
    echo(str(watching))
    seen: Snapshot | None = None
    shown: list[str] | None = None
    builds = 0
    stop = _Flag()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, stop.set) if main else None
    try:
        while not stop.is_set:
            now = snapshot(folder, output)
            if now != seen:
                stop.wait(min(interval, 0.05))  # let an editor finish writing
                if stop.is_set:
                    break
                now = snapshot(folder, output)
                seen = now
                shown = _build_once(folder, output, project, echo, shown)
                builds += 1
                if max_builds is not None and builds >= max_builds:
                    return False
            stop.wait(interval)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    echo(str(msg("stopped")))
    return True
