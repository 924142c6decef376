"""What the commands print: findings, notes, progress and closing lines, on the terminal or in CI.

Kept apart from ``cli`` so that the command definitions stay a list of
options and one API call each.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from evalcli.errors import EXIT_USAGE

if TYPE_CHECKING:
    from pathlib import Path

    from evalcli.config import Settings
    from evalcli.project import Project
    from evalcli.report.discover import Selection
    from evalcli.reporting import ReportResult


def print_findings(results: list[ReportResult], fmt: str) -> None:
    from evalcli.reporting import FORMATTERS

    if fmt == "text":
        echo_findings(results, err=False)
        from evalcli.reporting import tally

        click.echo(tally(results))
        return
    click.echo(FORMATTERS[fmt](results))


def wants_colour(err: bool) -> bool:
    """Colour on standard error (``err``) or output: a terminal, NO_COLOR, FORCE_COLOR."""
    from evalcli.reporting import terminal

    return terminal.wants_colour(sys.stderr if err else sys.stdout)


def echo_findings(results: list[ReportResult], err: bool) -> None:
    from evalcli.reporting import text_lines
    from evalcli.reporting.terminal import paint_finding

    colour = wants_colour(err)
    for result in results:
        for finding, line in zip(result.findings, text_lines(result.findings), strict=True):
            shown = paint_finding(line, finding.severity) if colour else line
            click.echo(shown, err=err, color=colour)


def load_settings(fmt: str = "text") -> Settings:
    """The project settings; a settings file with errors stops every command (exit 2)."""
    from evalcli import api
    from evalcli.reporting import ReportResult, inert

    settings = api.settings()
    if settings.findings:
        assert settings.file is not None
        results = [ReportResult(settings.file, settings.findings)]
        if fmt == "text":
            echo_findings(results, err=True)
            name = inert(settings.file.name)
            click.echo(f"evalcli: error: fix the settings in {name} first", err=True)
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

    share = parse_shard(shard) if shard else None
    selection = api.select(reports, changed_since=changed_since, shard=share, project=project)
    notes = [f"{display_path(p)}: not inside a report folder; skipped" for p in selection.outside]
    notes += [
        f"{display_path(p)}: deleted since {changed_since}; skipped" for p in selection.deleted
    ]
    if selection.shard:
        k, n = selection.shard
        notes.append(f"shard {k}/{n}: {len(selection.reports)} of {selection.before_shard} reports")
    if not selection.reports:
        if changed_since is not None:
            notes.append(f"no report changed since {changed_since}; nothing to {verb}")
        else:
            notes.append(f"no report selected; nothing to {verb}")
    return selection, notes


def echo_notes(notes: list[str], fmt: str, quiet: bool) -> None:
    """What the selection passed over: lines for people, notices in GitHub Actions."""
    from evalcli.reporting import github_notice, inert

    if fmt == "github":
        for note in notes:
            click.echo(github_notice(note))
    elif fmt == "text" and not quiet:
        for note in notes:
            click.echo(inert(note), err=True)


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
        self.line = ProgressLine(stream, verb) if is_terminal(stream) and not quiet else None
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
    from evalcli.reporting import inert, shown_path
    from evalcli.reporting.terminal import green

    prefix = f"[{number}/{total}] {shown_path(result.path)}"
    pages = f", {result.pages} pages" if result.pages is not None else ""
    if result.page_counts:
        pages = ", " + ", ".join(count.describe() for count in result.page_counts)
    if result.built:
        written = ", ".join(shown_path(p) for p in result.files)
        verb = "up to date" if result.fresh else "wrote"
        verb = green(verb) if colour else verb
        line = f"{prefix}: {verb} {written}{pages}" + (" (draft)" if draft else "")
        click.echo(line, color=colour)
    else:
        click.echo(f"{prefix}: not built{pages}: {inert(result.note)}", err=True)


def recap(results: list[ReportResult]) -> None:
    """After a long run, the reports that were not built, so they never scroll away."""
    from evalcli.diagnostics import count
    from evalcli.reporting import inert, shown_path

    failed = [r for r in results if r.built is False]
    if len(results) < 2 or not failed:
        return
    click.echo(f"not built ({len(failed)} of {len(results)}):", err=True)
    for result in failed:
        errors, warnings = count(result.findings)
        counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        click.echo(f"  {shown_path(result.path)} ({counts}): {inert(result.note)}", err=True)


def preview_echo(line: str, severity: str | None = None) -> None:
    from evalcli.reporting import inert_lines
    from evalcli.reporting.terminal import paint_finding

    colour = bool(severity) and wants_colour(err=False)
    line = inert_lines(line)
    click.echo(paint_finding(line, severity) if colour and severity else line, color=colour)
