"""Converters run in child processes, each with a wall-clock timeout and a memory cap.

Every converter evalcli starts (pandoc, the Typst compiler, LibreOffice) goes
through ``Confined``: the child is confined by ``sandbox_child`` before the
converter runs (an address-space limit, and on Linux death with its parent),
sits in a process group of its own so that the whole group can be killed,
and is listed here until it ends, so that SIGTERM or Ctrl-C of evalcli kills
it at once (``kill_all``) instead of waiting for it to finish.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from evalcli.errors import ConversionError
from evalcli.i18n import Message, msg
from evalcli.records import Record

_CHILD = Path(__file__).with_name("sandbox_child.py")
EXIT_TYPST_ERROR = 1
EXIT_OUT_OF_MEMORY = 75
EXIT_ORPHAN = 76
_POSIX = os.name == "posix"

_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.RLock()  # re-entrant: kill_all runs in a signal handler
_stopping = threading.Event()


class LimitExceeded(ConversionError):
    """Raised when a converter passes its time or memory limit and is stopped (exit 3)."""

    def __init__(self, message: Message, limit: str) -> None:
        super().__init__(message)
        self.limit = limit  # "time" or "memory"


class Finished(Record, frozen=True):
    """A converter that ended by itself: its exit status and what it printed."""

    returncode: int
    stdout: bytes
    stderr: bytes


def child_command(memory: int, argv: list[str]) -> list[str]:
    """``argv`` (a program and its arguments) run under the limits of a confined child."""
    if not _POSIX:  # pragma: no cover - no rlimit or process groups: run it as it is
        return argv
    # -S: the exec wrapper needs no site-packages, which saves a third of its start-up
    return [sys.executable, "-I", "-S", str(_CHILD), str(memory), str(os.getpid()), "exec", *argv]


@functools.cache
def _typst_home() -> str:
    """The folder the ``typst`` package is imported from here (a venv, the user's site ...).

    The child runs isolated (``-I``: no environment variables, no user site),
    so it is told where to find the package instead.
    """
    spec = importlib.util.find_spec("typst")
    if spec is None or spec.origin is None:
        raise ConversionError(msg("the typst package is not installed; reinstall evalcli"))
    return str(Path(spec.origin).parent.parent)


def typst_command(memory: int, warm_up: list[str] | None = None) -> list[str]:
    """A confined child that compiles the Typst documents named on its standard input;
    given ``warm_up`` (font folders), it first compiles a small document set in them."""
    warm = ["--warm-up", *warm_up] if warm_up is not None else []
    return [
        sys.executable, "-I", str(_CHILD), str(memory), str(os.getpid()), "typst", "-",
        _typst_home(), *warm,
    ]  # fmt: skip


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        if _POSIX:
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover
            process.kill()


def kill_all() -> None:
    """Kill every converter still running (evalcli got SIGTERM or Ctrl-C); new ones fail."""
    _stopping.set()
    with _live_lock:
        for process in list(_live):
            _kill(process)


def live_children() -> list[int]:
    """The process ids of the converters running now (tests wait for one to exist)."""
    with _live_lock:
        return [process.pid for process in _live]


class Confined:
    """One converter started now and collected later with ``result()``.

    ``what`` names the converter in messages ("typst", "pandoc"); ``timeout``
    is in seconds of wall-clock time; ``memory`` in bytes (0: no cap, for a
    program with a cap of its own). The caller decides what a non-zero exit
    status means; passing a limit is a ``LimitExceeded``. ``hold_stdin`` keeps
    the child's standard input open until ``result()``, for a child that
    starts up first and waits for it to close before it converts; ``pass_fds``
    are descriptors the child keeps (under their numbers), for a second output.
    """

    def __init__(
        self,
        command: list[str],
        *,
        what: str,
        timeout: float,
        memory: int,
        env: dict[str, str],
        cwd: Path | None = None,
        hold_stdin: bool = False,
        pass_fds: tuple[int, ...] = (),
    ) -> None:
        self.what, self.timeout, self.memory = what, timeout, memory
        if _stopping.is_set():
            raise KeyboardInterrupt
        try:
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # held open: the child may wait for its end (``result`` closes it)
                stdin=subprocess.PIPE if hold_stdin else subprocess.DEVNULL,
                env=env,
                cwd=cwd,
                start_new_session=_POSIX,
                pass_fds=pass_fds,
            )
        except OSError as exc:
            raise ConversionError(
                msg("cannot run {program}: {problem}", program=what, problem=str(exc))
            ) from exc
        with _live_lock:
            _live.add(self.process)
        if _stopping.is_set():  # a signal came while it started
            _kill(self.process)

    def ask(self, line: bytes) -> bytes | None:
        """Write ``line`` to the child and wait for one line of its answer, within the time
        limit (a ``LimitExceeded`` then, the child killed); None if the child ended."""
        if _stopping.is_set():
            raise KeyboardInterrupt
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(line)
            self.process.stdin.flush()
        except OSError:  # it is gone; its status tells why
            return None
        return self.read_line()

    def read_line(self) -> bytes | None:
        """One line of the child's output, within the time limit; None if it ended."""
        import select
        import time

        assert self.process.stdout is not None
        out = self.process.stdout.fileno()
        deadline = time.monotonic() + self.timeout
        answer = b""
        while not answer.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                self.cancel()
                raise LimitExceeded(self._too_long(), "time") from None
            ready, _, _ = select.select([out], [], [], left)
            if not ready:
                continue
            chunk = os.read(out, 4096)
            if not chunk:
                return None
            answer += chunk
        if _stopping.is_set():
            raise KeyboardInterrupt
        return answer

    def ended(self, err: bytes) -> Finished:
        """The status of a child that ended by itself (``ask`` gave None); ``err`` is what it
        wrote about it (else what it wrote on its standard error). ``LimitExceeded`` if it
        ran out of memory."""
        written = self.cancel()
        err = err or written
        code = self.process.wait()
        if _stopping.is_set() and code < 0:
            raise KeyboardInterrupt
        self._check_memory(code, err)
        if code == EXIT_ORPHAN:  # pragma: no cover - only when evalcli itself is gone
            raise KeyboardInterrupt
        return Finished(code, b"", err)

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self.process.poll() is None

    def cancel(self) -> bytes:
        """Kill the converter, if it still runs, and wait for it (its result is not wanted);
        what it had written on its standard error."""
        with _live_lock:
            if self.process not in _live:
                return b""
            _live.discard(self.process)
        _kill(self.process)
        with contextlib.suppress(OSError, ValueError):
            return self.process.communicate()[1] or b""
        return b""

    def result(self) -> Finished:
        """Wait for the converter; ``LimitExceeded`` if it ran out of time or memory.

        The time limit counts from here: a converter started early, which waits
        for its standard input to close, spends none of it waiting.
        """
        try:
            out, err = self.process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill(self.process)
            self.process.communicate()
            raise LimitExceeded(self._too_long(), "time") from None
        finally:
            with _live_lock:
                _live.discard(self.process)
        code = self.process.returncode
        if _stopping.is_set() and code < 0:
            raise KeyboardInterrupt  # killed by kill_all: evalcli is stopping
        self._check_memory(code, err)
        if code == EXIT_ORPHAN:  # pragma: no cover - only when evalcli itself is gone
            raise KeyboardInterrupt
        return Finished(code, out, err)

    def _too_long(self) -> Message:
        return msg(
            "{program} took longer than {seconds} s, the limit for one "
            "conversion, and was stopped; the document is too large or too complex "
            "(a table, an image or an SVG filter): simplify it",
            program=self.what,
            seconds=format(self.timeout, "g"),
        )

    def _check_memory(self, code: int, err: bytes) -> None:
        if self.memory and (code == EXIT_OUT_OF_MEMORY or _out_of_memory(code, err)):
            raise self.out_of_memory()

    def out_of_memory(self) -> LimitExceeded:
        """The error of a converter that passed its memory limit."""
        return LimitExceeded(
            msg(
                "{program} needed more than {mib} MiB of memory, the "
                "limit for one conversion, and was stopped; the document is too large or "
                "too complex (a table, an image or an SVG filter): simplify it",
                program=self.what,
                mib=self.memory // 2**20,
            ),
            "memory",
        )


def _out_of_memory(code: int, err: bytes) -> bool:
    """Rust's allocator aborts (SIGABRT) with this message when an allocation fails."""
    if code not in (-signal.SIGABRT, -signal.SIGSEGV, 134):
        return False
    return not err.strip() or any(sign in err for sign in _OUT_OF_MEMORY)


_OUT_OF_MEMORY = (b"memory allocation of", b"AllocError", b"out of memory", b"MemoryError")
