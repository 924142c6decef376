"""Read a user's text file as UTF-8, turning failures into findings."""

from __future__ import annotations

from pathlib import Path

from evalcli.model import Finding, Location


def read_text(path: Path) -> tuple[str | None, Finding | None]:
    """The file's text, or a fatal finding that says why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, Finding(
            "error", "unreadable", f"cannot read {path.name}: {reason}", Location(path), fatal=True
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Finding(
            "error",
            "not-utf8",
            f"{path.name} is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); "
            "save it as UTF-8 in your editor",
            Location(path, line, column),
            fatal=True,
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None
