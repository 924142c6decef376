"""Findings and results printed for people (text), tools (JSON) or GitHub Actions (annotations)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from evalcli import i18n, regexes
from evalcli.diagnostics import Finding, count
from evalcli.i18n import Message, msg, nmsg
from evalcli.outputs.pagecount import PageCount
from evalcli.paths import display_path as display_path  # where it was, for callers above
from evalcli.records import Record, field

JSON_VERSION = 1


class ReportResult(Record):
    """One report's outcome in any command: its findings and, for build, what it wrote."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    files: dict[Path, int] = field(default_factory=dict)  # written file -> size in bytes
    pages: int | None = None  # the most pages any output has
    page_counts: list[PageCount] = field(default_factory=list)  # each output's, as laid out
    built: bool | None = None  # None: not a build
    note: Message | str = ""  # why a report was not built
    fresh: bool = False  # build: unchanged since the last build, not built again
    words: list[tuple[Path, str, int]] = field(default_factory=list)  # (file, section, words)
    language: str | None = None  # the report's own, for --messages report


def _escaped(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode("ascii")


def one_line(text: str) -> str:
    """Text safe for one line of a terminal or a log: newlines and controls escaped.

    Every character that is not printable (newlines, ESC and every other control,
    Unicode format characters such as bidirectional overrides, lone surrogates)
    is shown as its escape: ``\\n``, ``\\x1b``, ``\\u202e``, and ``\\xff`` for a byte
    of a file name that is not UTF-8.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escaped(ch) for ch in text)


_OLD_COMMAND = regexes.compile(r"##\[")  # the first form of a workflow command, matched anywhere


def inert(text: str) -> str:
    """Text from content, safe to print in a terminal or a CI log, in any place of a line.

    As ``one_line``, and no CI log can take it for a workflow command: ``##[``
    is shown as ``##\\x5b`` and a leading ``::`` (after spaces) as ``\\x3a:``.
    """
    shown = one_line(text)
    if "##[" in shown:
        shown = _OLD_COMMAND.sub(r"##\\x5b", shown)
    stripped = shown.lstrip()
    if stripped.startswith("::"):
        shown = shown[: len(shown) - len(stripped)] + "\\x3a" + stripped[1:]
    return shown


def inert_lines(text: str) -> str:
    """Several lines of a message, each made ``inert``."""
    return "\n".join(inert(line) for line in text.split("\n"))


def shown_path(path: Path) -> str:
    """A path as printed for people: ``display_path``, made inert.

    A relative path that would begin a line with ``::`` is printed as ``./::…``.
    """
    name = display_path(path)
    if name.lstrip().startswith("::"):
        name = "./" + name
    return inert(name)


_SURROGATES = regexes.compile("[\ud800-\udfff]")


def _json_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\\\x{code - 0xDC00:02x}"  # the text \xff inside a JSON string
    return f"\\u{code:04x}"


def json_text(data: object, **options: object) -> str:
    """``json.dumps`` whose text is always valid UTF-8: a byte of a file name that is
    not UTF-8 (a lone surrogate) is written as the text ``\\xff``.
    """
    text = json.dumps(data, ensure_ascii=False, **options)  # type: ignore[arg-type]
    try:
        text.encode("utf-8")  # a few times faster than the search, and fails on a surrogate
    except UnicodeEncodeError:
        return _SURROGATES.sub(_json_surrogate, text)
    return text


def text_lines(findings: Sequence[Finding]) -> list[str]:
    """One line per finding: ``file:line:column: severity[code] message`` (``file`` alone
    for a finding about the whole file)."""
    lines = []
    for f, name in zip(findings, _files_shown(findings, shown_path), strict=True):
        place = name if f.loc.line <= 0 else f"{name}:{f.loc.line}:{f.loc.column}"
        lines.append(f"{place}: {f.severity}[{f.code}] {inert(f.text)}")
    return lines


def _files_shown(findings: Sequence[Finding], show: Callable[[Path], str]) -> list[str]:
    """Each finding's file as ``show`` gives it, worked out once per file: a report's
    findings name a few files, many times each."""
    shown: dict[Path, str] = {}
    names = []
    for f in findings:
        name = shown.get(f.loc.file)
        if name is None:
            name = shown[f.loc.file] = show(f.loc.file)
        names.append(name)
    return names


def result_lines(result: ReportResult) -> list[str]:
    """The text lines of one report's findings, in its language under ``--messages report``."""
    with i18n.speaking(i18n.report_language(result.language)):
        return text_lines(result.findings)


def tally(results: Sequence[ReportResult]) -> str:
    """The closing line of a run: reports, errors, warnings and, for build, built and failed."""
    errors = warnings = 0
    for result in results:
        e, w = count(result.findings)
        errors += e
        warnings += w
    counts = msg(
        "{errors}, {warnings}",
        errors=nmsg("{n} error", "{n} errors", errors, n=errors),
        warnings=nmsg("{n} warning", "{n} warnings", warnings, n=warnings),
    )
    reports = len(results)
    builds = [r.built for r in results if r.built is not None]
    if not builds:
        return nmsg(
            "{n} report checked: {counts}",
            "{n} reports checked: {counts}",
            reports,
            n=reports,
            counts=counts,
        ).render()
    fresh = sum(1 for r in results if r.fresh and r.built)
    made, failed = builds.count(True) - fresh, builds.count(False)
    line = nmsg("{n} report", "{n} reports", reports, n=reports)
    built = nmsg("{n} built", "{n} built", made, n=made)
    not_built = nmsg("{n} not built", "{n} not built", failed, n=failed)
    if fresh:
        return msg(
            "{reports}: {built}, {fresh}, {not_built}; {counts}",
            reports=line,
            built=built,
            fresh=nmsg("{n} up to date", "{n} up to date", fresh, n=fresh),
            not_built=not_built,
            counts=counts,
        ).render()
    return msg(
        "{reports}: {built}, {not_built}; {counts}",
        reports=line,
        built=built,
        not_built=not_built,
        counts=counts,
    ).render()


def finding_dict(f: Finding, file: str | None = None) -> dict[str, object]:
    """A finding as JSON data; ``file`` is its file as shown, when the caller has it."""
    return {
        "severity": f.severity,
        "code": f.code,
        "field": f.field,
        "section": f.section,
        "message": f.text,
        "file": display_path(f.loc.file) if file is None else file,
        "line": f.loc.line,
        "column": f.loc.column,
    }


def _findings_data(result: ReportResult) -> list[dict[str, object]]:
    files = _files_shown(result.findings, display_path)
    with i18n.speaking(i18n.report_language(result.language)):
        return [finding_dict(f, file) for f, file in zip(result.findings, files, strict=True)]


def _report_dict(result: ReportResult) -> dict[str, object]:
    data: dict[str, object] = {
        "path": display_path(result.path),
        "findings": _findings_data(result),
    }
    if result.built is not None:
        data["built"] = result.built
        data["files"] = [
            {"path": display_path(path), "bytes": size} for path, size in result.files.items()
        ]
        data["pages"] = result.pages
        data["page_counts"] = [count.as_dict() for count in result.page_counts]
        data["up_to_date"] = result.fresh
        if result.note:
            data["note"] = str(result.note)
    return data


def _summary(results: Sequence[ReportResult]) -> dict[str, int]:
    errors = warnings = 0
    for result in results:
        e, w = count(result.findings)
        errors += e
        warnings += w
    summary: dict[str, int] = {"reports": len(results), "errors": errors, "warnings": warnings}
    if any(r.built is not None for r in results):
        summary["built"] = sum(1 for r in results if r.built and not r.fresh)
        summary["up_to_date"] = sum(1 for r in results if r.built and r.fresh)
        summary["not_built"] = sum(1 for r in results if r.built is False)
    return summary


_COMPACT = (",", ":")


class RunOutput:
    """A run's findings in one format (``text``, ``json`` or ``github``), each report's
    part made as its result arrives (``add``) and put together at the end (``text``).

    A portfolio's output is then made while the later reports are still being
    checked, not all after the last one: for 1,000 reports that was a third of a
    second of one core, with the other idle. A result never added is made at the end.
    """

    def __init__(self, fmt: str, colour: bool = False) -> None:
        self.fmt = fmt
        self.colour = colour  # text: place and severity painted, for a terminal
        self._parts: dict[int, tuple[ReportResult, str]] = {}  # by id; the result kept alive

    def add(self, result: ReportResult) -> None:
        self._parts[id(result)] = (result, self.part(result))

    def part(self, result: ReportResult) -> str:
        """One report's part of the output: its findings (as text or annotations, "" when it
        has none), or its JSON."""
        if self.fmt == "json":
            return json_text(_report_dict(result), separators=_COMPACT)
        with i18n.speaking(i18n.report_language(result.language)):
            if self.fmt == "github":
                return "\n".join(github_lines(result.findings))
            lines = text_lines(result.findings)
        if self.colour:
            from evalcli.reporting.terminal import paint_finding

            pairs = zip(result.findings, lines, strict=True)
            lines = [paint_finding(line, finding.severity) for finding, line in pairs]
        return "\n".join(lines)

    def _made(self, result: ReportResult) -> str:
        kept = self._parts.get(id(result))
        return kept[1] if kept is not None and kept[0] is result else self.part(result)

    def text(self, results: Sequence[ReportResult], closing: bool = True) -> str:
        """The whole output; ``closing``: with the run's closing line (text and github)."""
        parts = [self._made(result) for result in results]
        if self.fmt == "json":
            summary = json_text(_summary(results), separators=_COMPACT)
            return f'{{"version":{JSON_VERSION},"reports":[{",".join(parts)}],"summary":{summary}}}'
        lines = [part for part in parts if part]
        if closing:
            lines.append(tally(results))
        return "\n".join(lines)


def as_text(results: Sequence[ReportResult]) -> str:
    return RunOutput("text").text(results)


def as_json(results: Sequence[ReportResult]) -> str:
    return RunOutput("json").text(results)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(findings: Sequence[Finding]) -> list[str]:
    """GitHub Actions workflow commands: one annotation per finding (info as notice)."""
    lines = []
    for f in findings:
        props = [f"file={_escape_property(inert(display_path(f.loc.file)))}"]
        if f.loc.line > 0:
            props += [f"line={f.loc.line}", f"col={f.loc.column}"]
        props.append(f"title={_escape_property('evalcli ' + f.code)}")
        kind = "notice" if f.severity == "info" else f.severity
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(inert(f.text))}")
    return lines


def github_notice(text: str) -> str:
    """A line of text as a GitHub Actions notice."""
    return f"::notice title=evalcli::{_escape_data(inert(text))}"


def as_github(results: Sequence[ReportResult]) -> str:
    return RunOutput("github").text(results)


FORMATTERS = {"text": as_text, "json": as_json, "github": as_github}
