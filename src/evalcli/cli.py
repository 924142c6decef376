"""The command line: parse options, call one step, turn its result into output and an exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from evalcli import __version__
from evalcli.errors import EvalcliError
from evalcli.model import Finding

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_CONVERSION = 0, 1, 2, 3


class Group(click.Group):
    """Turns every evalcli error into a one-line message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EvalcliError as exc:
            click.echo(f"evalcli: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def exit_code(findings: list[Finding], strict: bool) -> int:
    """The exit code for a set of findings, as the README documents it."""
    if any(f.fatal for f in findings):
        return EXIT_USAGE
    if any(f.severity == "error" for f in findings):
        return EXIT_CONTENT
    if strict and findings:
        return EXIT_CONTENT
    return EXIT_OK


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evalcli")
def cli() -> None:
    """Check and compile ILO evaluation summaries.

    A report is a folder with evaluation.yaml (the quick facts) and one
    Markdown file per section. With no REPORT, commands take every report
    folder under content/.

    Exit codes: 0 success (warnings allowed); 1 the content has errors (or
    warnings under --strict); 2 bad usage or unreadable input; 3 a
    conversion tool failed.
    """


@cli.command()
@click.argument("reports", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Output: text for people, json for tools, github for annotations in GitHub Actions.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("-v", "--verbose", is_flag=True, help="Also print the word count of each section.")
def check(reports: tuple[str, ...], fmt: str, strict: bool, verbose: bool) -> None:
    """Check reports for missing, malformed or placeholder content.

    REPORT is a report folder, or a folder searched for report folders.
    """
    from evalcli.check import check as check_report
    from evalcli.check_sections import word_counts
    from evalcli.discover import find_reports
    from evalcli.formats import FORMATTERS, display_path
    from evalcli.load import load_report

    results: list[tuple[Path, list[Finding]]] = []
    for folder in find_reports(reports):
        report, template = load_report(folder)
        results.append((folder, check_report(report, template)))
        if verbose and fmt == "text":
            for sid, words in word_counts(report).items():
                path = report.sections[sid].path
                click.echo(f"{display_path(path)}: {words} words ({sid})")
    click.echo(FORMATTERS[fmt](results))
    sys.exit(exit_code([f for _, fs in results for f in fs], strict))


def main() -> None:
    """Entry point of the ``evalcli`` command."""
    cli(prog_name="evalcli")
