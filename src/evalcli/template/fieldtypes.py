"""Field types: one class per kind of metadata value, owning everything about it.

A type parses a YAML node into a value and findings (``check``), reads a
value back from written-out text (``import``), formats a value for a
language (``render``), describes itself in the JSON Schema (``schema``),
writes its blank (``init``) and its YAML (``import``), and gives its value
to ``export``. Adding a type is adding one class to ``FIELD_TYPES``.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import yaml

from evalcli import locales
from evalcli.diagnostics import Finding, Location
from evalcli.text import did_you_mean, fold, match_option, split_list
from evalcli.yamlnodes import YAML_LOADER, Map, Node, Scalar, Seq

if TYPE_CHECKING:
    from evalcli.template.spec import Field, Template

PROJECT_CODE = re.compile(r"[A-Z]{3}/\d{2}/\d{2}/[A-Z]{3}")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SDG = re.compile(r"(?:(?:sdg|ods|odd)\s*)?(\d{1,2}(?:\.(?:\d{1,2}|[a-z]))?)", re.IGNORECASE)
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
_ROLE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_CURRENCY_SIGNS = {"us$": "USD", "usd$": "USD", "€": "EUR", "£": "GBP", "chf": "CHF"}
_WRITTEN_MONEY = re.compile(
    r"(?P<cur>[A-Z]{3}|US\$|€|£)\s*(?P<amount>\d[\d.,\u00a0\u202f ]*\d|\d)"
    r"(?:\s*(?P<scale>million|millones|millions|m)\b)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_EXAMPLE_COUNTRY = {"en": "GB", "es": "PE", "fr": "FR"}
_TEXT_OR_LIST = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


# --- the values --------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PartialDate:
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


@dataclass(frozen=True)
class Money:
    """An amount in an ISO 4217 currency, with an optional note."""

    amount: Decimal
    currency: str
    note: str | None = None


@dataclass(frozen=True)
class Person:
    """A consultant and, optionally, their role key or text."""

    name: str
    role: str | None = None


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


def flow_yaml(value: Any) -> str:
    """A value as one line of YAML flow style."""
    text: str = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.strip().removesuffix("...").strip()


V = TypeVar("V")  # the value a field type parses to
Item = TypeVar("Item")  # one item of a list-valued type

# --- the base class ----------------------------------------------------------------


class FieldType(Generic[V]):
    """What every field type knows. Subclasses override what differs."""

    name: ClassVar[str]
    is_list: ClassVar[bool] = False  # "none" in an imported summary means []
    needs_options: ClassVar[bool] = False
    what: ClassVar[str] = "text"  # how a finding names one value
    schema_doc: ClassVar[dict[str, Any]] = {"type": "string"}
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
    def schema(self, spec: Field, template: Template) -> dict[str, Any]:
        """The JSON Schema of one value of this field."""
        return dict(self.schema_doc)

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        """What ``init`` writes after ``key:``."""
        return ""

    def export(self, value: V) -> Any:
        """A typed value as JSON data."""
        return value

    # helpers for subclasses
    @staticmethod
    def finding(code: str, spec: Field, message: str, loc: Location) -> Finding:
        return Finding.of(code, f"{spec.key}: {message}", loc, field=spec.key)

    def one(self, node: Node, spec: Field) -> tuple[Scalar | None, list[Finding]]:
        """The node as one scalar, or a finding that it is a list or a mapping."""
        if isinstance(node, Scalar):
            return node, []
        kind = "a list" if isinstance(node, Seq) else "a mapping"
        return None, [
            self.finding("invalid-type", spec, f"expected {self.what}, found {kind}", node.loc)
        ]

    def several(self, node: Node, spec: Field) -> tuple[list[Scalar], list[Finding]]:
        """One scalar or a list of them; mappings and nested lists are findings."""
        if isinstance(node, Map):
            message = f"expected {self.what} or a list of them, found a mapping"
            return [], [self.finding("invalid-type", spec, message, node.loc)]
        if isinstance(node, Scalar):
            return ([node] if node.text is not None and node.text.strip() else []), []
        findings = [
            self.finding(
                "invalid-type", spec, f"expected {self.what}, found a nested structure", item.loc
            )
            for item in node.items
            if not isinstance(item, Scalar)
        ]
        return [item for item in node.items if isinstance(item, Scalar) and item.text], findings


def one_or_list(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a field that takes one such value or a list of them."""
    return {"anyOf": [schema, {"type": "array", "items": schema}]}


