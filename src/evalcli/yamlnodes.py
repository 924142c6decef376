"""YAML parsed into nodes that remember where every key and value stands.

Every scalar stays the text the user wrote: YAML 1.1 would turn ``NO`` (Norway)
into ``False`` and ``8.10`` into ``8.1``. Field types parse their own values.

The nodes are built from PyYAML's event stream with an explicit stack, not
with ``yaml.compose``: aliases are refused (a few hundred bytes of nested
aliases expand to gigabytes) and nesting is bounded long before Python's
recursion limit, so no file can exhaust memory, time or the stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evalcli.diagnostics import Finding, Location
from evalcli.limits import MAX_YAML_DEPTH

try:
    YAML_LOADER: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    YAML_LOADER = yaml.SafeLoader

_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Scalar:
    """A YAML scalar kept as its source text; ``None`` for null or empty."""

    text: str | None
    loc: Location


@dataclass
class Seq:
    """A YAML sequence."""

    items: list[Node]
    loc: Location


@dataclass
class Entry:
    """One key of a YAML mapping, with where the key itself stands."""

    key: str
    key_loc: Location
    value: Node


@dataclass
class Map:
    """A YAML mapping, in source order."""

    entries: dict[str, Entry]
    loc: Location

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry.value if entry else None


Node = Scalar | Seq | Map


def plain(node: Node | None) -> object:
    """The node as plain Python data (strings, lists, dicts, None)."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, Seq):
        return [plain(item) for item in node.items]
    return {key: plain(entry.value) for key, entry in node.entries.items()}


def is_empty(node: Node | None) -> bool:
    """True for a missing value, null, an empty string, list or mapping."""
    if node is None:
        return True
    if isinstance(node, Scalar):
        return node.text is None or not node.text.strip()
    if isinstance(node, Seq):
        return not node.items
    return not node.entries


def scalars_in(node: Node | None) -> Iterator[Scalar]:
    """Every scalar under a node, depth first."""
    if isinstance(node, Scalar):
        yield node
    elif isinstance(node, Seq):
        for item in node.items:
            yield from scalars_in(item)
    elif isinstance(node, Map):
        for entry in node.entries.values():
            yield from scalars_in(entry.value)


def _duplicate(key: str, first: Location, again: Location) -> Finding:
    return Finding.of(
        "duplicate-key",
        f"'{key}' is given twice (first on line {first.line}); "
        "YAML would silently keep only the last one, so delete one of them",
        again,
        field=key,
    )


def _loc(path: Path, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


class _Builder:
    """Nodes from events: a stack of open collections, each mapping with its pending key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stack: list[tuple[Seq | Map, Scalar | bool | None]] = []
        self.root: Node | None = None
        self.findings: list[Finding] = []

    def add(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent, pending = self.stack[-1]
        if isinstance(parent, Seq):
            parent.items.append(node)
            return
        if pending is None:  # this node is a key
            if not isinstance(node, Scalar):
                self.findings.append(
                    Finding.of("invalid-key", "a key must be a plain name", node.loc)
                )
                self.stack[-1] = (parent, False)
                return
            self.stack[-1] = (parent, node)
            return
        self.stack[-1] = (parent, None)
        if not isinstance(pending, Scalar):  # the value of a key that was refused
            return
        key = pending.text or ""
        if key in parent.entries:
            self.findings.append(_duplicate(key, parent.entries[key].key_loc, pending.loc))
            return
        parent.entries[key] = Entry(key, pending.loc, node)

    def open(self, node: Seq | Map) -> None:
        self.add(node)
        self.stack.append((node, None))

    def close(self) -> None:
        self.stack.pop()


def _syntax_finding(exc: yaml.YAMLError, path: Path) -> Finding:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Finding.of("yaml-syntax", f"YAML error: {exc}", Location(path))
    mark = exc.problem_mark or exc.context_mark
    loc = _loc(path, mark) if mark is not None else Location(path)
    problem = exc.problem or "invalid YAML"
    context = ""
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        context = f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    return Finding.of(
        "yaml-syntax",
        f"YAML syntax error: {problem}{context}; check the indentation, and that "
        "every quote is closed, here and on the lines above",
        loc,
    )


def _plainly_shallow(text: str) -> bool:
    """True when the text surely holds no alias and no deep nesting (the usual case).

    An alias needs a "*"; nesting needs indentation or brackets. Text that
    passes may be composed by libyaml in C, which is several times faster than
    walking the events in Python; anything else takes the careful path.
    """
    if "*" in text or text.count("[") + text.count("{") > MAX_YAML_DEPTH:
        return False
    indents = (len(line) - len(line.lstrip(" -")) for line in text.split("\n"))
    return max(indents, default=0) <= MAX_YAML_DEPTH


def _convert(node: yaml.Node, path: Path, findings: list[Finding]) -> Node:
    """A composed node (no aliases, shallow: see ``_plainly_shallow``) as our nodes."""
    loc = _loc(path, node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        plain_null = node.style is None and node.value in _NULLS
        return Scalar(None if plain_null else node.value, loc)
    if isinstance(node, yaml.SequenceNode):
        return Seq([_convert(child, path, findings) for child in node.value], loc)
    entries: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key_loc = _loc(path, key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            findings.append(Finding.of("invalid-key", "a key must be a plain name", key_loc))
            continue
        key = key_node.value
        if key in entries:
            findings.append(_duplicate(key, entries[key].key_loc, key_loc))
            continue
        entries[key] = Entry(key, key_loc, _convert(value_node, path, findings))
    return Map(entries, loc)


def parse_yaml(text: str, path: Path) -> tuple[Node | None, list[Finding]]:
    """Parse YAML text into nodes. Syntax errors and refused constructs come back as findings."""
    if _plainly_shallow(text):
        try:
            root = yaml.compose(text, Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            return None, [_syntax_finding(exc, path)]
        findings: list[Finding] = []
        return (_convert(root, path, findings) if root is not None else None), findings
    builder = _Builder(path)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=YAML_LOADER):
            loc = _loc(path, event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                return None, [
                    Finding.of(
                        "yaml-limit",
                        f"'*{event.anchor}' repeats another value (a YAML alias); "
                        "write the value out instead: aliases are not allowed",
                        loc,
                    )
                ]
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, [
                        Finding.of(
                            "yaml-syntax",
                            "a second YAML document starts here ('---'); "
                            "keep everything in one document",
                            loc,
                        )
                    ]
            elif isinstance(event, yaml.ScalarEvent):
                plain_null = event.style is None and event.value in _NULLS
                builder.add(Scalar(None if plain_null else event.value, loc))
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                if len(builder.stack) >= MAX_YAML_DEPTH:
                    return None, [
                        Finding.of(
                            "yaml-limit",
                            f"values nested more than {MAX_YAML_DEPTH} levels deep; "
                            "evaluation.yaml needs two or three",
                            loc,
                        )
                    ]
                if isinstance(event, yaml.SequenceStartEvent):
                    builder.open(Seq([], loc))
                else:
                    builder.open(Map({}, loc))
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                builder.close()
    except yaml.YAMLError as exc:
        return None, [_syntax_finding(exc, path)]
    return builder.root, builder.findings
