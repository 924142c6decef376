"""The child side of ``sandbox``: confine this process, then exec a converter or compile Typst.

Run as a script, never imported by evalcli: ``python -I sandbox_child.py
MEMORY PARENT exec PROGRAM ARG...`` or ``... typst - SITE [--warm-up FONTS...]``: a compile for
each request file (JSON) named on a line of its standard input, and a status
line on its standard output for each, so that the library, loaded once, stays
warm from one document to the next. It uses the standard library only (and
``typst`` for a compile); an exec loads nothing but ``_ctypes`` (for the death
signal), so a converter starts about 20 ms after it is asked for. The limits
are set here, in the child, before any converter code runs: the parent may
have threads, and a ``preexec_fn`` is not safe then.
"""

from __future__ import annotations

import os
import sys

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
            # _ctypes, not ctypes: ctypes would cost each start half as much again
            import _ctypes

            # PR_SET_PDEATHSIG: the kernel kills this process when its parent dies
            # (SIGKILL of evalcli included); it survives the exec below. SIGKILL is 9
            # on every Linux: the signal module would cost each start enum's import
            libc = _ctypes.dlopen(None, os.RTLD_NOW)  # type: ignore[arg-type]  # None: this process
            prctl = _ctypes.dlsym(libc, "prctl")
            _ctypes.call_function(prctl, (1, 9))
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(EXIT_ORPHAN)


# compiled before the first request, with the fonts the requests will use: the first
# compile of a process pays for the fonts, Typst's standard library and its caches
WARM_UP = b"""#set document(title: "warm-up")
#set text(lang: "en")
= Heading
Some *bold*, _italic_ and plain text: 1,234.56 \\u{2013} \\u{201C}quoted\\u{201D}.
#table(columns: 2, [Label], [Value])
- An item
"""


def _typst(requests: str, home: str, fonts: list[str] | None) -> int:
    if requests != "-":
        sys.stderr.write("typst: the requests come on stdin ('-')\n")
        return 2
    if home not in sys.path:
        sys.path.append(home)  # where the parent imports typst from
    return _serve(fonts)


def _serve(fonts: list[str] | None) -> int:
    """Compile the request named on each line of stdin; answer each with its status line.

    First a "ready" line, once the library is loaded (and, given ``fonts``,
    warmed up with a small document set in them). What a compile
    prints (typst's message, or a crash's) goes to the request's "errors" file.
    After running out of memory the process ends: its heap may be spent.
    """
    # here, not at the top: an exec (every pandoc run) needs neither, and they would
    # cost its start about 30 ms
    import json
    from pathlib import Path

    try:
        import typst
    except MemoryError:
        sys.stderr.write("out of memory\n")
        return EXIT_OUT_OF_MEMORY
    except Exception as exc:  # it cannot load (a library past the memory cap, say)
        sys.stderr.write(str(exc))
        return EXIT_TYPST_ERROR
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    if fonts is not None:
        try:  # noqa: SIM105 - contextlib would cost the exec wrapper an import
            typst.compile(  # type: ignore[call-overload]
                WARM_UP, font_paths=fonts, ignore_system_fonts=True, pdf_standards="ua-1"
            )
        except Exception:  # a warm-up only: the requests say what fails
            pass
    sys.stdout.buffer.write(b"ready\n")
    sys.stdout.buffer.flush()
    for line in sys.stdin.buffer:  # the end of stdin: the parent is done with us
        request = json.loads(Path(line.decode("utf-8").strip()).read_text(encoding="utf-8"))
        status = _serve_one(typst, request)
        sys.stdout.buffer.write(b"%d\n" % status)
        sys.stdout.buffer.flush()
        if status == EXIT_OUT_OF_MEMORY:
            return status
    return 0


def _serve_one(typst: object, request: dict[str, object]) -> int:
    from pathlib import Path

    output, errors = str(request.pop("output")), str(request.pop("errors"))
    log = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    saved = os.dup(2)
    os.dup2(log, 2)
    os.chdir(str(request["root"]))
    try:
        pdf = typst.compile(**request)  # type: ignore[attr-defined]
        if not isinstance(pdf, bytes):
            os.write(2, b"typst returned no PDF")
            return EXIT_TYPST_ERROR
        Path(output).write_bytes(pdf)
        return 0
    except MemoryError:
        os.write(2, b"out of memory\n")
        return EXIT_OUT_OF_MEMORY
    except Exception as exc:  # typst.TypstError and its warnings-as-errors variants
        os.write(2, str(exc).encode("utf-8", "replace"))
        return EXIT_TYPST_ERROR
    finally:
        os.chdir("/")
        os.dup2(saved, 2)
        os.close(saved)
        os.close(log)


def main(argv: list[str]) -> int:
    """Confine, then run what ``argv`` says; the exit status tells the parent what happened."""
    memory, parent, mode, *rest = argv
    _confine(int(memory), int(parent))
    if mode == "exec":
        os.execv(rest[0], rest)
    if mode == "typst":
        warm_up = rest[3:] if rest[2:3] == ["--warm-up"] else None
        return _typst(rest[0], rest[1], warm_up)
    sys.stderr.write(f"unknown mode {mode!r}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
