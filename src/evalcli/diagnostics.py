"""Findings: the one way every command reports a problem, and the registry of their codes.

A finding has a severity (error, warning or info), a stable code, a message
that says the fix, and a place (file, line, column). The code is a
``FindingCode`` constant and the message an ``i18n.Message``, rendered in the
user's language only when it is printed. Every code is registered
once in ``CODES`` with its default severity, the exit code it leads to and a
one-line description; the README's table of codes is checked against it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal, NamedTuple

from evalcli.errors import EXIT_CONTENT, EXIT_CONVERSION, EXIT_OK, EXIT_USAGE
from evalcli.i18n import Message
from evalcli.records import Record

Severity = Literal["error", "warning", "info"]


class Location(NamedTuple):
    """A place in a source file; line and column count from 1, line 0 means the whole file.

    A named tuple rather than a dataclass: YAML gives every key and value one,
    and tuples are several times cheaper to create.
    """

    file: Path
    line: int = 1
    column: int = 1


class Code(Record, frozen=True):
    """A registered finding code."""

    name: str
    severity: Severity
    description: str
    exit_code: int = EXIT_CONTENT  # what an error with this code makes a command exit with


def _codes(*codes: Code) -> dict[str, Code]:
    return {code.name: code for code in codes}


_E: Severity = "error"
_W: Severity = "warning"
_I: Severity = "info"

CODES: dict[str, Code] = _codes(
    # reading a report
    Code("yaml-syntax", _E, "evaluation.yaml is not valid YAML", EXIT_USAGE),
    Code("yaml-structure", _E, "evaluation.yaml is not a mapping of keys to values", EXIT_USAGE),
    Code("yaml-limit", _E, "evaluation.yaml uses aliases or nesting past a limit", EXIT_USAGE),
    Code("empty-file", _E, "evaluation.yaml is empty"),
    Code("not-utf8", _E, "a file is not UTF-8 text", EXIT_USAGE),
    Code("unreadable", _E, "a file or folder cannot be read", EXIT_USAGE),
    Code("name-not-utf8", _W, "a file or folder name in the report is not UTF-8"),
    Code("not-a-file", _E, "a report file is a link, a folder or lies outside the report"),
    Code("too-large", _E, "a file, line, paragraph or image past a limit (size, notes, SVG)"),
    Code("bad-character", _E, "a control character or a character XML does not allow"),
    Code("unknown-template", _E, "the template a report names does not exist", EXIT_USAGE),
    Code("template-error", _E, "the template folder is malformed", EXIT_USAGE),
    Code("unplaced-text", _W, "unplaced.md holds text that import could not place"),
    # evaluation.yaml
    Code("missing-field", _E, "a required field is missing"),
    Code("not-in-edition", _I, "a field the document's edition of the template never had"),
    Code("empty-field", _E, "a required field is empty"),
    Code("unknown-field", _W, "a key the template does not know (a typo?)"),
    Code("duplicate-key", _E, "a key is given twice"),
    Code("invalid-key", _E, "a key that is not a plain name"),
    Code("invalid-type", _E, "a value of the wrong shape (a list where text is expected ...)"),
    Code("invalid-date", _E, "a date that is not YYYY, YYYY-MM or YYYY-MM-DD, or does not exist"),
    Code("date-order", _E, "an end date before its start date"),
    Code(
        "split-value", _W, "a value with commas inside {...} or [...], which YAML reads as several"
    ),
    Code("invalid-money", _E, "an amount that is missing or not a number"),
    Code("invalid-currency", _E, "a currency that is not an ISO 4217 code"),
    Code("invalid-choice", _E, "a value that is not one of the field's options"),
    Code("invalid-country", _E, "a country that is neither an ISO 3166 code nor a name"),
    Code("invalid-project-code", _E, "a project code not in the ILO pattern AAA/NN/NN/AAA"),
    Code("invalid-sdg", _E, "an SDG target that does not exist"),
    Code("placeholder", _E, "the template's placeholder text is still there"),
    # sections
    Code("missing-section", _E, "a required section file is missing"),
    Code("empty-section", _E, "a section file holds no text"),
    Code("no-items", _E, "an item section has no ## items"),
    Code("empty-item", _E, "an item has no title or no text"),
    Code("item-numbering", _W, "an item heading carries its own number"),
    Code("missing-criterion", _W, "an OECD-DAC criterion has no heading in the findings"),
    Code("missing-follow-up", _W, "a recommendation does not say who acts, priority or timeframe"),
    Code("invalid-attribute", _E, "an item attribute that cannot be read or has a wrong value"),
    Code("unknown-attribute", _W, "an item attribute the template does not know"),
    Code("heading-level", _W, "a level-1 heading in a section file"),
    Code("item-heading", _E, "a level-1 heading among items, which would shift their numbers"),
    Code("missing-image", _E, "an image that is not a file inside the report folder"),
    Code("missing-alt-text", _W, "an image with no description for screen readers"),
    Code("pdf-not-ua", _I, "a PDF that does not claim PDF/UA-1, and why"),
    Code(
        "missing-annex-field", _W, "a lesson or good practice lacks a field of its ILO annex page"
    ),
    Code("annex-heading", _W, "a ### heading among an item's annex fields that names no field"),
    # build
    Code("page-limit", _W, "the PDF has more pages than the template allows"),
    Code("conversion-failed", _E, "pandoc, Typst or LibreOffice failed", EXIT_CONVERSION),
    # import
    Code("import-kept", _W, "import kept a value as written: check will say what is wrong"),
    Code("import-unmatched", _W, "import found a label that matches no field (kept under extra)"),
    Code("import-unplaced", _W, "import found text that fits no section (kept in unplaced.md)"),
    Code("import-duplicate", _W, "import found a fact twice (the second kept under extra)"),
    Code("import-joined", _I, "import joined paragraphs split mid-sentence by a page break"),
    # settings (evalcli.toml or [tool.evalcli] in pyproject.toml)
    Code("unexpected-language", _E, "a report in a language the settings do not list"),
    Code("config-syntax", _E, "the settings file is not valid TOML", EXIT_USAGE),
    Code("config-key", _E, "a setting evalcli does not know (a typo?)", EXIT_USAGE),
    Code("config-value", _E, "a setting with a wrong value or an unknown finding code", EXIT_USAGE),
)


class FindingCode(StrEnum):
    """Every registered code as a constant, so that mypy catches a misspelt one.

    A test holds this list and ``CODES`` together: a new code goes in both.
    """

    YAML_SYNTAX = "yaml-syntax"
    YAML_STRUCTURE = "yaml-structure"
    YAML_LIMIT = "yaml-limit"
    EMPTY_FILE = "empty-file"
    NOT_UTF8 = "not-utf8"
    UNREADABLE = "unreadable"
    NAME_NOT_UTF8 = "name-not-utf8"
    NOT_A_FILE = "not-a-file"
    TOO_LARGE = "too-large"
    BAD_CHARACTER = "bad-character"
    UNKNOWN_TEMPLATE = "unknown-template"
    TEMPLATE_ERROR = "template-error"
    UNPLACED_TEXT = "unplaced-text"
    MISSING_FIELD = "missing-field"
    NOT_IN_EDITION = "not-in-edition"
    EMPTY_FIELD = "empty-field"
    UNKNOWN_FIELD = "unknown-field"
    DUPLICATE_KEY = "duplicate-key"
    INVALID_KEY = "invalid-key"
    INVALID_TYPE = "invalid-type"
    INVALID_DATE = "invalid-date"
    DATE_ORDER = "date-order"
    SPLIT_VALUE = "split-value"
    INVALID_MONEY = "invalid-money"
    INVALID_CURRENCY = "invalid-currency"
    INVALID_CHOICE = "invalid-choice"
    INVALID_COUNTRY = "invalid-country"
    INVALID_PROJECT_CODE = "invalid-project-code"
    INVALID_SDG = "invalid-sdg"
    PLACEHOLDER = "placeholder"
    MISSING_SECTION = "missing-section"
    EMPTY_SECTION = "empty-section"
    NO_ITEMS = "no-items"
    EMPTY_ITEM = "empty-item"
    ITEM_NUMBERING = "item-numbering"
    MISSING_CRITERION = "missing-criterion"
    MISSING_FOLLOW_UP = "missing-follow-up"
    INVALID_ATTRIBUTE = "invalid-attribute"
    UNKNOWN_ATTRIBUTE = "unknown-attribute"
    HEADING_LEVEL = "heading-level"
    ITEM_HEADING = "item-heading"
    MISSING_IMAGE = "missing-image"
    MISSING_ALT_TEXT = "missing-alt-text"
    PDF_NOT_UA = "pdf-not-ua"
    MISSING_ANNEX_FIELD = "missing-annex-field"
    ANNEX_HEADING = "annex-heading"
    PAGE_LIMIT = "page-limit"
    CONVERSION_FAILED = "conversion-failed"
    IMPORT_KEPT = "import-kept"
    IMPORT_UNMATCHED = "import-unmatched"
    IMPORT_UNPLACED = "import-unplaced"
    IMPORT_DUPLICATE = "import-duplicate"
    IMPORT_JOINED = "import-joined"
    UNEXPECTED_LANGUAGE = "unexpected-language"
    CONFIG_SYNTAX = "config-syntax"
    CONFIG_KEY = "config-key"
    CONFIG_VALUE = "config-value"


class Finding(Record):
    """One problem found in a report, a template or an imported file."""

    code: FindingCode
    message: Message
    loc: Location
    severity: Severity = "error"
    field: str | None = None
    section: str | None = None

    @classmethod
    def of(
        cls,
        code: FindingCode,
        message: Message,
        loc: Location,
        *,
        severity: Severity | None = None,
        field: str | None = None,
        section: str | None = None,
    ) -> Finding:
        """A finding with the registered code's default severity unless one is given."""
        return cls(code, message, loc, severity or CODES[code].severity, field, section)

    @property
    def text(self) -> str:
        """The message in the language of this run."""
        return self.message.render()

    @property
    def exit_code(self) -> int:
        """What this finding alone makes a command exit with."""
        if self.severity != "error":
            return EXIT_OK
        return CODES[self.code].exit_code


def exit_code(findings: list[Finding], strict: bool = False) -> int:
    """The exit code for a set of findings, as the README documents it."""
    code = max((f.exit_code for f in findings), default=EXIT_OK)
    if code == EXIT_OK and strict and any(f.severity == "warning" for f in findings):
        return EXIT_CONTENT
    return code


def count(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings); info findings count as neither."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return errors, warnings
