"""Messages in the user's language: gettext catalogs for English, Spanish and French.

A message is made where the problem is found (``msg("{key} is required", key=key)``)
and turned into text only when it is printed, in the language chosen then. So
findings computed in worker processes or replayed from the build manifest
speak the language of the run that prints them, and ``--messages report``
prints each report's findings in that report's own language.

The English text is the message id; Spanish and French come from the
catalogs in ``locale/`` (``scripts/messages.py`` extracts, updates and
compiles them with Babel). Placeholders are ``{name}`` only: they are
substituted by name, never evaluated, so a message read back from a manifest
cannot reach into the program.

Which language: ``--messages`` (en, es, fr or report), else the ``messages``
setting, else the locale as GNU gettext reads it: ``LANGUAGE`` (a list, used
only when the locale is not C), then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Union

from evalcli import regexes
from evalcli.records import Record, field

if TYPE_CHECKING:
    import gettext

LANGUAGES = ("en", "es", "fr")
CHOICES = (*LANGUAGES, "report")
DOMAIN = "evalcli"
LOCALE_DIR = Path(__file__).parent / "locale"

# a value a message can hold: text, a number, another message, or a label per language
Arg = Union[str, int, float, "Message", Mapping[str, str]]

_FIELD = regexes.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Message(Record, frozen=True):
    """A message to print: its English text (the catalog id), its arguments, maybe a plural."""

    msgid: str
    args: Mapping[str, Arg] = field(default_factory=dict)
    plural: str | None = None
    n: int = 1

    def render(self, language: str | None = None) -> str:
        """The text in ``language`` (default: the language of this run)."""
        lang = language or _state.language
        if not self.msgid:
            return ""  # gettext("") is the catalog's header
        catalog = _catalog(lang)
        if self.plural is None:
            template = catalog.gettext(self.msgid)
        else:
            template = catalog.ngettext(self.msgid, self.plural, self.n)
        return substitute(template, {k: _text(v, lang) for k, v in self.args.items()})

    def __str__(self) -> str:
        return self.render()

    def as_data(self) -> dict[str, object]:
        """The message as JSON data (for the build manifest)."""
        data: dict[str, object] = {
            "id": self.msgid,
            "args": {k: _data(v) for k, v in self.args.items()},
        }
        if self.plural is not None:
            data["plural"], data["n"] = self.plural, self.n
        return data


def msg(msgid: str, /, **args: Arg) -> Message:
    """A translatable message; ``pybabel extract`` finds its text by this function's name."""
    return Message(msgid, args)


def nmsg(singular: str, plural: str, n: int, /, **args: Arg) -> Message:
    """A translatable message with a plural form chosen by ``n``."""
    return Message(singular, args, plural, n)


def verbatim(text: str) -> Message:
    """Text that is printed as it is in every language (a tool's own output, a value)."""
    return Message("{text}", {"text": text})


def labels(texts: Mapping[str, str], before: str = "") -> Message:
    """Text the template gives per language (a label, a help text), printed in the run's
    language, after ``before``; nothing at all when the template gives none."""
    given = {lang: before + text for lang, text in texts.items() if text}
    return Message("{text}", {"text": given}) if given else verbatim("")


def join(parts: list[Message], separator: str = ", ") -> Message:
    """Several messages printed as one, in the run's language."""
    fields = {f"p{i}": part for i, part in enumerate(parts)}
    return Message(separator.join("{" + name + "}" for name in fields), fields)


