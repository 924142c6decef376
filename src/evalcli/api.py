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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalcli.check import check as check_report
from evalcli.diagnostics import Finding, Location, exit_code
from evalcli.errors import ConversionError, InputError, TemplateError
from evalcli.outputs.build import FORMATS, BuildOptions, build_report
from evalcli.report.discover import find_reports
from evalcli.report.load import load_report
from evalcli.report.model import Report
from evalcli.report.yamlnodes import plain
from evalcli.reporting import ReportResult, display_path, text_lines
from evalcli.template.loader import DEFAULT_TEMPLATE, find_template, load_template, template_folder
from evalcli.template.spec import Template
from evalcli.text import count_words

__all__ = [
    "FORMATS",
    "BuildOptions",
    "ImportResult",
    "ReportResult",
    "build",
    "check",
    "export",
    "import_summary",
    "init",
    "schema",
]

DEFAULT_NAME = "{folder}"
_NAME_FIELDS = ("folder", "project_code", "language", "template")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def allowed_templates(folders: Sequence[Path]) -> tuple[Path, ...]:
    """Template folders the user allowed (``--template-dir``), checked to be template folders."""
    return tuple(template_folder(Path(folder)) for folder in folders)


def template_named(name: str, allowed: Sequence[Path] = ()) -> Template:
    """A bundled template, or one of the allowed folders, by name."""
    return load_template(find_template(name, tuple(allowed)))


@dataclass
class _Loaded:
    path: Path
    report: Report
    template: Template | None


def _load_all(paths: Sequence[str | Path], allowed: tuple[Path, ...]) -> list[_Loaded]:
    loaded = []
    for folder in find_reports(tuple(str(p) for p in paths)):
        report, template = load_report(folder, allowed=allowed)
        loaded.append(_Loaded(folder, report, template))
    return loaded


def _checked(item: _Loaded) -> ReportResult:
    if item.template is None:
        return ReportResult(item.path, list(item.report.load_findings))
    return ReportResult(item.path, check_report(item.report, item.template))


def check(
    paths: Sequence[str | Path] = (), template_dirs: Sequence[Path] = ()
) -> list[ReportResult]:
    """Every report's findings. With no paths, every report under ``content/``."""
    allowed = allowed_templates(template_dirs)
    results = []
    for item in _load_all(paths, allowed):
        result = _checked(item)
        result.words = [(s.path, sid, count_words(s.text)) for sid, s in item.report.sections.items()]
        results.append(result)
    return results


# --- build ---------------------------------------------------------------------------


def _name_value(report: Report, key: str) -> str:
    if key == "folder":
        return report.name
    value = plain(report.value(key))
    if isinstance(value, list):
        value = "_".join(str(v) for v in value if v)
    return str(value or key)


def output_name(report: Report, pattern: str) -> str:
    """The file name (without suffix) for a report: ``pattern`` filled in, safe characters only."""
    try:
        filled = pattern.format_map({key: _name_value(report, key) for key in _NAME_FIELDS})
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(
            f"--name {pattern}: use the fields {', '.join('{' + k + '}' for k in _NAME_FIELDS)}"
        ) from exc
    safe = _UNSAFE.sub("-", filled).strip(".-")
    return safe or "report"


def _stems(loaded: list[_Loaded], output: Path, pattern: str) -> dict[Path, Path]:
    """Each report's output stem; two reports with the same stem stop the run before any write."""
    stems: dict[Path, Path] = {}
    owners: dict[Path, Path] = {}
    for item in loaded:
        stem = output / output_name(item.report, pattern)
        if stem in owners:
            raise InputError(
                f"{display_path(owners[stem])} and {display_path(item.path)} would both be "
                f"written to {display_path(stem)}.*; give them different names with "
                "--name '{project_code}_{language}' or build them into different folders"
            )
        owners[stem] = item.path
        stems[item.path] = stem
    return stems


