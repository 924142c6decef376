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
LANGUAGES = ("en", "es", "fr")  # the languages of the built-in template


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


template_option = click.option(
    "--template",
    "template_name",
    default="ilo_summary",
    show_default=True,
    help="A built-in template name or a template folder.",
)


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


def _print_findings(findings: list[Finding]) -> None:
    from evalcli.formats import as_text_lines

    for line in as_text_lines(findings):
        click.echo(line, err=True)


@cli.command()
@click.argument("reports", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
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
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Labels and fixed text in this language instead of the report's.",
)
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
def build(
    reports: tuple[str, ...],
    output: Path,
    formats: str,
    lang: str | None,
    draft: bool,
    strict: bool,
    pdf_standard: str | None,
    pdf_engine: str,
) -> None:
    """Build the summary as DOCX and PDF into build/.

    Each report is checked first; a report with errors is not built unless
    --draft. Files are written only when every output succeeded.
    """
    from evalcli.build import FORMATS, BuildOptions, build_report
    from evalcli.check import check as check_report
    from evalcli.discover import find_reports
    from evalcli.errors import InputError
    from evalcli.formats import display_path
    from evalcli.load import load_report

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(f"--to {formats}: choose from {', '.join(FORMATS)}")
    options = BuildOptions(output, wanted, lang, draft, strict, pdf_standard, pdf_engine)
    folders = find_reports(reports)
    codes = []
    for number, folder in enumerate(folders, start=1):
        prefix = f"[{number}/{len(folders)}] {display_path(folder)}"
        report, template = load_report(folder)
        findings = check_report(report, template)
        code = exit_code(findings, strict)
        blocking = [f for f in findings if f.fatal or f.severity == "error"]
        if code == EXIT_USAGE or (code and not draft):
            _print_findings(findings)
            reason = (
                "cannot be read" if code == EXIT_USAGE else "has errors; fix them or use --draft"
            )
            if strict and not blocking:
                reason = "has warnings and --strict is set"
            click.echo(f"{prefix}: not built: the report {reason}", err=True)
            codes.append(code)
            continue
        _print_findings([f for f in findings if f.severity == "warning" or draft])
        result = build_report(report, template, options)
        _print_findings(result.findings)
        pages = f", {result.pages} pages" if result.pages is not None else ""
        if not result.outputs:
            click.echo(f"{prefix}: not built{pages}: see above", err=True)
            codes.append(EXIT_CONTENT)
            continue
        written = ", ".join(display_path(p) for p in result.outputs)
        click.echo(f"{prefix}: wrote {written}{pages}" + (" (draft)" if draft else ""))
        codes.append(EXIT_OK)
    sys.exit(max(codes, default=EXIT_OK))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="The language the summary will be written in.",
)
@template_option
def init(folder: Path, lang: str, template_name: str) -> None:
    """Create a report folder with every field and section, ready to fill in.

    Every value starts empty or as "[insert ...]" text, so 'evalcli check'
    lists exactly what is left to write.
    """
    from evalcli.formats import display_path
    from evalcli.scaffold import create_report
    from evalcli.template import load_template, template_dir

    template = load_template(template_dir(template_name))
    for path in create_report(folder, template, lang):
        click.echo(f"created {display_path(path)}")
    click.echo(f"next: fill them in, then run: evalcli check {display_path(folder)}")


@cli.command()
@template_option
def schema(template_name: str) -> None:
    """Print the JSON Schema of evaluation.yaml, for editors.

    Save it (evalcli schema > evaluation.schema.json) and point your editor's
    YAML support at it to get completion and validation while you type.
    """
    from evalcli.scaffold import schema_text
    from evalcli.template import load_template, template_dir

    click.echo(schema_text(load_template(template_dir(template_name))))


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
    "--lang",
    type=click.Choice(LANGUAGES),
    help="The summary's language, if evalcli should not decide from its labels.",
)
@click.option("--force", is_flag=True, help="Replace the output folder if it exists.")
@template_option
def import_(source: Path, output: Path, lang: str | None, force: bool, template_name: str) -> None:
    """Turn an existing summary (DOCX or Markdown) into a report folder.

    Quick facts are read from "Label: value" lines or a two-column table, in
    English, Spanish or French. Values that cannot be read are kept as
    written, so that 'evalcli check' can flag them; text that fits no section
    goes to unplaced.md. Nothing is invented and nothing is dropped.
    """
    from evalcli.formats import display_path
    from evalcli.importing.run import import_summary
    from evalcli.template import load_template, template_dir

    template = load_template(template_dir(template_name))
    result = import_summary(source, output, template, lang, force)
    imported = result.imported
    where = display_path(source)
    for note in imported.notes:
        line = f":{note.line}" if note.line and result.kind == "markdown" else ""
        click.echo(f"{where}{line}: {note.severity}: {note.message}", err=True)
    facts = len([k for k in imported.metadata if k not in ("template", "language")])
    counts = []
    for sid, text in imported.sections.items():
        spec = template.sections[sid]
        if spec.items:
            number = sum(1 for line in text.split("\n") if line.startswith("## "))
            counts.append(f"{number} {spec.labels['en'].lower()}")
    summary = ", ".join(
        [f"{facts} quick facts ({imported.lang})", f"{len(imported.sections)} sections", *counts]
    )
    click.echo(f"imported {where} into {display_path(result.folder)}: {summary}")
    click.echo(f"next: evalcli check {display_path(result.folder)}")


@cli.command()
@click.argument("reports", nargs=-1, type=click.Path())
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
    help="Write to this file instead of standard output.",
)
def export(reports: tuple[str, ...], fmt: str, item_kind: str | None, output: Path | None) -> None:
    """Export reports as data: metadata and items as JSON, or one item kind as CSV.

    For follow-up tables: 'evalcli export --format csv --items recommendations'
    lists every recommendation with whom it is addressed to, its priority and
    its timeframe, one row each, across all reports.
    """
    from evalcli.discover import find_reports
    from evalcli.errors import InputError
    from evalcli.export import as_csv, as_json, report_data
    from evalcli.formats import display_path
    from evalcli.load import load_report
    from evalcli.writeout import write_all

    exported = []
    template = None
    for folder in find_reports(reports):
        report, template = load_report(folder)
        fatal = [f for f in report.load_findings if f.fatal]
        if fatal:
            _print_findings(fatal)
            raise InputError(f"{display_path(folder)}: cannot be read; fix it, then export")
        exported.append(report_data(folder, report, template, display_path(folder)))
    if fmt == "json":
        text = as_json(exported)
    else:
        assert template is not None
        kinds = [sid for sid, spec in template.sections.items() if spec.items]
        if item_kind not in kinds:
            raise InputError(f"--format csv needs --items, one of: {', '.join(kinds)}")
        rows = [
            (r, item)
            for r in exported
            for item in r["sections"].get(item_kind, {}).get("items", [])
        ]
        text = as_csv(rows, template, item_kind)
    if output:
        write_all({output: text.encode("utf-8")})
        click.echo(f"wrote {display_path(output)}", err=True)
    else:
        click.echo(text, nl=False)


def main() -> None:
    """Entry point of the ``evalcli`` command."""
    cli(prog_name="evalcli")
