"""What the commands print: findings, notes, progress and closing lines, on the terminal or in CI.

Kept apart from ``cli`` so that the command definitions stay a list of
options and one API call each.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from evalcli import i18n
from evalcli.errors import EXIT_INTERRUPTED, EXIT_USAGE
from evalcli.i18n import msg, nmsg

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away

if TYPE_CHECKING:
    from pathlib import Path

    from evalcli.config import Settings
    from evalcli.project import Project
    from evalcli.report.discover import Selection
    from evalcli.reporting import ReportResult, RunOutput


def echo(text: object = "", err: bool = False) -> None:
    """One line to standard output (or error), flushed as it is written.

    What ``click.echo`` does for these lines, without importing click: ``check``
    runs through here without it (``evalcli.entry``). Lines come painted only
    when colour is wanted, so there is no colour to strip.
    """
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


def report_failure(exc: BaseException) -> int:
    """An evalcli error, an OS error or an interruption as one line; its exit code."""
    from evalcli.errors import EvalcliError, os_error
    from evalcli.reporting import inert

    if isinstance(exc, KeyboardInterrupt):
        stopped = msg("interrupted; nothing half-written was left behind")
        echo(f"evalcli: {stopped}", err=True)  # the program name, not a sentence
        return EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        # the reader went away (evalcli export | head): stop quietly, as other tools do
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    if isinstance(exc, EvalcliError):
        problem, code = inert(str(exc)), exc.exit_code
    elif isinstance(exc, OSError):
        problem, code = inert(str(os_error(exc, msg("use")))), EXIT_USAGE
    else:
        raise exc
    echo(str(msg("evalcli: error: {problem}", problem=problem)), err=True)
    return code


def print_findings(results: list[ReportResult], fmt: str, output: RunOutput | None = None) -> None:
    """The findings in ``fmt``, with the closing line; ``output`` has parts made already."""
    from evalcli.reporting import RunOutput

    if output is None:
        output = RunOutput(fmt, colour=fmt == "text" and wants_colour(err=False))
    echo(output.text(results))


def wants_colour(err: bool) -> bool:
    """Colour on standard error (``err``) or output: a terminal, NO_COLOR, FORCE_COLOR."""
    from evalcli.reporting import terminal

    return terminal.wants_colour(sys.stderr if err else sys.stdout)


def echo_findings(results: list[ReportResult], err: bool) -> None:
    """Each report's findings as text lines, a report's lines in one write."""
    from evalcli.reporting import RunOutput

    output = RunOutput("text", colour=wants_colour(err))
    for result in results:
        part = output.part(result)
        if part:
            echo(part, err=err)


def load_settings(fmt: str = "text") -> Settings:
    """The project settings; a settings file with errors stops every command (exit 2)."""
    from evalcli import api
    from evalcli.reporting import ReportResult, inert

    settings = api.settings()
    if not settings.findings and settings["messages"]:
        i18n.choose(settings["messages"])
    if settings.findings:
        assert settings.file is not None
        results = [ReportResult(settings.file, settings.findings)]
        if fmt == "text":
            echo_findings(results, err=True)
            line = msg("fix the settings in {file} first", file=inert(settings.file.name))
            echo(str(msg("evalcli: error: {problem}", problem=line)), err=True)
        else:
            print_findings(results, fmt)
        sys.exit(EXIT_USAGE)
    return settings


def load_project(
    fmt: str = "text", template_dirs: tuple[Path, ...] = (), **overrides: Any
) -> Project:
    """The project of the settings (which must be free of errors) and the command's options.

    ``overrides`` are the options that stand for a setting (``pdf_engine=...``);
    None leaves the setting as it is.
    """
    from evalcli.project import Project

    return Project.from_settings(load_settings(fmt), template_dirs, **overrides)


_VERBS = {"check": msg("check"), "build": msg("build"), "export": msg("export")}
_PROGRESS = {"checked": msg("checked"), "built": msg("built")}


def select(
    reports: tuple[str, ...],
    changed_since: str | None,
    shard: str | None,
    project: Project,
    verb: str,
) -> tuple[Selection, list[str]]:
    """The reports to work on, and notes on what was passed over."""
    from evalcli import api
    from evalcli.report.discover import parse_shard
    from evalcli.reporting import shown_path as display_path

    verb = _VERBS[verb].render() if verb in _VERBS else verb
    share = parse_shard(shard) if shard else None
    selection = api.select(reports, changed_since=changed_since, shard=share, project=project)
    notes = [
        str(msg("{path}: not inside a report folder; skipped", path=display_path(p)))
        for p in selection.outside
    ]
    notes += [
        str(
            msg(
                "{path}: deleted since {ref}; skipped",
                path=display_path(p),
                ref=changed_since or "",
            )
        )
        for p in selection.deleted
    ]
    if selection.shard:
        k, n = selection.shard
        notes.append(
            str(
                msg(
                    "shard {k}/{n}: {selected} of {total} reports",
                    k=k,
                    n=n,
                    selected=len(selection.reports),
                    total=selection.before_shard,
                )
            )
        )
    if not selection.reports:
        if changed_since is not None:
            notes.append(
                str(
                    msg(
                        "no report changed since {ref}; nothing to {verb}",
                        ref=changed_since,
                        verb=verb,
                    )
                )
            )
        else:
            notes.append(str(msg("no report selected; nothing to {verb}", verb=verb)))
    return selection, notes


def echo_notes(notes: list[str], fmt: str, quiet: bool) -> None:
    """What the selection passed over: lines for people, notices in GitHub Actions."""
    from evalcli.reporting import github_notice, inert

    if fmt == "github":
        for note in notes:
            echo(github_notice(note))
    elif fmt == "text" and not quiet:
        for note in notes:
            echo(inert(note), err=True)


def nothing_to_do(command: str, fmt: str, notes: list[str]) -> None:
    """An empty selection: say so, write an empty summary, and succeed."""
    from evalcli.reporting.jobsummary import append_summary

    if fmt == "json":
        print_findings([], fmt)
    elif fmt == "github":
        append_summary(command, [], notes)
    sys.exit(0)


class Progress:
    """Progress as reports finish: one rewritten line on a terminal, plain lines elsewhere."""

    def __init__(
        self, verb: str, quiet: bool, plain: Callable[[int, int, ReportResult], None] | None
    ):
        from evalcli.reporting.terminal import ProgressLine, is_terminal

        stream = sys.stderr
        shown = _PROGRESS[verb].render() if verb in _PROGRESS else verb
        self.line = ProgressLine(stream, shown) if is_terminal(stream) and not quiet else None
        self.plain = plain

    def __call__(self, done: int, total: int, result: ReportResult) -> None:
        from evalcli.reporting import shown_path

        if self.line is not None:
            self.line.clear()
        if self.plain is not None:
            self.plain(done, total, result)
        if self.line is not None and done < total:
            self.line.update(done, total, shown_path(result.path))

    def close(self) -> None:
        if self.line is not None:
            self.line.clear()


def built_line(number: int, total: int, result: ReportResult, draft: bool, colour: bool) -> None:
    """One report's build line, in its own language under ``--messages report``."""
    with i18n.speaking(i18n.report_language(result.language)):
        _built_line(number, total, result, draft, colour)


