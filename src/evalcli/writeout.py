"""Write files so that a failed build never leaves a half-written document."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file under a temporary name first, then rename them all.

    If anything fails before the renames, the previous outputs are untouched
    and no temporary file is left behind.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(name).chmod(0o644)
            staged.append((Path(name), target))
        for temporary, target in staged:
            temporary.replace(target)
    finally:
        for temporary, _target in staged:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
