"""Rules for the annex fields of lessons and good practices: every field of the ILO page given.

A report whose lessons and good practices carry no annex fields at all is a
summary only: check says nothing about annexes, and ``build --annexes`` warns
that its pages would be empty. Once any item carries one, every item of those
sections is held to its full ILO annex page.
"""

from __future__ import annotations

from evalcli.diagnostics import Finding, FindingCode
from evalcli.i18n import labels, msg
from evalcli.report.annex import annex_spec, missing_fields
from evalcli.report.model import Item, Report
from evalcli.template.spec import AnnexSpec, SectionSpec, Template
from evalcli.text import did_you_mean, shorten


def annexes_started(report: Report, template: Template) -> bool:
    """True when some lesson or good practice carries an annex field."""
    return any(
        item.annex
        for sid, section in report.sections.items()
        if annex_spec(template, sid) is not None
        for item in section.items
    )


def _item(item: Item, spec: SectionSpec, annex: AnnexSpec, label: str, lang: str) -> list[Finding]:
    headings = [f.headings.get(lang, f.key) for f in annex.fields]
    findings = [
        Finding.of(
            FindingCode.ANNEX_HEADING,
            msg(
                "{item}: '### {heading}' names no field of the {annex}{hint}, "
                "so its text is printed nowhere; use one of: {headings}",
                item=label,
                heading=entry.heading.text,
                annex=labels(annex.title) if annex.title else annex.section,
                hint=did_you_mean(entry.heading.text, headings),
                headings=", ".join(headings),
            ),
            entry.heading.loc,
            section=spec.id,
        )
        for entry in item.annex
        if entry.key is None
    ]
    missing = missing_fields(item, annex)
    if missing:
        title = shorten(item.title, 48, " [...]")
        names = [f.headings.get(lang, f.key) for f in missing]
        findings.append(
            Finding.of(
                FindingCode.MISSING_ANNEX_FIELD,
                msg(
                    "{item} ('{title}') lacks {names} for its ILO annex page; "
                    "write each below the item's text under its own heading ('### {first}')",
                    item=label,
                    title=title,
                    names=", ".join(names),
                    first=names[0],
                ),
                item.heading.loc,
                section=spec.id,
            )
        )
    return findings


def check_annexes(
    report: Report, template: Template, lang: str, always: bool = False
) -> list[Finding]:
    """Findings on every item's annex fields; none for a summary-only report unless ``always``
    (``build --annexes``: its pages would be empty)."""
    if not always and not annexes_started(report, template):
        return []
    findings: list[Finding] = []
    for sid, section in report.sections.items():
        annex = annex_spec(template, sid)
        if annex is None:
            continue
        spec = template.sections[sid]
        for number, item in enumerate(section.items, start=1):
            label = f"{spec.prefix.get(lang, '')}{number}"
            findings.extend(_item(item, spec, annex, label, lang))
    return findings
