"""Field types: one class per kind of metadata value, owning everything about it.

A type parses a YAML node into a value and findings (``check``), reads a
value back from written-out text (``import``), formats a value for a
language (``render``), describes itself in the JSON Schema (``schema``),
writes its blank (``init``) and its YAML (``import``), and gives its value
to ``export``. Adding a type is adding one class to ``FIELD_TYPES``.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from evalcli import locales, regexes
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import Message, msg
from evalcli.records import Record
from evalcli.template import valueschema as vs
from evalcli.text import did_you_mean, fold, fold_key, match_option, split_list
from evalcli.yamlnodes import YAML_LOADER, Map, Node, Scalar, Seq

with regexes.library_patterns():  # its patterns from the cache, as evalcli's own
    import yaml

if TYPE_CHECKING:
    from evalcli.template.spec import Field, Template

PROJECT_CODE = regexes.compile(r"[A-Z]{3}/[0-9]{2}/[0-9]{2}/[A-Z]{3}")
_DATE = regexes.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_SDG_PREFIXES = ("sdg", "ods", "odd")
_SDG = regexes.compile(
    r"(?:(?:sdg|ods|odd)\s*)?([0-9]{1,2}(?:\.(?:[0-9]{1,2}|[a-z]))?)", re.IGNORECASE
)
_AMOUNT = regexes.compile(r"[0-9]+(?:\.[0-9]+)?")
_LEADING_ZERO = regexes.compile(r"0\d")
_ROLE = regexes.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_CURRENCY_SIGNS = {"us$": "USD", "usd$": "USD", "€": "EUR", "£": "GBP", "chf": "CHF"}
_WRITTEN_MONEY = regexes.compile(
    r"(?P<cur>[A-Z]{3}|US\$|€|£)\s*(?P<amount>\d[\d.,\u00a0\u202f ]*\d|\d)"
    r"(?:\s*(?P<scale>million|millones|millions|m)\b)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_EXAMPLE_COUNTRY = {"en": "GB", "es": "PE", "fr": "FR"}


# --- the values --------------------------------------------------------------------


class PartialDate(Record, frozen=True, order=True):
    """A date given to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def key(self, precision: int) -> tuple[int, ...]:
        return (self.year, self.month or 0, self.day or 0)[:precision]

    @property
    def precision(self) -> int:
        return 1 if self.month is None else 2 if self.day is None else 3

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


class Money(Record, frozen=True):
    """An amount in an ISO 4217 currency, with an optional note."""

    amount: Decimal
    currency: str
    note: str | None = None


class Person(Record, frozen=True):
    """A consultant and, optionally, their role key or text."""

    name: str
    role: str | None = None


