"""The project a command works in: its settings, read once, as typed values.

``Project.load`` (or ``Project.from_settings``) is called once per command; the
API functions, the preview and the console take the project and never read
settings keys again or reassemble options from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalcli.config import Settings, load_settings
from evalcli.diagnostics import Finding, Severity
from evalcli.records import Record
from evalcli.template.loader import template_folder

if TYPE_CHECKING:
    from evalcli.outputs.plan import BuildOptions


def allowed_templates(folders: Sequence[Path]) -> tuple[Path, ...]:
    """Template folders the user allowed (``--template-dir``), checked to be template folders."""
    return tuple(template_folder(Path(folder)) for folder in folders)


class Project(Record, frozen=True):
    """The settings in effect and what follows from them, each with its type.

    ``templates`` are the template folders reports may name (the settings'
    ``template-dirs`` and every ``--template-dir``), checked once.
    """

    settings: Settings
    templates: tuple[Path, ...]
    content: tuple[Path, ...]
    output: Path
    name: str
    formats: tuple[str, ...]
    lang: str | None
    languages: tuple[str, ...] | None
    pdf_standard: str | None
    pdf_engine: str
    strict: bool
    jobs: int | None

    @classmethod
    def from_settings(
        cls, settings: Settings, template_dirs: Sequence[Path] = (), **overrides: Any
    ) -> Project:
        """The project of ``settings``, with command-line values in place of the file's.

        ``overrides`` are settings by name, ``-`` written ``_`` (``pdf_engine=...``);
        None leaves the file's value.
        """
        for key, value in overrides.items():
            settings = settings.with_option(key.replace("_", "-"), value)
        languages = settings["languages"]
        return cls(
            settings=settings,
            templates=allowed_templates([*settings.paths("template-dirs"), *template_dirs]),
            content=tuple(settings.paths("content")),
            output=settings.path("output"),
            name=str(settings["name"]),
            formats=tuple(settings["formats"]),
            lang=settings["lang"],
            languages=tuple(languages) if languages is not None else None,
            pdf_standard=settings["pdf-standard"],
            pdf_engine=str(settings["pdf-engine"]),
            strict=bool(settings["strict"]),
            jobs=settings["jobs"],
        )

    @classmethod
    def load(
        cls, start: Path | None = None, template_dirs: Sequence[Path] = (), **overrides: Any
    ) -> Project:
        """The project of the settings in effect from ``start`` (the working folder)."""
        return cls.from_settings(load_settings(start), template_dirs, **overrides)

    @property
    def root(self) -> Path:
        """The folder of the settings file (the working folder without one)."""
        return self.settings.root

    def build_options(
        self, *, draft: bool = False, docx_pages: str = "typst", annexes: bool = False
    ) -> BuildOptions:
        """How to build, from the settings and the choices only the command line makes."""
        from evalcli.outputs.plan import BuildOptions  # not imported by check

        return BuildOptions(
            self.formats,
            self.lang,
            draft,
            self.strict,
            self.pdf_standard,
            self.pdf_engine,
            docx_pages=docx_pages,
            annexes=annexes,
        )

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings with the rule settings applied (ignored codes dropped, others re-graded)."""
        return self.settings.apply(findings)

    def level(self, code: str, file: Path, default: Severity) -> Severity | None:
        """The severity the rule settings give ``code`` in ``file``; None when ignored."""
        return self.settings.level(code, file, default)

    def processes(self, asked: int | None = None) -> int:
        """Processes to run in: those asked for, else the settings' jobs, else the cores."""
        from evalcli.portfolio.parallel import available_cores

        return asked or self.jobs or available_cores()
