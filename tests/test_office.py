"""Interop: a real office suite opens the DOCX (skipped, with a reason, without LibreOffice)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CONTENT, run
from evalcli.outputs.pdf import soffice

pytestmark = [
    pytest.mark.office,
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("office")
    assert run("build", CONTENT / "example-en", "-o", out, "--to", "docx").exit_code == 0
    return out / "example-en.docx"


def test_libreoffice_opens_the_docx_and_the_text_is_there(built, tmp_path):
    binary = soffice()
    assert binary is not None
    done = subprocess.run(
        [
            binary,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(built),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reader = PdfReader(str(tmp_path / "example-en.pdf"))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in [
        "Executive Summary",
        "Project code",
        "GHA/20/05/EXA",
        "Relevance",
        "R3. Extend district co-funding",
        f"Page 1 of {len(reader.pages)}",
        "Ghana and Togo",
    ]:
        assert expected in text
    assert len(reader.pages) >= 2


def test_pdf_engine_libreoffice(tmp_path):
    result = run("build", CONTENT / "example-en", "-o", tmp_path, "--pdf-engine", "libreoffice")
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "example-en.pdf")).pages)
    assert "Executive Summary" in text
