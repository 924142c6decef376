"""Read a report folder into a ``Report``. Parsing only: nothing is checked here.

Every file a report reads must be a regular file inside the report folder
once symlinks are resolved, and within the size limits; anything else is a
finding and the file is not read (see docs/security.md).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.errors import TemplateError, UnknownTemplateError
from evalcli.files import non_utf8_names, read_user_text
from evalcli.i18n import Message, msg
from evalcli.limits import (
    MAX_FOOTNOTES,
    MAX_IMAGE_SHOWN_BYTES,
    MAX_LINE_CHARS,
    MAX_PARAGRAPH_CHARS,
    MAX_SECTION_BYTES,
    MAX_YAML_BYTES,
)
from evalcli.report.annex import annex_names, annex_spec
from evalcli.report.markdown import parse_section
from evalcli.report.model import Image, Report, Section
from evalcli.template.loader import DEFAULT_TEMPLATE, find_template, load_template
from evalcli.template.spec import Template
from evalcli.yamlnodes import Map, Scalar, parse_yaml

METADATA_FILE = "evaluation.yaml"
UNPLACED_FILE = "unplaced.md"  # written by import for text it could not place


def _hard_links(count: int) -> Message:
    return msg(
        "it has {count} hard links, and another one may be a file outside the report folder; "
        "copy the file instead of linking it",
        count=count,
    )


def inside_file(
    folder: Path, relative: str | Path, status: os.stat_result | None = None
) -> tuple[Path | None, Message | None]:
    """(the file, None) if ``relative`` names a regular file inside ``folder``, else (None, why).

    ``status`` is the ``lstat`` of ``folder / relative`` when the caller has it already.
    """
    target = str(relative)
    if (
        "://" in target
        or target.startswith(("data:", "/", "\\"))
        or (".." in target and ".." in Path(target).parts)
    ):
        return None, msg("it is not a file name inside the report folder")
    candidate = folder / target
    if status is None:
        try:
            status = candidate.lstat()
        except OSError:
            return None, msg("there is no such file in the report folder")
    if stat.S_ISREG(status.st_mode) and status.st_nlink > 1:
        return None, _hard_links(status.st_nlink)
    if stat.S_ISREG(status.st_mode) and "/" not in target and "\\" not in target:
        return candidate, None  # a plain name, not a link: inside by construction
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, msg("there is no such file in the report folder")
    if not resolved.is_relative_to(folder.resolve()):
        return None, msg("it leads outside the report folder (a symbolic link)")
    if not resolved.is_file():
        return None, msg("it is not a regular file")
    links = resolved.stat().st_nlink
    if links > 1:
        return None, _hard_links(links)
    return resolved, None


def _metadata(folder: Path) -> tuple[Map | None, list[Finding]]:
    path = folder / METADATA_FILE
    file, why = inside_file(folder, METADATA_FILE)
    if file is None:
        message = msg("{file}: {problem}", file=METADATA_FILE, problem=why or "")
        return None, [Finding.of(FindingCode.NOT_A_FILE, message, Location(path))]
    text, problem = read_user_text(file, MAX_YAML_BYTES, folder)
    if problem:
        return None, [problem]
    assert text is not None
    root, findings = parse_yaml(text, path)
    if root is None:
        if not findings:
            message = msg(
                "{file} is empty; run 'evalcli init' for a complete one to fill in",
                file=path.name,
            )
            findings.append(Finding.of(FindingCode.EMPTY_FILE, message, Location(path)))
        return None, findings
    if not isinstance(root, Map):
        message = msg(
            "{file} must be a mapping of 'key: value' lines at the top level", file=path.name
        )
        return None, [*findings, Finding.of(FindingCode.YAML_STRUCTURE, message, root.loc)]
    return root, findings


def _long_line(text: str, path: Path) -> Finding | None:
    """A finding for the first line or paragraph longer than the limit, or too many
    footnotes, else None."""
    # inline notes, and references with their notes ("^" alone is found at memchr speed)
    notes = text.count("^[") + text.count("[^") if "^" in text else 0
    if notes > 2 * MAX_FOOTNOTES:
        return Finding.of(
            FindingCode.TOO_LARGE,
            msg(
                "{file} has more than {limit} footnotes, the limit for a section "
                "(each costs the PDF about 2 ms); a summary needs a few: move the rest to "
                "the report",
                file=path.name,
                limit=format(MAX_FOOTNOTES, ","),
            ),
            Location(path),
        )
    if len(text) <= MAX_PARAGRAPH_CHARS:
        return None
    start, paragraph = 1, 0
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            return Finding.of(
                FindingCode.TOO_LARGE,
                msg(
                    "line {line} of {file} is longer than {limit} characters; "
                    "break it into paragraphs",
                    line=number,
                    file=path.name,
                    limit=format(MAX_LINE_CHARS, ","),
                ),
                Location(path, number, 1),
            )
        if not line.strip():
            start, paragraph = number + 1, 0
            continue
        paragraph += len(line) + 1
        if paragraph > MAX_PARAGRAPH_CHARS:
            # Typst's line breaking, and pandoc's Typst writer, slow down with a
            # paragraph's length (1 MiB in one paragraph: 13 s and more)
            return Finding.of(
                FindingCode.TOO_LARGE,
                msg(
                    "the paragraph at line {line} of {file} is longer than {limit} characters; "
                    "break it into paragraphs",
                    line=start,
                    file=path.name,
                    limit=format(MAX_PARAGRAPH_CHARS, ","),
                ),
                Location(path, start, 1),
            )
    return None


def _section(
    folder: Path,
    path: Path,
    spec_id: str,
    items: bool,
    annex: dict[str, str] | None = None,
    status: os.stat_result | None = None,
) -> tuple[Section | None, list[Finding]]:
    file, why = inside_file(folder, path.name, status)
    if file is None:
        return None, [
            Finding.of(
                FindingCode.NOT_A_FILE,
                msg("{file}: {problem}", file=path.name, problem=why or ""),
                Location(path),
                section=spec_id,
            )
        ]
    text, problem = read_user_text(file, MAX_SECTION_BYTES, folder)
    if problem:
        problem.section = spec_id
        return None, [problem]
    assert text is not None
    too_long = _long_line(text, path)
    if too_long:
        too_long.section = spec_id
        return None, [too_long]
    section = parse_section(spec_id, text, path, items, annex)
    shown = 0
    for image in section.images:
        _find_image(folder, image)
        if image.file is not None:
            # pandoc decodes an image again for every place it is shown
            shown += image.file.stat().st_size
            if shown > MAX_IMAGE_SHOWN_BYTES:
                image.file, image.code = None, FindingCode.TOO_LARGE
                image.problem = msg(
                    "the images shown in {file} add up to more than {mib} MiB (an image "
                    "counts each time it is shown); show fewer or smaller images",
                    file=path.name,
                    mib=MAX_IMAGE_SHOWN_BYTES // 2**20,
                )
    return section, []


def _find_image(folder: Path, image: Image) -> None:
    file, why = inside_file(folder, image.target)
    if file is None:
        image.problem = why
        return
    from evalcli.report.imagefiles import image_reason  # most summaries show no image

    too_large = image_reason(file)
    if too_large:
        image.problem, image.code = too_large, FindingCode.TOO_LARGE
        return
    image.file = file


_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # as Path.exists ignores


def _lstat(path: Path) -> os.stat_result | None:
    """What is at ``path`` (a link itself, not what it leads to), None when nothing is."""
    try:
        return os.lstat(path)
    except OSError as exc:
        if exc.errno in _ABSENT:
            return None
        raise


def template_for(
    metadata: Map | None, allowed: tuple[Path, ...], metadata_path: Path
) -> tuple[Template | None, list[Finding]]:
    """The template a report names (``template:``) or the default; a finding if there is none."""
    node = metadata.get("template") if metadata else None
    name = node.text.strip() if isinstance(node, Scalar) and node.text else DEFAULT_TEMPLATE
    loc = node.loc if node is not None else Location(metadata_path)
    try:
        return load_template(find_template(name, allowed)), []
    except UnknownTemplateError as exc:
        return None, [
            Finding.of(FindingCode.UNKNOWN_TEMPLATE, exc.message(), loc, field="template")
        ]
    except TemplateError as exc:
        return None, [Finding.of(FindingCode.TEMPLATE_ERROR, exc.message(), loc, field="template")]


def load_report(
    folder: Path, template: Template | None = None, allowed: tuple[Path, ...] = ()
) -> tuple[Report, Template | None]:
    """Load a report folder and the template it names (None, with a finding, if it cannot)."""
    metadata_path = folder / METADATA_FILE
    metadata, findings = _metadata(folder)
    if template is None:
        template, more = template_for(metadata, allowed, metadata_path)
        findings += more
    empty = Map({}, Location(metadata_path))
    report = Report(folder, metadata or empty, metadata_path, {}, {}, findings)
    report.metadata_usable = metadata is not None
    if template is None:
        return report, None
    for spec in template.sections.values():
        path = folder / spec.file
        status = _lstat(path)
        if status is None:
            report.missing[spec.id] = path
            continue
        annex = annex_names(annex_spec(template, spec.id))
        section, problems = _section(folder, path, spec.id, spec.items, annex, status)
        findings.extend(problems)
        if section is not None:
            report.sections[spec.id] = section
    findings.extend(non_utf8_names(folder))
    unplaced = folder / UNPLACED_FILE
    if unplaced.is_file():
        findings.append(
            Finding.of(
                FindingCode.UNPLACED_TEXT,
                msg(
                    "{file} holds text that import could not place; move it into the "
                    "section it belongs to, then delete the file",
                    file=UNPLACED_FILE,
                ),
                Location(unplaced),
            )
        )
    return report, template
