"""Rules for the section files: present, not empty, items well formed, criteria covered."""

from __future__ import annotations

import functools
import re

from evalcli.check.annexes import check_annexes
from evalcli.diagnostics import Finding, FindingCode, Location, Severity
from evalcli.i18n import labels, msg
from evalcli.report.markdown import item_number, line_and_column
from evalcli.report.model import Heading, Item, Report, Section
from evalcli.template.placeholders import find_placeholders
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


@functools.cache
def _criterion_names(template: Template) -> tuple[tuple[str, ...], ...]:
    """Each criterion's names in every language, folded and padded (`` relevance ``)."""
    return tuple(
        tuple(
            f" {fold(name)} "
            for language in template.languages
            for name in criterion.names.get(language, ())
        )
        for criterion in template.criteria
    )


def _criteria(section: Section, template: Template, lang: str) -> list[Finding]:
    headings = [f" {fold(h.text)} " for h in section.headings]
    findings = []
    for criterion, every in zip(template.criteria, _criterion_names(template), strict=True):
        names = criterion.names.get(lang, ())
        if any(name in heading for heading in headings for name in every):
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


def _attribute_loc(section: Section, heading: Heading, key: str | None = None) -> Location:
    """Where attribute ``key`` (or, without one, the attribute list) starts on a heading line."""
    lines = section.text.split("\n")
    line = lines[heading.loc.line - 1] if 0 < heading.loc.line <= len(lines) else ""
    if key is not None:
        found = re.search(rf"(?<![\w-]){re.escape(key)}\s*=", line)
        column = found.start() if found else -1
    else:
        column = line.rfind("{")
    if column < 0:
        return heading.loc
    return Location(heading.loc.file, heading.loc.line, column + 1)


def _item(item: Item, spec: SectionSpec, number: int, section: Section, lang: str) -> list[Finding]:
    heading = item.heading
    label = f"{spec.prefix.get(lang, '')}{number}"
    findings = []
    if heading.attr_error:
        findings.append(
            Finding.of(
                FindingCode.INVALID_ATTRIBUTE,
                msg("{item}: {problem}", item=label, problem=heading.attr_error),
                _attribute_loc(section, heading),
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
                    _attribute_loc(section, heading, key),
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
                    _attribute_loc(section, heading, key),
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


def _item_heading(heading: Heading, section: Section, spec: SectionSpec, lang: str) -> Finding:
    """A ``#`` heading among items: not an item, so the items after it would shift."""
    before = [item for item in section.items if item.heading.loc.line < heading.loc.line]
    prefix = spec.prefix.get(lang, "")
    meant = f"{prefix}{len(before) + 1}"
    inside = (
        msg(
            ", inside {item} ('{title}')",
            item=prefix + str(len(before)),
            title=shorten(before[-1].title, 48, " [...]"),
        )
        if before
        else ""
    )
    return Finding.of(
        FindingCode.ITEM_HEADING,
        msg(
            "'# {heading}' is a level-1 heading{inside}: it does not "
            "start an item, so every item after it would be numbered one less; write "
            "'## {heading}' if it is {item}, or '###' for a subheading",
            heading=heading.text,
            inside=inside,
            item=meant,
        ),
        heading.loc,
        section=spec.id,
    )


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
            if heading.level == 1 and spec.items:
                findings.append(_item_heading(heading, section, spec, lang))
            elif heading.level == 1:
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
                findings.extend(_item(item, spec, number, section, lang))
        if spec.criteria and report.metadata_usable:
            # without readable metadata the language is unknown: no criterion to name
            findings.extend(_criteria(section, template, lang))
    findings.extend(check_annexes(report, template, lang))
    return findings
