"""The GitHub Actions job summary: a Markdown table per run and every finding.

GitHub shows at most 10 annotations of each kind per step; the summary
(appended to the file ``GITHUB_STEP_SUMMARY`` names) holds the rest. Report
content is untrusted, so everything taken from it is escaped: table cells
lose their Markdown and HTML meaning, and findings sit in a code block whose
fence is longer than any run of backticks inside it. GitHub accepts at most
1 MiB of summary per step; past a budget the findings are cut, and it says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from evalcli import regexes
from evalcli.diagnostics import count
from evalcli.i18n import msg
from evalcli.reporting import ReportResult, display_path, inert, result_lines, tally

SUMMARY_BUDGET = 900 * 1024  # bytes; GitHub refuses a step summary over 1 MiB
_SPECIAL = regexes.compile(r"([\\`*_\[\]()|~])")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def cell(text: str) -> str:
    """Text safe in a Markdown table cell: no markup, no HTML, no line break."""
    flat = inert(" ".join(text.split())).translate(_HTML)
    return _SPECIAL.sub(r"\\\1", flat)


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _files(result: ReportResult) -> str:
    return ", ".join(
        f"{cell(Path(path).name)} ({size // 1024} KiB)" for path, size in result.files.items()
    )


def _state(result: ReportResult) -> str:
    if result.built is None:
        errors, _ = count(result.findings)
        return str(msg("errors") if errors else msg("ok"))
    if result.fresh:
        return str(msg("up to date") if result.built else msg("not built (unchanged)"))
    return str(msg("built") if result.built else msg("not built"))


def markdown(command: str, results: Sequence[ReportResult], notes: Sequence[str] = ()) -> str:
    """The summary of one command's run, as Markdown."""
    building = any(r.built is not None for r in results)
    parts = [f"### evalcli {cell(command)}", "", cell(tally(results)), ""]
    parts += [f"- {cell(note)}" for note in notes]
    if notes:
        parts.append("")
    if results:
        names = [msg("report"), msg("result"), msg("errors"), msg("warnings")]
        header = "| " + " | ".join(cell(str(name)) for name in names) + " |"
        rule = "| --- | --- | ---: | ---: |"
        if building:
            pages, files = cell(str(msg("pages"))), cell(str(msg("files")))
            header += f" {pages} | {files} |"
            rule += " ---: | --- |"
        parts += [header, rule]
        for result in results:
            errors, warnings = count(result.findings)
            where = cell(display_path(result.path))
            row = f"| {where} | {_state(result)} | {errors} | {warnings} |"
            if building:
                pages = "" if result.pages is None else str(result.pages)
                row += f" {pages} | {_files(result)} |"
            parts.append(row)
        parts.append("")
    size = sum(len(p.encode("utf-8")) + 1 for p in parts)
    with_findings = [r for r in results if r.findings]
    for number, result in enumerate(with_findings):
        lines = result_lines(result)
        fence = _fence(lines)
        block = [f"#### {cell(display_path(result.path))}", "", fence, *lines, fence, ""]
        block_size = sum(len(p.encode("utf-8")) + 1 for p in block)
        if size + block_size > SUMMARY_BUDGET:
            rest = sum(len(r.findings) for r in with_findings[number:])
            left_out = msg(
                "{findings} more findings in {reports} reports are not shown here (GitHub "
                "limits a job summary to 1 MiB); run with --format json for all.",
                findings=rest,
                reports=len(with_findings) - number,
            )
            parts.append(str(left_out))
            break
        parts += block
        size += block_size
    return "\n".join(parts) + "\n"


def append_summary(
    command: str, results: Sequence[ReportResult], notes: Sequence[str] = ()
) -> bool:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` if it is set; True when written."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8", errors="backslashreplace") as stream:
        stream.write(markdown(command, results, notes))
    return True
