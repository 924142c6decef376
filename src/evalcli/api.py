"""The library API: check, build, import, export, init and schema as plain functions.

Each takes paths and options and returns results; none prints or exits, so a
CI script or a notebook can call the same functions the command line does::

    from evalcli import api
    for result in api.check(["content"]):
        print(result.path, [f.code for f in result.findings])

Reports are units of work: one that cannot be read, names a missing template
or fails to convert gets findings of its own, and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalcli import regexes
from evalcli.config import Settings, load_settings
from evalcli.diagnostics import Finding, FindingCode, Location, Severity, exit_code
from evalcli.errors import ConversionError, InputError, TemplateError
from evalcli.files import refuse_linked_folder
from evalcli.i18n import msg
from evalcli.paths import display_path
from evalcli.portfolio.parallel import available_cores, run_chunks
from evalcli.project import Project
from evalcli.records import Record, field, replace
from evalcli.report.checked import CheckedReport
from evalcli.report.discover import (
    Selection,
    find_reports,
    select_changed,
    take_shard,
)
from evalcli.report.discover import select as select_paths
from evalcli.report.facts import report_language
from evalcli.report.load import load_report
from evalcli.report.model import Report
from evalcli.reporting import ReportResult, text_lines
from evalcli.template.loader import (
    DEFAULT_TEMPLATE,
    find_template,
    load_template,
)
from evalcli.template.spec import ROLES, Template
from evalcli.text import count_words
from evalcli.yamlnodes import plain

if TYPE_CHECKING:
    from evalcli.outputs.plan import FORMATS, BuildOptions

__all__ = [
    "FORMATS",
    "BuildOptions",
    "ImportResult",
    "Project",
    "ReportResult",
    "Selection",
    "Settings",
    "build",
    "check",
    "export",
    "import_summaries",
    "import_summary",
    "init",
    "schema",
    "select",
    "settings",
]


def __getattr__(name: str) -> Any:
    # BuildOptions and FORMATS are loaded on first use: check needs neither
    if name in ("BuildOptions", "FORMATS"):
        from evalcli.outputs import plan

        return getattr(plan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


CHECK_PER_PROCESS = 40  # fewer reports than this are checked in this process
_NAME_FIELDS = ("folder", "project_code", "language", "template")
_UNSAFE = regexes.compile(r"[^A-Za-z0-9._-]+")


def template_named(name: str, allowed: Sequence[Path] = ()) -> Template:
    """A bundled template, or one of the allowed folders, by name."""
    return load_template(find_template(name, tuple(allowed)))


Progress = Callable[[int, int, ReportResult], None]  # (done, total, the result just finished)


def settings(start: Path | None = None) -> Settings:
    """The project settings in effect from ``start`` (the working folder by default)."""
    return load_settings(start)


def project(start: Path | None = None, template_dirs: Sequence[Path] = ()) -> Project:
    """The project in effect from ``start``: its settings as typed values, read once."""
    return Project.load(start, template_dirs)


def _project(project: Project | None) -> Project:
    return project if project is not None else Project.load()


def select(
    paths: Sequence[str | Path] = (),
    *,
    changed_since: str | None = None,
    shard: tuple[int, int] | None = None,
    project: Project | None = None,
) -> Selection:
    """The reports a command works on.

    ``paths`` are report folders, files inside them, or folders holding
    reports (the settings' content folders when none is given). With
    ``changed_since``, only the reports holding a file changed since that git
    ref; reports deleted since are named in ``deleted``. With ``shard`` (K, N),
    a stable K-th of N shares.
    """
    project = _project(project)
    roots = list(project.content)
    if changed_since is not None:
        from evalcli.portfolio.changes import changed_since as git_changes

        for path in paths:
            if not Path(path).exists():
                raise InputError(msg("{path}: no such file or folder", path=str(path)))
        changes = git_changes(changed_since, Path.cwd())
        within = [Path(p) for p in paths] or roots
        chosen = select_changed(
            changes.changed, changes.deleted, changes.top, within, changed_since
        )
    else:
        chosen = select_paths(paths, roots)
    if shard is not None:
        chosen = take_shard(chosen, shard, project.root)
    return chosen


def _folders(paths: Sequence[str | Path] | Selection, project: Project) -> list[Path]:
    """Report folders: those of a selection as they are, or found from paths."""
    if isinstance(paths, Selection):
        return paths.reports
    return find_reports(tuple(str(p) for p in paths), list(project.content))


def _load(folder: Path, allowed: tuple[Path, ...]) -> CheckedReport:
    """The report folder loaded (once), with its template; not checked yet."""
    report, template = load_report(folder, allowed=allowed)
    return CheckedReport(folder, report, template, None, list(report.load_findings))


def _language_finding(item: CheckedReport, languages: Sequence[str] | None) -> list[Finding]:
    if not languages or item.template is None or not item.report.metadata_usable:
        return []
    language = report_language(item.report, item.template)
    if language in languages:
        return []
    node = item.report.value("language")
    where = node.loc if node is not None else Location(item.report.metadata_path)
    return [
        Finding.of(
            FindingCode.UNEXPECTED_LANGUAGE,
            msg(
                "the report is in '{language}'; the settings allow {allowed}: "
                "translate it, or add its language to 'languages' in the settings",
                language=language,
                allowed=", ".join(languages),
            ),
            where,
            field="language",
        )
    ]


def _check(item: CheckedReport, project: Project | None = None) -> CheckedReport:
    """``item`` checked: its facts parsed, its findings with the rule settings applied."""
    from evalcli.check import check_report  # not needed by an up-to-date build

    if item.template is not None:
        done = check_report(item.report, item.template)
        item.facts, item.findings = done.facts, done.findings
    if project is not None:
        item.findings = project.apply(item.findings + _language_finding(item, project.languages))
    return item


def _result(item: CheckedReport) -> ReportResult:
    """A report's result so far: its findings, and its language for ``--messages report``."""
    result = ReportResult(item.path, list(item.findings))
    if item.template is not None and item.report.metadata_usable:
        result.language = report_language(item.report, item.template)
    return result


def _checked(item: CheckedReport, project: Project | None = None) -> ReportResult:
    return _result(_check(item, project))


class _CheckJob(Record, frozen=True):
    folder: Path
    project: Project
    words: bool


def _check_chunk(jobs: list[_CheckJob]) -> list[ReportResult]:
    results = []
    for job in jobs:
        item = _load(job.folder, job.project.templates)
        result = _checked(item, job.project)
        if job.words:
            sections = item.report.sections.items()
            result.words = [(s.path, sid, count_words(s.text)) for sid, s in sections]
        results.append(result)
    return results


def _notify(progress: Progress | None, total: int) -> Callable[[int, ReportResult], None]:
    finished = 0

    def done(_index: int, result: ReportResult) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, total, result)

    return done


