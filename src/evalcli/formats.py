"""Findings as text, JSON or GitHub workflow commands."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from evalcli.check import count
from evalcli.model import Finding

JSON_VERSION = 1


@functools.cache
def _cwd() -> str:
    return os.path.realpath(Path.cwd())


@functools.cache
def display_path(path: Path) -> str:
    """A path relative to the working folder when it lies inside it."""
    full = os.path.realpath(path)
    cwd = _cwd()
    if full == cwd:
        return "."
    if full.startswith(cwd + os.sep):
        return full[len(cwd) + 1 :]
    return str(path)


def _where(finding: Finding) -> str:
    return f"{display_path(finding.loc.file)}:{finding.loc.line}:{finding.loc.column}"


def as_text_lines(findings: list[Finding]) -> list[str]:
    """One line per finding: ``file:line:column: severity[code] message``."""
    return [f"{_where(f)}: {f.severity}[{f.code}] {f.message}" for f in findings]


def as_text(results: list[tuple[Path, list[Finding]]]) -> str:
    lines = []
    for _path, findings in results:
        lines.extend(as_text_lines(findings))
    errors, warnings = _totals(results)
    plural = "report" if len(results) == 1 else "reports"
    lines.append(
        f"{len(results)} {plural} checked: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    return "\n".join(lines)


def _totals(results: list[tuple[Path, list[Finding]]]) -> tuple[int, int]:
    errors = warnings = 0
    for _path, findings in results:
        e, w = count(findings)
        errors += e
        warnings += w
    return errors, warnings


def finding_dict(f: Finding) -> dict[str, object]:
    return {
        "severity": f.severity,
        "code": f.code,
        "field": f.field,
        "section": f.section,
        "message": f.message,
        "file": display_path(f.loc.file),
        "line": f.loc.line,
        "column": f.loc.column,
    }


def as_json(results: list[tuple[Path, list[Finding]]]) -> str:
    errors, warnings = _totals(results)
    data = {
        "version": JSON_VERSION,
        "reports": [
            {"path": display_path(path), "findings": [finding_dict(f) for f in findings]}
            for path, findings in results
        ],
        "summary": {"reports": len(results), "errors": errors, "warnings": warnings},
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(results: list[tuple[Path, list[Finding]]]) -> str:
    """GitHub Actions workflow commands: annotations on the changed files."""
    lines = []
    for _path, findings in results:
        for f in findings:
            props = ",".join(
                [
                    f"file={_escape_property(display_path(f.loc.file))}",
                    f"line={f.loc.line}",
                    f"col={f.loc.column}",
                    f"title={_escape_property('evalcli ' + f.code)}",
                ]
            )
            lines.append(f"::{f.severity} {props}::{_escape_data(f.message)}")
    errors, warnings = _totals(results)
    lines.append(f"{len(results)} reports checked: {errors} errors, {warnings} warnings")
    return "\n".join(lines)


FORMATTERS = {"text": as_text, "json": as_json, "github": as_github}
