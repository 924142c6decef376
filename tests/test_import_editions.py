"""import of the documents that exist: editions' labels, layout noise, PDF input, full
reports, editions in check, and many files at once, each through the CLI."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from conftest import FIXTURES, run

ARCHIVE = FIXTURES / "archive"


def imported_yaml(folder: Path) -> dict:
    data = yaml.safe_load((folder / "evaluation.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COVER = """\
o Evaluation Title: Decent work for garment workers
o ILO TC/SYMBOL: ZMB/18/02/RBS & TZA/18/01/RBS
o Type of Evaluation: Final
o Country(ies): Lao PDR
o Date of the evaluation: August–September 2020
o Donor: country and budget US$: Sweden, USD $7,950,000
o Name of consultant(s): Grace Banda (National consultant; Zambia), Hassan, Nahla & Wael Zakkar
o Key Words: garments, productivity.

Executive Summary

Background and context

The project ran in two countries.
"""


def test_cover_labels_with_a_colon_and_the_archives_values(tmp_path):
    out = tmp_path / "r"
    result = run("import", write(tmp_path, "cover.txt", COVER), "-o", out)
    assert result.exit_code == 0, result.output
    data = imported_yaml(out)
    assert data["title"] == "Decent work for garment workers"
    assert data["project_code"] == ["ZMB/18/02/RBS", "TZA/18/01/RBS"]
    assert data["timing"] == "final"  # "Type of Evaluation: Final" is the timing
    assert "evaluation_type" not in data
    assert data["countries"] == ["LA"]
    assert data["completion_date"] == "2020-09"
    assert data["donor"] == "Sweden"  # the label's own colon does not split it
    assert data["budget"] == {"amount": 7950000, "currency": "USD"}
    assert data["consultants"] == [
        {"name": "Grace Banda", "role": "National consultant; Zambia"},
        "Nahla Hassan",
        "Wael Zakkar",
    ]
    assert data["keywords"] == ["garments", "productivity"]
    assert data["edition"] == "cover"
    assert "edition: cover" in result.stdout


def test_combined_fact_is_split(tmp_path):
    text = COVER.replace(
        "Type of Evaluation: Final", "Type of Evaluation: Independent Cluster Final Evaluation"
    )
    out = tmp_path / "r"
    assert run("import", write(tmp_path, "c.txt", text), "-o", out).exit_code == 0
    data = imported_yaml(out)
    assert (data["nature"], data["evaluation_type"], data["timing"]) == (
        "independent",
        "cluster",
        "final",
    )


def test_running_headers_page_numbers_and_hyphenation_are_dropped(tmp_path):
    out = tmp_path / "r"
    assert run("import", ARCHIVE / "en-cover-transcript.txt", "-o", out).exit_code == 0
    written = " ".join(p.read_text(encoding="utf-8") for p in out.glob("*"))
    assert "Final evaluation report" not in written  # the running header
    assert "\n2\n" not in written and "iii" not in written  # page numbers, contents lines
    assert "start and its end" in (out / "background.md").read_text(encoding="utf-8")


def test_today_s_english_labels_all_known(tmp_path):
    """Name of Evaluation Manager (the ILO's English label) fills evaluation_manager."""
    out = tmp_path / "r"
    assert run("import", ARCHIVE / "en-current-table.docx", "-o", out).exit_code == 0
    data = imported_yaml(out)
    assert data["evaluation_manager"] == "Peter Wichmand"
    assert "extra" not in data and "edition" not in data
    assert run("check", out).exit_code == 0


def blank_pdf(pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def test_a_scanned_pdf_is_refused_with_a_reason(tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(blank_pdf(2))
    result = run("import", source, "-o", tmp_path / "r")
    assert result.exit_code == 2
    assert "no text layer" in result.stderr and "OCR" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_pdf_past_the_page_limit_is_refused(tmp_path):
    from evalcli.limits import MAX_PDF_PAGES

    source = tmp_path / "long.pdf"
    source.write_bytes(blank_pdf(MAX_PDF_PAGES + 1))
    result = run("import", source, "-o", tmp_path / "r")
    assert result.exit_code == 2
    assert f"more than the {MAX_PDF_PAGES}" in result.stderr


def test_pdf_as_word_users_export_it(tmp_path):
    out = tmp_path / "r"
    result = run("import", ARCHIVE / "fr-quickfacts-2014.pdf", "-o", out)
    assert result.exit_code == 0, result.output
    data = imported_yaml(out)
    assert data["language"] == "fr"
    assert data["completion_date"] == "2014-07-27"  # "16 au 27 juillet 2014"
    assert data["countries"] == ["BJ", "BF", "TG"]


@pytest.mark.parametrize("name", ["en-cover-table.docx", "en-cover-table.pdf"])
def test_full_report_becomes_a_summary_folder(tmp_path, name):
    out = tmp_path / "r"
    result = run("import", ARCHIVE / name, "-o", out)
    assert result.exit_code == 0, result.output
    assert "paragraphs of the full report outside its executive summary" in result.stdout
    written = " ".join(p.read_text(encoding="utf-8") for p in out.glob("*.md"))
    assert "not part of the summary" not in written  # the report's own chapters
    lessons = (out / "lessons.md").read_text(encoding="utf-8")
    assert "### Context" in lessons  # the annex page's fields
    assert run("check", out).exit_code == 0


@pytest.mark.parametrize("name", ["en-cover-table.docx", "es-cover-table.pdf"])
def test_built_summary_of_a_full_report_keeps_to_four_pages(tmp_path, name):
    out = tmp_path / "r"
    assert run("import", ARCHIVE / name, "-o", out).exit_code == 0
    result = run("build", out, "--output", tmp_path / "build", "--to", "pdf")
    assert result.exit_code == 0, result.output
    pdf = next((tmp_path / "build").glob("*.pdf"))
    assert len(pypdf.PdfReader(pdf).pages) <= 4


def test_check_reports_what_the_edition_lacked_as_info(tmp_path):
    out = tmp_path / "r"
    assert run("import", ARCHIVE / "en-quickfacts-bullets.docx", "-o", out).exit_code == 0
    result = run("check", "--format", "json", out)
    assert result.exit_code == 0
    findings = json.loads(result.stdout)["reports"][0]["findings"]
    info = {f["field"]: f for f in findings if f["code"] == "not-in-edition"}
    assert "sdgs" in info and info["sdgs"]["severity"] == "info"
    assert "the Quick Facts summary" in info["sdgs"]["message"]
    # the same report, claimed as written today, is checked in full
    text = (out / "evaluation.yaml").read_text(encoding="utf-8")
    (out / "evaluation.yaml").write_text(text.replace("edition: quick_facts\n", ""), "utf-8")
    result = run("check", "--format", "json", out)
    assert result.exit_code == 1
    codes = [f["code"] for f in json.loads(result.stdout)["reports"][0]["findings"]]
    assert "missing-field" in codes and "not-in-edition" not in codes


def test_many_files_at_once_with_a_table_and_json(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("en-cover-table.docx", "en-cover-table.pdf", "es-quickfacts-colon.docx"):
        shutil.copy(ARCHIVE / name, folder / name)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    result = run("import", folder, "-o", tmp_path / "out")
    assert result.exit_code == 2  # one file could not be read; the others were imported
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["file", "edition", "facts"]
    assert any("es-quickfacts-colon.docx" in line and "quick_facts" in line for line in lines)
    assert lines[-1] == "3 of 4 files imported"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "en-cover-table-docx",
        "en-cover-table-pdf",
        "es-quickfacts-colon",
    ]
    result = run("import", folder, "-o", tmp_path / "out2", "--format", "json")
    rows = {Path(r["file"]).name: r for r in json.loads(result.stdout)["imports"]}
    assert rows["en-cover-table.pdf"]["edition"] == "cover"
    assert rows["en-cover-table.pdf"]["items"]["lessons learned"] == 2
    assert rows["broken.docx"]["error"]


def bomb_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of spaces."""
    import zlib

    stream = zlib.compress(b" " * inflated, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_pdf_that_inflates_past_the_limit_is_refused(tmp_path):
    source = tmp_path / "bomb.pdf"
    source.write_bytes(bomb_pdf(200 * 1024 * 1024))  # 200 MiB from about 200 KB
    result = run("import", source, "-o", tmp_path / "r")
    assert result.exit_code == 2
    assert "bomb.pdf" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_huge_quick_fact_is_kept_as_written_not_read(tmp_path):
    value = "Zambia, " * 6_000  # longer than any quick fact, within the line limit
    source = write(tmp_path, "long.md", f"# Title\n\nCountry(ies): {value}\n\nSDG(s): 8.7\n")
    result = run("import", source, "-o", tmp_path / "r")
    assert result.exit_code == 0
    assert "characters kept as written" in result.stderr


def test_a_value_wrapped_onto_a_paragraph_of_its_own_goes_back_to_its_fact(tmp_path):
    text = (
        "Evaluation Title: Promoting decent work in the garment sector\n\n"
        "(CO-Bangkok)\n\nILO DC/SYMBOL: ZMB/18/02/RBS\n"
    )
    out = tmp_path / "r"
    assert run("import", write(tmp_path, "w.md", text), "-o", out).exit_code == 0
    data = imported_yaml(out)
    assert data["title"] == "Promoting decent work in the garment sector (CO-Bangkok)"
    assert data["project_code"] == "ZMB/18/02/RBS"
    assert not (out / "unplaced.md").exists()


def test_a_new_report_has_no_edition_and_is_checked_in_full(tmp_path):
    assert run("init", tmp_path / "n", "--lang", "en").exit_code == 0
    result = run("check", "--format", "json", tmp_path / "n")
    codes = [f["code"] for f in json.loads(result.stdout)["reports"][0]["findings"]]
    assert "not-in-edition" not in codes and "missing-field" not in codes
    assert "empty-field" in codes


def test_a_summary_loses_no_chapter_to_the_full_report_rules(tmp_path):
    text = (
        "# Executive Summary\n\nProject code: ZMB/17/02/USA\n\nTiming of evaluation: Final\n\n"
        "# Background and context\n\nThe project ran.\n\n# Conclusions\n\nKept text.\n"
    )
    out = tmp_path / "r"
    result = run("import", write(tmp_path, "s.md", text), "-o", out)
    assert result.exit_code == 0
    written = " ".join(p.read_text(encoding="utf-8") for p in out.glob("*.md"))
    assert "Kept text." in written and "skipped" not in result.stdout


def test_a_justified_line_is_prose_not_a_table_row(tmp_path):
    text = (
        "Project code: ZMB/17/02/USA\n\nBackground and context\n\n"
        "The  evaluation   found   that  the   project   was   relevant   to  its\n"
        "partners.\n"
    )
    out = tmp_path / "r"
    assert run("import", write(tmp_path, "j.txt", text), "-o", out).exit_code == 0
    background = (out / "background.md").read_text(encoding="utf-8")
    assert "The evaluation found that the project was relevant to its partners." in " ".join(
        background.split()
    )
    assert "|" not in background