def check(
    paths: Sequence[str | Path] | Selection = (),
    project: Project | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    words: bool = True,
) -> list[ReportResult]:
    """Every report's findings, rule settings applied. With no paths, the project's content."""
    project = _project(project)
    folders = _folders(paths, project)
    work = [_CheckJob(folder, project, words) for folder in folders]
    # checking takes milliseconds: processes pay off only for many reports, and chunks
    # keep the traffic between them small
    jobs = jobs if len(work) >= CHECK_PER_PROCESS else 1
    chunk = max(1, min(50, len(work) // (max(jobs, 1) * 8)))
    return run_chunks(_check_chunk, work, jobs, chunk, _notify(progress, len(work)))


# --- build ---------------------------------------------------------------------------


def _name_value(report: Report, key: str, template: Template | None) -> str:
    if key == "folder":
        return report.name
    field = template.role(key) if template is not None and key in ROLES else key
    value = plain(report.value(field or key))
    if isinstance(value, list):
        value = "_".join(str(v) for v in value if v)
    return str(value or key)


def output_name(report: Report, pattern: str, template: Template | None = None) -> str:
    """The file name (without suffix) for a report: ``pattern`` filled in, safe characters only.

    ``{project_code}`` is the field the template gives that role.
    """
    try:
        fields = {key: _name_value(report, key, template) for key in _NAME_FIELDS}
        filled = pattern.format_map(fields)
    except (KeyError, ValueError, IndexError) as exc:
        names = ", ".join("{" + k + "}" for k in _NAME_FIELDS)
        raise InputError(
            msg("--name {pattern}: use the fields {fields}", pattern=pattern, fields=names)
        ) from exc
    safe = _UNSAFE.sub("-", filled).strip(".-")
    return safe or "report"


def _claim(owners: dict[Path, Path], stem: Path, report: Path) -> None:
    """Two reports with the same output stem stop the run before any write."""
    if stem in owners and owners[stem] != report:
        raise InputError(
            msg(
                "{first} and {second} would both be written to {stem}.*; give them "
                "different names with --name '{{project_code}}_{{language}}' or build them "
                "into different folders",
                first=display_path(owners[stem]),
                second=display_path(report),
                stem=display_path(stem),
            )
        )
    owners[stem] = report


def _page_strict(options: BuildOptions, project: Project, report: Report) -> BuildOptions:
    """Options whose ``strict`` makes the page limit the severity the rule settings give it."""
    default: Severity = "error" if options.strict else "warning"
    level = project.level("page-limit", report.metadata_path, default)
    return replace(options, strict=level == "error")


class _BuildJob(Record, frozen=True):
    folder: Path
    options: BuildOptions
    stem: Path
    project: Project
    checked: CheckedReport  # loaded and checked in the parent: the worker builds it as it is


def _build_chunk(jobs: list[_BuildJob]) -> list[ReportResult]:
    return [_build_job(job) for job in jobs]


def _build_job(job: _BuildJob) -> ReportResult:
    item = job.checked
    result = _result(item)
    result.built = False
    code = exit_code(result.findings, job.options.strict)
    if item.template is None or code > 1:
        result.note = msg("the report cannot be read")
        return result
    if code and not job.options.draft:
        errors = any(f.severity == "error" for f in result.findings)
        result.note = (
            msg("the report has errors; fix them or use --draft")
            if errors
            else msg("the report has warnings and --strict is set")
        )
        return result
    from evalcli.outputs.build import build_report  # not needed by check

    options = _page_strict(job.options, job.project, item.report)
    try:
        built = build_report(item, options, job.stem)
    except ConversionError as exc:
        where = Location(item.report.metadata_path, 0, 0)
        result.findings.append(Finding.of(FindingCode.CONVERSION_FAILED, exc.message(), where))
        result.note = msg("a conversion failed")
        return result
    except (InputError, TemplateError) as exc:
        raise InputError(
            msg("{path}: {problem}", path=display_path(item.path), problem=exc.message())
        ) from exc
    result.findings.extend(job.project.apply(built.findings))
    result.files, result.pages = built.files, built.pages
    result.page_counts = built.page_counts
    result.built = bool(built.files)
    if not result.built:
        result.note = msg("see the findings above")
    return result


def build(
    paths: Sequence[str | Path] | Selection = (),
    options: BuildOptions | None = None,
    project: Project | None = None,
    *,
    output: Path | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Progress | None = None,
) -> list[ReportResult]:
    """Check, then build every report without errors (all of them under ``draft``).

    A report with errors is reported and skipped; a conversion failure is that
    report's finding. A report whose files, templates, options and evalcli
    version are unchanged since the last build into ``output``, with its
    outputs intact, is not built again (``force`` builds it anyway): its
    result is read from the manifest and marked ``fresh``. Output names are
    settled for all reports before any file is written, and two reports that
    would share a name stop the run. ``output`` is the project's output folder
    unless given; the file names follow the project's ``name`` pattern.
    """
    from evalcli.outputs.plan import FORMATS

    project = _project(project)
    options = options or project.build_options()
    output = output if output is not None else project.output
    name = project.name
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise InputError(
            msg(
                "--to {formats}: choose from {choices}",
                formats=",".join(options.formats),
                choices=", ".join(FORMATS),
            )
        )
    from evalcli.outputs.cache import BuildCache, inputs_key  # hashing and json: not for check

    folders = _folders(paths, project)
    refuse_linked_folder(output)
    cache = BuildCache(
        output, inputs_key(options, name, project.settings, project.templates), force
    )
    results: dict[int, ReportResult] = {}
    owners: dict[Path, Path] = {}
    todo: list[tuple[int, _BuildJob]] = []
    notify = _notify(progress, len(folders))
    fresh: list[tuple[int, ReportResult]] = []
    for index, folder in enumerate(folders):
        hit = cache.lookup(folder)
        if hit is not None:
            _claim(owners, output / hit[0], folder)
            fresh.append((index, hit[1]))
            continue
        item = _load(folder, project.templates)
        if options.lang and item.template and options.lang not in item.template.languages:
            raise InputError(
                msg(
                    "--lang {lang}: the {template} template has {languages}",
                    lang=options.lang,
                    template=item.template.name,
                    languages=", ".join(item.template.languages),
                )
            )
        stem = output / output_name(item.report, name, item.template)
        _claim(owners, stem, folder)
        todo.append((index, _BuildJob(folder, options, stem, project, _check(item, project))))
    for index, result in fresh:
        results[index] = result
        notify(index, result)
    # a report's DOCX and PDF are made side by side already: processes pay off only
    # when there are more reports to build than processes
    jobs = jobs if len(todo) > jobs else 1
    if jobs > 1 or available_cores() == 1:
        # every core is busy with a report of its own: one pandoc run for both of a
        # report's documents does a third less work (two side by side finish sooner
        # only where a core would be idle)
        todo = [
            (index, replace(job, options=replace(job.options, one_pandoc=True)))
            for index, job in todo
        ]
    try:
        built = run_chunks(
            _build_chunk,
            [job for _index, job in todo],
            jobs,
            1,
            lambda position, result: notify(todo[position][0], result),
        )
        for (index, job), result in zip(todo, built, strict=True):
            results[index] = result
            cache.remember(job.folder, job.stem, result)
    finally:
        cache.save()
        from evalcli.tools.typstserver import stop

        stop()  # the warm Typst child of the builds made in this process
    return [results[index] for index in range(len(folders))]


# --- import, export, init, schema -----------------------------------------------------


class ImportResult(Record):
    """What an import wrote, what it found, and what the user should look at."""

    folder: Path
    language: str
    facts: int
    sections: int
    items: dict[str, int]
    findings: list[Finding] = field(default_factory=list)
    source: Path | None = None
    edition: str = "summary"  # the template edition whose labels the document printed
    unplaced: int = 0  # paragraphs in unplaced.md
    skipped: dict[str, int] = field(default_factory=dict)  # what import left out on purpose
    error: str | None = None  # the file could not be imported (nothing was written)


def import_summary(
    source: Path,
    folder: Path,
    template: str = DEFAULT_TEMPLATE,
    lang: str | None = None,
    force: bool = False,
    project: Project | None = None,
) -> ImportResult:
    """Read a summary or a full report (DOCX, PDF, Markdown, text) into a report folder."""
    from evalcli.importing.run import import_file

    project = _project(project)
    spec = template_named(template, project.templates)
    if lang is not None and lang not in spec.languages:
        raise InputError(
            msg(
                "--lang {lang}: choose from {choices}", lang=lang, choices=", ".join(spec.languages)
            )
        )
    imported = import_file(source, folder, spec, lang, force)
    return ImportResult(
        folder,
        imported.lang,
        imported.facts,
        len(imported.sections),
        imported.item_counts,
        project.apply(imported.findings),
        source,
        imported.edition,
        len(imported.unplaced),
        imported.skipped,
    )


def import_summaries(
    sources: Sequence[Path],
    output: Path,
    template: str = DEFAULT_TEMPLATE,
    lang: str | None = None,
    force: bool = False,
    project: Project | None = None,
) -> list[ImportResult]:
    """Import several files (and the files in folders) into one report folder each under
    ``output``. A file that cannot be imported is its own result, with its error."""
    from evalcli.errors import EvalcliError
    from evalcli.importing.run import folder_names, import_sources

    files = import_sources(list(sources))
    results = []
    for source, folder in zip(files, folder_names(files, output), strict=True):
        try:
            results.append(import_summary(source, folder, template, lang, force, project))
        except (InputError, ConversionError) as exc:
            results.append(ImportResult(folder, "", 0, 0, {}, source=source, error=str(exc)))
        except EvalcliError:
            raise  # a template or setting problem stops the run: every file would fail
    return results


def export(
    paths: Sequence[str | Path] = (),
    fmt: str = "json",
    items: str | None = None,
    project: Project | None = None,
    *,
    output: Path | None = None,
    empty: bool = False,
) -> str:
    """Reports as data: JSON of metadata and items, CSV of one item kind, or the index.

    With ``items="reports"``, one row per report (path, project code, title,
    language, dates, errors, warnings, and its pages in the last build into
    ``output``, the project's output folder by default); a report that cannot
    be read is a row with its errors. ``empty`` exports no report at all (an
    empty selection), rather than every report under the content folders.
    """
    from evalcli import export as exporting

    project = _project(project)
    folders = [] if empty else find_reports(tuple(map(str, paths)), list(project.content))
    loaded = [_load(folder, project.templates) for folder in folders]
    if items == "reports":
        from evalcli.outputs.cache import machine_key
        from evalcli.outputs.manifest import Manifest
        from evalcli.portfolio.index import index_row, index_text

        where = output or project.output
        manifest = Manifest(where, machine_key(where))
        rows = []
        for item in loaded:
            entry = manifest.entries.get(manifest.name(item.path))
            rows.append(index_row(_check(item, project), entry.pages if entry else None))
        return index_text(rows, fmt)
    for item in loaded:
        blocking = [f for f in item.report.load_findings if f.exit_code > 1]
        if blocking or item.template is None:
            lines = "; ".join(text_lines(blocking))  # one line: the error line is one line
            raise InputError(
                msg(
                    "{path}: cannot be read; fix it, then export: {findings}",
                    path=display_path(item.path),
                    findings=lines,
                )
            )
    checked = [_check(item, project) for item in loaded]
    return exporting.export_text([item for item in checked if item.template], fmt, items)


def init(
    folder: Path,
    lang: str = "en",
    template: str = DEFAULT_TEMPLATE,
    project: Project | None = None,
) -> list[Path]:
    """A new report folder with every field and section, ready to fill in."""
    from evalcli.scaffold import create_report

    return create_report(folder, template_named(template, _project(project).templates), lang)


def schema(template: str = DEFAULT_TEMPLATE, project: Project | None = None) -> str:
    """The JSON Schema of evaluation.yaml for a template, as text."""
    from evalcli.scaffold import schema_text

    return schema_text(template_named(template, _project(project).templates))


def worst_exit_code(
    results: Sequence[ReportResult], strict: bool = False, draft: bool = False
) -> int:
    """The highest exit code over every report's findings.

    A draft that was built succeeded: its content errors are why it is a draft.
    """
    codes = []
    for result in results:
        code = exit_code(result.findings, strict)
        codes.append(0 if draft and result.built and code == 1 else code)
    return max(codes, default=0)
