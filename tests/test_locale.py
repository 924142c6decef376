"""Numbers, amounts and dates as the report's locale writes them; the document language."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import CONTENT, FIXTURES, run, run_json
from evalcli import locales


@pytest.mark.parametrize(
    ("locale", "budget", "evaluation"),
    [
        ("es_PE", "USD 7,940,000", "USD 49,123.00"),  # as the published Peruvian summary
        ("es", "USD 7.940.000", "USD 49.123,00"),  # Spain's convention
        ("fr", "USD 7\u202f940\u202f000", "USD 49\u202f123,00"),  # narrow no-break spaces
        ("en", "USD 7,940,000", "USD 49,123.00"),
    ],
)
def test_amounts_follow_the_locale(locale, budget, evaluation):
    assert locales.format_money(Decimal("7940000"), "USD", locale) == budget
    assert locales.format_money(Decimal("49123.00"), "USD", locale) == evaluation


@pytest.mark.parametrize(
    ("locale", "month", "day"),
    [
        ("es_PE", "diciembre de 2024", "5 de diciembre de 2024"),
        ("es", "diciembre de 2024", "5 de diciembre de 2024"),
        ("fr", "décembre 2024", "5 décembre 2024"),
        ("en", "December 2024", "5 December 2024"),  # the ILO's British English
        ("en_US", "December 2024", "December 5, 2024"),
    ],
)
def test_dates_follow_the_locale(locale, month, day):
    assert locales.format_month_year(2024, 12, locale) == month
    assert locales.format_day(2024, 12, 5, locale) == day


@pytest.mark.parametrize(
    ("lang", "locale", "countries", "expected"),
    [
        ("es", None, ["PE"], "es_PE"),  # the report's language with its one country
        ("es", "es-ES", ["PE"], "es_ES"),  # the report's own locale wins
        ("es", None, ["PE", "BO"], "es"),  # several countries: the language's formats
        ("en", None, ["GH", "TG"], "en_GB"),
        ("en", None, ["GH"], "en_GH"),
        ("fr", "es-PE", ["PE"], "fr"),  # --lang fr on a Peruvian report: no fr_PE in CLDR
        ("fr", None, ["SN"], "fr_SN"),
    ],
)
def test_the_locale_a_report_is_written_in(lang, locale, countries, expected):
    assert locales.resolve_locale(lang, locale, countries) == expected


def _with_locale(report_copy, value: str):
    folder = report_copy(CONTENT / "alianzas-peru", "peru")
    meta = folder / "evaluation.yaml"
    text = meta.read_text(encoding="utf-8").replace("language: es\n", f"language: es\n{value}")
    meta.write_text(text, encoding="utf-8")
    return folder


def test_locale_field_is_checked(report_copy):
    fine = _with_locale(report_copy, "locale: es-ES\n")
    assert not [f for f in run_json(fine)["reports"][0]["findings"] if f["field"] == "locale"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("locale: xx-QQ\n", "'xx-QQ' is not a locale"),
        ("locale: fr-FR\n", "'fr-FR' is not in the report's language 'es'"),
    ],
)
def test_a_wrong_locale_says_what_to_write(tmp_path, value, message):
    import shutil

    folder = tmp_path / "peru"
    shutil.copytree(CONTENT / "alianzas-peru", folder)
    meta = folder / "evaluation.yaml"
    text = meta.read_text(encoding="utf-8").replace("language: es\n", f"language: es\n{value}")
    meta.write_text(text, encoding="utf-8")
    found = [f for f in run_json(folder)["reports"][0]["findings"] if f["field"] == "locale"]
    assert [f["code"] for f in found] == ["invalid-choice"]
    assert message in found[0]["message"]
    assert "es-PE" in found[0]["message"]


def _cells(path) -> str:
    doc = Document(str(path))
    return "\n".join(cell.text for row in doc.tables[0].rows for cell in row.cells)


def test_peruvian_report_prints_peruvian_numbers(tmp_path):
    result = run("build", CONTENT / "alianzas-peru", "-o", tmp_path, "--draft", "--to", "docx")
    assert result.exit_code == 0, result.output
    cells = _cells(tmp_path / "alianzas-peru.docx")
    assert "U.S.A – USD 7,940,000 tras cuatro ampliaciones" in cells
    assert "USD 49,123.00" in cells
    assert "diciembre de 2024" in cells


def test_a_report_locale_overrides_the_country(tmp_path, report_copy):
    folder = _with_locale(report_copy, "locale: es-ES\n")
    result = run("build", folder, "-o", tmp_path, "--draft", "--to", "docx")
    assert result.exit_code == 0, result.output
    cells = _cells(tmp_path / "peru.docx")
    assert "USD 7.940.000" in cells and "USD 49.123,00" in cells


def test_french_digit_groups_keep_their_no_break_spaces(tmp_path, report_copy):
    folder = _with_locale(report_copy, "locale: fr-FR\n")
    meta = folder / "evaluation.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("language: es", "language: fr"), encoding="utf-8"
    )
    run("build", folder, "-o", tmp_path, "--draft", "--to", "docx")
    cells = _cells(tmp_path / "peru.docx")
    assert "USD 7\u202f940\u202f000" in cells
    assert "USD 49\u202f123,00" in cells


def test_lang_translates_the_template_words_and_leaves_the_numbers(tmp_path):
    run("build", CONTENT / "alianzas-peru", "-o", tmp_path, "--draft", "--lang", "fr")
    cells = _cells(tmp_path / "alianzas-peru.docx")
    assert "U.S.A – USD 7,940,000 tras cuatro ampliaciones" in cells  # the report's locale
    assert "USD 49,123.00" in cells
    assert "Donateur et budget" in cells
    assert "décembre 2024" in cells  # a month is the template's word


def _docx_languages(path) -> tuple[str, set[str], str]:
    with zipfile.ZipFile(path) as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
        body = docx.read("word/document.xml").decode("utf-8")
    default = re.search(r"<w:rPrDefault>.*?<w:lang [^>]*w:val=\"([^\"]+)\"", styles, re.S)
    assert default is not None
    runs = set(re.findall(r"<w:lang w:val=\"([^\"]+)\"", body))
    return default.group(1), runs, Document(str(path)).core_properties.language


def test_the_document_language_is_the_prose_language_under_lang(tmp_path):
    """--lang fr on a Spanish report: French labels, a Spanish (Peru) document."""
    result = run("build", CONTENT / "alianzas-peru", "-o", tmp_path, "--draft", "--lang", "fr")
    assert result.exit_code == 0, result.output
    default, runs, core = _docx_languages(tmp_path / "alianzas-peru.docx")
    assert (default, core) == ("es-PE", "es-PE")
    assert runs == {"fr"}  # the labels, and nothing else, say they are French
    doc = Document(str(tmp_path / "alianzas-peru.docx"))
    label = doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert label.text == "Code du projet"
    assert label._r.find(".//{*}lang") is not None
    reader = PdfReader(str(tmp_path / "alianzas-peru.pdf"))
    assert reader.trailer["/Root"]["/Lang"] == "es-PE"
    assert "Résumé exécutif" in reader.pages[0].extract_text()


def test_without_lang_the_document_is_in_its_own_language(tmp_path):
    run("build", CONTENT / "example-en", "-o", tmp_path)
    default, runs, core = _docx_languages(tmp_path / "example-en.docx")
    assert (default, core) == ("en-GB", "en-GB")  # two countries: British English
    assert runs == set()
    assert PdfReader(str(tmp_path / "example-en.pdf")).trailer["/Root"]["/Lang"] == "en-GB"


def test_the_schema_documents_the_locale():
    result = run("schema")
    assert '"locale"' in result.output
    assert "es-PE" in result.output


def test_valid_fixture_has_no_locale_and_needs_none():
    findings = run_json(FIXTURES / "valid")["reports"][0]["findings"]
    assert not [f for f in findings if f["field"] == "locale"]
