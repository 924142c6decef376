"""Run the pandoc bundled in pypandoc-binary."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import tempfile
from pathlib import Path

from evalcli.errors import ConversionError

# The reader: pandoc Markdown without raw output blocks (content never injects
# Typst or OOXML code), without citations ("@name" stays text) and without
# smart punctuation (quotes and dashes stay exactly as the author typed them).
READER = "markdown-raw_attribute-raw_html-raw_tex-citations-smart"


@functools.cache
def pandoc_path() -> str:
    """The pandoc binary inside pypandoc-binary's wheel.

    Found without importing pypandoc (which takes ~60 ms); pypandoc's own
    lookup is the fallback.
    """
    spec = importlib.util.find_spec("pypandoc")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if candidate.is_file():
            return str(candidate)
    import pypandoc

    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as exc:  # pragma: no cover - the wheel ships pandoc
        raise ConversionError(f"pandoc is not available: {exc}") from exc


class PandocRun:
    """A pandoc conversion started now and collected later with ``result()``.

    The input goes through a temporary file, so pandoc works while the caller
    does something else (importing python-docx, say) without any pipe filling up.
    """

    def __init__(self, source: bytes, args: list[str], epoch: int, reader: str = READER) -> None:
        handle, name = tempfile.mkstemp(prefix="evalcli-", suffix=".in")
        with os.fdopen(handle, "wb") as stream:
            stream.write(source)
        self._input = Path(name)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
        try:
            self._process = subprocess.Popen(
                [pandoc_path(), "--from", reader, *args, str(self._input)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            self._input.unlink(missing_ok=True)
            raise ConversionError(f"cannot run pandoc: {exc}") from exc

    def result(self) -> bytes:
        """pandoc's output; a ConversionError with its message if it failed."""
        try:
            out, err = self._process.communicate()
        finally:
            self._input.unlink(missing_ok=True)
        if self._process.returncode != 0:
            message = err.decode("utf-8", "replace").strip()
            raise ConversionError(f"pandoc failed ({self._process.returncode}): {message}")
        return out


def run_pandoc(
    markdown: str, args: list[str], epoch: int, reader: str = READER, stdin: bytes | None = None
) -> bytes:
    """Convert with pandoc (Markdown by default); ``epoch`` fixes any timestamps it writes."""
    source = markdown.encode("utf-8") if stdin is None else stdin
    return PandocRun(source, args, epoch, reader).result()


def filter_args(template_path: Path) -> list[str]:
    lua = template_path / "evalcli.lua"
    return ["--lua-filter", str(lua)] if lua.is_file() else []
