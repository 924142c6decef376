"""The build cache: skip a report whose outputs are as this machine last built them.

``lookup`` answers, for one report folder, "was this built here, from these
very inputs, and are its outputs still as written?" and replays the result;
``remember`` keeps a build's outcome for next time. The record lives in the
output folder (``.evalcli-manifest.json``), where anyone who can write to the
folder (a pull request that commits one) can edit it. So every entry carries
an HMAC made with a secret that never leaves this machine's user state folder
(``$XDG_STATE_HOME/evalcli``, else ``~/.local/state/evalcli``): an entry this
machine did not write, or one edited since, is never replayed. A checkout
with a forged manifest therefore builds like a first build, and an output
file that no trusted entry vouches for is removed when its report is not
built, so a committed document is never left to be published as evalcli's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from evalcli import __version__
from evalcli.config import Settings
from evalcli.errors import InputError
from evalcli.outputs.manifest import (
    Entry,
    FileState,
    Manifest,
    file_sha256,
    finding_from_record,
    finding_record,
    folder_digest,
    folder_state,
    outputs_record,
)
from evalcli.outputs.plan import annex_stem
from evalcli.paths import real_path
from evalcli.private import user_key
from evalcli.records import Record, asdict
from evalcli.reporting import ReportResult
from evalcli.template.loader import BUNDLED_DIR

OUTPUT_SUFFIXES = (".docx", ".pdf", ".md")


def machine_key(output: Path) -> bytes | None:
    """This user's secret for the manifest (``private.user_key``), trusted only outside the
    output folder; None when it cannot be trusted, and then nothing is replayed."""
    return user_key(outside=output)


def _templates_digest(allowed: Sequence[Path]) -> str:
    digest = hashlib.sha256(folder_digest(BUNDLED_DIR).encode())
    for folder in allowed:
        digest.update(folder_digest(folder).encode())
    return digest.hexdigest()


def inputs_key(options: Record, name: str, settings: Settings, allowed: Sequence[Path]) -> str:
    """What every report's outputs depend on besides its own files."""
    parts = [
        __version__,
        _templates_digest(allowed),
        repr(sorted(asdict(options).items())),
        name,
        settings.rules_digest(),
        repr(settings["languages"]),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _inside(real_output: Path, folder: Path, folders: dict[str, str]) -> str | None:
    """The output folder (resolved) as a path relative to ``folder`` ("build"), if it lies
    inside it; ``folders`` are the folders resolved so far in this build."""
    if os.sep == "/":
        # as strings, with each folder above resolved once for the whole portfolio
        text = os.fspath(folder)
        if not os.path.isabs(text):  # noqa: PTH117 - strings, for speed
            text = os.path.join(os.getcwd(), text)  # noqa: PTH109, PTH118 - as resolve does
        try:
            real = real_path(text, folders)
        except OSError:
            return None
        output = os.fspath(real_output)
        prefix = real if real.endswith("/") else real + "/"
        return output[len(prefix) :] if output.startswith(prefix) else None
    try:
        relative = real_output.relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    return relative.as_posix() if relative.parts else None


class BuildCache:
    """The outcomes of the last builds into one output folder, as far as this machine wrote them."""

    def __init__(self, output: Path, common: str, force: bool = False) -> None:
        self.output = output
        try:
            self._real_output: Path | None = output.resolve()  # once, not per report
        except (OSError, RuntimeError):
            self._real_output = None
        self.common = common
        self.force = force
        self.manifest = Manifest(output, machine_key(output))
        self._keys: dict[Path, str] = {}
        self._inputs: dict[Path, dict[str, FileState]] = {}
        self._folders: dict[str, str] = {}  # resolved once per build, not per report

    def _key(self, folder: Path) -> str:
        key = self._keys.get(folder)
        if key is None:
            # build . from inside a report: its build/ is no input
            real = self._real_output
            skip = _inside(real, folder, self._folders) if real is not None else None
            digest, self._inputs[folder] = folder_state(
                folder, *self.manifest.known(folder), skip=skip
            )
            key = self._keys[folder] = hashlib.sha256((self.common + digest).encode()).hexdigest()
        return key

    def lookup(self, folder: Path) -> tuple[str, ReportResult] | None:
        """(output stem, the replayed result) of a report built here from these very inputs.

        None when anything it depends on changed, an output is missing or edited,
        the entry is not one this machine wrote, or the cache is forced. The
        report's inputs are hashed either way, for ``remember``.
        """
        key = self._key(folder)
        entry = None if self.force else self.manifest.fresh(folder, key)
        if entry is None:
            return None
        return entry.stem, self._replayed(folder, entry)

    def _replayed(self, folder: Path, entry: Entry) -> ReportResult:
        files: dict[str, Path] = {}
        findings = [finding_from_record(f, folder, files) for f in entry.findings]
        result = ReportResult(folder, findings)
        result.built, result.note, result.pages = entry.built, entry.note, entry.pages
        result.language = entry.language
        result.files = {self.output / name: size for name, (size, _t, _sha) in entry.files.items()}
        result.fresh = True
        return result

    def remember(self, folder: Path, stem: Path, result: ReportResult) -> None:
        """Keep a build's outcome. Only documents written are kept: a report that was not
        built is checked again next time (checking is cheap), and an older entry stays,
        for the day its content is back to what was built. Outputs under a report's
        name that no trusted entry vouches for are removed when it is not built.
        """
        if not result.built:
            self._discard_foreign(stem)
            return
        try:
            files = outputs_record(result.files)
        except OSError:
            self.manifest.forget(folder)
            return
        self.manifest.record(
            folder,
            Entry(
                self._key(folder),
                stem.name,
                bool(result.built),
                str(result.note),
                result.pages,
                files,
                [finding_record(f, folder) for f in result.findings],
                self._inputs.get(folder, {}),
                time.time_ns(),
                result.language,
            ),
        )

    def _discard_foreign(self, stem: Path) -> None:
        vouched = {
            (name, sha)
            for entry in self.manifest.entries.values()
            for name, (*_, sha) in entry.files.items()
        }
        for base in (stem, annex_stem(stem)):
            for suffix in OUTPUT_SUFFIXES:
                path = base.with_name(base.name + suffix)
                with contextlib.suppress(OSError):
                    # evalcli never writes a link, and an upload step would follow one
                    foreign = path.is_symlink() or (
                        path.is_file() and (path.name, file_sha256(path)) not in vouched
                    )
                    if foreign:
                        path.unlink()

    def save(self) -> None:
        """Write the record back; a cache, so failing to costs time only."""
        with contextlib.suppress(InputError, OSError):
            self.manifest.save()
