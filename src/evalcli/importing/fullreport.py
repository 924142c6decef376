"""A full evaluation report read as its summary: the executive summary chapter, not the rest.

A full report opens with its cover (the quick facts), a table of contents, and
the executive summary chapter, whose sections are the summary's; the report's
own chapters follow ("1. Introduction" ...), then the annexes, among them the
lesson-learned and good-practice templates. The gate lets the cover, the
executive summary and the annex pages through and counts what it holds back:
the contents lines and every block of the chapters after the summary. A
chapter is known by the table of contents (its entries) or, in a DOCX, by a
heading as high as the executive summary's own, when the cover's edition is a
full report's. A summary (no table of contents, today's labels) loses nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from evalcli import regexes
from evalcli.importing.blocks import Block
from evalcli.report.markdown import strip_emphasis, unescape
from evalcli.template.spec import Template
from evalcli.text import fold, fold_key

# "Executive Summary ........ iii", "1. Introduction …… 1", "Findings\t12"
_CONTENTS_LINE = regexes.compile(
    r"^(?P<entry>.*?\S)\s*(?:(?:\.\s?){3,}|…+|\t)\s*(?:\d{1,4}|[ivxlc]{1,7})$"
)
_LONGEST_ENTRY = 300  # characters; longer lines are prose (and the pattern stays cheap)
_NUMBER = regexes.compile(r"^\s*(?:\d+(?:\.\d+)*|[IVX]+)[.)]?\s+")


def _key(text: str) -> str:
    return fold_key(_NUMBER.sub("", unescape(strip_emphasis(text))))


class ChapterGate:
    """Holds back a full report's contents and chapters; counts what it held back."""

    def __init__(
        self,
        template: Template,
        is_division: Callable[[str], bool],
        is_report: Callable[[], bool],
    ) -> None:
        self.kind = {fold_key(text) for text in template.document.get("kind", {}).values()}
        self.contents = {fold_key(text) for text in template.contents_headings}
        self.is_division = is_division  # a section or part heading of the summary
        self.is_report = is_report  # the cover was a full report's (by its edition)
        self.entries: set[str] = set()  # the chapters the table of contents lists
        self.summary_level: int | None = None  # the executive summary's heading, once seen
        self.skipping = False
        self.skipped: Counter[str] = Counter()

    def skip(self, block: Block) -> bool:
        """True when the block is held back (and counted)."""
        text = unescape(block.text.strip())
        lines = [
            _CONTENTS_LINE.match(line.strip()) if len(line) <= _LONGEST_ENTRY else None
            for line in text.split("\n")
        ]
        if block.kind != "row" and all(lines):
            for line in lines:
                assert line is not None
                entry = _key(line.group("entry"))
                if entry not in self.kind and not self.is_division(line.group("entry")):
                    self.entries.add(entry)
                self.skipped["table-of-contents lines"] += 1
            return True
        if block.kind != "row" and "\n" not in text:
            if fold_key(strip_emphasis(text)) in self.contents:
                self.skipped["table-of-contents lines"] += 1
                return True
            if _key(text) in self.kind and self.summary_level is None:
                self.summary_level = block.level if block.kind == "heading" else 0
                self.skipping = False
                return False
        if self.summary_level is not None and not self.skipping and self._chapter(block, text):
            self.skipping = True
        if self.skipping:
            self.skipped["paragraphs of the full report outside its executive summary"] += 1
            return True
        return False

    def _chapter(self, block: Block, text: str) -> bool:
        if block.kind == "row" or "\n" in text or len(text) > 150:
            return False
        if self.is_division(text):
            return False
        if _key(text) in self.entries:
            return True
        if not self.is_report():
            return False  # a summary's own headings are never skipped
        level = self.summary_level or 0
        return block.kind == "heading" and 0 < block.level <= level and bool(fold(text))
