"""The child side of ``sandbox``: confine this process, then exec a converter or compile Typst.

Run as a script, never imported by evalcli: ``python -I sandbox_child.py
MEMORY PARENT exec PROGRAM ARG...`` or ``... typst REQUEST.json SITE`` (which
compiles once its standard input is closed). It uses the
standard library only (and ``typst`` for a compile), so it starts in tens of
milliseconds. The limits are set here, in the child, before any converter
code runs: the parent may have threads, and a ``preexec_fn`` is not safe then.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

EXIT_TYPST_ERROR = 1  # the document does not compile; stderr holds typst's message
EXIT_OUT_OF_MEMORY = 75  # an allocation failed under the memory limit
EXIT_ORPHAN = 76  # the parent was gone before the converter started


def _confine(memory: int, parent: int) -> None:
    if memory > 0 and os.name == "posix":
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (OSError, ValueError):  # pragma: no cover - a system whose hard limit is lower
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (min(memory, hard), hard))
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            # PR_SET_PDEATHSIG: the kernel kills this process when its parent dies
            # (SIGKILL of evalcli included); it survives the exec below
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(EXIT_ORPHAN)


def _typst(request_path: str, home: str) -> int:
    if home not in sys.path:
        sys.path.append(home)  # where the parent imports typst from
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    output = request.pop("output")
    try:
        import typst

        # started before its source exists, so that this start-up overlaps pandoc's work:
        # the parent closes stdin once the source is in place
        sys.stdin.buffer.read()
        pdf = typst.compile(**request)
    except MemoryError:
        sys.stderr.write("out of memory\n")
        return EXIT_OUT_OF_MEMORY
    except Exception as exc:  # typst.TypstError and its warnings-as-errors variants
        sys.stderr.write(str(exc))
        return EXIT_TYPST_ERROR
    if not isinstance(pdf, bytes):
        sys.stderr.write("typst returned no PDF")
        return EXIT_TYPST_ERROR
    Path(output).write_bytes(pdf)
    return 0


def main(argv: list[str]) -> int:
    """Confine, then run what ``argv`` says; the exit status tells the parent what happened."""
    memory, parent, mode, *rest = argv
    _confine(int(memory), int(parent))
    if mode == "exec":
        os.execv(rest[0], rest)
    if mode == "typst":
        return _typst(rest[0], rest[1])
    sys.stderr.write(f"unknown mode {mode!r}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
