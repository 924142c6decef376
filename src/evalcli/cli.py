"""The command line: parse options, call one API function, print its result, exit with its code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from evalcli import __version__, console, i18n
from evalcli.commands import ENGINES, FORMATS, PDF_STANDARDS, run_build, run_check
from evalcli.errors import EXIT_INTERRUPTED, EXIT_USAGE, EvalcliError
from evalcli.i18n import Message, join, msg, nmsg, verbatim

if TYPE_CHECKING:
    from evalcli.project import Project


class Group(click.Group):
    """Turns every evalcli error, OS error and interruption into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (EvalcliError, OSError, KeyboardInterrupt) as exc:
            ctx.exit(console.report_failure(exc))


# --- options shared by several commands, defined once ---------------------------------

reports_argument = click.argument("reports", nargs=-1, type=click.Path())
strict_option = click.option(
    "--strict/--no-strict", default=None, help="Warnings fail too (exit 1). Default: the settings."
)
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
changed_since_option = click.option(
    "--changed-since",
    metavar="REF",
    help="Only the reports holding a file changed since this git branch, tag or commit "
    "(from where the branch left it). Reports deleted since are named and skipped.",
)
shard_option = click.option(
    "--shard",
    metavar="K/N",
    help="Only share K of N: each report always lands in the same share, so N CI jobs "
    "split a portfolio between them.",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    help="Processes to run in (default: the settings' jobs, else the cores available).",
)
quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="Print only findings: no progress, no closing tally."
)


def _choose_messages(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        i18n.choose(value, command_line=True)


messages_option = click.Option(
    ["--messages"],
    type=click.Choice(i18n.CHOICES),
    expose_value=False,
    is_eager=True,
    callback=_choose_messages,
    help="The language of messages: en, es, fr, or report (each report's own). "
    "Default: the 'messages' setting, else the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).",
)


def findings_format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="text for people, json for tools, github for annotations and a job summary "
        "in GitHub Actions.",
    )


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evalcli")
@click.option(
    "--messages",
    type=click.Choice(i18n.CHOICES),
    help="The language of messages: en, es, fr, or report (each report's own). "
    "Default: the 'messages' setting, else the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).",
)
def cli(messages: str | None) -> None:
    """Check and compile ILO evaluation summaries.

    A report is a folder with evaluation.yaml (the quick facts) and one
    Markdown file per section. With no REPORT, commands take every report
    folder under content/ (or the content folders of the settings:
    evalcli.toml, or [tool.evalcli] in pyproject.toml; see 'evalcli config').

    Exit codes: 0 success (warnings allowed); 1 the content has errors (or
    warnings under --strict); 2 bad usage or unreadable input; 3 a
    conversion tool failed; 130 interrupted.

    Messages are in English, Spanish or French: the locale's language, or
    --messages (before or after the command), or the 'messages' setting.
    """
    i18n.choose(messages, command_line=True)  # each run starts from the locale


@cli.command()
@reports_argument
@findings_format_option(*FORMATS)
@strict_option
@click.option("-v", "--verbose", is_flag=True, help="Also print the word count of each section.")
@quiet_option
@changed_since_option
@shard_option
@jobs_option
@template_dir_option
def check(
    reports: tuple[str, ...],
    fmt: str,
    strict: bool | None,
    verbose: bool,
    quiet: bool,
    changed_since: str | None,
    shard: str | None,
    jobs: int | None,
    template_dirs: tuple[Path, ...],
) -> None:
    """Check reports for missing, malformed or placeholder content.

    REPORT is a report folder, a file inside one (a section, evaluation.yaml,
    an image), or a folder searched for report folders.

    \b
    Examples:
      evalcli check content/alianzas-peru     one report
      evalcli check .                         inside a report folder
      evalcli check --strict --format github  every report; warnings fail too
    """
    run_check(reports, fmt, strict, verbose, quiet, changed_since, shard, jobs, template_dirs)


