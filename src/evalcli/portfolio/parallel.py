"""Run one function over many reports in worker processes, results back in input order.

Reports are independent units of work, and pandoc, Typst and the checks are
CPU-bound, so processes (not threads) spread them over the cores. Workers are
forked where that is safe (a process with one thread), so they start warm with
evalcli already imported; otherwise they are spawned.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from evalcli.errors import ConversionError
from evalcli.i18n import msg

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """The cores this process may run on (a container's limit, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _context(preload: str) -> multiprocessing.context.BaseContext:
    """Fork while it is safe: one thread, and no native library with threads of its own.

    Typst (Rust) keeps worker threads that threading does not list; a process
    forked after it ran can deadlock. Otherwise a fork server, started clean,
    forks the workers with ``preload`` (the module of the function they run) imported.
    """
    import multiprocessing

    if os.name != "posix":
        return multiprocessing.get_context("spawn")
    import threading

    if threading.active_count() == 1 and "typst" not in sys.modules:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])
    return context


PARENT_POLL = 0.5  # seconds between a worker's looks at whether evalcli is still running
_PR_SET_PDEATHSIG = 1


def _worker_start(parent: int) -> None:
    """In a worker, first: garbage collection on (a forked worker inherits the parent's
    pause), and an end with the run that started it."""
    gc.enable()
    _die_with(parent)


def _die_with(parent: int) -> None:
    """In a worker: end when the evalcli process that started the pool is gone.

    A SIGKILLed run cannot stop its workers, so each worker asks Linux to kill
    it when its parent dies (``PR_SET_PDEATHSIG``) and, everywhere, polls: it
    ends when its own parent changes (it was orphaned: evalcli, or the fork
    server that exits with evalcli, is gone) or evalcli's process is gone.
    """
    if sys.platform.startswith("linux"):
        import ctypes  # in the worker only: a single-process run never needs it

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    first = os.getppid()

    def alive() -> bool:
        if os.getppid() != first:
            return False
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    if not alive():  # the parent died before the lines above took effect
        os._exit(1)

    def watch() -> None:
        while alive():
            time.sleep(PARENT_POLL)
        os._exit(1)

    import threading

    threading.Thread(target=watch, name="evalcli-parent-watch", daemon=True).start()


def chunk_sizes(count: int, chunk: int, jobs: int) -> list[int]:
    """How many of ``count`` items each chunk takes: ``chunk`` at most, and in several
    processes, toward the end, a share of what is left, so that the last chunks are
    small and every process ends at about the same time (no core idles while one
    works through a last large chunk)."""
    largest = max(1, chunk)
    sizes = []
    left = count
    while left > 0:
        size = largest if jobs <= 1 else max(1, min(largest, left // (2 * jobs)))
        size = min(size, left)
        sizes.append(size)
        left -= size
    return sizes


def run_chunks(
    func: Callable[[list[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    chunk: int = 1,
    done: Callable[[int, R], None] | None = None,
) -> list[R]:
    """``func`` over ``items``, in chunks, in ``jobs`` processes; ``done`` is told as each ends.

    Chunks hold ``chunk`` items at most, fewer toward the end (see ``chunk_sizes``).
    With one job, or one chunk, everything runs here in this process.
    """
    results: dict[int, R] = {}
    chunks = []
    start = 0
    for size in chunk_sizes(len(items), chunk, jobs):
        chunks.append(list(range(start, start + size)))
        start += size
    with _frozen():
        if jobs <= 1 or len(chunks) <= 1:
            for indexes in chunks:
                for index, result in zip(indexes, func([items[i] for i in indexes]), strict=True):
                    results[index] = result
                    if done:
                        done(index, result)
        else:
            with _collection_paused():  # a worker turns it back on as it starts
                _collect(func, items, min(jobs, len(chunks)), chunks, results, done)
    return [results[i] for i in range(len(items))]


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """The objects alive now (the program, the settings) left out of garbage collection
    while the work runs: a collection then looks only at what the work made, and a
    forked worker never writes to the pages it shares with its parent to mark them."""
    if gc.get_freeze_count():  # frozen by the caller already: theirs to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection while the results come back: unpickling them only adds
    objects (no cycles), and each collection would look at all those already back,
    which cost the parent twice the unpickling itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect(
    func: Callable[[list[T]], list[R]],
    items: Sequence[T],
    workers: int,
    chunks: list[list[int]],
    results: dict[int, R],
    done: Callable[[int, R], None] | None,
) -> None:
    # loaded only here: one process (a single report's check) never needs them
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(func.__module__),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    try:
        pending: dict[Future[list[R]], list[int]] = {}
        queue = list(reversed(chunks))
        # a few chunks in flight per worker: the pool never idles, and a Ctrl-C cancels the rest
        while queue or pending:
            while queue and len(pending) < workers * 2:
                indexes = queue.pop()
                pending[pool.submit(func, [items[i] for i in indexes])] = indexes
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                indexes = pending.pop(future)
                try:
                    chunk_results = future.result()
                except BrokenProcessPool as exc:
                    raise ConversionError(
                        msg(
                            "a worker process stopped unexpectedly (out of memory, or killed); "
                            "run again, or with --jobs 1"
                        )
                    ) from exc
                for index, result in zip(indexes, chunk_results, strict=True):
                    results[index] = result
                    if done:
                        done(index, result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