def _build_one(item: _Loaded, options: BuildOptions, stem: Path) -> ReportResult:
    result = _checked(item)
    result.built = False
    code = exit_code(result.findings, options.strict)
    if item.template is None or code > 1:
        result.note = "the report cannot be read"
        return result
    if code and not options.draft:
        errors = any(f.severity == "error" for f in result.findings)
        result.note = (
            "the report has errors; fix them or use --draft"
            if errors
            else "the report has warnings and --strict is set"
        )
        return result
    try:
        built = build_report(item.report, item.template, options, stem)
    except ConversionError as exc:
        where = Location(item.report.metadata_path, 0, 0)
        result.findings.append(Finding.of("conversion-failed", str(exc), where))
        result.note = "a conversion failed"
        return result
    except (InputError, TemplateError) as exc:
        raise InputError(f"{display_path(item.path)}: {exc}") from exc
    result.findings.extend(built.findings)
    result.files, result.pages = built.files, built.pages
    result.built = bool(built.files)
    if not result.built:
        result.note = "see the findings above"
    return result


def build(
    paths: Sequence[str | Path] = (),
    options: BuildOptions | None = None,
    output: Path = Path("build"),
    name: str = DEFAULT_NAME,
    template_dirs: Sequence[Path] = (),
) -> list[ReportResult]:
    """Check, then build every report without errors (all of them under ``draft``).

    A report with errors is reported and skipped; a conversion failure is that
    report's finding. Output names are settled for all reports before any
    file is written, and two reports that would share a name stop the run.
    """
    options = options or BuildOptions()
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise InputError(f"--to {','.join(options.formats)}: choose from {', '.join(FORMATS)}")
    loaded = _load_all(paths, allowed_templates(template_dirs))
    if options.lang:
        for item in loaded:
            if item.template and options.lang not in item.template.languages:
                raise InputError(
                    f"--lang {options.lang}: the {item.template.name} template has "
                    f"{', '.join(item.template.languages)}"
                )
    stems = _stems(loaded, output, name)
    return [_build_one(item, options, stems[item.path]) for item in loaded]


# --- import, export, init, schema -----------------------------------------------------


@dataclass
class ImportResult:
    """What an import wrote, what it found, and what the user should look at."""

    folder: Path
    language: str
    facts: int
    sections: int
    items: dict[str, int]
    findings: list[Finding] = field(default_factory=list)


def import_summary(
    source: Path,
    folder: Path,
    template: str = DEFAULT_TEMPLATE,
    lang: str | None = None,
    force: bool = False,
    template_dirs: Sequence[Path] = (),
) -> ImportResult:
    """Read a DOCX or Markdown summary and write it as a report folder."""
    from evalcli.importing.run import import_file

    spec = template_named(template, allowed_templates(template_dirs))
    if lang is not None and lang not in spec.languages:
        raise InputError(f"--lang {lang}: choose from {', '.join(spec.languages)}")
    imported = import_file(source, folder, spec, lang, force)
    return ImportResult(
        folder,
        imported.lang,
        imported.facts,
        len(imported.sections),
        imported.item_counts,
        imported.findings,
    )


def export(
    paths: Sequence[str | Path] = (),
    fmt: str = "json",
    items: str | None = None,
    template_dirs: Sequence[Path] = (),
) -> str:
    """Reports as data: JSON of metadata and items, or CSV of one item kind."""
    from evalcli import export as exporting

    loaded = _load_all(paths, allowed_templates(template_dirs))
    for item in loaded:
        blocking = [f for f in item.report.load_findings if f.exit_code > 1]
        if blocking or item.template is None:
            lines = "\n".join(text_lines(blocking))
            raise InputError(f"{display_path(item.path)}: cannot be read; fix it, then export\n{lines}")
    reports = [(item.report, item.template) for item in loaded if item.template]
    return exporting.export_text(reports, fmt, items)


def init(
    folder: Path,
    lang: str = "en",
    template: str = DEFAULT_TEMPLATE,
    template_dirs: Sequence[Path] = (),
) -> list[Path]:
    """A new report folder with every field and section, ready to fill in."""
    from evalcli.scaffold import create_report

    return create_report(folder, template_named(template, allowed_templates(template_dirs)), lang)


def schema(template: str = DEFAULT_TEMPLATE, template_dirs: Sequence[Path] = ()) -> str:
    """The JSON Schema of evaluation.yaml for a template, as text."""
    from evalcli.scaffold import schema_text

    return schema_text(template_named(template, allowed_templates(template_dirs)))


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
