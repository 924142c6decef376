"""Every error evalcli raises on purpose, each mapped to an exit code.

Problems in a report's content are findings (``diagnostics``), never
exceptions. These exceptions are for what stops a whole command: a path the
user gave that does not exist, a bad option, a malformed template, a tool
that fails. The command line turns each into a one-line message and its exit
status in a single place (``cli.Group``); a user never sees a traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path

from evalcli.i18n import Message, msg, verbatim

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_CONVERSION = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class EvalcliError(Exception):
    """Base class: a problem a user can fix, with the exit code it maps to.

    Raised with an ``i18n.Message`` (or, from a tool's own output, plain text);
    it is printed in the user's language only when the command line shows it.
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: Message | str) -> None:
        super().__init__(message)

    def message(self) -> Message:
        """What went wrong and what to do, as a message to render."""
        given = self.args[0] if self.args else ""
        return given if isinstance(given, Message) else verbatim(str(given))

    def __str__(self) -> str:
        return self.message().render()


class InputError(EvalcliError):
    """Raised when a path or option is missing, unreadable, or not what a command expects."""

    exit_code = EXIT_USAGE


class TemplateError(EvalcliError):
    """Raised when a template folder is missing or its files are malformed."""

    exit_code = EXIT_USAGE


class UnknownTemplateError(TemplateError):
    """Raised when no bundled or allowed template has the name asked for."""


class ConversionError(EvalcliError):
    """Raised when pandoc, Typst or LibreOffice fails on a document (exit 3)."""

    exit_code = EXIT_CONVERSION


_ADVICE = {
    errno.ENOSPC: msg("free some disk space and run again"),
    errno.EDQUOT: msg("free some disk space and run again"),
    errno.EACCES: msg("check the permissions, or choose another path"),
    errno.EPERM: msg("check the permissions, or choose another path"),
    errno.EROFS: msg("the file system is read-only; choose another path"),
    errno.ENOTDIR: msg("a part of this path is a file, not a folder; choose another path"),
    errno.EEXIST: msg("it exists already; choose another path"),
    errno.EISDIR: msg("it is a folder; give a file"),
    errno.ENOENT: msg("check the path"),
    errno.ENAMETOOLONG: msg("choose a shorter name"),
}


def os_error(exc: OSError, action: str | Message, path: Path | str | None = None) -> InputError:
    """An OSError as a one-line InputError: what failed, on which path, and what to do."""
    where = path if path is not None else exc.filename
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno or 0, msg("check the path and run again"))
    target = f" {where}" if where is not None else ""
    return InputError(
        msg(
            "cannot {action}{target}: {reason}; {advice}",
            action=action,
            target=target,
            reason=reason,
            advice=advice,
        )
    )
