"""The check command without click: the command line (`cli`) and the quick start (`entry`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from evalcli import console
from evalcli.i18n import nmsg

FORMATS = ("text", "json", "github")


def run_check(
    reports: tuple[str, ...],
    fmt: str = "text",
    strict: bool | None = None,
    verbose: bool = False,
    quiet: bool = False,
    changed_since: str | None = None,
    shard: str | None = None,
    jobs: int | None = None,
    template_dirs: tuple[Path, ...] = (),
) -> NoReturn:
    """Check the reports, print the findings in ``fmt`` and exit with the worst finding's code."""
    from evalcli import api
    from evalcli.reporting import shown_path, tally

    project = console.load_project(fmt, template_dirs, strict=strict)
    selection, notes = console.select(reports, changed_since, shard, project, "check")
    console.echo_notes(notes, fmt, quiet)
    if not selection.reports:
        console.nothing_to_do("check", fmt, notes)
    progress = console.Progress("checked", quiet or fmt != "text", None)
    try:
        results = api.check(
            selection,
            project,
            jobs=project.processes(jobs),
            progress=progress,
            words=verbose,
        )
    finally:
        progress.close()
    if fmt == "text":
        if verbose:
            for result in results:
                for path, sid, words in result.words:
                    count = nmsg("{n} word", "{n} words", words, n=words)
                    console.echo(f"{shown_path(path)}: {count} ({sid})")
        console.echo_findings(results, err=False)
        if not quiet:
            console.echo(tally(results))
    else:
        console.print_findings(results, fmt)
        if fmt == "github":
            from evalcli.reporting.jobsummary import append_summary

            append_summary("check", results, notes)
    sys.exit(api.worst_exit_code(results, project.strict))
