"""YAML parsed into nodes that remember where every key and value stands.

Every scalar stays the text the user wrote: YAML 1.1 would turn ``NO`` (Norway)
into ``False`` and ``8.10`` into ``8.1``. Field types parse their own values.

Inside ``{...}`` and ``[...]`` a comma ends a value, so ``{amount: 7,940,000}``
is, to YAML, ``amount: 7`` and two more keys ``940`` and ``000``. Such pieces
are joined back into the text as typed, and the scalar is marked ``split``:
the field type then says what to write instead (see ``rejoin``).

The nodes are built from PyYAML's event stream with an explicit stack, not
with ``yaml.compose``: aliases are refused (a few hundred bytes of nested
aliases expand to gigabytes) and nesting is bounded long before Python's
recursion limit, so no file can exhaust memory, time or the stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evalcli import regexes
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import Message, msg, verbatim
from evalcli.limits import MAX_YAML_DEPTH
from evalcli.records import Record

with regexes.library_patterns():  # its patterns from the cache, as evalcli's own
    import yaml

try:
    YAML_LOADER: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    YAML_LOADER = yaml.SafeLoader

_NULLS = {"", "~", "null", "Null", "NULL"}


class Scalar(Record):
    """A YAML scalar kept as its source text; ``None`` for null or empty.

    ``plain`` is False for a quoted or block scalar; ``span`` is where it stands
    in the source (start and end offsets); ``split`` is True when YAML reads the
    text as several values, because of commas inside ``{...}`` or ``[...]``.
    """

    text: str | None
    loc: Location
    plain: bool = True
    span: tuple[int, int] = (0, 0)
    split: bool = False


class Seq(Record):
    """A YAML sequence; ``flow`` for the ``[...]`` form."""

    items: list[Node]
    loc: Location
    flow: bool = False


class Entry(Record):
    """One key of a YAML mapping, with where the key itself stands."""

    key: str
    key_loc: Location
    value: Node


class Map(Record):
    """A YAML mapping, in source order; ``flow`` for the ``{...}`` form."""

    entries: dict[str, Entry]
    loc: Location
    flow: bool = False

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
    if isinstance(node, Seq):  # [] or only blank items, as [""]
        return all(isinstance(item, Scalar) and is_empty(item) for item in node.items)
    return not node.entries


def scalars_in(node: Node | None) -> list[Scalar]:
    """Every scalar under a node, depth first."""
    if isinstance(node, Scalar):  # most values: no list of work to keep
        return [node]
    found: list[Scalar] = []
    todo: list[Node | None] = [node]  # a stack: generators nested per level cost more
    while todo:
        current = todo.pop()
        if isinstance(current, Scalar):
            found.append(current)
        elif isinstance(current, Seq):
            todo.extend(reversed(current.items))
        elif isinstance(current, Map):
            todo.extend(entry.value for entry in reversed(current.entries.values()))
    return found


def _duplicate(key: str, first: Location, again: Location) -> Finding:
    return Finding.of(
        FindingCode.DUPLICATE_KEY,
        msg(
            "'{key}' is given twice (first on line {line}); "
            "YAML would silently keep only the last one, so delete one of them",
            key=key,
            line=first.line,
        ),
        again,
        field=key,
    )


def _loc(path: Path, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


_GROUP_END = regexes.compile(r"(?:^|\D)\d{1,3}$")
_GROUP_START = regexes.compile(r"^\d{3}(?:\D|$)")


def _join(first: Scalar, last: Scalar) -> None:
    """Stretch ``first`` to the end of ``last`` and mark it split. Its text is cut from
    the source once, at the end (``_split_texts``): joining piece by piece would copy
    the text again for every comma."""
    first.span = (first.span[0], last.span[1])
    first.split = True


def _split_texts(root: Node | None, source: str) -> None:
    """Give every joined scalar its text as typed, from the first piece to the last."""
    for scalar in scalars_in(root):
        if scalar.split:
            scalar.text = source[scalar.span[0] : scalar.span[1]]


def rejoin_key(parent: Map, key: Scalar, value: Node, source: str) -> bool:
    """A key with no ':' in ``{...}`` after a plain value: the value went on past a comma.

    Joins it back into that value (``7,940,000``) and returns True.
    """
    if not parent.flow or not parent.entries:
        return False
    if not (isinstance(value, Scalar) and value.text is None and value.plain):
        return False
    if ":" in source[key.span[1] : value.span[0]] or value.span[0] != key.span[1]:
        return False
    previous = next(reversed(parent.entries.values())).value
    if not (isinstance(previous, Scalar) and previous.plain and previous.text and key.plain):
        return False
    _join(previous, key)
    return True


def rejoin_item(parent: Seq, item: Node, source: str) -> bool:
    """An item of ``[...]`` that is the rest of a number with thousands separators
    (``[1,000 children]``): joins it back into the item before and returns True."""
    if not parent.flow or not parent.items or not isinstance(item, Scalar):
        return False
    previous = parent.items[-1]
    if not (isinstance(previous, Scalar) and previous.plain and previous.text):
        return False
    if not (item.plain and item.text) or source[previous.span[1] : item.span[0]] != ",":
        return False
    if not (_GROUP_END.search(previous.text) and _GROUP_START.match(item.text)):
        return False
    _join(previous, item)
    return True


class _Builder:
    """Nodes from events: a stack of open collections, each mapping with its pending key."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.stack: list[tuple[Seq | Map, Scalar | bool | None]] = []
        self.root: Node | None = None
        self.findings: list[Finding] = []

    def add(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent, pending = self.stack[-1]
        if isinstance(parent, Seq):
            if not rejoin_item(parent, node, self.source):
                parent.items.append(node)
            return
        if pending is None:  # this node is a key
            if not isinstance(node, Scalar):
                self.findings.append(
                    Finding.of(FindingCode.INVALID_KEY, msg("a key must be a plain name"), node.loc)
                )
                self.stack[-1] = (parent, False)
                return
            self.stack[-1] = (parent, node)
            return
        self.stack[-1] = (parent, None)
        if not isinstance(pending, Scalar):  # the value of a key that was refused
            return
        if rejoin_key(parent, pending, node, self.source):
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


def _syntax_finding(exc: yaml.YAMLError, path: Path, source: str = "") -> Finding:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Finding.of(
            FindingCode.YAML_SYNTAX, msg("YAML error: {problem}", problem=str(exc)), Location(path)
        )
    mark = exc.problem_mark or exc.context_mark
    loc = _loc(path, mark) if mark is not None else Location(path)
    problem = exc.problem or msg("invalid YAML")
    context = verbatim("")
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        context = msg(
            " ({context} that starts on line {line})",
            context=exc.context,
            line=exc.context_mark.line + 1,
        )
    index = getattr(mark, "index", None) if mark is not None else None
    at = source[index] if isinstance(index, int) and 0 <= index < len(source) else ""
    return Finding.of(
        FindingCode.YAML_SYNTAX,
        msg(
            "YAML syntax error: {problem}{context}; {fix}",
            problem=problem,
            context=context,
            fix=_fix(exc.problem or "", at),
        ),
        loc,
    )


def _fix(problem: str, at: str) -> Message:
    """What to do about a YAML syntax error, for the mistakes people make typing values;
    ``at`` is the character where the error was found."""
    if "tab" in problem or at == "\t":
        return msg("indent with spaces: YAML does not allow tabs for indentation or after '-'")
    if "mapping values are not allowed" in problem:
        return msg(
            "a value holding ': ' must be in quotes, e.g. title: \"Alianzas: en acción\"; "
            "otherwise check the indentation"
        )
    if "cannot start any token" in problem:
        return msg('a value starting with @, ` or % must be in quotes, e.g. donor: "@ILO"')
    return msg("check the indentation, and that every quote is closed, here and on the lines above")


def _plainly_shallow(text: str) -> bool:
    """True when the text surely holds no alias and no deep nesting (the usual case).

    An alias needs a "*"; nesting needs indentation or brackets. Text that
    passes may be composed by libyaml in C, which is several times faster than
    walking the events in Python; anything else takes the careful path.
    """
    if "*" in text or text.count("[") + text.count("{") > MAX_YAML_DEPTH:
        return False
    # a line that starts with more spaces and dashes than that: one search, at C speed
    return _DEEP_LINE.search(text) is None and not _DEEP_START.match(text)


_DEEP_LINE = regexes.compile(f"\n[ -]{{{MAX_YAML_DEPTH + 1}}}")
_DEEP_START = regexes.compile(f"[ -]{{{MAX_YAML_DEPTH + 1}}}")


_location = tuple.__new__  # Location(path, line, column) without its Python __new__


def _scalar(value: str, style: str | None, start: Any, end: Any, path: Path) -> Scalar:
    plain = not style  # libyaml gives "" or None for a plain scalar
    text = None if plain and value in _NULLS else value
    loc = _location(Location, (path, start.line + 1, start.column + 1))
    return Scalar(text, loc, plain, (start.index, end.index))


class _Composer(YAML_LOADER):  # type: ignore[misc]
    """A loader for ``compose`` that resolves no tags: the nodes' tags are never read
    (field types parse the text), and resolving each scalar's implicit tag with PyYAML's
    regexes, in Python, costs more than composing it in C."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def _convert(node: yaml.Node, path: Path, findings: list[Finding], source: str) -> Node:
    """A composed node (no aliases, shallow: see ``_plainly_shallow``) as our nodes."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node.value, node.style, node.start_mark, node.end_mark, path)
    loc = _loc(path, node.start_mark)
    if isinstance(node, yaml.SequenceNode):
        seq = Seq([], loc, bool(node.flow_style))
        for child in node.value:
            item = _convert(child, path, findings, source)
            # only [...] splits at commas: a block list never calls rejoin
            if not (seq.flow and rejoin_item(seq, item, source)):
                seq.items.append(item)
        return seq
    mapping = Map({}, loc, bool(getattr(node, "flow_style", False)))
    entries = mapping.entries
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            message = msg("a key must be a plain name")
            key_loc = _loc(path, key_node.start_mark)
            findings.append(Finding.of(FindingCode.INVALID_KEY, message, key_loc))
            continue
        key = key_node.value
        value = _convert(value_node, path, findings, source)
        key_scalar = _scalar(key, key_node.style, key_node.start_mark, key_node.end_mark, path)
        key_loc = key_scalar.loc
        if mapping.flow and rejoin_key(mapping, key_scalar, value, source):
            continue
        if key in entries:
            findings.append(_duplicate(key, entries[key].key_loc, key_loc))
            continue
        entries[key] = Entry(key, key_loc, value)
    return mapping


def parse_yaml(text: str, path: Path) -> tuple[Node | None, list[Finding]]:
    """Parse YAML text into nodes. Syntax errors and refused constructs come back as findings."""
    if _plainly_shallow(text):
        try:
            root = yaml.compose(text, Loader=_Composer)
        except yaml.YAMLError as exc:
            return None, [_syntax_finding(exc, path, text)]
        findings: list[Finding] = []
        node = _convert(root, path, findings, text) if root is not None else None
        _split_texts(node, text)
        return node, findings
    builder = _Builder(path, text)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=YAML_LOADER):
            loc = _loc(path, event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                return None, [
                    Finding.of(
                        FindingCode.YAML_LIMIT,
                        msg(
                            "'*{anchor}' repeats another value (a YAML alias); "
                            "write the value out instead: aliases are not allowed",
                            anchor=event.anchor or "",
                        ),
                        loc,
                    )
                ]
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, [
                        Finding.of(
                            FindingCode.YAML_SYNTAX,
                            msg(
                                "a second YAML document starts here ('---'); "
                                "keep everything in one document"
                            ),
                            loc,
                        )
                    ]
            elif isinstance(event, yaml.ScalarEvent):
                builder.add(
                    _scalar(event.value, event.style, event.start_mark, event.end_mark, path)
                )
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                if len(builder.stack) >= MAX_YAML_DEPTH:
                    return None, [
                        Finding.of(
                            FindingCode.YAML_LIMIT,
                            msg(
                                "values nested more than {depth} levels deep; "
                                "evaluation.yaml needs two or three",
                                depth=MAX_YAML_DEPTH,
                            ),
                            loc,
                        )
                    ]
                flow = bool(event.flow_style)
                if isinstance(event, yaml.SequenceStartEvent):
                    builder.open(Seq([], loc, flow))
                else:
                    builder.open(Map({}, loc, flow))
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                builder.close()
    except yaml.YAMLError as exc:
        return None, [_syntax_finding(exc, path, text)]
    _split_texts(builder.root, text)
    return builder.root, builder.findings
