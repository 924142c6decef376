"""The build manifest: what each report's outputs were made from, so unchanged reports are skipped.

``.evalcli-manifest.json`` in the output folder records, per report, a hash of
everything its documents depend on (every file in the report folder, the
templates, the evalcli version, the build options and rule settings) and the
size, modification time and SHA-256 of each file written. A report is skipped
when that hash is unchanged and every output is still there as written; its
result (findings, pages, files) is replayed from the manifest.

Anyone who can write to the output folder can edit the file, so each entry
carries an HMAC-SHA256 made with a key of the machine that wrote it (see
``outputs/cache.py``): an entry without a valid one is dropped on reading, as
if it had never been written. The file's size is bounded before it is parsed.

Each entry is stored as the JSON text that was signed (a string inside the
file), so checking a signature hashes that text as it is, instead of writing
every entry out again in a canonical form: for a portfolio, that writing was
the largest part of reading the manifest.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import Any

from evalcli.diagnostics import CODES, Finding, FindingCode, Location
from evalcli.files import write_files
from evalcli.i18n import LANGUAGES, from_data, verbatim
from evalcli.records import Record, field

MANIFEST_FILE = ".evalcli-manifest.json"
# 2: entries signed; 3: each entry kept as the very text signed; 4: findings as lists
MANIFEST_VERSION = 4
# the previous release's entries vouch for their outputs (a report not built keeps them, as
# with this release's own) but are never replayed: their findings are in the old form
VOUCHING_VERSIONS = (3,)
# about 1.1 KB per report as written: 16 MiB holds over 10,000 reports, and parsing that
# much JSON costs about 390 MB at worst (docs/security.md)
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def _hash_file(path: Path, digest: Any) -> None:
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    _hash_file(path, digest)
    return digest.hexdigest()


FileState = tuple[int, int, str]  # size, modification time (ns), SHA-256
TRUST_AFTER_NS = 2_000_000_000  # a file's time is trusted only if older than this at recording


def folder_digest(folder: Path, known: dict[str, FileState] | None = None, before: int = 0) -> str:
    """A hash of every file under ``folder``: names, link targets and contents."""
    return folder_state(folder, known, before)[0]


def folder_state(
    folder: Path,
    known: dict[str, FileState] | None = None,
    before: int = 0,
    skip: str | None = None,
) -> tuple[str, dict[str, FileState]]:
    """(a hash of every file under ``folder``, each file's size, time and SHA-256).

    ``skip`` is a subfolder (a relative path with "/") left out: the build's own
    output, when it lies inside the report (``evalcli build .``).

    A file whose size and modification time are those ``known`` (from the
    last build) keeps its recorded SHA-256 without being read, as git's index
    does, provided it was last changed well before ``before`` (when that
    record was made): an edit within the same tick of the clock is still seen.
    """
    known = known or {}
    digest = hashlib.sha256()
    states: dict[str, FileState] = {}
    # os.scandir, not os.walk: this runs for every report of a portfolio on every build,
    # and the entries' types and paths come with the listing; the order is os.walk's
    todo = [(os.fspath(folder), "")]
    while todo:
        current, prefix = todo.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=_name)
        except OSError:  # as os.walk: a folder that cannot be listed adds nothing
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if prefix + entry.name != skip:
                    subfolders.append(entry)
                continue
            _add_file(entry, prefix + entry.name, digest, states, known, before)
        below = []
        for entry in subfolders:
            if _is_link(entry):
                link = os.readlink(entry.path)  # noqa: PTH115 - strings, for speed
                digest.update(f"\0{entry.name}\0dirlink:{link}".encode("utf-8", "surrogateescape"))
            else:
                below.append((entry.path, prefix + entry.name + "/"))
        todo.extend(reversed(below))  # the first subfolder is taken next
    return digest.hexdigest(), states


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _add_file(
    entry: os.DirEntry[str],
    relative: str,
    digest: Any,
    states: dict[str, FileState],
    known: dict[str, FileState],
    before: int,
) -> None:
    """One file's name, and its link target or contents, into the folder's hash."""
    digest.update(b"\0" + relative.encode("utf-8", "surrogateescape") + b"\0")
    try:
        stat = entry.stat(follow_symlinks=False)
        if S_ISLNK(stat.st_mode):
            link = os.readlink(entry.path)  # noqa: PTH115 - strings, for speed
            digest.update(b"link:" + link.encode("utf-8", "surrogateescape"))
            return
        old = known.get(relative)
        if (
            old is not None
            and old[:2] == (stat.st_size, stat.st_mtime_ns)
            and stat.st_mtime_ns < before - TRUST_AFTER_NS
        ):
            sha = old[2]
        else:
            sha = file_sha256(Path(entry.path))
        states[relative] = (stat.st_size, stat.st_mtime_ns, sha)
        digest.update(sha.encode())
    except OSError as exc:  # unreadable now: never equal to a readable state
        digest.update(f"unreadable:{exc.errno}".encode())


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def _plain_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and bool(name)
        and "/" not in name
        and "\\" not in name
        and name not in (".", "..")
        and "\0" not in name
    )


class Entry(Record):
    """One report's last build: its input hash, outcome and outputs."""

    key: str
    stem: str
    built: bool
    note: str
    pages: int | None
    files: dict[str, tuple[int, int, str]]  # file name in the output folder -> size, mtime, sha
    findings: list[list[Any]]  # as finding_record writes them
    inputs: dict[str, FileState] = field(default_factory=dict)  # the report's files
    recorded: int = 0  # when, in ns since the epoch
    language: str | None = None  # the report's, for --messages report

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "stem": self.stem,
            "built": self.built,
            "note": self.note,
            "pages": self.pages,
            "files": {name: list(info) for name, info in self.files.items()},
            "findings": self.findings,
            "inputs": {name: list(state) for name, state in self.inputs.items()},
            "recorded": self.recorded,
            "language": self.language,
        }


