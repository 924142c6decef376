"""Run the pandoc bundled in pypandoc-binary, confined: sandboxed, with a memory cap and a timeout.

``--sandbox`` limits pandoc's reading to the files named on its command line
(images reach it as data URIs), and ``+RTS -M`` caps its heap, as pandoc's
manual advises for untrusted input.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path

from evalcli.errors import ConversionError
from evalcli.files import scratch_dir
from evalcli.i18n import Message, msg
from evalcli.limits import PANDOC_MEMORY, PANDOC_TIMEOUT
from evalcli.tools.sandbox import Confined, child_command

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
        raise ConversionError(msg("pandoc is not available: {problem}", problem=str(exc))) from exc


def _environment(epoch: int) -> dict[str, str]:
    """A small environment: pandoc needs no secrets of the caller's."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


# what a filter that writes the Typst source on the side (PandocRun's ``side``) reads:
# the pipe's descriptor, and the pandoc template of the filter's folder to write it with
SIDE_TYPST = "EVALCLI_TYPST_FD"
SIDE_TEMPLATE = "EVALCLI_TYPST_TEMPLATE"


class PandocRun:
    """A pandoc conversion started now and collected later with ``result()``.

    The input goes through a temporary file, so pandoc works while the caller
    does something else (importing python-docx, say) without any pipe filling up.

    ``side`` (a pandoc template of the template folder, "summary.typ") asks the
    template's filter for the document's Typst source as well, written to a pipe
    as soon as the document is read and filtered (``side_result()``), while
    pandoc goes on with the DOCX: one reading of the Markdown and one start of
    pandoc and its Lua filter for both documents (see ``SIDE_TYPST``).
    """

    def __init__(
        self,
        source: bytes,
        args: list[str],
        epoch: int,
        reader: str = READER,
        side: str | None = None,
    ) -> None:
        self._scratch = scratch_dir("pandoc")
        folder = self._scratch.__enter__()
        self._input = folder / "input"
        self._input.write_bytes(source)
        self._side: int | None = None
        self._side_read: bytes | None = None
        command = [pandoc_path(), "+RTS", f"-M{PANDOC_MEMORY}", "-RTS", "--sandbox"]
        env = _environment(epoch)
        passed: tuple[int, ...] = ()
        if side is not None:
            self._side, write_end = os.pipe()
            passed = (write_end,)
            env |= {SIDE_TYPST: str(write_end), SIDE_TEMPLATE: side}
        try:
            # no address-space cap: GHC's runtime reserves a terabyte it never uses;
            # +RTS -M caps the heap instead
            self._job = Confined(
                child_command(0, [*command, "--from", reader, *args, str(self._input)]),
                what="pandoc",
                timeout=PANDOC_TIMEOUT,
                memory=0,
                env=env,
                cwd=folder,
                pass_fds=passed,
            )
        except BaseException:
            self._scratch.__exit__(None, None, None)
            if self._side is not None:
                os.close(self._side)
            raise
        finally:
            for end in passed:  # the child's now: the pipe ends when pandoc closes it
                os.close(end)

    def side_result(self) -> bytes:
        """The Typst source the filter wrote (``side``), once pandoc closed the pipe;
        empty if pandoc failed before it wrote any (``result()`` says why). Read once."""
        import select
        import time

        if self._side_read is not None:
            return self._side_read
        assert self._side is not None
        deadline = time.monotonic() + PANDOC_TIMEOUT  # pandoc is stopped by then
        parts = []
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([self._side], [], [], deadline - time.monotonic())
                if not ready:
                    continue
                chunk = os.read(self._side, 1 << 16)
                if not chunk:
                    break
                parts.append(chunk)
        finally:
            os.close(self._side)
            self._side_read = b"".join(parts)
        return self._side_read

    def result(self) -> bytes:
        """pandoc's output; a ConversionError with its message if it failed."""
        try:
            done = self._job.result()
        finally:
            self._scratch.__exit__(None, None, None)
        if done.returncode != 0:
            output = done.stderr.decode("utf-8", "replace").strip()
            message: Message | str = output
            if "Heap exhausted" in output or "heap overflow" in output:
                message = msg(
                    "it needed more than {memory}B of memory, the limit for one "
                    "conversion, and was stopped",
                    memory=PANDOC_MEMORY,
                )
            raise ConversionError(
                msg(
                    "pandoc failed ({status}): {problem}",
                    status=done.returncode,
                    problem=message,
                )
            )
        return done.stdout


def run_pandoc(
    markdown: str, args: list[str], epoch: int, reader: str = READER, stdin: bytes | None = None
) -> bytes:
    """Convert with pandoc (Markdown by default); ``epoch`` fixes any timestamps it writes."""
    source = markdown.encode("utf-8") if stdin is None else stdin
    return PandocRun(source, args, epoch, reader).result()


# the template folder's pandoc filters, in this order; annexes.lua only acts on annex pages
FILTERS = ("evalcli.lua", "annexes.lua")
# what annexes.lua acts on: a div of this class (annexes.md.j2 writes them)
ANNEX_TABLE = "annex-table"


def filter_args(template_path: Path, markdown: str | None = None) -> list[str]:
    """The ``--lua-filter`` arguments for a document of the template folder.

    annexes.lua is left out of a ``markdown`` that names no annex table: it
    would change nothing there, and each filter costs pandoc a pass over the
    whole document.
    """
    args = []
    for name in FILTERS:
        lua = template_path / name
        if name == "annexes.lua" and markdown is not None and ANNEX_TABLE not in markdown:
            continue
        if lua.is_file():
            args += ["--lua-filter", str(lua)]
    return args


def writes_typst_aside(template_path: Path, markdown: str) -> bool:
    """Whether one pandoc run can make both documents of ``markdown``: the template's
    evalcli.lua writes the Typst source on the side, and it is the only filter (annexes.lua
    acts after it, on the document the side output has already left). Not on Windows,
    where a child is given no descriptor beyond its standard streams."""
    if os.name != "posix":
        return False
    if filter_args(template_path, markdown) != ["--lua-filter", str(template_path / FILTERS[0])]:
        return False
    try:
        return SIDE_TYPST in (template_path / FILTERS[0]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
