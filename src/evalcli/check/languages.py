"""Language tags on spans, divs and headings (``{lang="en-GB"}``) that the PDF can set.

The template's filter turns ``lang`` into Typst's ``text(lang:, region:)``,
which takes a two- or three-letter language and a two-letter region only;
any other region stops the PDF at build time, so ``check`` says so first.
"""

from __future__ import annotations

from evalcli import regexes
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import msg
from evalcli.report.markdown import line_and_column
from evalcli.report.model import Report

# linear: an attribute list holds no brace, so a scan from one "{" stops at the next
_ATTRIBUTE_LIST = regexes.compile(r"\{[^{}\n]*\}")
_LANG = regexes.compile(r"(?<![\w-])lang[ \t]*=[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s}\"']+))")
# what the filter reads (as its Lua pattern ^(%a%a%a?)[-_]?(%a*)$ does)
_AS_FILTER_READS = regexes.compile(r"([A-Za-z]{2,3})[-_]?([A-Za-z]*)")


def language_findings(report: Report) -> list[Finding]:
    """An ``invalid-attribute`` error for each ``lang`` the PDF could not set."""
    findings = []
    for section in report.sections.values():
        if "lang" not in section.text:
            continue
        for block in _ATTRIBUTE_LIST.finditer(section.text):
            for found in _LANG.finditer(block.group()):
                tag = next(group for group in found.groups() if group is not None)
                read = _AS_FILTER_READS.fullmatch(tag)
                if read is None or len(read.group(2)) in (0, 2):
                    continue  # a tag the filter leaves alone, or one Typst takes
                line, column = line_and_column(section.text, block.start() + found.start())
                findings.append(
                    Finding.of(
                        FindingCode.INVALID_ATTRIBUTE,
                        msg(
                            'lang="{tag}" has a region of {n} letters; write a language with '
                            'an optional two-letter region: lang="en" or lang="en-GB"',
                            tag=tag[:40],
                            n=len(read.group(2)),
                        ),
                        Location(section.path, line, column),
                        section=section.id,
                    )
                )
    return findings