def _entry(data: Any) -> Entry | None:
    """An entry read back from JSON, or None if anything in it is not as written by us."""
    try:
        files = {
            name: (int(size), int(mtime), str(sha))
            for name, (size, mtime, sha) in data["files"].items()
            if _plain_name(name)
        }
        entry = Entry(
            str(data["key"]),
            str(data["stem"]),
            bool(data["built"]),
            str(data["note"]),
            None if data["pages"] is None else int(data["pages"]),
            files,
            data["findings"],
            {
                str(name): (int(size), int(mtime), str(sha))
                for name, (size, mtime, sha) in data.get("inputs", {}).items()
            },
            int(data.get("recorded", 0)),
            data.get("language") if data.get("language") in LANGUAGES else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):  # inf, for one
        return None
    if len(files) != len(data["files"]) or not _plain_name(entry.stem):
        return None
    # a finding not as finding_record writes it makes the entry a miss: dropped, it would
    # replay the report with one finding fewer (an error, for all one knows)
    if type(entry.findings) is not list or not all(map(_is_finding, entry.findings)):
        return None
    return entry


def _is_finding(data: Any) -> bool:
    """``data`` is a finding as ``finding_record`` writes it (the rest is read leniently)."""
    return (
        type(data) is list
        and len(data) == _FINDING_FIELDS
        and type(data[0]) is str
        and data[0] in CODES
        and type(data[2]) is str
        and type(data[3]) is int
        and type(data[4]) is int
    )


_CODE_OF = {code.value: code for code in FindingCode}  # a look-up, not an Enum call


# a finding in the manifest: a list, not a mapping (the keys, written for every finding of
# every report, were an eighth of a portfolio's manifest and of the time to read it)
_FINDING_FIELDS = 8  # code, severity, file, line, column, field, section, message


def finding_record(finding: Finding, report: Path) -> list[Any]:
    """A finding as manifest data, its file relative to the report folder."""
    file = os.path.relpath(_absolute(finding.loc.file), _absolute(report))
    return [
        finding.code.value,
        finding.severity,
        Path(file).as_posix(),
        finding.loc.line,
        finding.loc.column,
        finding.field,
        finding.section,
        finding.message.as_data(),
    ]


def finding_from_record(
    data: list[Any], report: Path, files: dict[str, Path] | None = None
) -> Finding:
    """A finding read back from the manifest (its types held by ``_is_finding``);
    ``files`` caches the paths of one report."""
    code, severity, name, line, column, field_name, section, message = data
    if severity not in ("error", "warning", "info"):
        severity = CODES[code].severity
    cache = files if files is not None else {}
    path = cache.get(name)
    if path is None:
        path = cache[name] = Path(os.path.normpath(os.path.join(report, name)))  # noqa: PTH118
    return Finding(
        _CODE_OF[code],
        from_data(message) or verbatim(""),
        Location(path, line, column),
        severity,
        field_name if isinstance(field_name, str) else None,
        section if isinstance(section, str) else None,
    )