class EachType(FieldType[list[Item]]):
    """A type whose value is one scalar or a list, each item parsed on its own by ``item``."""

    code: ClassVar[str]  # the finding code of an item that does not parse

    def item(self, text: str, lang: str) -> tuple[Item | None, str]:
        """(value, "") for one item, or (None, what is wrong and how to fix it)."""
        raise NotImplementedError

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[list[Item] | None, list[Finding]]:
        items, findings = self.several(node, spec)
        values = []
        for scalar in items:
            value, message = self.item(str(scalar.text).strip(), lang)
            if value is None:
                findings.append(self.finding(self.code, spec, message, scalar.loc))
            else:
                values.append(value)
        return values, findings


# --- the types ---------------------------------------------------------------------


class TextType(FieldType[str]):
    """Free text on one line."""

    name = "text"

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return template.name if spec.key == "template" else ""


class TextListType(FieldType[list[str]]):
    """One text or a list of texts; ``join: comma`` prints them with commas."""

    name = "text_list"
    is_list = True
    schema_doc: ClassVar[dict[str, Any]] = _TEXT_OR_LIST

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[list[str] | None, list[Finding]]:
        items, findings = self.several(node, spec)
        return [s.text.strip() for s in items if s.text], findings

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        if spec.join == "comma":
            return [part.strip() for part in re.split(r"\s*[,;]\s*", text) if part.strip()]
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
    what = "a language code"

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[str | None, list[Finding]]:
        value, findings = super().parse(node, spec, template, lang)
        if value is None or findings or value.lower() in template.languages:
            return (value.lower() if value and not findings else None), findings
        message = f"'{value}' is not one of {', '.join(template.languages)}"
        return None, [self.finding("invalid-choice", spec, message, node.loc)]

    def schema(self, spec: Field, template: Template) -> dict[str, Any]:
        return {"enum": list(template.languages)}

    def blank(self, spec: Field, template: Template, lang: str) -> str:
        return lang


class LocaleType(FieldType[str]):
    """How numbers, amounts and dates are written: a language and a country, "es-PE".

    The language must be the report's: a Spanish report may be written for
    Peru (es-PE: "USD 7,940,000") or Spain (es-ES: "USD 7.940.000"), not in
    French formats. Stored as the BCP 47 tag; babel (CLDR) must know it.
    """

    name = "locale"
    what = "a locale"
    schema_doc: ClassVar[dict[str, Any]] = {
        "type": "string",
        "pattern": r"^[a-zA-Z]{2,3}([-_][A-Za-z]{4})?([-_]([A-Za-z]{2}|\d{3}))?$",
    }

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[str | None, list[Finding]]:
        value, findings = super().parse(node, spec, template, lang)
        if value is None or findings:
            return None, findings
        found = locales.known_locale(value)
        if found is None:
            message = (
                f"'{value}' is not a locale; write the report's language and its country, "
                f"e.g. {lang}-{_EXAMPLE_COUNTRY.get(lang, 'GB')}"
            )
            return None, [self.finding("invalid-choice", spec, message, node.loc)]
        if found.split("_")[0] != lang:
            message = (
                f"'{value}' is not in the report's language '{lang}'; numbers and dates "
                f"follow the locale, so use one in '{lang}', e.g. "
                f"{lang}-{_EXAMPLE_COUNTRY.get(lang, 'GB')}"
            )
            return None, [self.finding("invalid-choice", spec, message, node.loc)]
        return locales.bcp47(found), []


