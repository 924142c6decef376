"""The ``evalcli`` command: a plain ``check`` starts here without click; the rest goes to ``cli``.

``evalcli check`` runs on every save and in every CI job, and loading click
with the definitions of every command is a third of its start-up. Its usual
forms (the options of ``evalcli check --help``, each written out) are read
here. Anything else (help, a mistake to explain, another command, shell
completion) goes to the full command line, which gives the same results.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from evalcli import console, i18n
from evalcli.check_command import FORMATS, run_check
from evalcli.errors import EvalcliError
from evalcli.i18n import CHOICES as MESSAGE_CHOICES

_FLAGS = {
    "--strict": ("strict", True),
    "--no-strict": ("strict", False),
    "-v": ("verbose", True),
    "--verbose": ("verbose", True),
    "-q": ("quiet", True),
    "--quiet": ("quiet", True),
}
_VALUES = {
    "--format": "fmt",
    "--changed-since": "changed_since",
    "--shard": "shard",
    "-j": "jobs",
    "--jobs": "jobs",
    "--template-dir": "template_dirs",
    "--messages": "messages",
}
MAX_JOBS = 256  # as the command line's -j allows


def _value(name: str, value: str) -> Any:
    """The option's value as the command line would take it; None when it would refuse it."""
    if value.startswith("-") and value != "-":
        return None  # a value or an option forgotten: the command line says which
    if name == "fmt":
        return value if value in FORMATS else None
    if name == "messages":
        return value if value in MESSAGE_CHOICES else None
    if name == "jobs":
        ok = value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_JOBS
        return int(value) if ok else None
    if name == "template_dirs":
        return None if Path(value).is_file() else Path(value)
    return value


def quick_check(argv: list[str]) -> dict[str, Any] | None:
    """The options of ``evalcli [--messages L] check ...`` when written plainly, else None."""
    options: dict[str, Any] = {"reports": [], "template_dirs": [], "messages": None}
    args = list(argv)
    if args[:1] and args[0].startswith("--messages"):
        name, _, value = args.pop(0).partition("=")
        if name != "--messages" or not (value or args):
            return None
        options["first_messages"] = _value("messages", value or args.pop(0))
        if options["first_messages"] is None:
            return None
    if args[:1] != ["check"]:
        return None
    args.pop(0)
    while args:
        arg = args.pop(0)
        if arg == "--":
            options["reports"] += args
            break
        if not arg.startswith("-") or arg == "-":
            options["reports"].append(arg)
            continue
        if arg in _FLAGS:
            key, flag = _FLAGS[arg]
            options[key] = flag
            continue
        name, equals, value = arg.partition("=")
        if name not in _VALUES or (name == "-j" and equals) or not (equals or args):
            return None
        key = _VALUES[name]
        taken = _value(key, value if equals else args.pop(0))
        if taken is None:
            return None
        if key == "template_dirs":
            options[key].append(taken)
        else:
            options[key] = taken
    return options


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
    quick = None if "_EVALCLI_COMPLETE" in os.environ else quick_check(argv)
    if quick is None:
        from evalcli.cli import cli

        cli(prog_name="evalcli")
        return
    try:
        i18n.choose(quick.pop("first_messages", None), command_line=True)
        if quick["messages"] is not None:
            i18n.choose(quick["messages"], command_line=True)
        run_check(
            tuple(quick["reports"]),
            quick.get("fmt", "text"),
            quick.get("strict"),
            quick.get("verbose", False),
            quick.get("quiet", False),
            quick.get("changed_since"),
            quick.get("shard"),
            quick.get("jobs"),
            tuple(quick["template_dirs"]),
        )
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
