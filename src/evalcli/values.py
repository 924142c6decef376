"""Typed values parsed from metadata nodes; each parser says what is wrong and where.

``check`` reports the problems; ``render`` formats the values. A parser
returns ``(value, problems)``: value is None when nothing usable was found.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from evalcli.localedata import country_code, currencies
from evalcli.model import Location, Map, Node, Scalar, Seq
from evalcli.textutil import did_you_mean, fold
from evalcli.yamlsource import YAML_LOADER

Problem = tuple[str, str, Location]  # (code, message, where)

PROJECT_CODE = re.compile(r"[A-Z]{3}/\d{2}/\d{2}/[A-Z]{3}")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SDG = re.compile(r"(?:(?:sdg|ods|odd)\s*)?(\d{1,2}(?:\.(?:\d{1,2}|[a-z]))?)", re.IGNORECASE)
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")


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


def scalars(node: Node | None) -> list[Scalar]:
    """A scalar or a list of scalars, as a list; nested structures are skipped."""
    if isinstance(node, Scalar):
        return [node] if node.text is not None and node.text.strip() else []
    if isinstance(node, Seq):
        return [item for item in node.items if isinstance(item, Scalar) and item.text]
    return []


def expect_scalar(node: Node, what: str) -> tuple[Scalar | None, list[Problem]]:
    if isinstance(node, Scalar):
        return node, []
    kind = "a list" if isinstance(node, Seq) else "a mapping"
    return None, [("invalid-type", f"expected {what}, found {kind}", node.loc)]


def expect_scalars(node: Node, what: str) -> tuple[list[Scalar], list[Problem]]:
    """One scalar or a list of them; mappings and nested lists are problems."""
    if isinstance(node, Map):
        return [], [
            ("invalid-type", f"expected {what} or a list of them, found a mapping", node.loc)
        ]
    problems: list[Problem] = []
    if isinstance(node, Seq):
        for item in node.items:
            if not isinstance(item, Scalar):
                problems.append(
                    ("invalid-type", f"expected {what}, found a nested structure", item.loc)
                )
    return scalars(node), problems


def parse_date(node: Node) -> tuple[PartialDate | None, list[Problem]]:
    scalar, problems = expect_scalar(node, "a date")
    if scalar is None or scalar.text is None:
        return None, problems
    text = scalar.text.strip()
    match = _DATE.fullmatch(text)
    hint = "write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-12"
    if not match:
        return None, [("invalid-date", f"'{text}' is not a date; {hint}", scalar.loc)]
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None, [("invalid-date", f"'{text}' has no month {month}; {hint}", scalar.loc)]
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return None, [
                ("invalid-date", f"'{text}': day {day} does not exist in that month", scalar.loc)
            ]
    return PartialDate(year, month, day), []


def parse_money(node: Node) -> tuple[Money | None, list[Problem]]:
    form = "write it as {amount: 7940000, currency: USD}"
    if not isinstance(node, Map):
        return None, [("invalid-money", f"expected an amount and a currency; {form}", node.loc)]
    problems: list[Problem] = []
    for entry in node.entries.values():
        if entry.key not in ("amount", "currency", "note"):
            problems.append(
                (
                    "unknown-field",
                    f"'{entry.key}' is not part of an amount"
                    f"{did_you_mean(entry.key, ['amount', 'currency', 'note'])}; "
                    "use amount, currency and note",
                    entry.key_loc,
                )
            )
    amount_node = node.get("amount")
    currency_node = node.get("currency")
    amount = None
    if amount_node is None or not isinstance(amount_node, Scalar) or not amount_node.text:
        problems.append(("invalid-money", f"the amount is missing; {form}", node.loc))
    else:
        raw = amount_node.text.strip().replace("_", "")
        if _AMOUNT.fullmatch(raw):
            try:
                amount = Decimal(raw)
            except InvalidOperation:  # pragma: no cover - the regex admits only numbers
                amount = None
        if amount is None:
            problems.append(
                (
                    "invalid-money",
                    f"amount '{amount_node.text}' is not a number; "
                    "write digits with no thousands separators or currency sign, "
                    "e.g. 7940000 or 49123.00",
                    amount_node.loc,
                )
            )
    currency = None
    if currency_node is None or not isinstance(currency_node, Scalar) or not currency_node.text:
        problems.append(("invalid-currency", f"the currency is missing; {form}", node.loc))
    else:
        code = currency_node.text.strip()
        if code.upper() in currencies() and code == code.upper():
            currency = code
        else:
            hint = (
                f"; write '{code.upper()}'"
                if code.upper() in currencies()
                else "; use an ISO 4217 code such as USD, EUR or CHF"
            )
            problems.append(
                (
                    "invalid-currency",
                    f"'{code}' is not an ISO 4217 currency code{hint}",
                    currency_node.loc,
                )
            )
    note_node = node.get("note")
    note = note_node.text if isinstance(note_node, Scalar) else None
    if amount is None or currency is None:
        return None, problems
    return Money(amount, currency, note), problems


def parse_project_codes(node: Node) -> tuple[list[str], list[Problem]]:
    items, problems = expect_scalars(node, "a project code")
    codes = []
    for scalar in items:
        assert scalar.text is not None
        text = scalar.text.strip()
        if PROJECT_CODE.fullmatch(text):
            codes.append(text)
        elif PROJECT_CODE.fullmatch(text.upper()):
            problems.append(
                (
                    "invalid-project-code",
                    f"'{text}' must be in capitals: '{text.upper()}'",
                    scalar.loc,
                )
            )
        else:
            problems.append(
                (
                    "invalid-project-code",
                    f"'{text}' is not an ILO project code; "
                    "write three letters, two digits, two digits and three letters, "
                    "e.g. PER/17/51/USA",
                    scalar.loc,
                )
            )
    return codes, problems


@functools.cache
def sdg_targets() -> frozenset[str]:
    """Every official SDG target ("8.7", "16.a") and goal ("8")."""
    path = Path(__file__).parent / "data" / "sdg_targets.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    return frozenset(list(data) + [target for targets in data.values() for target in targets])


def parse_sdg(text: str) -> str | None:
    """ "SDG 8.7", "ODS 8.7" or "8.7" -> "8.7", if that target exists."""
    match = _SDG.fullmatch(text.strip())
    if not match:
        return None
    target = match.group(1).lower()
    return target if target in sdg_targets() else None


def parse_sdgs(node: Node) -> tuple[list[str], list[Problem]]:
    items, problems = expect_scalars(node, "an SDG target")
    targets = []
    for scalar in items:
        assert scalar.text is not None
        target = parse_sdg(scalar.text)
        if target:
            targets.append(target)
            continue
        match = _SDG.fullmatch(scalar.text.strip())
        if match:
            goal = match.group(1).split(".")[0]
            why = (
                "there are 17 goals"
                if goal not in sdg_targets()
                else f"goal {goal} has no such target"
            )
            message = (
                f"SDG '{scalar.text}' does not exist ({why}); "
                "use a target from the official list, e.g. 8.7"
            )
        else:
            message = f'\'{scalar.text}\' is not an SDG target; write it as "8.7" or "SDG 8.7"'
        problems.append(("invalid-sdg", message, scalar.loc))
    return targets, problems


def parse_choice(
    node: Node, options: dict[str, dict[str, str]]
) -> tuple[str | None, list[Problem]]:
    scalar, problems = expect_scalar(node, "one of the listed values")
    if scalar is None or scalar.text is None:
        return None, problems
    wanted = fold(scalar.text)
    for key, labels in options.items():
        if wanted == fold(key) or any(wanted == fold(label) for label in labels.values()):
            return key, []
    keys = list(options)
    return None, [
        (
            "invalid-choice",
            f"'{scalar.text}' is not one of: {', '.join(keys)}{did_you_mean(scalar.text, keys)}",
            scalar.loc,
        )
    ]


def parse_countries(node: Node, lang: str) -> tuple[list[str], list[Problem]]:
    items, problems = expect_scalars(node, "a country")
    codes = []
    for scalar in items:
        assert scalar.text is not None
        code = country_code(scalar.text.strip(), lang)
        if code:
            codes.append(code)
            continue
        hint = (
            "; use the two-letter ISO 3166 code"
            if re.fullmatch(r"[A-Z]{3}", scalar.text)
            else f"; use an ISO 3166 code such as PE, or the name as written in '{lang}'"
        )
        problems.append(
            ("invalid-country", f"'{scalar.text}' is not a country or region{hint}", scalar.loc)
        )
    return codes, problems


def parse_people(node: Node) -> tuple[list[Person], list[Problem]]:
    entries = node.items if isinstance(node, Seq) else [node]
    people: list[Person] = []
    problems: list[Problem] = []
    for entry in entries:
        if isinstance(entry, Scalar):
            if entry.text and entry.text.strip():
                people.append(Person(entry.text.strip()))
        elif isinstance(entry, Map):
            name = entry.get("name")
            role = entry.get("role")
            for key, item in entry.entries.items():
                if key not in ("name", "role"):
                    problems.append(
                        (
                            "unknown-field",
                            f"'{key}' is not part of a consultant"
                            f"{did_you_mean(key, ['name', 'role'])}; use name and role",
                            item.key_loc,
                        )
                    )
            if not isinstance(name, Scalar) or not name.text:
                problems.append(
                    (
                        "invalid-type",
                        "a consultant needs a name: {name: ..., role: lead}",
                        entry.loc,
                    )
                )
                continue
            people.append(
                Person(
                    name.text.strip(),
                    role.text.strip() if isinstance(role, Scalar) and role.text else None,
                )
            )
        else:
            problems.append(
                ("invalid-type", "expected a name or {name: ..., role: ...}", entry.loc)
            )
    return people, problems


def parse_text(node: Node) -> tuple[str | None, list[Problem]]:
    scalar, problems = expect_scalar(node, "text")
    return (scalar.text.strip() if scalar and scalar.text else None), problems


def parse_text_list(node: Node) -> tuple[list[str], list[Problem]]:
    items, problems = expect_scalars(node, "text")
    return [s.text.strip() for s in items if s.text], problems