class DateType(FieldType[PartialDate]):
    """YYYY, YYYY-MM or YYYY-MM-DD; printed as "December 2024" in the report's language."""

    name = "date"
    worded = True
    what = "a date"
    schema_doc: ClassVar[dict[str, Any]] = {
        "type": "string",
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    }

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[PartialDate | None, list[Finding]]:
        scalar, findings = self.one(node, spec)
        if scalar is None or scalar.text is None:
            return None, findings
        text = scalar.text.strip()
        hint = "write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-12"
        match = _DATE.fullmatch(text)
        if not match:
            return None, [
                self.finding("invalid-date", spec, f"'{text}' is not a date; {hint}", scalar.loc)
            ]
        year = int(match.group(1))
        month, day = (int(g) if g else None for g in match.groups()[1:])
        problem = None
        if month is not None and not 1 <= month <= 12:
            problem = f"'{text}' has no month {month}; {hint}"
        elif day is not None and month and not 1 <= day <= calendar.monthrange(year, month)[1]:
            problem = f"'{text}': day {day} does not exist in that month"
        if problem:
            return None, [self.finding("invalid-date", spec, problem, scalar.loc)]
        return PartialDate(year, month, day), []

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        return read_date(text, template.languages)

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
    form = "write it as {amount: 7940000, currency: USD}"
    schema_doc: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "amount": {"type": ["number", "string"], "pattern": r"^\d+(\.\d+)?$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "note": {"type": "string"},
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }

    def parse(
        self, node: Node, spec: Field, template: Template, lang: str
    ) -> tuple[Money | None, list[Finding]]:
        if not isinstance(node, Map):
            message = f"expected an amount and a currency; {self.form}"
            return None, [self.finding("invalid-money", spec, message, node.loc)]
        findings = [
            self.finding(
                "unknown-field",
                spec,
                f"'{entry.key}' is not part of an amount"
                f"{did_you_mean(entry.key, ['amount', 'currency', 'note'])}; "
                "use amount, currency and note",
                entry.key_loc,
            )
            for entry in node.entries.values()
            if entry.key not in ("amount", "currency", "note")
        ]
        amount = self._amount(node, spec, findings)
        currency = self._currency(node, spec, findings)
        note_node = node.get("note")
        note = note_node.text if isinstance(note_node, Scalar) else None
        if amount is None or currency is None:
            return None, findings
        return Money(amount, currency, note), findings

    def _amount(self, node: Map, spec: Field, findings: list[Finding]) -> Decimal | None:
        amount_node = node.get("amount")
        if not isinstance(amount_node, Scalar) or not amount_node.text:
            message = f"the amount is missing; {self.form}"
            findings.append(self.finding("invalid-money", spec, message, node.loc))
            return None
        raw = amount_node.text.strip().replace("_", "")
        if _AMOUNT.fullmatch(raw):
            try:
                return Decimal(raw)
            except InvalidOperation:  # pragma: no cover - the regex admits only numbers
                pass
        message = (
            f"amount '{amount_node.text}' is not a number; write digits with no thousands "
            "separators or currency sign, e.g. 7940000 or 49123.00"
        )
        findings.append(self.finding("invalid-money", spec, message, amount_node.loc))
        return None

    def _currency(self, node: Map, spec: Field, findings: list[Finding]) -> str | None:
        currency_node = node.get("currency")
        if not isinstance(currency_node, Scalar) or not currency_node.text:
            message = f"the currency is missing; {self.form}"
            findings.append(self.finding("invalid-currency", spec, message, node.loc))
            return None
        code = currency_node.text.strip()
        if code.upper() in locales.currencies() and code == code.upper():
            return code
        hint = (
            f"; write '{code.upper()}'"
            if code.upper() in locales.currencies()
            else "; use an ISO 4217 code such as USD, EUR or CHF"
        )
        message = f"'{code}' is not an ISO 4217 currency code{hint}"
        findings.append(self.finding("invalid-currency", spec, message, currency_node.loc))
        return None

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        found = self.read_with_rest(text)
        return found[0] if found and not found[1] else None

    @staticmethod
    def read_with_rest(text: str) -> tuple[dict[str, str], str] | None:
        """ "U.S.A – USD 7,940,000 tras ..." -> ({amount, currency, note}, "U.S.A")."""
        for match in _WRITTEN_MONEY.finditer(text):
            code = match.group("cur")
            currency = _CURRENCY_SIGNS.get(code.lower(), code.upper())
            if currency not in locales.currencies() or (len(code) == 3 and code != code.upper()):
                continue
            amount = read_amount(match.group("amount").strip())
            if amount is None or match.group("scale"):
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
        parts = [f"amount: {value['amount']}", f"currency: {value['currency']}"]
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
    what = "one of the listed values"

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
        message = (
            f"'{scalar.text}' is not one of: {', '.join(keys)}{did_you_mean(scalar.text, keys)}"
        )
        return None, [self.finding("invalid-choice", spec, message, scalar.loc)]

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        return match_option(text, spec.options)

    def format(
        self, value: str, spec: Field, template: Template, lang: str, locale: str | None = None
    ) -> str:
        return spec.options[value][lang]

    def schema(self, spec: Field, template: Template) -> dict[str, Any]:
        return {
            "enum": sorted({*spec.options, *(v for o in spec.options.values() for v in o.values())})
        }


