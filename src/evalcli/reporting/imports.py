"""The table ``evalcli import`` ends with when it reads several files: one row per file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evalcli.i18n import msg, nmsg
from evalcli.reporting import one_line

COLUMNS = ("file", "edition", "facts", "items", "unplaced", "skipped")


def import_table(rows: Sequence[dict[str, Any]]) -> str:
    """Rows (file, edition, facts, items, unplaced, skipped, error) as an aligned text table."""
    headings = [
        msg("file"),
        msg("edition"),
        msg("facts found"),
        msg("items"),
        msg("unplaced paragraphs"),
        msg("skipped"),
    ]
    cells = [[heading.render() for heading in headings]]
    for row in rows:
        if row.get("error"):
            cells.append([one_line(row["file"]), msg("not imported").render(), "", "", "", ""])
            continue
        cells.append(
            [
                one_line(row["file"]),
                row["edition"],
                str(row["facts"]),
                str(sum(row["items"].values())),
                str(row["unplaced"]),
                str(sum(row["skipped"].values())),
            ]
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    imported = sum(1 for row in rows if not row.get("error"))
    done = nmsg(
        "{imported} of {n} file imported",
        "{imported} of {n} files imported",
        len(rows),
        imported=imported,
        n=len(rows),
    )
    lines.append(done.render())
    return "\n".join(line.rstrip() for line in lines)
