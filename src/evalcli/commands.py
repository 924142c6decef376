"""The check and build commands without click, for the command line (`cli`) and the quick
start (`entry`): each takes its options as values and ends the process with its exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from evalcli import console
from evalcli.i18n import nmsg

FORMATS = ("text", "json", "github")
PDF_STANDARDS = ("a-2b", "a-3b", "ua-1")
ENGINES = ("typst", "libreoffice")  # for the PDF, and for counting the DOCX's pages


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
    from evalcli.reporting import ReportResult, RunOutput, shown_path

    project = console.load_project(fmt, template_dirs, strict=strict)
    selection, notes = console.select(reports, changed_since, shard, project, "check")
    console.echo_notes(notes, fmt, quiet)
    if not selection.reports:
        console.nothing_to_do("check", fmt, notes)
    output = RunOutput(fmt, colour=fmt == "text" and console.wants_colour(err=False))

    def ready(_done: int, _total: int, result: ReportResult) -> None:
        output.add(result)  # its findings made ready to print while the others are checked

    progress = console.Progress("checked", quiet or fmt != "text", ready)
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
        shown = output.text(results, closing=not quiet)
        if shown:
            console.echo(shown)
    else:
        console.print_findings(results, fmt, output)
        if fmt == "github":
            from evalcli.reporting.jobsummary import append_summary

            append_summary("check", results, notes)
    sys.exit(api.worst_exit_code(results, project.strict))


def run_build(
    reports: tuple[str, ...],
    output: Path | None = None,
    formats: str | None = None,
    name: str | None = None,
    lang: str | None = None,
    draft: bool = False,
    strict: bool | None = None,
    pdf_standard: str | None = None,
    pdf_engine: str | None = None,
    docx_pages: str = "typst",
    annexes: bool = False,
    force: bool = False,
    fmt: str = "text",
    quiet: bool = False,
    changed_since: str | None = None,
    shard: str | None = None,
    jobs: int | None = None,
    template_dirs: tuple[Path, ...] = (),
) -> NoReturn:
    """Build the reports, print the findings and what was written, exit with the worst code."""
    from evalcli import api
    from evalcli.reporting import ReportResult, RunOutput, tally

    wanted = None
    if formats is not None:
        wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    project = console.load_project(
        fmt,
        template_dirs,
        strict=strict,
        lang=lang,
        pdf_standard=pdf_standard,
        pdf_engine=pdf_engine,
        name=name,
        formats=wanted,
    )
    options = project.build_options(draft=draft, docx_pages=docx_pages, annexes=annexes)
    selection, notes = console.select(reports, changed_since, shard, project, "build")
    console.echo_notes(notes, fmt, quiet)
    if not selection.reports:
        console.nothing_to_do("build", fmt, notes)
    colour = console.wants_colour(err=False)
    terminal = console.Progress("built", quiet or fmt != "text", None).line is not None
    shown = RunOutput(fmt)

    def plain(done: int, total: int, result: ReportResult) -> None:
        if fmt != "text":
            shown.add(result)
            return
        console.echo_findings([result], err=True)
        if quiet or (terminal and result.built):
            return
        console.built_line(done, total, result, draft, colour)

    progress = console.Progress("built", quiet or fmt != "text", plain)
    try:
        results = api.build(
            selection,
            options,
            project,
            output=output,
            jobs=project.processes(jobs),
            force=force,
            progress=progress,
        )
    finally:
        progress.close()
    if fmt != "text":
        console.print_findings(results, fmt, shown)
        if fmt == "github":
            from evalcli.reporting.jobsummary import append_summary

            append_summary("build", results, notes)
    elif not quiet:
        console.recap(results)
        if len(results) > 1 or terminal:
            console.echo(tally(results), err=True)
    sys.exit(api.worst_exit_code(results, project.strict, draft))