def _days_in(year: int, month: int) -> int:
    """The days of a month: what ``calendar.monthrange`` gives, without loading calendar."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@functools.cache
def sdg_targets() -> frozenset[str]:
    """Every official SDG target ("8.7", "16.a") and goal ("8")."""
    path = Path(__file__).resolve().parent.parent / "data" / "sdg_targets.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    return frozenset(list(data) + [target for targets in data.values() for target in targets])


def parse_sdg(text: str) -> str | None:
    """ "SDG 8.7", "ODS 8.7" or "8.7" -> "8.7", if that target exists."""
    match = _SDG.fullmatch(text.strip())
    if not match:
        return None
    target = match.group(1).lower()
    return target if target in sdg_targets() else None


# --- what the schema says, from the same rules -------------------------------------

_DAYS = "(?:0[1-9]|1[0-9]|2[0-8])"
_LEAP = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DATE_PATTERN = (
    "[0-9]{4}"
    "|[0-9]{4}-(?:0[1-9]|1[0-2])"
    f"|[0-9]{{4}}-(?:0[1-9]|1[0-2])-{_DAYS}"
    "|[0-9]{4}-(?:0[13-9]|1[0-2])-(?:29|30)"
    "|[0-9]{4}-(?:0[13578]|1[02])-31"
    f"|{_LEAP}-02-29"
)


def _as_number(target: str) -> float | int:
    return int(target) if "." not in target else float(target)


def language_pattern(languages: tuple[str, ...]) -> str:
    """The languages as ``LanguageType.parse`` takes them: any case, spaces around."""
    return vs.whole("|".join(vs.any_case(lang) for lang in languages))


# --- the one YAML writer -----------------------------------------------------------

# A plain scalar may hold these and nothing else; anything more is double-quoted.
_PLAIN = regexes.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#:?\n\r\t]*")


def _printable(char: str) -> bool:
    """True for a character YAML lets stand in a double-quoted scalar as itself."""
    code = ord(char)
    if char in '"\\' or code in (0x85, 0x2028, 0x2029, 0xFEFF):
        return False
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or (code >= 0x10000)
    )


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line: every other character escaped."""
    out = []
    for char in text:
        if _printable(char):
            out.append(char)
        elif char in '"\\':
            out.append("\\" + char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:  # pragma: no cover - every character above U+FFFF is printable
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def yaml_scalar(text: str) -> str:
    """Text as one YAML scalar that every YAML reader, in block or flow context, reads
    back as exactly this string: plain when that is safe, double-quoted otherwise."""
    plain = (
        _PLAIN.fullmatch(text) and text == text.strip() and all(_printable(char) for char in text)
    )
    if plain:
        try:
            # the reading YAML 1.1 gives it (yes, 0123, 2024-12-01 ... are not text)
            flow = f"[{text}]"
            if yaml.load(flow, Loader=YAML_LOADER) == yaml.safe_load(flow) == [text]:
                return text
        except (yaml.YAMLError, ValueError, OverflowError):  # 2023-02-29: not a date either
            pass
    return _quoted(text)


def yaml_comment(text: str) -> str:
    """Text for a ``# ...`` comment: one line, and only characters YAML allows there."""
    return "".join(c for c in " ".join(text.split()) if _printable(c) or c in '"\\')


def flow_yaml(value: Any) -> str:
    """A value (text, a list, a mapping of text keys; numbers and None) as one line of
    YAML flow style that reads back to exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        return yaml_scalar(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow_yaml(k)}: {flow_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow_yaml(item) for item in value) + "]"
    return yaml_scalar(str(value))


V = TypeVar("V")  # the value a field type parses to
Item = TypeVar("Item")  # one item of a list-valued type

# --- the base class ----------------------------------------------------------------


class FieldType(Generic[V]):
    """What every field type knows. Subclasses override what differs."""

    name: ClassVar[str]
    is_list: ClassVar[bool] = False  # "none" in an imported summary means []
    needs_options: ClassVar[bool] = False
    what: ClassVar[Message] = msg("text")  # how a finding names one value
    # True when which values are right depends on the report's language (country names)
    by_language: ClassVar[bool] = False
    # True when ``format`` writes the value in the template's words (an option's
    # label, a month, a country's name): with --lang, those are in that language
    worded: ClassVar[bool] = False

    # check
    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[Any, list[Finding]]:
        """A YAML node -> (typed value or None, findings)."""
        scalar, findings = self.one(node, spec)
        return (scalar.text.strip() if scalar and scalar.text else None), findings

    # import
    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        """Written-out text (from a summary) -> a value for evaluation.yaml, or None."""
        return text

    def dump(self, value: Any) -> str:
        """A value read by ``read`` as YAML after ``key:`` (with its leading space or newline)."""
        return " " + flow_yaml(value)

    # render
    def format(
        self, value: V, spec: Field, template: Template, lang: str, locale: str | None = None
    ) -> str:
        """A typed value as text: labels in ``lang``, numbers, dates and lists as ``locale``.

        ``locale`` is a babel locale such as "es_PE" (see ``locales.resolve_locale``);
        without one, the language's own formats.
        """
        return str(value)

    # schema, init, export
    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        """The JSON Schema of the values ``parse`` accepts with no finding, for a report in
        ``lang`` (empty values aside: see ``valueschema.or_empty``). Text: any scalar."""
        return {"anyOf": [vs.NONBLANK_TEXT, {"type": ["number", "boolean"]}]}

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        """What ``init`` writes after ``key:``."""
        return ""

    def export(self, value: V) -> Any:
        """A typed value as JSON data."""
        return value

    # helpers for subclasses
    @staticmethod
    def finding(code: FindingCode, spec: Field, message: Message, loc: Location) -> Finding:
        text = msg("{field}: {problem}", field=spec.key, problem=message)
        return Finding.of(code, text, loc, field=spec.key)

    def one(self, node: Node, spec: Field) -> tuple[Scalar | None, list[Finding]]:
        """The node as one scalar, or a finding that it is a list or a mapping."""
        if isinstance(node, Scalar):
            return node, []
        kind = msg("a list") if isinstance(node, Seq) else msg("a mapping")
        message = msg("expected {what}, found {kind}", what=self.what, kind=kind)
        return None, [self.finding(FindingCode.INVALID_TYPE, spec, message, node.loc)]

    def several(self, node: Node, spec: Field) -> tuple[list[Scalar], list[Finding]]:
        """One scalar or a list of them; mappings and nested lists are findings."""
        if isinstance(node, Map):
            message = msg("expected {what} or a list of them, found a mapping", what=self.what)
            return [], [self.finding(FindingCode.INVALID_TYPE, spec, message, node.loc)]
        if isinstance(node, Scalar):
            return ([node] if node.text is not None and node.text.strip() else []), []
        findings = [
            self.finding(
                FindingCode.INVALID_TYPE,
                spec,
                msg("expected {what}, found a nested structure", what=self.what),
                item.loc,
            )
            for item in node.items
            if not isinstance(item, Scalar)
        ]
        kept = [item for item in node.items if isinstance(item, Scalar) and item.text]
        return [item for item in kept if item.text and item.text.strip()], findings


class EachType(FieldType[list[Item]]):
    """A type whose value is one scalar or a list, each item parsed on its own by ``item``."""

    code: ClassVar[FindingCode]  # the finding code of an item that does not parse

    def item(self, text: str, lang: str) -> tuple[Item | None, Message | None]:
        """(value, "") for one item, or (None, what is wrong and how to fix it)."""
        raise NotImplementedError

    def item_schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        """The JSON Schema of one item ``item`` accepts."""
        raise NotImplementedError

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        return vs.list_of(self.item_schema(spec, template, lang))

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[list[Item] | None, list[Finding]]:
        items, findings = self.several(node, spec)
        values = []
        for scalar in items:
            value, message = self.item(str(scalar.text).strip(), lang)
            if value is None:
                assert message is not None
                findings.append(self.finding(self.code, spec, message, scalar.loc))
            else:
                values.append(value)
        return values, findings


# --- the types ---------------------------------------------------------------------


class TextType(FieldType[str]):
    """Free text on one line."""

    name = "text"

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return yaml_scalar(template.name) if spec.key == "template" else ""


class TextListType(FieldType[list[str]]):
    """One text or a list of texts; ``join: comma`` prints them with commas."""

    name = "text_list"
    is_list = True

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        return vs.list_of(vs.SCALAR)

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[list[str] | None, list[Finding]]:
        items, findings = self.several(node, spec)
        return [s.text.strip() for s in items if s.text], findings

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        if spec.join == "comma":  # "child labour, forced labour." (a list ends with a full stop)
            parts = (part.strip().rstrip(".").strip() for part in re.split(r"\s*[,;]\s*", text))
            return [part for part in parts if part]
        return text

    def format(
        self,
        value: list[str],
        spec: Field,
        template: Template,
        lang: str,
        locale: str | None = None,
    ) -> str:
        if spec.join == "comma":
            return ", ".join(value)
        return locales.format_list(value, locale or lang)

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return "" if spec.required else "[]"


class LanguageType(FieldType[str]):
    """The language the report is written in: one of the template's languages."""

    name = "language"
    what = msg("a language code")

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[str | None, list[Finding]]:
        value, findings = super().parse(node, spec, template, lang)
        if value is None or findings or value.lower() in template.languages:
            return (value.lower() if value and not findings else None), findings
        message = msg(
            "'{value}' is not one of {choices}", value=value, choices=", ".join(template.languages)
        )
        return None, [self.finding(FindingCode.INVALID_CHOICE, spec, message, node.loc)]

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        return {"type": "string", "pattern": language_pattern(template.languages)}

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return yaml_scalar(lang)


class LocaleType(FieldType[str]):
    """How numbers, amounts and dates are written: a language and a country, "es-PE".

    The language must be the report's: a Spanish report may be written for
    Peru (es-PE: "USD 7,940,000") or Spain (es-ES: "USD 7.940.000"), not in
    French formats. Stored as the BCP 47 tag; babel (CLDR) must know it.
    """

    name = "locale"
    what = msg("a locale")
    by_language = True

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        names = sorted(locales.locale_names(lang), key=vs.longest_first)
        forms = [vs.any_case(name).replace("_", "[-_]") for name in names]
        return {"type": "string", "pattern": vs.whole("|".join(forms))}

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[str | None, list[Finding]]:
        value, findings = super().parse(node, spec, template, lang)
        if value is None or findings:
            return None, findings
        found = locales.known_locale(value)
        if found is None:
            message = msg(
                "'{value}' is not a locale; write the report's language and its country, "
                "e.g. {example}",
                value=value,
                example=lang + "-" + _EXAMPLE_COUNTRY.get(lang, "GB"),
            )
            return None, [self.finding(FindingCode.INVALID_CHOICE, spec, message, node.loc)]
        if found.split("_")[0] != lang:
            message = msg(
                "'{value}' is not in the report's language '{lang}'; numbers and dates "
                "follow the locale, so use one in '{lang}', e.g. {example}",
                value=value,
                lang=lang,
                example=lang + "-" + _EXAMPLE_COUNTRY.get(lang, "GB"),
            )
            return None, [self.finding(FindingCode.INVALID_CHOICE, spec, message, node.loc)]
        return locales.bcp47(found), []


class DateType(FieldType[PartialDate]):
    """YYYY, YYYY-MM or YYYY-MM-DD; printed as "December 2024" in the report's language."""

    name = "date"
    worded = True
    what = msg("a date")

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "pattern": vs.whole(_DATE_PATTERN)},
                {"type": "integer", "minimum": 1000, "maximum": 9999},  # a year, as 2024
            ]
        }

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[PartialDate | None, list[Finding]]:
        scalar, findings = self.one(node, spec)
        if scalar is None or scalar.text is None:
            return None, findings
        text = scalar.text.strip()
        match = _DATE.fullmatch(text)
        if not match:
            hint = msg("write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-12")
            meant = read_date(text, template.languages)
            if meant and _DATE.fullmatch(meant):
                hint = msg("write it as YYYY, YYYY-MM or YYYY-MM-DD: {date}", date=meant)
            message = msg("'{value}' is not a date; {hint}", value=text, hint=hint)
            return None, [self.finding(FindingCode.INVALID_DATE, spec, message, scalar.loc)]
        year = int(match.group(1))
        month, day = (int(g) if g else None for g in match.groups()[1:])
        problem: Message | None = None
        if month is not None and not 1 <= month <= 12:
            problem = msg(
                "'{value}' has no month {month}; write it as YYYY, YYYY-MM or YYYY-MM-DD, "
                "e.g. 2024-12",
                value=text,
                month=month,
            )
        elif day is not None and month and not 1 <= day <= _days_in(year, month):
            problem = msg("'{value}': day {day} does not exist in that month", value=text, day=day)
        if problem:
            return None, [self.finding(FindingCode.INVALID_DATE, spec, problem, scalar.loc)]
        return PartialDate(year, month, day), []

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        """A date, or the end of a span ("August–September 2020": the evaluation's end)."""
        found = read_date(text, template.languages)
        if found is None:
            span = read_date_range(text, template.languages)
            found = span[1] if span else None
        return found

    def format(
        self,
        value: PartialDate,
        spec: Field,
        template: Template,
        lang: str,
        locale: str | None = None,
    ) -> str:
        date: PartialDate = value
        if date.month is None:
            return str(date.year)
        if date.day is None:
            return locales.format_month_year(date.year, date.month, locale or lang)
        return locales.format_day(date.year, date.month, date.day, locale or lang)

    def export(self, value: PartialDate) -> Any:
        return value.iso()


