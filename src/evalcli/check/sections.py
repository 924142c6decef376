"""Rules for the section files: present, not empty, items well formed, criteria covered."""

from __future__ import annotations

from evalcli.check.annexes import check_annexes
from evalcli.check.placeholders import find_placeholders
from evalcli.diagnostics import Finding, FindingCode, Location, Severity
from evalcli.i18n import labels, msg
from evalcli.report.markdown import item_number, line_and_column
from evalcli.report.model import Item, Report, Section
from evalcli.template.spec import SectionSpec, Template
from evalcli.text import did_you_mean, fold, has_words, match_option, shorten


def _placeholders(section: Section, template: Template) -> list[Finding]:
    findings = []
    for offset, matched in find_placeholders(section.text, template):
        line, column = line_and_column(section.text, offset)
        findings.append(
            Finding.of(
                FindingCode.PLACEHOLDER,
                msg(
                    '{file} still holds the template\'s placeholder text "{text}"; '
                    "replace it with the real text",
                    file=section.path.name,
                    text=matched,
                ),
                Location(section.path, line, column),
                section=section.id,
            )
        )
    return findings


def _criteria(section: Section, template: Template, lang: str) -> list[Finding]:
    headings = [f" {fold(h.text)} " for h in section.headings]
    findings = []
    for criterion in template.criteria:
        names = criterion.names.get(lang, ())
        if any(f" {fold(name)} " in heading for heading in headings for name in names):
            continue
        findings.append(
            Finding.of(
                FindingCode.MISSING_CRITERION,
                msg(
                    "the findings have no heading for the OECD-DAC criterion '{name}' "
                    "({criterion}); add a '## {name}' subsection, "
                    "or say why it was not assessed",
                    name=names[0],
                    criterion=criterion.id,
                ),
                Location(section.path),
                section=section.id,
            )
        )
    return findings


def _item(
    item: Item, spec: SectionSpec, number: int, template: Template, lang: str
) -> list[Finding]:
    heading = item.heading
    label = f"{spec.prefix.get(lang, '')}{number}"
    findings = []
    if heading.attr_error:
        findings.append(
            Finding.of(
                FindingCode.INVALID_ATTRIBUTE,
                msg("{item}: {problem}", item=label, problem=heading.attr_error),
                heading.loc,
                section=spec.id,
            )
        )
    numbered = item_number(heading.text)
    if numbered:
        typed = heading.text[: len(heading.text) - len(numbered.rest)].strip()
        findings.append(
            Finding.of(
                FindingCode.ITEM_NUMBERING,
                msg(
                    "{item} heading starts with its own number '{typed}'; "
                    "remove it, the compiler numbers items",
                    item=label,
                    typed=typed,
                ),
                heading.loc,
                section=spec.id,
            )
        )
    if not item.title:
        findings.append(
            Finding.of(
                FindingCode.EMPTY_ITEM,
                msg("{item} has no title after '##'", item=label),
                heading.loc,
                section=spec.id,
            )
        )
    if not item.body.strip():
        findings.append(
            Finding.of(
                FindingCode.EMPTY_ITEM,
                msg(
                    "{item} ('{title}') has no text under its heading", item=label, title=item.title
                ),
                heading.loc,
                section=spec.id,
            )
        )
    known = [*spec.attributes, "id", "class"]
    for key, value in heading.attrs.items():
        if key not in known:
            findings.append(
                Finding.of(
                    FindingCode.UNKNOWN_ATTRIBUTE,
                    msg(
                        "{item}: '{key}' is not a known attribute{hint}; use {known}",
                        item=label,
                        key=key,
                        hint=did_you_mean(key, known),
                        known=", ".join(spec.attributes),
                    ),
                    heading.loc,
                    section=spec.id,
                )
            )
            continue
        attribute = spec.attributes.get(key)
        if (
            attribute
            and attribute.options
            and value.strip()
            and match_option(value, attribute.options) is None
        ):
            findings.append(
                Finding.of(
                    FindingCode.INVALID_ATTRIBUTE,
                    msg(
                        '{item}: {key}="{value}" is not one of {choices}',
                        item=label,
                        key=key,
                        value=value,
                        choices=", ".join(attribute.options),
                    ),
                    heading.loc,
                    section=spec.id,
                )
            )
    missing = [key for key in spec.follow_up if not heading.attrs.get(key, "").strip()]
    if missing and not heading.attr_error:
        title = shorten(item.title, 48, " [...]")
        example = " ".join(f'{key}="..."' for key in missing)
        findings.append(
            Finding.of(
                FindingCode.MISSING_FOLLOW_UP,
                msg(
                    "{item} ('{title}') does not say {missing}; add them to its heading: {example}",
                    item=label,
                    title=title,
                    missing=", ".join(missing),
                    example="{" + example + "}",
                ),
                heading.loc,
                section=spec.id,
            )
        )
    return findings


def check_sections(report: Report, template: Template, lang: str) -> list[Finding]:
    """Findings for every section file of the report."""
    findings: list[Finding] = []
    for spec in template.sections.values():
        if spec.id in report.missing:
            if spec.required:
                findings.append(
                    Finding.of(
                        FindingCode.MISSING_SECTION,
                        msg(
                            "{file} is missing: the {section} section is required; "
                            "create it.{help}",
                            file=spec.file,
                            section=labels(spec.labels) if spec.labels else spec.id,
                            help=labels(spec.help, " "),
                        ),
                        Location(report.missing[spec.id]),
                        section=spec.id,
                    )
                )
            continue
        section = report.sections.get(spec.id)
        if section is None:
            continue  # unreadable: already reported by load
        if not has_words(section.text):
            severity: Severity = "error" if spec.required else "warning"
            findings.append(
                Finding.of(
                    FindingCode.EMPTY_SECTION,
                    msg(
                        "{file} is empty; write the {section} section.{help}",
                        file=spec.file,
                        section=labels(spec.labels) if spec.labels else spec.id,
                        help=labels(spec.help, " "),
                    ),
                    Location(section.path),
                    severity=severity,
                    section=spec.id,
                )
            )
            continue
        findings.extend(_placeholders(section, template))
        findings.extend(
            Finding.of(
                image.code,
                msg(
                    "image '{target}': {problem}; put the image file in the report "
                    "folder, next to the section files, and refer to it by its name",
                    target=image.target,
                    problem=image.problem or "",
                ),
                image.loc,
                section=spec.id,
            )
            for image in section.images
            if image.file is None
        )
        for heading in section.headings:
            if heading.level == 1:
                findings.append(
                    Finding.of(
                        FindingCode.HEADING_LEVEL,
                        msg(
                            "'# {heading}' is a level-1 heading; the template supplies the "
                            "section heading, so start subheadings at '##'",
                            heading=heading.text,
                        ),
                        heading.loc,
                        section=spec.id,
                    )
                )
        if spec.items:
            if not section.items:
                findings.append(
                    Finding.of(
                        FindingCode.NO_ITEMS,
                        msg(
                            "{file} has no items; start each one with a '## ' heading",
                            file=spec.file,
                        ),
                        Location(section.path),
                        section=spec.id,
                    )
                )
            for number, item in enumerate(section.items, start=1):
                findings.extend(_item(item, spec, number, template, lang))
        if spec.criteria:
            findings.extend(_criteria(section, template, lang))
    findings.extend(check_annexes(report, template, lang))
    return findings