def _built_line(number: int, total: int, result: ReportResult, draft: bool, colour: bool) -> None:
    from evalcli.reporting import inert, shown_path
    from evalcli.reporting.terminal import green

    prefix = f"[{number}/{total}] {shown_path(result.path)}"
    pages = ""
    if result.pages is not None:
        pages = ", " + nmsg("{n} page", "{n} pages", result.pages, n=result.pages).render()
    if result.page_counts:
        pages = ", " + ", ".join(count.describe().render() for count in result.page_counts)
    if result.built:
        written = ", ".join(shown_path(p) for p in result.files)
        verb = str(msg("up to date")) if result.fresh else str(msg("wrote"))
        verb = green(verb) if colour else verb
        draft_mark = " (" + msg("draft").render() + ")" if draft else ""
        line = f"{prefix}: {verb} {written}{pages}{draft_mark}"
        echo(line)
    else:
        not_built = msg("not built")
        echo(f"{prefix}: {not_built}{pages}: {inert(str(result.note))}", err=True)


def recap(results: list[ReportResult]) -> None:
    """After a long run, the reports that were not built, so they never scroll away."""
    from evalcli.diagnostics import count
    from evalcli.reporting import inert, shown_path

    failed = [r for r in results if r.built is False]
    if len(results) < 2 or not failed:
        return
    echo(
        nmsg(
            "not built ({failed} of {total}):",
            "not built ({failed} of {total}):",
            len(failed),
            failed=len(failed),
            total=len(results),
        ).render(),
        err=True,
    )
    for result in failed:
        errors, warnings = count(result.findings)
        counts = msg(
            "{errors}, {warnings}",
            errors=nmsg("{n} error", "{n} errors", errors, n=errors),
            warnings=nmsg("{n} warning", "{n} warnings", warnings, n=warnings),
        )
        note = inert(str(result.note))
        echo(f"  {shown_path(result.path)} ({counts}): {note}", err=True)


def preview_echo(line: str, severity: str | None = None) -> None:
    from evalcli.reporting import inert_lines
    from evalcli.reporting.terminal import paint_finding

    colour = bool(severity) and wants_colour(err=False)
    line = inert_lines(line)
    echo(paint_finding(line, severity) if colour and severity else line)