class Manifest:
    """The manifest of one output folder."""

    def __init__(self, folder: Path, key: bytes | None = None) -> None:
        self.folder = folder
        self.key = key  # None: nothing read is trusted, nothing written is signed
        self.path = folder / MANIFEST_FILE
        self.entries: dict[str, Entry] = {}
        self.changed = False
        # each entry as read (its values, and the text signed): written back as it was
        # while its values stay the same
        self._texts: dict[str, tuple[dict[str, Any], str]] = {}
        self._names: dict[Path, str] = {}
        self._base = _absolute(folder)
        self._base_parts = [part for part in os.fspath(self._base).split("/") if part]
        self._read()

    def _read(self) -> None:
        if self.key is None:
            return
        try:
            handle = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        with io.FileIO(handle, "r", closefd=True) as stream:
            size = os.fstat(handle).st_size
            if size > MAX_MANIFEST_BYTES:
                return
            try:
                data = json.loads(stream.read(min(size, MAX_MANIFEST_BYTES) + 1) or b"")
            except (OSError, ValueError, RecursionError):
                return
        if not isinstance(data, dict):
            return
        version = data.get("version")
        current = version == MANIFEST_VERSION
        if not current and version not in VOUCHING_VERSIONS:
            return
        reports = data.get("reports")
        if not isinstance(reports, dict):
            return
        for name, value in reports.items():
            if not isinstance(name, str) or not isinstance(value, dict):
                continue
            text, mac = value.get("entry"), value.get("mac")
            if not isinstance(text, str) or not isinstance(mac, str):
                continue
            if not hmac.compare_digest(mac, self._mac(name, text)):
                continue
            try:
                parsed = json.loads(text)
            except (ValueError, RecursionError):
                continue
            if not current and isinstance(parsed, dict):
                parsed.update(key="", findings=[])  # no build has the key "": never fresh
            entry = _entry(parsed)
            if entry is not None:
                self.entries[name] = entry
                if current:  # else written anew, in this version's form
                    self._texts[name] = (entry.as_json(), text)

    def _mac(self, name: str, text: str) -> str:
        """The signature of an entry's text and its report's name, under the key."""
        assert self.key is not None
        signed = json.dumps(name) + "\n" + text  # a name in JSON ends where its quotes do
        return hmac.new(
            self.key, signed.encode("utf-8", "surrogatepass"), hashlib.sha256
        ).hexdigest()

    def name(self, report: Path) -> str:
        """The manifest's name for a report: its path from the output folder."""
        name = self._names.get(report)
        if name is None:
            if os.sep == "/":
                name = self._names[report] = self._relative(report)
            else:
                relative = os.path.relpath(_absolute(report), self._base)
                name = self._names[report] = relative.replace(os.sep, "/")
        return name

    def _relative(self, report: Path) -> str:
        """``os.path.relpath`` from the output folder, with that folder's parts split once
        (relpath splits both paths again for every report)."""
        full = os.path.normpath(os.path.join(os.getcwd(), report))  # noqa: PTH109, PTH118
        parts = [part for part in full.split("/") if part]
        base = self._base_parts
        common = 0
        for mine, theirs in zip(base, parts, strict=False):
            if mine != theirs:
                break
            common += 1
        return "/".join([os.pardir] * (len(base) - common) + parts[common:]) or os.curdir

    def known(self, report: Path) -> tuple[dict[str, FileState], int]:
        """The report's files as the last build recorded them, and when it did."""
        entry = self.entries.get(self.name(report))
        return (entry.inputs, entry.recorded) if entry else ({}, 0)

    def fresh(self, report: Path, key: str) -> Entry | None:
        """The entry of a report whose inputs are unchanged and whose outputs are intact."""
        entry = self.entries.get(self.name(report))
        if entry is None or entry.key != key:
            return None
        for name, (size, mtime, sha) in entry.files.items():
            path = self.folder / name
            try:
                stat = path.lstat()
            except OSError:
                return None
            # a regular file itself, not a link (one look, where is_file and is_symlink took two)
            if not S_ISREG(stat.st_mode) or stat.st_size != size:
                return None
            if stat.st_mtime_ns != mtime:
                if file_sha256(path) != sha:
                    return None
                entry.files[name] = (size, stat.st_mtime_ns, sha)
                self.changed = True
        return entry

    def record(self, report: Path, entry: Entry) -> None:
        self.entries[self.name(report)] = entry
        self.changed = True

    def forget(self, report: Path) -> None:
        self._texts.pop(self.name(report), None)
        if self.entries.pop(self.name(report), None) is not None:
            self.changed = True

    def save(self) -> None:
        """Write the manifest (atomically) if anything changed."""
        if not self.changed or self.key is None or not self.folder.is_dir():
            return
        reports = {}
        for name, entry in sorted(self.entries.items()):
            values = entry.as_json()
            kept = self._texts.get(name)
            text = kept[1] if kept and kept[0] == values else None
            if text is None:
                text = json.dumps(values, separators=(",", ":"))
            reports[name] = {"entry": text, "mac": self._mac(name, text)}
        data = {"version": MANIFEST_VERSION, "reports": reports}
        # ASCII with \u escapes: a name that is not UTF-8 (a lone surrogate) survives the trip
        write_files({self.path: json.dumps(data).encode("ascii")})
        self.changed = False


def outputs_record(files: dict[Path, int]) -> dict[str, tuple[int, int, str]]:
    """What was written, as the manifest keeps it: name -> (size, mtime, SHA-256)."""
    record = {}
    for path in files:
        stat = path.stat()
        record[path.name] = (stat.st_size, stat.st_mtime_ns, file_sha256(path))
    return record