@cli.command()
@reports_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Folder for the documents (default: the settings' output, else build).",
)
@click.option(
    "--to",
    "formats",
    help="Comma-separated formats: docx, pdf, md (default: the settings' formats, else docx,pdf).",
)
@click.option(
    "--name",
    help="Output file name: {folder}, {project_code}, {language} or {template}, "
    "e.g. '{project_code}_{language}'; unsafe characters become '-' (default: {folder}).",
)
@lang_option
@click.option(
    "--draft", is_flag=True, help="Build despite errors; every page is marked as a draft."
)
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Warnings (including the page limit) fail too. Default: the settings.",
)
@click.option(
    "--pdf-standard",
    type=click.Choice(PDF_STANDARDS),
    help="Make an archival PDF/A (a-2b, a-3b) or PDF/UA-1 file.",
)
@click.option(
    "--pdf-engine",
    type=click.Choice(ENGINES),
    help="typst (bundled, the default) or libreoffice (the PDF then looks "
    "exactly like the DOCX; needs soffice on PATH).",
)
@click.option(
    "--docx-pages",
    type=click.Choice(ENGINES),
    default="typst",
    show_default=True,
    help="How the DOCX's pages are counted for the page limit: on the Typst layout, which "
    "mirrors the DOCX, or laid out by LibreOffice as Word users will see it (needs soffice).",
)
@click.option(
    "--annexes",
    is_flag=True,
    help="Also write <name>-annexes.docx/.pdf: each lesson learned and good practice "
    "on its own ILO template page.",
)
@click.option(
    "--force", is_flag=True, help="Build every report, even those unchanged since the last build."
)
@findings_format_option(*FORMATS)
@quiet_option
@changed_since_option
@shard_option
@jobs_option
@template_dir_option
def build(
    reports: tuple[str, ...],
    output: Path | None,
    formats: str | None,
    name: str | None,
    lang: str | None,
    draft: bool,
    strict: bool | None,
    pdf_standard: str | None,
    pdf_engine: str | None,
    docx_pages: str,
    annexes: bool,
    force: bool,
    fmt: str,
    quiet: bool,
    changed_since: str | None,
    shard: str | None,
    jobs: int | None,
    template_dirs: tuple[Path, ...],
) -> None:
    """Build the summary as DOCX and PDF into build/.

    Each report is checked first; a report with errors is not built unless
    --draft. Files are written only when every output succeeded. A report
    unchanged since the last build into the same folder, with its documents
    intact, is not built again (--force builds it anyway).

    \b
    Examples:
      evalcli build content/alianzas-peru          build/alianzas-peru.docx and .pdf
      evalcli build --draft --to pdf my-report     a draft PDF of a half-filled report
      evalcli build --lang en content/alianzas-peru   the template's words in English
    """
    run_build(
        reports,
        output,
        formats,
        name,
        lang,
        draft,
        strict,
        pdf_standard,
        pdf_engine,
        docx_pages,
        annexes,
        force,
        fmt,
        quiet,
        changed_since,
        shard,
        jobs,
        template_dirs,
    )


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

    \b
    Examples:
      evalcli init content/my-report --lang es
      evalcli init my-report --template agency_template --template-dir templates/agency_template
    """
    from evalcli import api
    from evalcli.reporting import shown_path as display_path

    project = console.load_project(template_dirs=template_dirs)
    for path in api.init(folder, lang, template_name, project):
        click.echo(str(msg("created {path}", path=display_path(path))))
    click.echo(
        str(
            msg(
                "next: fill them in, then run: {command}",
                command="evalcli check " + display_path(folder),
            )
        )
    )


@cli.command()
@template_option
@template_dir_option
def schema(template_name: str, template_dirs: tuple[Path, ...]) -> None:
    """Print the JSON Schema of evaluation.yaml, for editors.

    Save it (evalcli schema > evaluation.schema.json) and point your editor's
    YAML support at it to get completion and validation while you type.
    """
    from evalcli import api

    click.echo(api.schema(template_name, console.load_project(template_dirs=template_dirs)))


@cli.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The report folder to create; with several files or a folder, the folder "
    "to create one report folder in per file.",
)
@click.option(
    "--lang", help="The summary's language, if evalcli should not decide from its labels."
)
@click.option("--force", is_flag=True, help="Replace the output folder if it exists.")
@findings_format_option(*FORMATS)
@template_option
@template_dir_option
def import_(
    sources: tuple[Path, ...],
    output: Path,
    lang: str | None,
    force: bool,
    fmt: str,
    template_name: str,
    template_dirs: tuple[Path, ...],
) -> None:
    """Turn existing summaries and full reports (DOCX, PDF, Markdown, text) into report folders.

    Quick facts are read from "Label: value" lines or a two-column table, with
    the labels of every edition of the template (today's summary, the older
    Quick Facts summaries, the full-report and joint-evaluation covers), in
    English, Spanish or French. From a full report, the executive summary
    chapter and the annex pages are read; its other chapters are skipped and
    counted. Values that cannot be read are kept as written, so that 'evalcli
    check' can flag them; text that fits no section goes to unplaced.md.
    Several files, or a folder, give one report folder each under -o and a
    table of what each gave.

    \b
    Examples:
      evalcli import summary.docx -o content/my-report
      evalcli import old-summary.md -o content/old --lang es --force
      evalcli import archive/ -o content/archive --format json
    """
    from evalcli import api
    from evalcli.reporting import FORMATTERS, ReportResult
    from evalcli.reporting import shown_path as display_path

    project = console.load_project(fmt, template_dirs)
    if len(sources) > 1 or sources[0].is_dir():
        _import_many(sources, output, lang, force, fmt, template_name, project)
        return
    result = api.import_summary(sources[0], output, template_name, lang, force, project)
    report = ReportResult(output, result.findings, language=result.language)
    if fmt != "text":
        click.echo(FORMATTERS[fmt]([report]))
        return
    console.echo_findings([report], err=True)
    counts = [f"{number} {kind}" for kind, number in result.items.items()]
    facts = nmsg(
        "{n} quick fact ({language})",
        "{n} quick facts ({language})",
        result.facts,
        n=result.facts,
        language=result.language,
    )
    sections = nmsg("{n} section", "{n} sections", result.sections, n=result.sections)
    summary = ", ".join([str(facts), str(sections), *counts])
    line = msg(
        "imported {source} into {folder}: {summary}",
        source=display_path(sources[0]),
        folder=display_path(result.folder),
        summary=summary,
    )
    click.echo(str(line))
    if result.edition != "summary" or result.skipped:
        click.echo(str(_edition_line(result.edition, result.skipped)))
    next_step = msg("next: {command}", command="evalcli check " + display_path(result.folder))
    click.echo(str(next_step))


def _skipped(what: str, n: int) -> Message:
    """What import left out, counted: the kinds ``importing.fullreport`` names."""
    if what == "table-of-contents lines":
        return nmsg("{n} table-of-contents line", "{n} table-of-contents lines", n, n=n)
    if what == "paragraphs of the full report outside its executive summary":
        return nmsg(
            "{n} paragraph of the full report outside its executive summary",
            "{n} paragraphs of the full report outside its executive summary",
            n,
            n=n,
        )
    return verbatim(f"{n} {what}")


def _edition_line(edition: str, skipped: dict[str, int]) -> Message:
    if not skipped:
        return msg("edition: {edition}", edition=edition)
    return msg(
        "edition: {edition}; skipped {skipped}",
        edition=edition,
        skipped=join([_skipped(what, n) for what, n in skipped.items()]),
    )


def _import_many(
    sources: tuple[Path, ...],
    output: Path,
    lang: str | None,
    force: bool,
    fmt: str,
    template_name: str,
    project: Project,
) -> None:
    """Several files: one report folder each, then a table (or JSON) of what each gave."""
    import json

    from evalcli import api
    from evalcli.reporting import FORMATTERS, ReportResult, inert
    from evalcli.reporting import shown_path as display_path
    from evalcli.reporting.imports import import_table

    results = api.import_summaries(sources, output, template_name, lang, force, project)
    reports = [ReportResult(r.folder, r.findings) for r in results if r.error is None]
    rows = [
        {
            "file": display_path(r.source) if r.source else "",
            "folder": display_path(r.folder),
            "edition": r.edition,
            "language": r.language,
            "facts": r.facts,
            "items": r.items,
            "unplaced": r.unplaced,
            "skipped": r.skipped,
            "error": r.error,
        }
        for r in results
    ]
    if fmt == "json":
        data = json.loads(FORMATTERS["json"](reports))
        data["imports"] = rows
        click.echo(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    elif fmt == "github":
        click.echo(FORMATTERS["github"](reports))
    else:
        console.echo_findings(reports, err=True)
        for row in rows:
            if row["error"]:
                click.echo(str(msg("error: {problem}", problem=inert(str(row["error"])))), err=True)
        click.echo(import_table(rows))
    if any(r.error for r in results):
        raise SystemExit(EXIT_USAGE)


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
    help="reports: the index of the portfolio, one row per report (path, project code, "
    "title, language, dates, errors, warnings, pages); or, with --format csv, the item "
    "section to list, e.g. recommendations, lessons or good_practices.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write to this file instead of standard output ('-' is standard output).",
)
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --items reports: the build folder whose pages to list "
    "(default: the settings' output, else build).",
)
@changed_since_option
@shard_option
@template_dir_option
def export(
    reports: tuple[str, ...],
    fmt: str,
    item_kind: str | None,
    output: Path | None,
    build_dir: Path | None,
    changed_since: str | None,
    shard: str | None,
    template_dirs: tuple[Path, ...],
) -> None:
    """Export reports as data: metadata and items as JSON, one item kind as CSV, or an index.

    For follow-up tables: 'evalcli export --format csv --items recommendations'
    lists every recommendation with whom it is addressed to, its priority and
    its timeframe, one row each, across all reports. For a portfolio:
    'evalcli export --format csv --items reports' lists the reports.
    """
    from evalcli import api
    from evalcli.files import write_files
    from evalcli.reporting import shown_path as display_path

    project = console.load_project(template_dirs=template_dirs)
    selection, notes = console.select(reports, changed_since, shard, project, "export")
    for note in notes:
        click.echo(note, err=True)
    text = api.export(
        selection.reports,
        fmt,
        item_kind,
        project,
        output=build_dir,
        empty=not selection.reports,
    )
    if output and str(output) != "-":
        write_files({output: text.encode("utf-8")})
        click.echo(str(msg("wrote {path}", path=display_path(output))), err=True)
    else:
        click.echo(text, nl=False)


@cli.command("config")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)
def config_(fmt: str) -> None:
    """Print the settings in effect and where each comes from.

    Settings are read from evalcli.toml, or from [tool.evalcli] in
    pyproject.toml, in the working folder or the nearest folder above it;
    every setting not given there has its default. Command-line options
    override them.
    """
    import json

    from evalcli import api
    from evalcli.config import describe

    settings = api.settings()
    if settings.findings:
        console.load_settings(fmt="text" if fmt == "text" else "json")
    rows = describe(settings)
    where = os.path.relpath(settings.file) if settings.file else None
    if fmt == "json":
        data = {
            "file": where,
            "settings": {key: {"value": value, "source": source} for key, value, source in rows},
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if where:
        click.echo(str(msg("settings file: {path}", path=where)))
    else:
        click.echo(str(msg("settings file: none (all defaults)")))
    width = max(len(key) for key, _v, _s in rows)
    for key, value, source in rows:
        shown = json.dumps(value, ensure_ascii=False) if value is not None else "(not set)"
        click.echo(f"{key.ljust(width)} = {shown}  # {source}")


@cli.command()
@click.argument("report", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the preview PDF (default: preview/ in the settings' output folder).",
)
@lang_option
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 10),
    default=0.2,
    show_default=True,
    help="Seconds between looks at the report's files.",
)
@click.option(
    "--max-builds",
    type=click.IntRange(1),
    hidden=True,
    help="Stop after this many builds (for tests).",
)
@template_dir_option
def preview(
    report: Path,
    output: Path | None,
    lang: str | None,
    interval: float,
    max_builds: int | None,
    template_dirs: tuple[Path, ...],
) -> None:
    """Rebuild a report's PDF each time one of its files is saved, until Ctrl-C.

    For the consultant writing a summary: open the PDF in a viewer that
    reloads, and keep writing. The PDF is built as a draft whatever the
    findings, which are printed whenever they change.

    \b
    Examples:
      evalcli preview content/my-report            build/preview/my-report.pdf
      evalcli preview . -o ../preview              inside the report folder
    """
    from evalcli.preview import watch

    project = console.load_project(template_dirs=template_dirs, lang=lang)
    folder = output or project.output / "preview"
    if watch(report, folder, project, interval, max_builds, console.preview_echo):
        sys.exit(EXIT_INTERRUPTED)  # Ctrl-C: 130, as for every command


for _command in cli.commands.values():  # --messages after the command name, too
    _command.params.append(messages_option)
