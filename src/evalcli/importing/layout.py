"""An imported report as the files of a report folder: evaluation.yaml and the section files."""

from __future__ import annotations

from typing import Any

from evalcli.report.load import METADATA_FILE, UNPLACED_FILE
from evalcli.template.fieldtypes import FIELD_TYPES, flow_yaml, yaml_comment
from evalcli.template.spec import Template


def metadata_yaml(
    metadata: dict[str, Any], extra: dict[str, str], template: Template, source: str
) -> str:
    """evaluation.yaml for what import found, each value written by its field's type."""
    lines = [yaml_comment(f"# Imported from {source} by evalcli import.")]
    for key, value in metadata.items():
        kind = template.fields[key].type if key in template.fields else FIELD_TYPES["text"]
        lines.append(f"{key}:{kind.dump(value)}")
    if extra:
        lines.append("# Facts that match no field of the template, kept as they were written:")
        lines.append("extra:")
        for label, value in extra.items():
            lines.append(f"  {flow_yaml(label)}: {flow_yaml(value)}")
    return "\n".join(lines) + "\n"


def report_files(
    metadata_text: str, sections: dict[str, str], unplaced: list[str], template: Template
) -> dict[str, str]:
    """File name -> text for the report folder."""
    files = {METADATA_FILE: metadata_text}
    for sid, text in sections.items():
        files[template.sections[sid].file] = text
    if unplaced:
        files[UNPLACED_FILE] = (
            "<!-- Text evalcli import could not place in a section. Move it where it belongs, "
            "then delete this file. -->\n\n" + "\n\n".join(unplaced) + "\n"
        )
    return files
