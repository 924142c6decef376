"""The command line: parse options, call one API function, print its result, exit with its code."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click

from evalcli import __version__
from evalcli.errors import EXIT_INTERRUPTED, EXIT_USAGE, EvalcliError, os_error

EXIT_TERMINATED = 143  # 128 + SIGTERM


class Group(click.Group):
    """Turns every evalcli error, OS error and interruption into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EvalcliError as exc:
            click.echo(f"evalcli: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            click.echo(f"evalcli: error: {os_error(exc, 'use')}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("evalcli: interrupted; nothing half-written was left behind", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (a CI job cancelled) unwinds like Ctrl-C, so temporary files are removed."""
    raise KeyboardInterrupt


# --- options shared by several commands, defined once ---------------------------------

reports_argument = click.argument("reports", nargs=-1, type=click.Path())
strict_option = click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
template_dir_option = click.option(
    "--template-dir",
    "template_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Allow the template in this folder (its folder name is what reports name). "
    "Templates hold code, so a report can never bring its own.",
)
template_option = click.option(
    "--template",
    "template_name",
    default="ilo_summary",
    show_default=True,
    help="The template to use: a bundled one, or one allowed with --template-dir.",
)
lang_option = click.option(
    "--lang", help="A language of the template (en, es or fr for the ILO summary)."
)


def findings_format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="text for people, json for tools, github for annotations in GitHub Actions.",
    )


def _print_findings(results: list[Any], fmt: str) -> None:
    from evalcli.reporting import FORMATTERS

    click.echo(FORMATTERS[fmt](results))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evalcli")
def cli() -> None:
    """Check and compile ILO evaluation summaries.

    A report is a folder with evaluation.yaml (the quick facts) and one
    Markdown file per section. With no REPORT, commands take every report
    folder under content/.

    Exit codes: 0 success (warnings allowed); 1 the content has errors (or
    warnings under --strict); 2 bad usage or unreadable input; 3 a
    conversion tool failed; 130 interrupted.
    """


@cli.command()
@reports_argument
@findings_format_option("text", "json", "github")
@strict_option
@click.option("-v", "--verbose", is_flag=True, help="Also print the word count of each section.")
@template_dir_option
def check(
    reports: tuple[str, ...], fmt: str, strict: bool, verbose: bool, template_dirs: tuple[Path, ...]
) -> None:
    """Check reports for missing, malformed or placeholder content.

    REPORT is a report folder, or a folder searched for report folders.
    """
    from evalcli import api
    from evalcli.reporting import display_path

    results = api.check(reports, template_dirs)
    if verbose and fmt == "text":
        for result in results:
            for path, sid, words in result.words:
                click.echo(f"{display_path(path)}: {words} words ({sid})")
    _print_findings(results, fmt)
    sys.exit(api.worst_exit_code(results, strict))


@cli.command()
@reports_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Folder for the documents.",
)
@click.option(
    "--to",
    "formats",
    default="docx,pdf",
    show_default=True,
    help="Comma-separated formats: docx, pdf, md.",
)
@click.option(
    "--name",
    default="{folder}",
    show_default=True,
    help="Output file name: {folder}, {project_code}, {language} or {template}, "
    "e.g. '{project_code}_{language}'; unsafe characters become '-'.",
)
@lang_option
@click.option(
    "--draft", is_flag=True, help="Build despite errors; every page is marked as a draft."
)
@click.option("--strict", is_flag=True, help="Warnings (including the page limit) fail too.")
@click.option(
    "--pdf-standard",
    type=click.Choice(["a-2b", "a-3b", "ua-1"]),
    help="Make an archival PDF/A (a-2b, a-3b) or PDF/UA-1 file.",
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["typst", "libreoffice"]),
    default="typst",
    show_default=True,
    help="typst (bundled) or libreoffice (the PDF then looks "
    "exactly like the DOCX; needs soffice on PATH).",
)
@findings_format_option("text", "json", "github")
@template_dir_option
def build(
    reports: tuple[str, ...],
    output: Path,
    formats: str,
    name: str,
    lang: str | None,
    draft: bool,
    strict: bool,
    pdf_standard: str | None,
    pdf_engine: str,
    fmt: str,
    template_dirs: tuple[Path, ...],
) -> None:
    """Build the summary as DOCX and PDF into build/.

    Each report is checked first; a report with errors is not built unless
    --draft. Files are written only when every output succeeded.
    """
    from evalcli import api
    from evalcli.reporting import display_path, tally, text_lines

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    options = api.BuildOptions(wanted, lang, draft, strict, pdf_standard, pdf_engine)
    results = api.build(reports, options, output, name, template_dirs)
    if fmt != "text":
        _print_findings(results, fmt)
        sys.exit(api.worst_exit_code(results, strict, draft))
    for number, result in enumerate(results, start=1):
        for line in text_lines(result.findings):
            click.echo(line, err=True)
        prefix = f"[{number}/{len(results)}] {display_path(result.path)}"
        pages = f", {result.pages} pages" if result.pages is not None else ""
        if result.built:
            written = ", ".join(display_path(p) for p in result.files)
            click.echo(f"{prefix}: wrote {written}{pages}" + (" (draft)" if draft else ""))
        else:
            click.echo(f"{prefix}: not built{pages}: {result.note}", err=True)
    if len(results) > 1:
        click.echo(tally(results), err=True)
    sys.exit(api.worst_exit_code(results, strict, draft))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    default="en",
    show_default=True,
    help="The language the summary will be written in (en, es or fr).",
)
@template_option
@template_dir_option
def init(folder: Path, lang: str, template_name: str, template_dirs: tuple[Path, ...]) -> None:
    """Create a report folder with every field and section, ready to fill in.

    Every value starts empty or as "[insert ...]" text, so 'evalcli check'
    lists exactly what is left to write.
    """
    from evalcli import api
    from evalcli.reporting import display_path

    for path in api.init(folder, lang, template_name, template_dirs):
        click.echo(f"created {display_path(path)}")
    click.echo(f"next: fill them in, then run: evalcli check {display_path(folder)}")


@cli.command()
@template_option
@template_dir_option
def schema(template_name: str, template_dirs: tuple[Path, ...]) -> None:
    """Print the JSON Schema of evaluation.yaml, for editors.

    Save it (evalcli schema > evaluation.schema.json) and point your editor's
    YAML support at it to get completion and validation while you type.
    """
    from evalcli import api

    click.echo(api.schema(template_name, template_dirs))


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The report folder to create.",
)
@click.option(
    "--lang", help="The summary's language, if evalcli should not decide from its labels."
)
@click.option("--force", is_flag=True, help="Replace the output folder if it exists.")
@findings_format_option("text", "json", "github")
@template_option
@template_dir_option
def import_(
    source: Path,
    output: Path,
    lang: str | None,
    force: bool,
    fmt: str,
    template_name: str,
    template_dirs: tuple[Path, ...],
) -> None:
    """Turn an existing summary (DOCX or Markdown) into a report folder.

    Quick facts are read from "Label: value" lines or a two-column table, in
    English, Spanish or French. Values that cannot be read are kept as
    written, so that 'evalcli check' can flag them; text that fits no section
    goes to unplaced.md. Nothing is invented and nothing is dropped.
    """
    from evalcli import api
    from evalcli.reporting import FORMATTERS, ReportResult, display_path, text_lines

    result = api.import_summary(source, output, template_name, lang, force, template_dirs)
    if fmt != "text":
        click.echo(FORMATTERS[fmt]([ReportResult(output, result.findings)]))
        return
    for line in text_lines(result.findings):
        click.echo(line, err=True)
    counts = [f"{number} {kind}" for kind, number in result.items.items()]
    summary = ", ".join(
        [f"{result.facts} quick facts ({result.language})", f"{result.sections} sections", *counts]
    )
    where = display_path(source)
    click.echo(f"imported {where} into {display_path(result.folder)}: {summary}")
    click.echo(f"next: evalcli check {display_path(result.folder)}")


@cli.command()
@reports_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: metadata and items of every report; csv: one "
    "row per item of the kind given with --items.",
)
@click.option(
    "--items",
    "item_kind",
    help="With --format csv: the item section to list, "
    "e.g. recommendations, lessons or good_practices.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output ('-' is standard output).",
)
@template_dir_option
def export(
    reports: tuple[str, ...],
    fmt: str,
    item_kind: str | None,
    output: Path | None,
    template_dirs: tuple[Path, ...],
) -> None:
    """Export reports as data: metadata and items as JSON, or one item kind as CSV.

    For follow-up tables: 'evalcli export --format csv --items recommendations'
    lists every recommendation with whom it is addressed to, its priority and
    its timeframe, one row each, across all reports.
    """
    from evalcli import api
    from evalcli.files import write_files
    from evalcli.reporting import display_path

    text = api.export(reports, fmt, item_kind, template_dirs)
    if output and str(output) != "-":
        write_files({output: text.encode("utf-8")})
        click.echo(f"wrote {display_path(output)}", err=True)
    else:
        click.echo(text, nl=False)


def main() -> None:
    """Entry point of the ``evalcli`` command."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="evalcli")
