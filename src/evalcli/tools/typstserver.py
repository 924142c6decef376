"""The Typst compiler in one confined child per process, kept warm from one compile to the next.

A fresh child spends 30-40 ms starting (Python, the typst library) and
its first compile costs more than later ones (fonts, Typst's standard
library); Typst memoizes, so a warm child compiles a document like one it
has seen (a portfolio of copies) in about 20 ms. A portfolio keeps its child.
The child is confined as every converter is (``sandbox``): an address-space
cap for its whole life, its own process group, killed with evalcli; each
compile has the time limit. A child warms up with a small document of its
own before its first request. A compile that runs out of memory in a child
that compiled anything before is run again in a fresh child that compiles
nothing else first, so what a child kept from earlier documents never fails
a later one; a child that grows past a quarter of its cap is replaced.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from evalcli.limits import TYPST_MEMORY, TYPST_TIMEOUT
from evalcli.tools.sandbox import (
    EXIT_OUT_OF_MEMORY,
    Confined,
    Finished,
    LimitExceeded,
    typst_command,
)

# the child's whole environment: none of the caller's variables (secrets) reach it;
# two malloc arenas keep the address space, which the memory cap counts, near what is used
ENV = {"LANG": "C.UTF-8", "MALLOC_ARENA_MAX": "2"}
MAX_COMPILES = 200  # a child is replaced after this many, whatever its size


class _Child:
    def __init__(self, memory: int, timeout: float, fonts: list[str], warm_up: bool) -> None:
        self.ready = False
        self.warmed = warm_up  # it compiled a document of its own before the first request
        self.job = Confined(
            typst_command(memory, fonts if warm_up else None),
            what="typst",
            timeout=timeout,
            memory=memory,
            env=ENV,
            cwd=Path("/"),
            hold_stdin=True,
        )
        self.pid = os.getpid()
        self.memory = memory
        self.compiles = 0
        # PR_SET_PDEATHSIG follows the thread that started the child: only one started by
        # the main thread may outlive the compile it was started for
        self.lasting = threading.current_thread() is threading.main_thread()

    def compile(self, request: Path, errors: Path) -> Finished:
        self.compiles += 1
        if not self.ready:  # the start-up and warm-up have a time limit of their own
            self.ready = self.job.read_line() == b"ready\n"
            if not self.ready:
                return self.job.ended(b"")
        answer = self.job.ask(f"{request}\n".encode())
        err = errors.read_bytes() if errors.is_file() else b""
        if answer is None:
            return self.job.ended(err)
        status = int(answer)
        if status == EXIT_OUT_OF_MEMORY:  # the child ends after saying so
            self.job.cancel()
            raise self.job.out_of_memory()
        return Finished(status, b"", err)

    def reusable(self) -> bool:
        if not (self.lasting and self.job.alive() and self.compiles < MAX_COMPILES):
            return False
        return _resident(self.job.process.pid) < self.memory // 4

    def close(self) -> None:
        self.job.cancel()


def _resident(pid: int) -> int:
    """A process's resident memory in bytes (0 where /proc cannot say)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


_lock = threading.Lock()
_child: _Child | None = None


def _take(memory: int, timeout: float, fonts: list[str]) -> _Child:
    """This process's warm child, or a new one (a child inherited through fork is not ours)."""
    global _child
    child, _child = _child, None
    if child is not None and child.pid != os.getpid():
        child = None
    if child is not None and (child.memory, child.job.timeout) != (memory, timeout):
        child.close()
        child = None
    if child is not None and not child.job.alive():
        child.close()
        child = None
    return child or _Child(memory, timeout, fonts, warm_up=True)


def _keep(child: _Child) -> None:
    global _child
    if child.reusable():
        _child = child
    else:
        child.close()


def start(fonts: list[str], memory: int = TYPST_MEMORY, timeout: float = TYPST_TIMEOUT) -> None:
    """Start this process's child now, so that its start-up and a first compile with the
    font folders ``fonts`` (a warm-up) overlap other work (pandoc's). Only the main
    thread starts one ahead: another thread's child lives for one compile."""
    if threading.current_thread() is not threading.main_thread():
        return
    with _lock:
        _keep(_take(memory, timeout, fonts))


def compile_request(
    request: Path,
    errors: Path,
    fonts: list[str],
    memory: int = TYPST_MEMORY,
    timeout: float = TYPST_TIMEOUT,
) -> Finished:
    """Compile the document ``request`` (JSON) describes, with the font folders ``fonts``;
    what Typst printed is in ``errors``.

    ``LimitExceeded`` when the compile passes its time or memory limit.
    """
    with _lock:
        child = _take(memory, timeout, fonts)
        warm = child.compiles > 0 or child.warmed
        try:
            done = child.compile(request, errors)
        except LimitExceeded as exc:
            child.close()
            if exc.limit != "memory" or not warm:
                raise
            # what the warm one kept may be to blame: a fresh child, with nothing before
            child = _Child(memory, timeout, fonts, warm_up=False)
            done = child.compile(request, errors)
        except BaseException:
            child.close()
            raise
        _keep(child)
        return done


def stop() -> None:
    """End this process's child, if any (it also ends by itself when evalcli does)."""
    global _child
    with _lock:
        child, _child = _child, None
        if child is not None:
            child.close()