class CountriesType(EachType[str]):
    """ISO 3166 codes, or names in the report's language; printed as names."""

    name = "countries"
    worded = True
    is_list = True
    what = "a country"
    code = "invalid-country"
    schema_doc: ClassVar[dict[str, Any]] = _TEXT_OR_LIST

    def item(self, text: str, lang: str) -> tuple[str | None, str]:
        code = locales.country_code(text, lang)
        if code:
            return code, ""
        hint = (
            "use the two-letter ISO 3166 code"
            if re.fullmatch(r"[A-Z]{3}", text)
            else f"use an ISO 3166 code such as PE, or the name as written in '{lang}'"
        )
        return None, f"'{text}' is not a country or region; {hint}"

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        codes = []
        for part in split_list(text):
            found = [locales.country_code(part, other) for other in (lang, *template.languages)]
            code = next((c for c in found if c), None)
            if code is None:
                return None
            codes.append(code)
        return codes

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
    what = "an SDG target"
    code = "invalid-sdg"
    schema_doc: ClassVar[dict[str, Any]] = one_or_list(
        {
            "type": "string",
            "pattern": r"^((SDG|ODS|ODD|sdg|ods|odd)\s*)?\d{1,2}(\.(\d{1,2}|[a-z]))?$",
        }
    )

    def item(self, text: str, lang: str) -> tuple[str | None, str]:
        target = parse_sdg(text)
        if target:
            return target, ""
        match = _SDG.fullmatch(text)
        if not match:
            return None, f'\'{text}\' is not an SDG target; write it as "8.7" or "SDG 8.7"'
        goal = match.group(1).split(".")[0]
        why = (
            "there are 17 goals" if goal not in sdg_targets() else f"goal {goal} has no such target"
        )
        return None, (
            f"SDG '{text}' does not exist ({why}); use a target from the official list, e.g. 8.7"
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
    what = "a project code"
    code = "invalid-project-code"
    schema_doc: ClassVar[dict[str, Any]] = one_or_list(
        {"type": "string", "pattern": r"^[A-Z]{3}/\d{2}/\d{2}/[A-Z]{3}$"}
    )

    def item(self, text: str, lang: str) -> tuple[str | None, str]:
        if PROJECT_CODE.fullmatch(text):
            return text, ""
        if PROJECT_CODE.fullmatch(text.upper()):
            return None, f"'{text}' must be in capitals: '{text.upper()}'"
        return None, (
            f"'{text}' is not an ILO project code; write three letters, two digits, "
            "two digits and three letters, e.g. PER/17/51/USA"
        )

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        codes = split_list(text)
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
    _person: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
                "required": ["name"],
                "additionalProperties": False,
            },
        ]
    }
    schema_doc: ClassVar[dict[str, Any]] = one_or_list(_person)

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
                message = "expected a name or {name: ..., role: ...}"
                findings.append(self.finding("invalid-type", spec, message, entry.loc))
                continue
            findings.extend(
                self.finding(
                    "unknown-field",
                    spec,
                    f"'{key}' is not part of a consultant"
                    f"{did_you_mean(key, ['name', 'role'])}; use name and role",
                    item.key_loc,
                )
                for key, item in entry.entries.items()
                if key not in ("name", "role")
            )
            name, role = entry.get("name"), entry.get("role")
            if not isinstance(name, Scalar) or not name.text:
                message = "a consultant needs a name: {name: ..., role: lead}"
                findings.append(self.finding("invalid-type", spec, message, entry.loc))
                continue
            role_text = role.text.strip() if isinstance(role, Scalar) and role.text else None
            people.append(Person(name.text.strip(), role_text))
        return people, findings

    def read(self, text: str, spec: Field, template: Template, lang: str) -> Any | None:
        people: list[Any] = []
        for part in split_list(text):
            match = _ROLE.match(part)
            if not match:
                people.append(part)
                continue
            name, role = match.group(1).strip(), match.group(2).strip()
            people.append({"name": name, "role": match_option(role, spec.roles) or role})
        return people

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
        return f"\n  - {{name: , role: {first_role}}}" if first_role else "\n  - "

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
