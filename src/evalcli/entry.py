"""The ``evalcli`` command: a plain ``check`` or ``build`` starts here without click.

``evalcli check`` runs on every save and in every CI job, and loading click
with the definitions of every command is a third of its start-up (and a
tenth of a build's own work). Their usual forms (the options of ``--help``,
each written out) are read here. Anything else (help, a mistake to explain,
another command, shell completion) goes to the full command line, which
gives the same results.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from evalcli import console, i18n
from evalcli.commands import ENGINES, FORMATS, PDF_STANDARDS, run_build, run_check
from evalcli.errors import EvalcliError
from evalcli.i18n import CHOICES as MESSAGE_CHOICES

_SHARED_FLAGS = {"-q": ("quiet", True), "--quiet": ("quiet", True)}
_SHARED_FLAGS |= {"--strict": ("strict", True), "--no-strict": ("strict", False)}
_SHARED_VALUES = {
    "--format": "fmt",
    "--changed-since": "changed_since",
    "--shard": "shard",
    "-j": "jobs",
    "--jobs": "jobs",
    "--template-dir": "template_dirs",
    "--messages": "messages",
}
# each command: its flags (option -> (name, value)), its options with a value, what runs it
COMMANDS: dict[str, tuple[dict[str, tuple[str, bool]], dict[str, str], Callable[..., NoReturn]]] = {
    "check": (
        {**_SHARED_FLAGS, "-v": ("verbose", True), "--verbose": ("verbose", True)},
        _SHARED_VALUES,
        run_check,
    ),
    "build": (
        {
            **_SHARED_FLAGS,
            "--draft": ("draft", True),
            "--annexes": ("annexes", True),
            "--force": ("force", True),
        },
        {
            **_SHARED_VALUES,
            "-o": "output",
            "--output": "output",
            "--to": "formats",
            "--name": "name",
            "--lang": "lang",
            "--pdf-standard": "pdf_standard",
            "--pdf-engine": "pdf_engine",
            "--docx-pages": "docx_pages",
        },
        run_build,
    ),
}
_CHOICES = {
    "fmt": FORMATS,
    "messages": MESSAGE_CHOICES,
    "pdf_standard": PDF_STANDARDS,
    "pdf_engine": ENGINES,
    "docx_pages": ENGINES,
}
MAX_JOBS = 256  # as the command line's -j allows


def _value(name: str, value: str) -> Any:
    """The option's value as the command line would take it; None when it would refuse it."""
    if not value or (value.startswith("-") and value != "-"):
        return None  # empty, or a value or an option forgotten: the command line says which
    if name in _CHOICES:
        return value if value in _CHOICES[name] else None
    if name == "jobs":
        ok = value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_JOBS
        return int(value) if ok else None
    if name == "template_dirs":
        return None if Path(value).is_file() else Path(value)
    if name == "output":
        return Path(value)
    return value


def quick_command(argv: list[str]) -> tuple[str, dict[str, Any]] | None:
    """``evalcli [--messages L] check|build ...`` written plainly: the command and its
    options; else None."""
    options: dict[str, Any] = {"reports": [], "template_dirs": [], "messages": None}
    args = list(argv)
    if args[:1] and args[0].startswith("--messages"):
        name, _, value = args.pop(0).partition("=")
        if name != "--messages" or not (value or args):
            return None
        options["first_messages"] = _value("messages", value or args.pop(0))
        if options["first_messages"] is None:
            return None
    if not args or args[0] not in COMMANDS:
        return None
    command = args.pop(0)
    flags, values, _run_it = COMMANDS[command]
    while args:
        arg = args.pop(0)
        if arg == "--":
            options["reports"] += args
            break
        if not arg.startswith("-") or arg == "-":
            options["reports"].append(arg)
            continue
        if arg in flags:
            key, flag = flags[arg]
            options[key] = flag
            continue
        name, equals, value = arg.partition("=")
        short = not name.startswith("--")
        if name not in values or (short and equals) or not (equals or args):
            return None
        key = values[name]
        taken = _value(key, value if equals else args.pop(0))
        if taken is None:
            return None
        if key == "template_dirs":
            options[key].append(taken)
        else:
            options[key] = taken
    return command, options


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (a CI job cancelled) unwinds like Ctrl-C, so temporary files are removed.

    Converters run in process groups of their own (``tools.sandbox``), so
    neither signal reaches them: they are killed here, at once.
    """
    from evalcli.tools.sandbox import kill_all

    kill_all()
    raise KeyboardInterrupt


def main() -> NoReturn:
    """Entry point of the ``evalcli`` command."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        _run(sys.argv[1:])
    except SystemExit as exc:
        if not isinstance(exc.code, int | None):
            raise
        _leave(exc.code or 0)
    _leave(0)


def _run(argv: list[str]) -> None:
    quick = None if "_EVALCLI_COMPLETE" in os.environ else quick_command(argv)
    if quick is None:
        from evalcli.cli import cli

        cli(prog_name="evalcli")
        return
    command, options = quick
    try:
        i18n.choose(options.pop("first_messages", None), command_line=True)
        messages = options.pop("messages")
        if messages is not None:
            i18n.choose(messages, command_line=True)
        options["reports"] = tuple(options["reports"])
        options["template_dirs"] = tuple(options["template_dirs"])
        COMMANDS[command][2](**options)
    except (EvalcliError, OSError, KeyboardInterrupt) as exc:
        sys.exit(console.report_failure(exc))


def _leave(code: int) -> NoReturn:
    """Exit with ``code`` once the output is flushed and the exit handlers have run.

    Python's own teardown (freeing every module and object) is skipped: it
    costs a check 7% of its instructions and a build about 60 ms, and a
    command's files are all closed by then (each is written whole and
    renamed). With a thread still running, Python exits as usual and waits for it.
    """
    import atexit

    threading = sys.modules.get("threading")  # not loaded by a check: then no thread ran
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away: as the commands say it
            code = console.EXIT_BROKEN_PIPE
        except (OSError, ValueError):
            pass
    atexit._run_exitfuncs()
    os._exit(code)
