"""YAML parsed into nodes that remember where every key and value stands.

Every scalar stays the text the user wrote: YAML 1.1 would turn ``NO`` (Norway)
into ``False`` and ``8.10`` into ``8.1``. Fields parse their own values.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from evalcli.model import Entry, Finding, Location, Map, Node, Scalar, Seq

try:
    YAML_LOADER: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    YAML_LOADER = yaml.SafeLoader

_NULLS = {"", "~", "null", "Null", "NULL"}


def _loc(path: Path, mark: yaml.Mark) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


def _convert(node: yaml.Node, path: Path, findings: list[Finding]) -> Node:
    loc = _loc(path, node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        text = node.value
        if node.style is None and text in _NULLS:
            return Scalar(None, loc)
        return Scalar(text, loc)
    if isinstance(node, yaml.SequenceNode):
        return Seq([_convert(child, path, findings) for child in node.value], loc)
    entries: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key_loc = _loc(path, key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            findings.append(Finding("error", "invalid-key", "a key must be a plain name", key_loc))
            continue
        key = key_node.value
        if key in entries:
            first = entries[key].key_loc
            findings.append(
                Finding(
                    "error",
                    "duplicate-key",
                    f"'{key}' is given twice (first on line {first.line}); "
                    "YAML would silently keep only the last one, so delete one of them",
                    key_loc,
                    field=key,
                )
            )
            continue
        entries[key] = Entry(key, key_loc, _convert(value_node, path, findings))
    return Map(entries, loc)


def parse_yaml(text: str, path: Path) -> tuple[Node | None, list[Finding]]:
    """Parse YAML text into nodes. Syntax errors come back as fatal findings."""
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(path, mark) if mark else Location(path)
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        return None, [
            Finding(
                "error",
                "yaml-syntax",
                f"YAML syntax error: {problem}{context}; check the indentation, and that "
                "every quote is closed, here and on the lines above",
                loc,
                fatal=True,
            )
        ]
    except yaml.YAMLError as exc:
        return None, [
            Finding("error", "yaml-syntax", f"YAML error: {exc}", Location(path), fatal=True)
        ]
    if root is None:
        return None, []
    findings: list[Finding] = []
    return _convert(root, path, findings), findings