class MoneyType(FieldType[Money]):
    """``{amount: 7940000, currency: USD, note: ...}``; printed "USD 7,940,000 ..."."""

    name = "money"
    what = msg("an amount with its currency")
    form = msg("write it as {{amount: 7940000, currency: USD}}")

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "amount": {
                    "anyOf": [
                        {"type": "string", "pattern": vs.whole(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")},
                        {"type": "integer", "minimum": 0},
                        # a number YAML reads is written back without an exponent
                        {"type": "number", "minimum": 0.0001, "exclusiveMaximum": 1e16},
                        {"type": "number", "const": 0},
                    ]
                },
                "currency": {
                    "type": "string",
                    "pattern": vs.whole("|".join(sorted(locales.currencies()))),
                },
                "note": vs.SCALAR,
            },
            "required": ["amount", "currency"],
            "additionalProperties": False,
        }

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[Money | None, list[Finding]]:
        if not isinstance(node, Map):
            message = self._mapping_fix(node)
            return None, [self.finding(FindingCode.INVALID_MONEY, spec, message, node.loc)]
        findings = [
            self.finding(
                FindingCode.UNKNOWN_FIELD,
                spec,
                msg(
                    "'{key}' is not part of an amount{hint}; use amount, currency and note",
                    key=entry.key,
                    hint=did_you_mean(entry.key, ["amount", "currency", "note"]),
                ),
                entry.key_loc,
            )
            for entry in node.entries.values()
            if entry.key not in ("amount", "currency", "note")
        ]
        amount = self._amount(node, spec, findings)
        currency = self._currency(node, spec, findings)
        note_node = node.get("note")
        note = note_node.text if isinstance(note_node, Scalar) else None
        if note_node is not None and not isinstance(note_node, Scalar):
            message = msg("the note must be one line of text, not a list or a mapping")
            findings.append(self.finding(FindingCode.INVALID_MONEY, spec, message, note_node.loc))
        if amount is None or currency is None:
            return None, findings
        return Money(amount, currency, note), findings

    def _mapping_fix(self, node: Node) -> Message:
        """What to write for an amount typed as one line ("USD 7,940,000"): the mapping
        with the user's own amount and currency, not the example's."""
        typed = (node.text or "").strip() if isinstance(node, Scalar) and not node.split else ""
        found = self.read_with_rest(typed) if typed else None
        amount_first, _, code = typed.rpartition(" ")
        if found is None and amount_first and len(code) == 3 and code.isupper():
            found = self.read_with_rest(f"{code} {amount_first}")  # "7.940.000 EUR"
        if found is not None and not found[1]:
            return msg(
                "expected an amount and a currency; write '{typed}' as {fix}",
                typed=typed,
                fix=self.dump(found[0]).strip(),
            )
        amount = read_amount(typed) if typed else None
        if amount is not None:
            return msg(
                "expected an amount and a currency; '{typed}' gives no currency: write it as "
                "{fix}, with the ISO 4217 code of its currency",
                typed=typed,
                fix=self.dump({"amount": amount, "currency": "USD"}).strip(),
            )
        return msg("expected an amount and a currency; {form}", form=self.form)

    def _amount(self, node: Map, spec: Field, findings: list[Finding]) -> Decimal | None:
        amount_node = node.get("amount")
        if not isinstance(amount_node, Scalar) or not amount_node.text:
            message = msg("the amount is missing; {form}", form=self.form)
            findings.append(self.finding(FindingCode.INVALID_MONEY, spec, message, node.loc))
            return None
        typed = amount_node.text.strip()
        if _AMOUNT.fullmatch(typed) and not _LEADING_ZERO.match(typed):
            try:
                return Decimal(typed)
            except InvalidOperation:  # pragma: no cover - the regex admits only numbers
                pass
        findings.append(
            self.finding(
                FindingCode.INVALID_MONEY, spec, self._amount_fix(amount_node), amount_node.loc
            )
        )
        return None

    @staticmethod
    def _amount_fix(node: Scalar) -> Message:
        """What is wrong with an amount as typed, and the number to write instead."""
        typed = (node.text or "").strip()
        meant = read_amount(typed.replace("_", ""))
        if meant is not None and _LEADING_ZERO.match(meant):
            meant = meant.lstrip("0") or "0"
            meant = "0" + meant if meant.startswith(".") else meant
        if node.split and meant:
            return msg(
                "amount '{amount}' has thousands separators: inside {{...}} YAML reads each "
                "comma as the end of the value, so this would be {first}; write {number}",
                amount=typed,
                first=typed.split(",")[0],
                number=meant,
            )
        if meant and _LEADING_ZERO.match(typed.replace("_", "")) and meant != typed:
            return msg(
                "amount '{amount}' starts with a zero, which YAML reads as an octal "
                "number; write {number}",
                amount=typed,
                number=meant,
            )
        if meant and meant != typed:
            return msg(
                "amount '{amount}' is written with separators; write {number}",
                amount=typed,
                number=meant,
            )
        return msg(
            "amount '{amount}' is not a number; write digits with no thousands "
            "separators or currency sign, e.g. 7940000 or 49123.00",
            amount=typed,
        )

    def _currency(self, node: Map, spec: Field, findings: list[Finding]) -> str | None:
        currency_node = node.get("currency")
        if not isinstance(currency_node, Scalar) or not currency_node.text:
            message = msg("the currency is missing; {form}", form=self.form)
            findings.append(self.finding(FindingCode.INVALID_CURRENCY, spec, message, node.loc))
            return None
        code = currency_node.text.strip()
        if code.upper() in locales.currencies() and code == code.upper():
            return code
        if code.upper() in locales.currencies():
            message = msg(
                "'{code}' is not an ISO 4217 currency code; write '{upper}'",
                code=code,
                upper=code.upper(),
            )
        else:
            message = msg(
                "'{code}' is not an ISO 4217 currency code; use an ISO 4217 code such as "
                "USD, EUR or CHF",
                code=code,
            )
        findings.append(
            self.finding(FindingCode.INVALID_CURRENCY, spec, message, currency_node.loc)
        )
        return None

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        found = self.read_with_rest(text)
        return found[0] if found and not found[1] else None

    @staticmethod
    def read_with_rest(text: str) -> tuple[dict[str, str], str] | None:
        """ "U.S.A – USD 7,940,000 tras ..." -> ({amount, currency, note}, "U.S.A").

        Also "USD $7,950,000", "US $ 20,000", "$20,000" (dollars are US dollars in ILO
        documents) and "US$ 7.95 million"."""
        text = _money_signs(text)
        for match in _WRITTEN_MONEY.finditer(text):
            code = match.group("cur")
            currency = _CURRENCY_SIGNS.get(code.lower(), code.upper())
            if currency not in locales.currencies() or (len(code) == 3 and code != code.upper()):
                continue
            amount = read_amount(match.group("amount").strip())
            if amount is not None and match.group("scale"):
                amount = _millions(amount)
            if amount is None:
                return None
            money = {"amount": amount, "currency": currency}
            note = match.group("rest").strip(" ,;–-")
            if note:
                money["note"] = note
            return money, text[: match.start()].strip().rstrip("–—-:,;").strip()
        return None

    def dump(self, value: Any) -> str:
        if not isinstance(value, dict):
            return super().dump(value)
        amount = str(value["amount"])
        parts = [
            f"amount: {amount if _AMOUNT.fullmatch(amount) else yaml_scalar(amount)}",
            f"currency: {flow_yaml(value['currency'])}",
        ]
        if value.get("note"):
            parts.append(f"note: {flow_yaml(value['note'])}")
        return " {" + ", ".join(parts) + "}"

    def format(
        self, value: Money, spec: Field, template: Template, lang: str, locale: str | None = None
    ) -> str:
        money: Money = value
        text = locales.format_money(money.amount, money.currency, locale or lang)
        return f"{text} {money.note}" if money.note else text

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return "{amount: , currency: USD}"

    def export(self, value: Money) -> Any:
        money: dict[str, Any] = {"amount": str(value.amount), "currency": value.currency}
        if value.note:
            money["note"] = value.note
        return money


