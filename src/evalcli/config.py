"""Project settings: ``[tool.evalcli]`` in pyproject.toml, or an ``evalcli.toml``, found upward.

The settings file belongs to the repository's owner and is trusted (it may
allow template folders); report folders are not. Like report content, the
settings are validated in full: every unknown key, wrong value or unknown rule
code is a finding with its file and line, and all of them are reported at once.

Rule settings re-grade or drop findings in every command::

    [tool.evalcli]
    ignore = ["unknown-attribute"]

    [tool.evalcli.severity]
    missing-follow-up = "info"

    [tool.evalcli.per-path-ignores]
    "content/archive/**" = ["missing-follow-up"]

Globs are relative to the folder of the settings file; ``**`` matches any
number of folders, ``*`` and ``?`` never cross a ``/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from evalcli import regexes
from evalcli.diagnostics import CODES, Finding, FindingCode, Location, Severity
from evalcli.i18n import CHOICES, Message, msg, verbatim
from evalcli.records import Record, field, replace

SETTINGS_FILE = "evalcli.toml"
PYPROJECT = "pyproject.toml"
MAX_SETTINGS_BYTES = 1024 * 1024
LEVELS: tuple[Severity, ...] = ("error", "warning", "info")

# every setting: its default and a check of its value (None: fine; else what is wrong)
_FORMATS = ("docx", "pdf", "md")
_STANDARDS = ("a-2b", "a-3b", "ua-1")
_ENGINES = ("typst", "libreoffice")


def _texts(value: Any) -> Message | None:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return None
    return msg('must be a list of text, e.g. ["a", "b"]')


def _text(value: Any) -> Message | None:
    return None if isinstance(value, str) and value else msg("must be text")


def _choices(*choices: str) -> Any:
    def check(value: Any) -> Message | None:
        if isinstance(value, str) and value in choices:
            return None
        return msg("must be one of {choices}", choices=", ".join(choices))

    return check


def _formats(value: Any) -> Message | None:
    problem = _texts(value)
    if problem or not value:
        return problem or msg("must list at least one format")
    wrong = [v for v in value if v not in _FORMATS]
    if not wrong:
        return None
    return msg(
        "formats: choose from {choices} (not {wrong})",
        choices=", ".join(_FORMATS),
        wrong=", ".join(wrong),
    )


def _bool(value: Any) -> Message | None:
    return None if isinstance(value, bool) else msg("must be true or false")


def _jobs(value: Any) -> Message | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 256
    return None if ok else msg("must be a whole number from 1 to 256")


def _codes_list(value: Any) -> Message | None:
    return _texts(value)


def _table(value: Any) -> Message | None:
    return None if isinstance(value, dict) else msg("must be a table")


class Option(Record, frozen=True):
    """One setting: its default, how its value is checked, and what it is for."""

    default: Any
    check: Any
    help: str


OPTIONS: dict[str, Option] = {
    "content": Option(["content"], _texts, "folders searched for reports when none is named"),
    "output": Option("build", _text, "folder build writes the documents into"),
    "name": Option("{folder}", _text, "output file name pattern ({folder}, {project_code} ...)"),
    "formats": Option(["docx", "pdf"], _formats, "formats build makes"),
    "lang": Option(None, _text, "language of the labels in built documents"),
    "languages": Option(None, _texts, "languages reports may be written in"),
    "pdf-standard": Option(None, _choices(*_STANDARDS), "archival PDF standard"),
    "pdf-engine": Option("typst", _choices(*_ENGINES), "PDF engine"),
    "strict": Option(False, _bool, "warnings fail too"),
    "template-dirs": Option([], _texts, "template folders reports may name"),
    "jobs": Option(None, _jobs, "processes for check and build (default: the cores available)"),
    "ignore": Option([], _codes_list, "finding codes dropped everywhere"),
    "severity": Option({}, _table, "finding codes re-graded: error, warning or info"),
    "per-path-ignores": Option({}, _table, "finding codes dropped under a path glob"),
    "messages": Option(
        None, _choices(*CHOICES), "language of messages: en, es, fr or report (default: locale)"
    ),
}
_PATHS = ("content", "output", "template-dirs")  # relative to the settings file


class PathRule(Record, frozen=True):
    """Codes ignored for files matching a glob."""

    glob: str
    pattern: re.Pattern[str]
    codes: frozenset[str]


class Settings(Record):
    """The settings in effect, where each came from, and what was wrong in the file."""

    root: Path  # the folder of the settings file, or the working folder without one
    file: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    path_rules: tuple[PathRule, ...] = ()

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def path(self, key: str) -> Path:
        """A path setting, relative to the working folder when it lies inside it."""
        return _relative(self.root / self.values[key])

    def paths(self, key: str) -> list[Path]:
        return [_relative(self.root / value) for value in self.values[key]]

    def with_option(self, key: str, value: Any, source: str = "command line") -> Settings:
        """A copy with a command-line value in place of the file's (None: no change)."""
        if value is None:
            return self
        return replace(
            self, values={**self.values, key: value}, sources={**self.sources, key: source}
        )

    # --- rules ---------------------------------------------------------------------

    def level(self, code: str, file: Path, default: Severity) -> Severity | None:
        """The severity a finding with ``code`` in ``file`` gets; None when it is ignored."""
        if code not in _ADJUSTABLE:
            return default
        relative = _posix_relative(file, self.root) if self.path_rules else None
        if code in self.values["ignore"] or (
            relative is not None
            and any(code in rule.codes and rule.pattern.match(relative) for rule in self.path_rules)
        ):
            return None
        level: Severity = self.values["severity"].get(code, default)
        return level

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings with ignored codes dropped and re-graded ones at their new severity."""
        if not (self.values["ignore"] or self.values["severity"] or self.path_rules):
            return findings
        kept = []
        for finding in findings:
            level = self.level(finding.code, finding.loc.file, finding.severity)
            if level is None:
                continue
            kept.append(finding if level == finding.severity else replace(finding, severity=level))
        return kept

    def rules_digest(self) -> str:
        """The rule settings as text, for a build manifest: changing them rebuilds."""
        rules = sorted((r.glob, sorted(r.codes)) for r in self.path_rules)
        return repr((sorted(self.values["ignore"]), sorted(self.values["severity"].items()), rules))


# codes a setting may drop or re-grade: those about content. A file that cannot be read
# (exit 2) or a tool that failed (exit 3) is never waived.
_ADJUSTABLE = frozenset(name for name, code in CODES.items() if code.exit_code <= 1)


def _relative(path: Path) -> Path:
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def _posix_relative(file: Path, root: Path) -> str | None:
    relative = os.path.relpath(_absolute(file), _absolute(root))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return Path(relative).as_posix()


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A path glob as a regular expression: ``**`` any folders, ``*`` and ``?`` within one.

    A glob that names a folder also matches everything under it.
    """
    parts = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            end = glob.find("]", index + 1)
            if end > index + 1:
                body = glob[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                parts.append(f"[{body}]")
                index = end + 1
                continue
            parts.append(re.escape(char))
        else:
            parts.append(re.escape(char))
        index += 1
    body = "".join(parts).rstrip("/")
    return regexes.compile(f"{body}(?:/.*)?\\Z", keep=False)  # a project's own: not kept


# --- finding the file -------------------------------------------------------------------


def find_settings(start: Path) -> tuple[Path | None, dict[str, Any] | None, str]:
    """(file, its evalcli table, its text) for the nearest settings file at or above ``start``.

    In one folder evalcli.toml wins over pyproject.toml; a pyproject.toml
    without ``[tool.evalcli]`` is passed over. A file that cannot be parsed is
    returned with table None, so that the caller reports where.
    """
    folder = start.resolve()
    while True:
        for name in (SETTINGS_FILE, PYPROJECT):
            candidate = folder / name
            if not candidate.is_file():
                continue
            text = _read(candidate)
            with regexes.library_patterns():  # only where there is a settings file
                import tomllib

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                if name == PYPROJECT and "[tool.evalcli" not in text:
                    continue
                return candidate, None, text
            if name == SETTINGS_FILE:
                return candidate, data, text
            tool = data.get("tool")
            if isinstance(tool, dict) and "evalcli" in tool:
                table = tool["evalcli"]
                return candidate, table if isinstance(table, dict) else {"": table}, text
        if folder.parent == folder:
            return None, None, ""
        folder = folder.parent


def _read(path: Path) -> str:
    with path.open("rb") as stream:
        data = stream.read(MAX_SETTINGS_BYTES + 1)
    return data[:MAX_SETTINGS_BYTES].decode("utf-8", errors="replace")


# --- where a key is written --------------------------------------------------------------

_HEADER = regexes.compile(r"^\s*\[\s*([^\]\[]+?)\s*\]\s*(?:#.*)?$")
_KEY = regexes.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\-]+)\s*=""")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^.\s]+', text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


class _Lines:
    """Where each key of a TOML file is written: (table, key) -> line number."""

    def __init__(self, text: str, prefix: tuple[str, ...]) -> None:
        self.lines = text.split("\n")
        self.where: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                table = _split_key(header.group(1))
                self.where.setdefault(
                    table[len(prefix) :] if table[: len(prefix)] == prefix else ("\0",), number
                )
                continue
            key = _KEY.match(line)
            if key:
                full = table + _split_key(key.group(1))
                if full[: len(prefix)] == prefix:
                    self.where.setdefault(full[len(prefix) :], number)
        self.prefix = prefix

    def line(self, *key: str) -> int:
        while key:
            if key in self.where:
                return self.where[key]
            key = key[:-1]
        return self.where.get((), 1)

    def value_line(self, text: str, *key: str) -> int:
        """The first line at or after ``key`` that holds ``"text"``."""
        start = self.line(*key)
        for number in range(start, min(start + 200, len(self.lines) + 1)):
            if f'"{text}"' in self.lines[number - 1] or f"'{text}'" in self.lines[number - 1]:
                return number
        return start


# --- validation --------------------------------------------------------------------------


def _hint(word: str, choices: list[str]) -> Message:
    from difflib import get_close_matches  # only for a misspelt setting

    close = get_close_matches(word, choices, n=1)
    return msg("; did you mean '{word}'?", word=close[0]) if close else verbatim("")


class _Validator:
    def __init__(self, file: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.file = file
        self.lines = _Lines(text, prefix)
        self.findings: list[Finding] = []

    def finding(self, code: FindingCode, message: Message, line: int) -> None:
        self.findings.append(Finding.of(code, message, Location(self.file, line, 1), field=None))

    def codes(self, key: tuple[str, ...], codes: list[str]) -> frozenset[str]:
        good = set()
        for code in codes:
            line = self.lines.value_line(code, *key)
            if code not in CODES:
                self.finding(
                    FindingCode.CONFIG_VALUE,
                    msg(
                        "{key}: '{code}' is not a finding code{hint}",
                        key=".".join(key),
                        code=code,
                        hint=_hint(code, list(CODES)),
                    ),
                    line,
                )
            elif code not in _ADJUSTABLE:
                self.finding(
                    FindingCode.CONFIG_VALUE,
                    msg(
                        "{key}: '{code}' means a file could not be read or a tool "
                        "failed; it cannot be ignored or re-graded",
                        key=".".join(key),
                        code=code,
                    ),
                    line,
                )
            else:
                good.add(code)
        return frozenset(good)


def load_settings(start: Path | None = None) -> Settings:
    """The settings in effect from the working folder (or ``start``): file values over defaults."""
    start = start or Path.cwd()
    file, table, text = find_settings(start)
    values = {key: option.default for key, option in OPTIONS.items()}
    sources = dict.fromkeys(OPTIONS, "default")
    if file is None:
        return Settings(start, None, values, sources)
    prefix: tuple[str, ...] = ("tool", "evalcli") if file.name == PYPROJECT else ()
    check = _Validator(file, text, prefix)
    settings = Settings(file.parent, file, values, sources)
    if table is None:
        with regexes.library_patterns():
            import tomllib

        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"at line (\d+), column (\d+)", str(exc))
            line = int(match.group(1)) if match else text.count("\n") + 1  # at the end
            message = str(exc).split(" (at line")[0]
            check.finding(
                FindingCode.CONFIG_SYNTAX,
                msg("{file} is not valid TOML: {problem}", file=file.name, problem=message),
                line,
            )
        settings.findings = check.findings
        return settings
    for key, value in table.items():
        line = check.lines.line(key)
        option = OPTIONS.get(key)
        if option is None:
            check.finding(
                FindingCode.CONFIG_KEY,
                msg(
                    "'{key}' is not a setting{hint}; settings are {settings}",
                    key=key,
                    hint=_hint(key, list(OPTIONS)),
                    settings=", ".join(OPTIONS),
                ),
                line,
            )
            continue
        problem = option.check(value)
        if problem:
            check.finding(
                FindingCode.CONFIG_VALUE, msg("{key} {problem}", key=key, problem=problem), line
            )
            continue
        source = f"{file.name}:{line}"
        if key == "ignore":
            value = sorted(check.codes((key,), value))
        elif key == "severity":
            value = _severity(check, value)
        elif key == "per-path-ignores":
            settings.path_rules = _path_rules(check, value)
            value = {rule.glob: sorted(rule.codes) for rule in settings.path_rules}
        values[key], sources[key] = value, source
    settings.findings = check.findings
    return settings


def _severity(check: _Validator, table: dict[str, Any]) -> dict[str, Severity]:
    levels: dict[str, Severity] = {}
    for code, level in table.items():
        line = check.lines.line("severity", code)
        if not check.codes(("severity",), [code]):
            continue
        if level not in LEVELS:
            check.finding(
                FindingCode.CONFIG_VALUE,
                msg("severity.{code} must be one of {levels}", code=code, levels=", ".join(LEVELS)),
                line,
            )
            continue
        levels[code] = level
    return levels


def _path_rules(check: _Validator, table: dict[str, Any]) -> tuple[PathRule, ...]:
    rules = []
    for glob, codes in table.items():
        line = check.lines.line("per-path-ignores", glob)
        if _texts(codes):
            check.finding(
                FindingCode.CONFIG_VALUE,
                msg('per-path-ignores."{glob}" must be a list of finding codes', glob=glob),
                line,
            )
            continue
        if glob.startswith("/") or ".." in glob.split("/"):
            check.finding(
                FindingCode.CONFIG_VALUE,
                msg(
                    'per-path-ignores: "{glob}" must be a glob relative to the settings file',
                    glob=glob,
                ),
                line,
            )
            continue
        good = check.codes(("per-path-ignores", glob), codes)
        if good:
            rules.append(PathRule(glob, glob_pattern(glob.removeprefix("./")), good))
    return tuple(rules)


def describe(settings: Settings) -> list[tuple[str, Any, str]]:
    """(key, value, source) of every setting, in the order of ``OPTIONS``."""
    return [(key, settings.values[key], settings.sources[key]) for key in OPTIONS]
