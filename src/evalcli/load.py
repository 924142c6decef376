"""Read a report folder into a ``Report``. Parsing only: nothing is checked here."""

from __future__ import annotations

from pathlib import Path

from evalcli.errors import InputError
from evalcli.mdsections import parse_section
from evalcli.model import Finding, Location, Map, Report, Scalar
from evalcli.sourcefile import read_text
from evalcli.template import DEFAULT_TEMPLATE, Template, load_template, template_dir
from evalcli.yamlsource import parse_yaml

METADATA_FILE = "evaluation.yaml"
UNPLACED_FILE = "unplaced.md"  # written by import for text it could not place


def _metadata(path: Path) -> tuple[Map, list[Finding]]:
    text, problem = read_text(path)
    empty = Map({}, Location(path))
    if problem:
        return empty, [problem]
    assert text is not None
    root, findings = parse_yaml(text, path)
    if root is None:
        if not findings:
            findings.append(
                Finding(
                    "error",
                    "empty-file",
                    f"{path.name} is empty; run 'evalcli init' for a complete one to fill in",
                    Location(path),
                    fatal=False,
                )
            )
        return empty, findings
    if not isinstance(root, Map):
        findings.append(
            Finding(
                "error",
                "yaml-structure",
                f"{path.name} must be a mapping of 'key: value' lines at the top level",
                root.loc,
                fatal=True,
            )
        )
        return empty, findings
    return root, findings


def _image_file(folder: Path, target: str) -> Path | None:
    """The image file a section names, if it exists inside the report folder."""
    if "://" in target or target.startswith(("data:", "/")) or ".." in Path(target).parts:
        return None
    candidate = (folder / target).resolve()
    inside = candidate.is_relative_to(folder.resolve())
    return candidate if inside and candidate.is_file() else None


def template_for(metadata: Map, report_dir: Path) -> Template:
    """The template a report names (``template:``), or the default one."""
    node = metadata.get("template")
    name = node.text if isinstance(node, Scalar) and node.text else DEFAULT_TEMPLATE
    return load_template(template_dir(name, report_dir))


def load_report(folder: Path, template: Template | None = None) -> tuple[Report, Template]:
    """Load a report folder and the template it names."""
    metadata_path = folder / METADATA_FILE
    if not metadata_path.is_file():
        raise InputError(f"{folder}: not a report folder (it has no {METADATA_FILE})")
    metadata, findings = _metadata(metadata_path)
    if template is None:
        template = template_for(metadata, folder)
    sections = {}
    missing = {}
    for spec in template.sections.values():
        path = folder / spec.file
        if not path.exists():
            missing[spec.id] = path
            continue
        text, problem = read_text(path)
        if problem:
            findings.append(problem)
            continue
        assert text is not None
        section = parse_section(spec.id, text, path, spec.items)
        for image in section.images:
            image.file = _image_file(folder, image.target)
        sections[spec.id] = section
    unplaced = folder / UNPLACED_FILE
    if unplaced.is_file():
        findings.append(
            Finding(
                "warning",
                "unplaced-text",
                f"{UNPLACED_FILE} holds text that import could not place; move it into the "
                "section it belongs to, then delete the file",
                Location(unplaced),
            )
        )
    report = Report(folder, metadata, metadata_path, sections, missing, findings)
    return report, template