class ChoiceType(FieldType[str]):
    """One of the field's options, given by its key or its label in any language."""

    name = "choice"
    worded = True
    needs_options = True
    what = msg("one of the listed values")

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[str | None, list[Finding]]:
        scalar, findings = self.one(node, spec)
        if scalar is None or scalar.text is None:
            return None, findings
        key = match_option(scalar.text, spec.options)
        if key is not None:
            return key, []
        keys = list(spec.options)
        message = msg(
            "'{value}' is not one of: {choices}{hint}",
            value=scalar.text,
            choices=", ".join(keys),
            hint=did_you_mean(scalar.text, keys),
        )
        return None, [self.finding(FindingCode.INVALID_CHOICE, spec, message, scalar.loc)]

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        """An option by its key or label, or the one option a phrase names ("Final evaluation")."""
        return match_option(text, spec.options) or option_in_words(text, spec, template)

    def format(
        self, value: str, spec: Field, template: Template, lang: str, locale: str | None = None
    ) -> str:
        return spec.options[value][lang]

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        forms = [*spec.options, *(v for o in spec.options.values() for v in o.values())]
        return {"type": "string", "pattern": vs.one_of_folded(forms)}


class CountriesType(EachType[str]):
    """ISO 3166 codes, or names in the report's language; printed as names."""

    name = "countries"
    worded = True
    is_list = True
    what = msg("a country")
    code = FindingCode.INVALID_COUNTRY
    by_language = True

    def item_schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        codes = "|".join(vs.any_case(c) for c in sorted(locales.territories(lang)) if len(c) == 2)
        names = vs.one_of_folded(locales.territories(lang).values())
        return {"type": "string", "anyOf": [{"pattern": vs.whole(codes)}, {"pattern": names}]}

    def item(self, text: str, lang: str) -> tuple[str | None, Message | None]:
        code = locales.country_code(text, lang)
        if code:
            return code, None
        if re.fullmatch(r"[A-Z]{3}", text):
            return None, msg(
                "'{value}' is not a country or region; use the two-letter ISO 3166 code",
                value=text,
            )
        return None, msg(
            "'{value}' is not a country or region; use an ISO 3166 code such as PE, "
            "or the name as written in '{lang}'",
            value=text,
            lang=lang,
        )

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        """Names in any language, the archive's own ("Lao PDR"), a list in any of its forms
        ("A, B, and C", "A & B"), and names that hold "and" ("Bosnia and Herzegovina")."""

        def code(name: str) -> str | None:
            name = name.strip().strip(".").strip()
            known = template.country_names.get(fold_key(name))
            found = [
                locales.country_code(variant, other)
                for variant in (name, re.sub(r"\s+(?:and|y|et)\s+", " & ", name))
                for other in (lang, *template.languages)
            ]
            return known or next((c for c in found if c), None)

        parts = _LIST_PARTS.split(text.strip().rstrip("."))
        codes: list[str] = []
        index = 0
        while index < len(parts):
            # the longest run of parts that names one country ("Trinidad" "and" "Tobago")
            for end in range(len(parts), index, -2):
                found = code("".join(parts[index:end])) if parts[index].strip() else None
                if found:
                    codes.append(found)
                    index = end + 1
                    break
            else:
                if parts[index].strip():
                    return None
                index += 2
        return codes or None

    def format(
        self,
        value: list[str],
        spec: Field,
        template: Template,
        lang: str,
        locale: str | None = None,
    ) -> str:
        names = [locales.country_name(code, lang) for code in value]
        return locales.format_list(names, locale or lang)

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return "[]"


