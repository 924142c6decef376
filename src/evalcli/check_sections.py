"""Rules for the section files: present, not empty, items well formed, criteria covered."""

from __future__ import annotations

from evalcli.mdsections import OWN_NUMBER
from evalcli.model import Finding, Item, Location, Report, Section, Severity
from evalcli.placeholders import find_placeholders, line_and_column
from evalcli.template import SectionSpec, Template
from evalcli.textutil import count_words, did_you_mean, fold, has_words, shorten


def _placeholders(section: Section, template: Template) -> list[Finding]:
    findings = []
    for offset, matched in find_placeholders(section.text, template):
        line, column = line_and_column(section.text, offset)
        findings.append(
            Finding(
                "error",
                "placeholder",
                f'{section.path.name} still holds the template\'s placeholder text "{matched}"; '
                "replace it with the real text",
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
            Finding(
                "warning",
                "missing-criterion",
                f"the findings have no heading for the OECD-DAC criterion '{names[0]}' "
                f"({criterion.id}); add a '## {names[0]}' subsection, "
                "or say why it was not assessed",
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
            Finding(
                "error",
                "invalid-attribute",
                f"{label}: {heading.attr_error}",
                heading.loc,
                section=spec.id,
            )
        )
    numbered = OWN_NUMBER.match(heading.text)
    if numbered:
        findings.append(
            Finding(
                "warning",
                "item-numbering",
                f"{label} heading starts with its own number '{numbered.group(0).strip()}'; "
                "remove it, the compiler numbers items",
                heading.loc,
                section=spec.id,
            )
        )
    if not item.title:
        findings.append(
            Finding(
                "error",
                "empty-item",
                f"{label} has no title after '##'",
                heading.loc,
                section=spec.id,
            )
        )
    if not item.body.strip():
        findings.append(
            Finding(
                "error",
                "empty-item",
                f"{label} ('{item.title}') has no text under its heading",
                heading.loc,
                section=spec.id,
            )
        )
    known = [*spec.attributes, "id", "class"]
    for key, value in heading.attrs.items():
        if key not in known:
            findings.append(
                Finding(
                    "warning",
                    "unknown-attribute",
                    f"{label}: '{key}' is not a known attribute{did_you_mean(key, known)}; "
                    f"use {', '.join(spec.attributes)}",
                    heading.loc,
                    section=spec.id,
                )
            )
            continue
        attribute = spec.attributes.get(key)
        if attribute and attribute.options and value.strip():
            wanted = fold(value)
            if not any(
                wanted == fold(k) or wanted in {fold(v) for v in labels.values()}
                for k, labels in attribute.options.items()
            ):
                findings.append(
                    Finding(
                        "error",
                        "invalid-attribute",
                        f'{label}: {key}="{value}" is not one of {", ".join(attribute.options)}',
                        heading.loc,
                        section=spec.id,
                    )
                )
    missing = [key for key in spec.follow_up if not heading.attrs.get(key, "").strip()]
    if missing and not heading.attr_error:
        title = shorten(item.title, 48, " [...]")
        example = " ".join(f'{key}="..."' for key in missing)
        findings.append(
            Finding(
                "warning",
                "missing-follow-up",
                f"{label} ('{title}') does not say {', '.join(missing)}; "
                f"add them to its heading: {{{example}}}",
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
                    Finding(
                        "error",
                        "missing-section",
                        f"{spec.file} is missing: the {spec.labels.get(lang, spec.id)} section is "
                        f"required; create it. {spec.help}",
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
                Finding(
                    severity,
                    "empty-section",
                    f"{spec.file} is empty; write the {spec.labels.get(lang, spec.id)} section. "
                    f"{spec.help}",
                    Location(section.path),
                    section=spec.id,
                )
            )
            continue
        findings.extend(_placeholders(section, template))
        findings.extend(
            Finding(
                "error",
                "missing-image",
                f"image '{image.target}' is not a file in the report folder; put the image "
                "file next to the section files and refer to it by its name",
                image.loc,
                section=spec.id,
            )
            for image in section.images
            if image.file is None
        )
        for heading in section.headings:
            if heading.level == 1:
                findings.append(
                    Finding(
                        "warning",
                        "heading-level",
                        f"'# {heading.text}' is a level-1 heading; the template supplies the "
                        "section heading, so start subheadings at '##'",
                        heading.loc,
                        section=spec.id,
                    )
                )
        if spec.items:
            if not section.items:
                findings.append(
                    Finding(
                        "error",
                        "no-items",
                        f"{spec.file} has no items; start each one with a '## ' heading",
                        Location(section.path),
                        section=spec.id,
                    )
                )
            for number, item in enumerate(section.items, start=1):
                findings.extend(_item(item, spec, number, template, lang))
        if spec.criteria:
            findings.extend(_criteria(section, template, lang))
    return findings


def word_counts(report: Report) -> dict[str, int]:
    """Words per section, for verbose output."""
    return {sid: count_words(section.text) for sid, section in report.sections.items()}
