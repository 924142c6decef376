"""Characters no document may hold: control characters and what XML 1.0 forbids.

DOCX is XML and Typst source is text; either would fail on them at build
time, so check reports each with its line and column instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import msg
from evalcli.report.markdown import line_and_column
from evalcli.report.model import Report
from evalcli.text import BAD_CHARACTER, has_bad_character
from evalcli.yamlnodes import scalars_in


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def character_findings(report: Report) -> Iterator[Finding]:
    """One finding per value or section that holds a forbidden character (the first of each)."""
    # one test over every value joined (a newline is no bad character) before one per value
    values = [s.text or "" for e in report.metadata.entries.values() for s in scalars_in(e.value)]
    if has_bad_character("\n".join(values)):
        yield from _value_findings(report)
    for section in report.sections.values():
        found = BAD_CHARACTER.search(section.text) if has_bad_character(section.text) else None
        if found:
            line, column = line_and_column(section.text, found.start())
            yield Finding.of(
                FindingCode.BAD_CHARACTER,
                msg(
                    "{field} holds the control character {char}, which no "
                    "document can hold; delete it (it is invisible in most editors)",
                    field=section.path.name,
                    char=_describe(found.group()),
                ),
                Location(section.path, line, column),
                section=section.id,
            )


def _value_findings(report: Report) -> Iterator[Finding]:
    for key, entry in report.metadata.entries.items():
        for scalar in scalars_in(entry.value):
            found = BAD_CHARACTER.search(scalar.text or "")
            if found:
                yield Finding.of(
                    FindingCode.BAD_CHARACTER,
                    msg(
                        "{field} holds the control character {char}, which no "
                        "document can hold; delete it (it is invisible in most editors)",
                        field=key,
                        char=_describe(found.group()),
                    ),
                    scalar.loc,
                    field=key,
                )