class SdgsType(EachType[str]):
    """SDG targets ("8.7", "SDG 8.7", "ODS 8.7") from the official list, or whole goals."""

    name = "sdgs"
    worded = True
    is_list = True
    what = msg("an SDG target")
    code = FindingCode.INVALID_SDG

    def item_schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        targets = sorted(sdg_targets(), key=vs.longest_first)
        prefix = "|".join(vs.any_case(p) for p in _SDG_PREFIXES)
        body = "|".join(vs.any_case(t) for t in targets)
        # a number YAML reads (8.7) is written as it prints: "8.7" is the target
        numbers = sorted({_as_number(t) for t in targets if re.fullmatch(r"[0-9.]+", t)})
        return {
            "anyOf": [
                {"type": "string", "pattern": vs.whole(rf"(?:(?:{prefix})\s*)?(?:{body})")},
                {"type": "number", "enum": [n for n in numbers if str(n) in targets]},
            ]
        }

    def item(self, text: str, lang: str) -> tuple[str | None, Message | None]:
        target = parse_sdg(text)
        if target:
            return target, None
        match = _SDG.fullmatch(text)
        if not match:
            return None, msg(
                '\'{value}\' is not an SDG target; write it as "8.7" or "SDG 8.7"', value=text
            )
        meant = parse_sdg(re.sub(r"(?<!\d)0+(?=\d)", "", match.group(1)))
        if meant:
            return None, msg(
                "SDG '{value}' has a leading zero; write \"{target}\"", value=text, target=meant
            )
        goal = match.group(1).split(".")[0]
        why = (
            msg("there are 17 goals")
            if goal not in sdg_targets()
            else msg("goal {goal} has no such target", goal=goal)
        )
        return None, msg(
            "SDG '{value}' does not exist ({why}); use a target from the official list, e.g. 8.7",
            value=text,
            why=why,
        )

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        targets = [parse_sdg(part) for part in split_list(text)]
        return [t for t in targets if t] if targets and all(targets) else None

    def format(
        self,
        value: list[str],
        spec: Field,
        template: Template,
        lang: str,
        locale: str | None = None,
    ) -> str:
        prefix = template.phrase("sdg_prefix", lang)
        return locales.format_list([f"{prefix} {target}" for target in value], locale or lang)

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return "[]"


