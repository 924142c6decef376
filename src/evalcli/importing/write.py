"""Write an imported report as a folder, all at once or not at all."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from evalcli.errors import InputError
from evalcli.importing.summary import Imported
from evalcli.load import METADATA_FILE, UNPLACED_FILE
from evalcli.template import Template


def _scalar(value: Any) -> str:
    text: str = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.strip().removesuffix("...").strip()


def _money(value: dict[str, str]) -> str:
    parts = [f"amount: {value['amount']}", f"currency: {value['currency']}"]
    if value.get("note"):
        parts.append(f"note: {_scalar(value['note'])}")
    return "{" + ", ".join(parts) + "}"


def _value(value: Any, kind: str) -> str:
    if kind == "money" and isinstance(value, dict):
        return " " + _money(value)
    if kind == "people" and isinstance(value, list):
        lines = []
        for person in value:
            if isinstance(person, dict):
                lines.append(
                    f"  - {{name: {_scalar(person['name'])}, role: {_scalar(person['role'])}}}"
                )
            else:
                lines.append(f"  - {_scalar(person)}")
        return "\n" + "\n".join(lines) if lines else " []"
    return " " + _scalar(value)


def metadata_yaml(imported: Imported, template: Template, source: str) -> str:
    lines = [f"# Imported from {source} by evalcli import."]
    for key, value in imported.metadata.items():
        kind = template.fields[key].type if key in template.fields else "text"
        lines.append(f"{key}:{_value(value, kind)}")
    if imported.extra:
        lines.append("# Facts that match no field of the template, kept as they were written:")
        lines.append("extra:")
        for label, value in imported.extra.items():
            lines.append(f"  {_scalar(label)}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def write_folder(target: Path, files: dict[str, str], force: bool) -> None:
    """Create ``target`` with ``files``; an existing folder is replaced only with ``force``."""
    if target.exists() and not force:
        raise InputError(
            f"{target} already exists; choose another folder, or add --force to replace it"
        )
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=target.parent))
    backup: Path | None = None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            backup.rmdir()
            target.rename(backup)
        staging.rename(target)
    except BaseException:
        if backup is not None and backup.exists() and not target.exists():
            backup.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if backup is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(backup)


def report_files(imported: Imported, template: Template, source: str) -> dict[str, str]:
    files = {METADATA_FILE: metadata_yaml(imported, template, source)}
    for sid, text in imported.sections.items():
        files[template.sections[sid].file] = text
    if imported.unplaced:
        files[UNPLACED_FILE] = (
            "<!-- Text evalcli import could not place in a section. Move it where it belongs, "
            "then delete this file. -->\n\n" + "\n\n".join(imported.unplaced) + "\n"
        )
    return files
