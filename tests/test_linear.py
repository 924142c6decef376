"""Scanning report and import text takes linear time, counted in operations, not on the clock.

Each scanner that sees report or import content is fed long crafted lines
(the shapes that made the former regular expressions backtrack: runs of
spaces, brackets that never close, a "{" with no "}") at two lengths, and
the operations it performs (every Python and C function call, counted by a
profile hook) must grow no faster than the text. A quadratic scanner does
16 times the work on a text 4 times longer; these are held under 5.

The remaining regular expressions do their work inside one C call each, so
the count cannot see their steps; each is linear by construction (no two
quantifiers can share the characters of one run, see the comments beside
them), and the long lines here (the 50,000-character line limit) took
the former expressions from 30 s to half an hour, where these take
milliseconds.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run
from evalcli.check.languages import language_findings
from evalcli.diagnostics import Location
from evalcli.importing import pagetext
from evalcli.importing.reader import _ends_sentence, _follow_up_value
from evalcli.importing.run import _drop_dangling_anchors
from evalcli.limits import MAX_LINE_CHARS
from evalcli.report.markdown import (
    find_headings,
    find_images,
    item_number,
    parse_section,
    rewrite_images,
)
from evalcli.report.model import Report, Section
from evalcli.text import count_words
from evalcli.yamlnodes import Map

PATH = Path("findings.md")


def operations(func: Callable[[str], object], text: str) -> int:
    """Function calls (Python and C) made while ``func(text)`` runs."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        count += 1

    sys.setprofile(profile)
    try:
        func(text)
    finally:
        sys.setprofile(None)
    return count


SCANNERS: dict[str, Callable[[str], object]] = {
    "headings": lambda text: find_headings(text, PATH),
    "headings in code": lambda text: find_headings("```\nx\n```\n" + text, PATH),
    "images": lambda text: find_images(text, PATH),
    "rewrite": lambda text: rewrite_images(text, {"a.png": "image-1.png"}),
    "section": lambda text: parse_section("lessons", text, PATH, items=True),
    "item number": item_number,
    "words": count_words,
    "anchors": _drop_dangling_anchors,
    "sentence": _ends_sentence,
    "follow-up": _follow_up_value,
    "languages": lambda text: language_findings(_report_of(text)),
}


def _report_of(text: str) -> Report:
    section = Section("findings", PATH, text)
    return Report(PATH.parent, Map({}, Location(PATH)), PATH, {"findings": section}, {})


# each a function of n: one long crafted line (or n short ones)
CRAFTED: dict[str, Callable[[int], str]] = {
    "heading of spaces": lambda n: "## a" + " " * n + "b",
    "heading of tabs and hashes": lambda n: "## a" + " \t#" * n + "x",
    "open attribute list": lambda n: "## Title {" + "a" * n,
    "open attribute list with a key": lambda n: "## Title {" + "a=" * n,
    "braces in a heading": lambda n: "## " + "{" * n + "}",
    "image openings": lambda n: "![" * n,
    "image brackets": lambda n: "![a]" * n,
    "unclosed descriptions": lambda n: "![a [b" * n,
    "unclosed targets": lambda n: "![a](<" * n,
    "unclosed titles": lambda n: '![a](a.png "' * n,
    "spaces before a target": lambda n: "![a](" + " " * n,
    "spaces after a target": lambda n: "![a](a.png" + " " * n + "x",
    "reference labels over many lines": lambda n: "[" + "a" * 10 + "\n" * 1 + "[a" * n,
    "reference shortcuts": lambda n: "![x] " * n + "\n\n[x]: a.png\n",
    "item number spaces": lambda n: "R" + " " * n + "x",
    "item number dots": lambda n: "R" + " ." * n,
    "internal links": lambda n: "](#" * n,
    "follow-up spaces": lambda n: "x" + " " * n + "y",
    "escapes": lambda n: "\\" * n + "![a](a.png)",
    "language attributes": lambda n: '[x]{lang="en-ABC" lang=' * n + "}",
}


@pytest.mark.parametrize("shape", CRAFTED)
@pytest.mark.parametrize("scanner", SCANNERS)
def test_crafted_lines_cost_linear_work(scanner: str, shape: str) -> None:
    func, make = SCANNERS[scanner], CRAFTED[shape]
    small = operations(func, make(2_000))
    large = operations(func, make(8_000))
    assert large <= 5 * small + 200, f"{small} operations at 2,000, {large} at 8,000"


@pytest.mark.parametrize("shape", CRAFTED)
def test_a_line_at_the_limit_is_scanned_at_once(shape: str) -> None:
    """At the line limit the former expressions ran 30 s to 30 min; no scanner loops on it."""
    text = make = CRAFTED[shape]
    text = make(MAX_LINE_CHARS // 4)[:MAX_LINE_CHARS]
    for func in SCANNERS.values():
        assert operations(func, text) < 40 * len(text) + 1_000


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="![]()<>{}#=*: \t\n\\\"'ax.", min_size=0, max_size=3_000))
def test_any_text_costs_work_in_proportion_to_its_length(text: str) -> None:
    for func in SCANNERS.values():
        assert operations(func, text) <= 40 * len(text) + 1_000


def test_an_image_whose_description_holds_brackets_is_found() -> None:
    images = find_images("Text ![a [b] c](/abs) and ![x ![y](in.png) z](out.png)", PATH)
    assert [image.target for image in images] == ["/abs", "out.png", "in.png"]
    rewritten = rewrite_images("![x ![y](in.png) z](out.png)", {"out.png": "image-1.png"})
    assert rewritten == "![x \\![y](in.png) z](<image-1.png>)"  # the inner one is a link now


class _CountedSearch:
    """A pattern whose ``search`` counts the characters it is given."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.scanned = pattern, 0

    def search(self, text: str) -> re.Match[str] | None:
        self.scanned += len(text)
        return self.pattern.search(text)


# the pieces of a page of text that a row or a paragraph joins, n lines long
PAGE_SHAPES: dict[str, Callable[[int], str]] = {
    "a cell of many lines": lambda n: "Label   value\n" + "      x\n" * n,
    "a label of many lines": lambda n: "Label   value\n" + "b\n" * n,
    "a row joined to many rows": lambda n: "Label of   value\n" + "and   more\n" * n,
    "a word hyphenated at every line": lambda n: "Title\n\n" + "ab-\n" * n,
}


@pytest.mark.parametrize("shape", PAGE_SHAPES)
def test_page_text_joins_lines_in_linear_work(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hyphen test looked at the whole text joined so far, at every line: 20,000
    lines of a table cell took `import` 26 s, 80,000 over a minute."""
    scanned = []
    for n in (2_000, 8_000):
        counted = _CountedSearch(pagetext._HYPHEN_END)
        monkeypatch.setattr(pagetext, "_HYPHEN_END", counted)
        pagetext.pages_markdown([PAGE_SHAPES[shape](n)])
        scanned.append(counted.scanned)
    assert scanned[1] <= 5 * scanned[0] + 200, f"{scanned[0]} characters at 2,000, {scanned[1]}"


def test_a_text_file_is_held_to_the_line_limit_before_its_pages_are_read(
    tmp_path: Path,
) -> None:
    """Justified spaces collapse, so the limit on the Markdown made came too late: a text
    file of 50 MiB in one line was read whole by the page reader first."""
    source = tmp_path / "summary.txt"
    source.write_text("Title\n\nWord" + " " * (MAX_LINE_CHARS + 10) + "word\n", encoding="utf-8")
    result = run("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "line 3 is longer than 50,000 characters" in result.output
    assert not (tmp_path / "out").exists()
