"""Where one `evalcli build` spends its time: a timeline of its phases, thread by thread.

Run by hand; not part of the tests.

    python benchmarks/phases.py [build --force content/example-en -o OUT]

The arguments are evalcli's (by default a forced build of the English example
into a temporary folder). Each line is a phase: its start and end in ms since
this script started, its length, the thread it ran in and its name. The
functions are wrapped after evalcli.cli is imported, so the import of the CLI
comes first, as one figure; wrapping imports the build's modules (outputs.*)
before the build starts, where evalcli imports them on first use.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

START = time.perf_counter()
LOG: list[tuple[float, float, str, str]] = []
ROOT = Path(__file__).resolve().parent.parent

PHASES = [
    ("evalcli.api", "_load"),
    ("evalcli.api", "_check"),
    ("evalcli.outputs.build", "render"),
    ("evalcli.outputs.build", "convert"),
    ("evalcli.outputs.build", "write_files"),
    ("evalcli.outputs.pdf", "start_typst"),
    ("evalcli.outputs.pdf", "make_pdf_typst"),
    ("evalcli.outputs.pdf", "compile_typst"),
    ("evalcli.outputs.pdftags", "row_headers"),
    ("evalcli.outputs.docx", "finish_docx"),
    ("evalcli.outputs.docx", "_polish_xml"),
    ("evalcli.render", "context"),
    ("evalcli.render", "fill"),
]


def _wrap(module_name: str, name: str) -> None:
    module = importlib.import_module(module_name)
    func: Callable[..., Any] = getattr(module, name)

    @functools.wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            thread = threading.current_thread().name.split(" ")[0]
            ended = time.perf_counter() - START
            LOG.append((began - START, ended, thread, f"{module_name}.{name}"))

    setattr(module, name, timed)


def _report(imported: float) -> None:
    print(f"{'start':>8} {'end':>8} {'ms':>7}  thread       phase", file=sys.stderr)
    first = f"{0:8.1f} {imported:8.1f} {imported:7.1f}  MainThread   import evalcli.cli"
    print(first, file=sys.stderr)
    for began, ended, thread, name in sorted(LOG):
        print(
            f"{began * 1000:8.1f} {ended * 1000:8.1f} {(ended - began) * 1000:7.1f}  "
            f"{thread:<12} {name}",
            file=sys.stderr,
        )
    print(f"{'':8} {(time.perf_counter() - START) * 1000:8.1f}          (exit)", file=sys.stderr)


def main() -> None:
    import evalcli.cli
    import evalcli.entry

    imported = (time.perf_counter() - START) * 1000
    for module_name, name in PHASES:
        _wrap(module_name, name)
    args = sys.argv[1:] or [
        "build",
        "--force",
        str(ROOT / "content" / "example-en"),
        "-o",
        tempfile.mkdtemp(),
    ]
    atexit.register(_report, imported)
    sys.argv = ["evalcli", *args]
    evalcli.entry.main()


if __name__ == "__main__":
    main()
