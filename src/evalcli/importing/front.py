"""The front of a document, before its sections: one quick fact per line, whatever the layout.

Text from a PDF or a hand-made summary puts a bullet glyph before a fact
("o Evaluation Title: ..."), several facts on one line ("ILO TC Project
Code: GLO/13/22/USA Cooperative Agreement Number: IL-..."), or wraps a value
onto the next line. Here a paragraph becomes one block per fact, the wrapped
lines joined back to their fact, so that the reader sees "Label: value" lines.
"""

from __future__ import annotations

from evalcli import regexes
from evalcli.importing.blocks import Block
from evalcli.importing.quickfacts import LabelIndex
from evalcli.text import fold

_BULLET = regexes.compile(
    r"^(?:\\?[-*+]|[•◦▪▫■□●○◆◇►▸➢➤✓✔·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|o(?=\s))\s+"
)
_KIND_WORDS = ("evaluation", "evaluacion")
_NOT_KIND = {"of", "the", "for", "de", "del", "du", "des", "la", "le", "para", "pour", "sur"}


def strip_bullet(text: str) -> str:
    """A line without the bullet glyph or list marker it starts with."""
    return _BULLET.sub("", text.strip(), count=1)


def is_kind(text: str) -> bool:
    """ "Independent Final Evaluation", "Évaluation finale indépendante": what the document is,
    printed above its title, rather than a title."""
    words = fold(text).replace("é", "e").split()
    return (
        0 < len(words) <= 5
        and any(word.startswith(_KIND_WORDS) for word in words)
        and not _NOT_KIND & set(words)
    )


def _split_line(line: str, labels: LabelIndex) -> list[str]:
    """One line as one piece per fact it holds."""
    found = labels.prefix(line)
    after = len(found[0]) if found else 0
    starts = labels.starts(line, after)
    if not starts:
        return [line]
    pieces, previous = [], 0
    for start in starts:
        pieces.append(line[previous:start].strip())
        previous = start
    pieces.append(line[previous:].strip())
    return [piece for piece in pieces if piece]


def _join(text: str, more: str) -> str:
    return text + more if text.endswith("-") else f"{text} {more}"


def fact_lines(block: Block, labels: LabelIndex) -> list[Block]:
    """A front block as one block per fact; a block with no known label stays as it is."""
    if block.kind != "para":
        return [block]
    lines = [strip_bullet(line) for line in block.text.split("\n") if line.strip()]

    def labelled(line: str) -> bool:  # "Label: value" (in a paragraph of lines, a colon)
        found = labels.prefix(line)
        return found is not None and line[len(found[0]) :].lstrip(" *").startswith(":")

    if len(lines) == 1:
        return [Block("para", part, block.line) for part in _split_line(lines[0], labels)]
    colon = [labelled(line) for line in lines]
    starts = [labels.prefix(line) is not None for line in lines]
    if not any(colon):
        if sum(starts) < max(1, len(lines) // 2):
            return [block]
        # cells pasted as lines ("Pays Bénin, Burkina Faso et Togo"): a line each, the lines
        # between them (a title) kept together
        groups: list[list[str]] = []
        for line, is_fact in zip(lines, starts, strict=True):
            if is_fact or not groups or labels.prefix(groups[-1][-1]) is not None:
                groups.append([line])
            else:
                groups[-1].append(line)
        return [Block("para", "\n".join(g), block.line + n) for n, g in enumerate(groups)]
    pieces: list[tuple[str, bool]] = []  # (text, starts with a label)
    for line, is_fact in zip(lines, colon, strict=True):
        if not is_fact and pieces and pieces[-1][1]:
            # a wrapped value, unless further facts follow on the line
            more = labels.starts(line, -1)
            head = line[: more[0]].strip() if more else line
            if head:
                pieces[-1] = (_join(pieces[-1][0], head), True)
            line = line[more[0] :] if more else ""
            if not line:
                continue
        parts = _split_line(line, labels)
        pieces.extend((part, labels.prefix(part) is not None) for part in parts)
    return [Block("para", text, block.line + offset) for offset, (text, _) in enumerate(pieces)]
