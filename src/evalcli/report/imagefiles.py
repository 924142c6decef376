"""Image files a report refers to: refused before any converter reads them when too large."""

from __future__ import annotations

from pathlib import Path

from evalcli.limits import MAX_IMAGE_BYTES


def image_problem(path: Path) -> str | None:
    """None if the image may be converted, else a short reason with what to do."""
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return (
            f"the file is {size // (1024 * 1024)} MiB, over the {MAX_IMAGE_BYTES // (1024 * 1024)} "
            "MiB limit; save it smaller"
        )
    return None
