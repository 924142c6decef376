"""Independent checkers over every document the tests build (a pytest plugin).

Every DOCX evalcli writes must pass openxml-audit against Office 2016 with no
error; every PDF that claims PDF/UA-1 must pass pdfua with no error and no
warning, and one that does not claim it every rule but those of the claim.
(Which PDFs claim PDF/UA-1 is asserted by tests/test_accessibility.py.)
A test that builds a document failing these fails, with the checker's words.

Documents are caught where evalcli writes them (``evalcli.files.write_files``,
validated at once, before a test may change them on purpose) and, for builds
in worker processes, in the test's ``tmp_path`` when the test ends.
"""

from __future__ import annotations

import functools
import io
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_SUFFIXES = (".docx", ".pdf")
_problems: list[str] = []
_checked: set[Path] = set()


def docx_problems(path: Path) -> list[str]:
    """openxml-audit's errors for a DOCX, against Office 2016."""
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016).validate(path)
    return [f"{path.name}: openxml-audit: {error}" for error in result.errors]


def pdf_claims_ua(data: bytes) -> bool:
    """Whether a PDF's XMP metadata claims PDF/UA-1."""
    return b"pdfuaid:part>1<" in data or b'pdfuaid:part="1"' in data


# what a PDF that does not claim PDF/UA-1 (an image with no description, a
# character the fonts lack: the build says why) is allowed to miss
_UNCLAIMED = ("UA-28-004", "UA-07-002", "UA-13-004")


def pdf_problems(path: Path) -> list[str]:
    """pdfua's errors and warnings for a PDF; for one that does not claim PDF/UA-1,
    those that only the claim brings (the identification, the title shown, alt text)
    are left out, and every other rule still holds."""
    import pdfua

    claims = pdf_claims_ua(path.read_bytes())
    report = pdfua.validate(str(path))
    return [
        f"{path.name}: pdfua {finding.rule_id} ({finding.severity.name.lower()}): {finding.message}"
        for finding in report.findings
        if finding.severity.name in ("ERROR", "WARNING")
        and (claims or finding.rule_id not in _UNCLAIMED)
    ]


def _by_typst(data: bytes) -> bool:
    return b"/Creator(Typst " in data


def _made_by_evalcli(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and (_by_typst(data) or b"CreatorTool>Writer<" in data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError):
        return False
    return b"<cp:lastModifiedBy>evalcli</cp:lastModifiedBy>" in core


def check_document(path: Path) -> list[str]:
    """The checkers' complaints about one document evalcli wrote."""
    _checked.add(path.resolve())
    return docx_problems(path) if path.suffix == ".docx" else pdf_problems(path)


def _recording(original: Callable[[dict[Path, bytes]], None]) -> Callable[..., None]:
    @functools.wraps(original)
    def write_files(files: dict[Path, bytes]) -> None:
        original(files)
        for path in files:
            if path.suffix in _SUFFIXES and path.is_file():
                _problems.extend(check_document(path))

    return write_files


def pytest_configure(config: pytest.Config) -> None:
    """Route every module's ``write_files`` through the checkers."""
    import evalcli.files

    original = evalcli.files.write_files
    wrapper = _recording(original)
    evalcli.files.write_files = wrapper  # type: ignore[assignment]
    for name, module in list(sys.modules.items()):
        if name.startswith("evalcli") and getattr(module, "write_files", None) is original:
            module.write_files = wrapper  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _documents_are_valid(request: pytest.FixtureRequest) -> Iterator[None]:
    _problems.clear()
    started = time.time() - 1
    folder: Path | None = None
    if "tmp_path" in request.fixturenames:
        folder = request.getfixturevalue("tmp_path")
    yield
    if folder is not None:
        for path in sorted(folder.rglob("*")):
            if (
                path.suffix in _SUFFIXES
                and path.is_file()
                and path.resolve() not in _checked
                and path.stat().st_mtime >= started
                and _made_by_evalcli(path)
            ):
                _problems.extend(check_document(path))
    problems = list(dict.fromkeys(_problems))
    _problems.clear()
    if problems:
        pytest.fail("documents the checkers reject:\n" + "\n".join(problems), pytrace=False)
