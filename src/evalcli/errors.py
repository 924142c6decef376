"""Every error evalcli raises on purpose, each mapped to an exit code.

The command line turns these into a one-line message and an exit status in a
single place (``cli.main``); a user never sees a traceback for bad input.
"""

from __future__ import annotations


class EvalcliError(Exception):
    """Base class: a problem a user can fix, with the exit code it maps to."""

    exit_code = 2


class InputError(EvalcliError):
    """Raised when a path is missing, unreadable, or not what a command expects."""

    exit_code = 2


class TemplateError(EvalcliError):
    """Raised when a template folder is missing or its files are malformed."""

    exit_code = 2


class ContentError(EvalcliError):
    """Raised when content has errors that stop a command (exit 1)."""

    exit_code = 1


class ConversionError(EvalcliError):
    """Raised when pandoc, Typst or LibreOffice fails on a document (exit 3)."""

    exit_code = 3