class ProjectCodesType(EachType[str]):
    """ILO project codes (PER/17/51/USA): one or a list."""

    name = "project_codes"
    what = msg("a project code")
    code = FindingCode.INVALID_PROJECT_CODE

    def item_schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        return {"type": "string", "pattern": vs.whole(PROJECT_CODE.pattern)}

    def item(self, text: str, lang: str) -> tuple[str | None, Message | None]:
        if PROJECT_CODE.fullmatch(text):
            return text, None
        if PROJECT_CODE.fullmatch(text.upper()):
            return None, msg(
                "'{value}' must be in capitals: '{upper}'", value=text, upper=text.upper()
            )
        return None, msg(
            "'{value}' is not an ILO project code; write three letters, two digits, "
            "two digits and three letters, e.g. PER/17/51/USA",
            value=text,
        )

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        """ "A, B, and C", "A & B"; a space for the first slash ("ZMB 18/02/RBS") mended."""
        parts = _LIST_PARTS.split(text.strip().rstrip("."))[::2]
        codes = [_CODE_SPACE.sub(r"\1/\2", part.strip()) for part in parts if part.strip()]
        if not codes or not all(PROJECT_CODE.fullmatch(c) for c in codes):
            return None
        return codes[0] if len(codes) == 1 else codes

    def format(
        self,
        value: list[str],
        spec: Field,
        template: Template,
        lang: str,
        locale: str | None = None,
    ) -> str:
        return ", ".join(value)