def substitute(template: str, values: Mapping[str, str]) -> str:
    """``{name}`` replaced by its value; ``{{`` and ``}}`` are braces; nothing else happens."""
    fields, tail = _parts(template)
    if not fields:
        return tail
    out = []
    for before, name, token in fields:
        out.append(before)
        out.append(values.get(name, token))
    out.append(tail)
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _parts(template: str) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """A message text cut once into (the text before, a field's name, the field as written)
    and the text after the last field: a portfolio prints the same few thousand times."""
    fields = []
    text = []
    position = 0
    for match in _FIELD.finditer(template):
        text.append(template[position : match.start()])
        position = match.end()
        if match.group(1) is None:  # "{{" or "}}": a brace
            text.append(match.group(0)[0])
            continue
        fields.append(("".join(text), match.group(1), match.group(0)))
        text = []
    text.append(template[position:])
    return tuple(fields), "".join(text)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a message text."""
    return {m.group(1) for m in _FIELD.finditer(text) if m.group(1)}


def from_data(data: object) -> Message | None:
    """A message read back from manifest data, or None if the data is not one."""
    if isinstance(data, str):
        return verbatim(data)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    raw = data.get("args", {})
    if not isinstance(raw, dict):
        return None
    args: dict[str, Arg] = {}
    for key, value in raw.items():
        arg = value if type(value) is str else _arg(value)
        if arg is None:
            return None
        args[str(key)] = arg
    plural, n = data.get("plural"), data.get("n", 1)
    if plural is not None and not (isinstance(plural, str) and isinstance(n, int)):
        return None
    return Message(data["id"], args, plural, n if isinstance(n, int) else 1)


def _arg(value: object) -> Arg | None:
    if type(value) is str:  # most arguments: one test before the others
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, dict) and value.get("labels") is not None:
        labels = value["labels"]
        if isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values()):
            return {str(k): v for k, v in labels.items()}
        return None
    return from_data(value)


def _data(value: Arg) -> object:
    if isinstance(value, Message):
        return value.as_data()
    if isinstance(value, Mapping):
        return {"labels": dict(value)}
    return value


def _text(value: Arg, lang: str) -> str:
    if type(value) is str:  # the usual argument, tested before the costlier ABC check
        return value
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, Mapping):
        return value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return str(value)


# --- which language --------------------------------------------------------------------


class _State(Record):
    language: str = "en"  # the language messages are rendered in now
    choice: str | None = None  # --messages or the setting, when given
    from_command_line: bool = False  # --messages was given: the setting does not override it
    per_report: bool = False  # --messages report


_state = _State()


def environment_language(env: Mapping[str, str] | None = None) -> str:
    """The language of messages as GNU gettext chooses it from the environment."""
    env = os.environ if env is None else env
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    if locale in ("", "C", "POSIX") or locale.startswith(("C.", "POSIX.")):
        return "en"  # GNU gettext ignores LANGUAGE under the C locale
    wanted = [w for w in env.get("LANGUAGE", "").split(":") if w] or [locale]
    for item in wanted:
        lang = item.split(".")[0].split("@")[0].split("_")[0].lower()
        if lang in LANGUAGES:
            return lang
    return "en"


def choose(
    choice: str | None, env: Mapping[str, str] | None = None, command_line: bool = False
) -> None:
    """Set the language of this run: en, es, fr, report (each report's own), or None (locale).

    A choice from the settings file gives way to one made on the command line."""
    if _state.from_command_line and not command_line:
        return
    _state.from_command_line = command_line and choice is not None
    _state.choice = choice
    _state.per_report = choice == "report"
    _state.language = choice if choice in LANGUAGES else environment_language(env)


def chosen() -> str | None:
    """What ``--messages`` or the setting chose, if anything."""
    return _state.choice


def language() -> str:
    """The language messages are printed in now."""
    return _state.language


def report_language(language: str | None) -> str:
    """The language to print one report's findings in: its own under ``--messages report``."""
    if _state.per_report and language in LANGUAGES:
        return language
    return _state.language


@contextlib.contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Render messages in ``lang`` inside the block (None: leave the language as it is)."""
    before = _state.language
    if lang in LANGUAGES:
        _state.language = lang
    try:
        yield
    finally:
        _state.language = before


class _English:
    """The English "catalog": the message ids are the English text (gettext is not loaded)."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


_catalogs: dict[str, _English | gettext.NullTranslations] = {"en": _English()}


def _catalog(lang: str) -> _English | gettext.NullTranslations:
    found = _catalogs.get(lang)
    if found is None:
        import gettext  # loaded for Spanish and French only

        found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
        _catalogs[lang] = found
    return found
