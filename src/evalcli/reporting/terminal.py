"""How output looks on a terminal: colour (NO_COLOR, FORCE_COLOR) and a progress line.

On a terminal a long run shows one line, rewritten in place: the count, the
report just finished and the time left. Elsewhere (CI logs, files) every
report gets its own plain line, as before.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

from evalcli.i18n import msg

_SEVERITY = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _GREEN, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[0m"


def wants_colour(stream: TextIO) -> bool:
    """Colour unless NO_COLOR is set; forced by FORCE_COLOR; else only on a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def paint_finding(line: str, severity: str) -> str:
    """A finding line with its place in bold and its severity in colour."""
    place, sep, rest = line.partition(f": {severity}[")
    if not sep:
        return line
    return f"{_BOLD}{place}{_RESET}: {_SEVERITY.get(severity, '')}{severity}{_RESET}[{rest}"


def green(text: str) -> str:
    return f"{_GREEN}{text}{_RESET}"


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressLine:
    """A line on a terminal rewritten as reports finish: count, report, time left."""

    def __init__(self, stream: TextIO, verb: str) -> None:
        self.stream = stream
        self.verb = verb
        self.start = time.monotonic()
        self.shown = False

    def update(self, done: int, total: int, current: str) -> None:
        elapsed = time.monotonic() - self.start
        left = elapsed / done * (total - done) if done else 0.0
        left_text = msg("{time} left", time=_clock(left))
        line = f"[{done}/{total}] {left_text} · {self.verb} {current}"
        import shutil  # loaded only when progress is shown

        width = shutil.get_terminal_size((80, 20)).columns - 1
        if len(line) > width:
            line = line[: max(0, width - 1)] + "…"
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False