class PeopleType(FieldType[list[Person]]):
    """Names, or ``{name: ..., role: lead}``; roles printed in the report's language."""

    name = "people"
    what = msg("a list of names")

    def schema(self, spec: Field, template: Template, lang: str) -> dict[str, Any]:
        person = {
            "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {
                    "type": "object",
                    "properties": {
                        "name": {"anyOf": [vs.NONBLANK_TEXT, {"type": ["number", "boolean"]}]},
                        "role": vs.SCALAR,
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                },
            ]
        }
        return {"anyOf": [person, {"type": "array", "items": {"anyOf": [vs.BLANK, person]}}]}

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[list[Person] | None, list[Finding]]:
        people: list[Person] = []
        findings: list[Finding] = []
        for entry in node.items if isinstance(node, Seq) else [node]:
            if isinstance(entry, Scalar):
                if entry.text and entry.text.strip():
                    people.append(Person(entry.text.strip()))
                continue
            if not isinstance(entry, Map):
                message = msg("expected a name or {{name: ..., role: ...}}")
                findings.append(self.finding(FindingCode.INVALID_TYPE, spec, message, entry.loc))
                continue
            findings.extend(
                self.finding(
                    FindingCode.UNKNOWN_FIELD,
                    spec,
                    msg(
                        "'{key}' is not part of a consultant{hint}; use name and role",
                        key=key,
                        hint=did_you_mean(key, ["name", "role"]),
                    ),
                    item.key_loc,
                )
                for key, item in entry.entries.items()
                if key not in ("name", "role")
            )
            name, role = entry.get("name"), entry.get("role")
            if not isinstance(name, Scalar) or not name.text or not name.text.strip():
                message = msg("a consultant needs a name: {{name: ..., role: lead}}")
                findings.append(self.finding(FindingCode.INVALID_TYPE, spec, message, entry.loc))
                continue
            if role is not None and not isinstance(role, Scalar):
                message = msg("a consultant's role is one word or text, not a list or a mapping")
                findings.append(self.finding(FindingCode.INVALID_TYPE, spec, message, role.loc))
                continue
            role_text = role.text.strip() if isinstance(role, Scalar) and role.text else None
            if role_text is not None:  # a role may be given by its label in any language
                role_text = match_option(role_text, spec.roles) or role_text
            people.append(Person(name.text.strip(), role_text))
        return people, findings

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        """Names with roles in brackets ("NAME (National consultant; Zambia)"), split outside
        the brackets only; "Hassan, Nahla & Wael Zakkar" is Nahla Hassan and Wael Zakkar."""
        people: list[Any] = []
        for part in _people_names(text):
            match = _ROLE.match(part)
            if not match:
                people.append(part)
                continue
            name, role = match.group(1).strip(), match.group(2).strip()
            people.append({"name": name, "role": match_option(role, spec.roles) or role})
        return people or None

    def dump(self, value: Any) -> str:
        if not isinstance(value, list):
            return super().dump(value)
        lines = [
            f"  - {{name: {flow_yaml(p['name'])}, role: {flow_yaml(p['role'])}}}"
            if isinstance(p, dict)
            else f"  - {flow_yaml(p)}"
            for p in value
        ]
        return "\n" + "\n".join(lines) if lines else " []"

    def format(
        self,
        value: list[Person],
        spec: Field,
        template: Template,
        lang: str,
        locale: str | None = None,
    ) -> str:
        people = [self._one_person(p, spec, lang) for p in value]
        return locales.format_list(people, locale or lang)

    @staticmethod
    def _one_person(person: Person, spec: Field, lang: str) -> str:
        if not person.role:
            return person.name
        role = spec.roles.get(person.role, {}).get(lang, person.role)
        return f"{person.name} ({role})"

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        first_role = next(iter(spec.roles), "")
        role = spec.roles[first_role].get(lang, first_role) if first_role else ""
        return f"\n  - {{name: , role: {yaml_scalar(role)}}}" if first_role else "\n  - "

    def export(self, value: list[Person]) -> Any:
        return [{"name": p.name, "role": p.role} for p in value]


FIELD_TYPES: dict[str, FieldType[Any]] = {
    kind.name: kind()
    for kind in (
        TextType,
        TextListType,
        LanguageType,
        LocaleType,
        DateType,
        MoneyType,
        ChoiceType,
        CountriesType,
        SdgsType,
        ProjectCodesType,
        PeopleType,
    )
}


# --- written-out values, as import meets them --------------------------------------


@functools.cache
def _months(languages: tuple[str, ...]) -> dict[str, int]:
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for lang in languages:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=lang).items():
                    names[fold(name).rstrip(".")] = number
    return names


def read_date(text: str, languages: tuple[str, ...]) -> str | None:
    """ "Diciembre 2024" -> "2024-12"; "14 November 2025" -> "2025-11-14"."""
    raw = fold(text)
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", raw):
        return raw
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", raw)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    raw = re.sub(r"\b[dl]['’]", "", raw)  # French elision: "d'octobre"
    if not re.search(r"\d{4}", raw):
        return None  # no year: no date, and no need to load the month names (babel)
    tokens = [
        t for t in re.split(r"[\s,.]+", raw) if t and t not in {"de", "del", "le", "of", "the"}
    ]
    months = _months(languages)
    year = month = day = None
    for token in tokens:
        number = re.fullmatch(r"(\d{1,4})(?:st|nd|rd|th|er|o|º)?", token)
        if token in months and month is None:
            month = months[token]
        elif number and len(number.group(1)) == 4 and year is None:
            year = int(number.group(1))
        elif number and len(number.group(1)) <= 2 and day is None:
            day = int(number.group(1))
        else:
            return None
    if year is None or (day is not None and month is None):
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def read_date_range(text: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
    """ "octubre de 2017 a diciembre de 2024", "August–September 2020", "16 au 27 juillet
    2014", "15 Nov 2013 – 31 Jan 2019" -> (start, end); the start takes what it leaves
    out (the year, the month) from the end."""
    for separator in _RANGE_SEPARATORS:
        parts = re.split(separator, fold(text), maxsplit=1)
        if len(parts) != 2:
            continue
        first = re.sub(r"^(?:from|de|del|desde|du|entre)\s+", "", parts[0]).strip()
        end = read_date(parts[1], languages)
        if end is None:
            continue
        start = read_date(first, languages)
        if start is None and re.fullmatch(r"\d{1,2}", first) and len(end) == 10:
            start = f"{end[:8]}{int(first):02d}"  # "16 au 27 juillet 2014"
        elif start is None:
            start = read_date(f"{first} {end[:4]}", languages)  # "August–September 2020"
        if start:
            return start, end
    return None


_RANGE_SEPARATORS = (
    r"\s+(?:to|a|al|à|au|hasta|until|till)\s+",
    r"\s*[–—]\s*",
    r"\s+-\s+",
    r"(?<=[a-z])-(?=[a-z0-9])|(?<=\d{4})-(?=[a-z]|\d{4})",
)
_LIST_PARTS = regexes.compile(r"(\s*(?:[,;&]|\band\b|\by\b|\bet\b|\be\b)\s*(?:(?:and|y|et)\s+)?)")
_CODE_SPACE = regexes.compile(r"^([A-Z]{3})\s+(\d{2}/\d{2}/[A-Z]{3})$")


def _money_signs(text: str) -> str:
    """ "USD $7,950,000" / "US $ 20,000" / "$20,000" -> "USD 7,950,000" / "US$ 20,000" ..."""
    text = re.sub(r"\b([A-Z]{3})\s?\$", r"\1 ", text)
    text = re.sub(r"\bUS\s+\$", "US$", text)
    return re.sub(r"(?<![\w$])\$\s?(?=\d)", "USD ", text)


def _millions(amount: str) -> str | None:
    """ "7.95" (million) -> "7950000"."""
    try:
        value = Decimal(amount) * 1_000_000
    except InvalidOperation:
        return None
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


_PEOPLE_AND = regexes.compile(r"\s+(?:and|y|et)\s+")


def _people_names(text: str) -> list[str]:
    """Names split at commas, semicolons, "&" and "and" outside brackets; "Surname, Given"
    (two single words between commas) turned round."""
    pieces: list[tuple[str, str]] = []  # (name, the separator after it)
    depth, current = 0, ""
    index = 0
    while index < len(text):
        char = text[index]
        depth += {"(": 1, ")": -1}.get(char, 0)
        word = _PEOPLE_AND.match(text, index) if depth == 0 else None
        if depth == 0 and (char in ",;&" or word):
            pieces.append((current.strip(), char if not word else "and"))
            current = ""
            index = word.end() if word else index + 1
            continue
        current += char
        index += 1
    pieces.append((current.strip(), ""))
    names: list[str] = []
    skip = False
    for position, (name, separator) in enumerate(pieces):
        if skip:
            skip = False
            continue
        following = pieces[position + 1][0] if position + 1 < len(pieces) else ""
        if (
            separator == ","
            and len(name.split()) == 1
            and len(following.split()) == 1
            and "(" not in following
            and (
                position + 1 == len(pieces) - 1
                or pieces[position + 1][1] in "&;"
                or pieces[position + 1][1] == "and"
            )
        ):
            names.append(f"{following} {name}")
            skip = True
        elif name:
            names.append(name)
    return names


def option_in_words(text: str, spec: Field, template: Template) -> str | None:
    """The option of ``spec`` a phrase names by whole words ("Independent final evaluation"
    -> final, for timing), its longest name winning; None if it names none."""
    words = _option_words(text)
    best: tuple[int, str] | None = None
    for option, labels in spec.options.items():
        others = template.option_words.get(spec.key, {}).get(option, ())
        for name in (option, *labels.values(), *others):
            wanted = _option_words(name)
            size = len(wanted)
            found = size and any(words[i : i + size] == wanted for i in range(len(words)))
            if found and (best is None or size > best[0]):
                best = (size, option)
    return best[1] if best else None


def _option_words(text: str) -> list[str]:
    """Words for option matching: folded, hyphens gone ("Mid-term" and "midterm" agree)."""
    return re.findall(r"[a-z0-9]+", fold(text).replace("-", "").replace("’", "").replace("'", ""))


def read_amount(text: str) -> str | None:
    """ "7,940,000" / "7.940.000" / "49,123.00" / "49.123,00" -> "7940000" / "49123.00"."""
    digits = re.sub(r"[\u00a0\u202f ]", "", text)
    if not re.fullmatch(r"\d[\d.,]*", digits):
        return None
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif commas or dots:
        mark = "," if commas else "."
        groups = digits.split(mark)
        decimal = (
            ""
            if all(len(g) == 3 for g in groups[1:]) and (len(groups) > 2 or len(groups[-1]) == 3)
            else mark
        )
        if decimal and len(groups) > 2:
            return None
    else:
        decimal = ""
    for mark in {",", "."} - {decimal}:
        digits = digits.replace(mark, "")
    return digits.replace(",", ".") if decimal == "," else digits
