"""Messages in English, Spanish and French: complete catalogs, and every message through them."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import CONTENT, ROOT, run
from evalcli import i18n

PACKAGE = ROOT / "src" / "evalcli"
LOCALE = PACKAGE / "locale"
KEYWORDS = {"msg": (1,), "nmsg": (1, 2)}


def _source_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "evalcli.po").open("rb") as stream:
        return read_po(stream, locale=lang)


def _key(message) -> str | tuple[str, str]:
    return message.id if isinstance(message.id, str) else (message.id[0], message.id[1])


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_message_is_translated_with_the_same_placeholders(lang):
    catalog = _catalog(lang)
    entries = {_key(m): m for m in catalog if m.id}
    source = _source_messages()
    assert source, "no message found in the source"
    missing = [m for m in source if m not in entries]
    assert missing == [], f"not in the {lang} catalog: run scripts/messages.py and translate"
    for key in source:
        entry = entries[key]
        assert "fuzzy" not in entry.flags, f"{lang}: fuzzy: {key}"
        texts = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        assert texts and all(texts), f"{lang}: not translated: {key}"
        english = [key] if isinstance(key, str) else list(key)
        wanted = set().union(*(i18n.placeholders(t) for t in english))
        for text in texts:
            assert i18n.placeholders(text) == wanted, f"{lang}: placeholders differ: {key}"


def _texts(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_the_committed_compiled_catalog_is_the_po_file(lang):
    """The .mo files ship in the package (no build step); they must be the .po compiled."""
    folder = LOCALE / lang / "LC_MESSAGES"
    with (folder / "evalcli.mo").open("rb") as stream:
        compiled = {_key(m): _texts(m.string) for m in read_mo(stream) if m.id}
    written = {_key(m): _texts(m.string) for m in _catalog(lang) if m.id and m.string}
    assert compiled == written, "run scripts/messages.py to compile the catalogs"


# --- nothing printed bypasses the catalogs -------------------------------------------------

# Lines still built from English literals, per module: the sweep after a merge wraps
# them in msg() and lowers these numbers; a new literal anywhere fails the test.
KNOWN_ENGLISH = {
    "console.py": 1,  # "evalcli: {interrupted}": the program's name
    "template/loader.py": 2,  # template authors' errors (and every reader.fail() there)
}
_ERRORS = {"InputError", "TemplateError", "UnknownTemplateError", "ConversionError"}


def _literal_text(node: ast.expr) -> bool:
    """A string literal or f-string holding words (not just punctuation or a path)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[a-z]{3}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_text(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _english_lines(tree: ast.AST) -> int:
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func, "value", None)
            # click.echo, and console's own echo (bare, or as console.echo)
            printer = owner is None or getattr(owner, "id", "") in ("click", "console")
            echo = name in ("echo", "secho") and printer
            if (echo or name in _ERRORS or name == "fail") and _literal_text(node.args[0]):
                count += 1
    return count


def test_no_new_line_is_printed_in_english_only():
    found = Counter()
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE).as_posix()
        count = _english_lines(ast.parse(path.read_text(encoding="utf-8")))
        if count:
            found[name] = count
    grown = {name: n for name, n in found.items() if n > KNOWN_ENGLISH.get(name, 0)}
    assert grown == {}, (
        "wrap these messages in evalcli.i18n.msg() and translate them "
        "(scripts/messages.py), instead of printing English text"
    )
    assert found == Counter(KNOWN_ENGLISH), "fewer English lines: lower KNOWN_ENGLISH"


def test_a_finding_takes_only_a_code_constant_and_a_message():
    """mypy holds this: Finding.of(code: FindingCode, message: Message, ...)."""
    from typing import get_type_hints

    from evalcli.diagnostics import Finding

    hints = get_type_hints(Finding.of)
    assert hints["code"].__name__ == "FindingCode"
    assert hints["message"].__name__ == "Message"


# --- which language ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "es_PE.UTF-8"}, "es"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "es_ES.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "es_MX.UTF-8", "LC_MESSAGES": "fr_FR"}, "es"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "de:fr:es"}, "fr"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "es"}, "en"),  # GNU: LANGUAGE needs a real locale
        ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "de"}, "en"),  # a list with no catalog: English
        ({}, "en"),
    ],
)
def test_the_locale_chooses_as_gnu_gettext_does(env, lang):
    assert i18n.environment_language(env) == lang


def _lines(result) -> list[tuple[str, str]]:
    """(location, code) of each finding line."""
    return re.findall(r"^(\S+): \w+\[([a-z0-9-]+)\]", result.stdout, re.M)


def test_the_sample_in_spanish_and_french_has_the_same_codes_and_places(monkeypatch):
    monkeypatch.chdir(ROOT)
    english = run("check", "content/alianzas-peru")
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    spanish = run("check", "content/alianzas-peru")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    french = run("check", "content/alianzas-peru")
    assert spanish.exit_code == french.exit_code == english.exit_code == 1
    assert _lines(spanish) == _lines(french) == _lines(english) != []
    assert spanish.stdout.splitlines()[-1] == "1 informe revisado: 2 errores, 9 advertencias"
    assert french.stdout.splitlines()[-1] == "1 rapport vérifié : 2 erreurs, 9 avertissements"
    assert "todavía contiene el texto provisional de la plantilla" in spanish.stdout
    assert "contient encore le texte indicatif du modèle" in french.stdout
    for words in ("still holds", "does not say", "add them", "report checked"):
        assert words not in spanish.stdout and words not in french.stdout


def test_an_imported_edition_and_its_import_table_speak_the_chosen_language(tmp_path, monkeypatch):
    """The findings and lines main's import of old editions added are messages too."""
    archive = ROOT / "tests" / "fixtures" / "archive"
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    out = tmp_path / "r"
    assert run("import", archive / "en-quickfacts-bullets.docx", "-o", out).exit_code == 0
    checked = run("check", out)
    assert "info[not-in-edition] sdgs: no figura en el resumen de datos básicos" in checked.stdout
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.docx").write_bytes((archive / "en-quickfacts-bullets.docx").read_bytes())
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    table = run("import", folder, "-o", tmp_path / "many")
    assert table.stdout.splitlines()[0].split()[:2] == ["fichier", "édition"]
    assert table.stdout.splitlines()[-1] == "fichiers importés : 1 sur 2"
    assert "erreur : " in table.stderr and "fichier zip endommagé" in table.stderr


def test_why_an_image_is_refused_is_said_in_the_chosen_language(monkeypatch, report_copy):
    report = report_copy(CONTENT / "alianzas-peru")
    (report / "empty.png").write_bytes(b"")
    background = report / "background.md"
    text = background.read_text(encoding="utf-8")
    background.write_text(text + "\n![Mapa](empty.png)\n", encoding="utf-8")
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    spanish = run("check", report)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    french = run("check", report)
    assert "imagen 'empty.png': un archivo vacío, no una imagen" in spanish.stdout
    assert "image 'empty.png' : un fichier vide, pas une image" in french.stdout


def test_why_a_docx_is_refused_is_said_in_the_chosen_language(tmp_path, monkeypatch):
    import zipfile

    docx = tmp_path / "summary.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("../escape.xml", "x")
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    result = run("import", docx, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "rechazado: contiene un archivo cuyo nombre sale del archivo comprimido" in (
        result.stderr
    )


def test_the_option_beats_the_setting_which_beats_the_locale(tmp_path, monkeypatch, report_copy):
    report = report_copy(CONTENT / "alianzas-peru")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert "advertencias" in run("check", report.name).stdout
    (tmp_path / "evalcli.toml").write_text('messages = "fr"\n', encoding="utf-8")
    assert "avertissements" in run("check", report.name).stdout
    assert "9 warnings" in run("check", report.name, "--messages", "en").stdout
    assert "9 warnings" in run("--messages", "en", "check", report.name).stdout


def test_a_wrong_messages_setting_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "evalcli.toml").write_text('messages = "de"\n', encoding="utf-8")
    result = run("check")
    assert result.exit_code == 2
    assert "messages must be one of en, es, fr, report" in result.stderr


def test_messages_report_speaks_each_reports_language(tmp_path, monkeypatch, report_copy):
    spanish = report_copy(CONTENT / "alianzas-peru")
    english = report_copy(CONTENT / "example-en")
    (english / "evaluation.yaml").write_text(
        (english / "evaluation.yaml")
        .read_text(encoding="utf-8")
        .replace("\ntitle:", "\ntitle: \n#")
        + "",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    result = run("check", spanish.name, english.name, "--messages", "report")
    by_file = {}
    for line in result.stdout.splitlines()[:-1]:
        by_file.setdefault(line.split("/")[0], []).append(line)
    assert all("no indica" in line for line in by_file[spanish.name] if "follow-up" in line)
    assert any("is required but empty" in line for line in by_file[english.name])
    # the closing tally is not one report's: the locale's language
    assert "rapports vérifiés" in result.stdout.splitlines()[-1]


def test_json_and_github_keep_codes_and_carry_the_chosen_language(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    data = json.loads(run("check", "content/alianzas-peru", "--format", "json").stdout)
    findings = data["reports"][0]["findings"]
    assert {f["code"] for f in findings} == {"placeholder", "missing-follow-up"}
    assert all("no indica" in f["message"] for f in findings if f["code"] == "missing-follow-up")
    assert set(data["summary"]) == {"reports", "errors", "warnings"}
    github = run("check", "content/alianzas-peru", "--format", "github").stdout
    assert "title=evalcli missing-follow-up::R1" in github
    assert "no indica addressed_to" in github


def test_replayed_findings_speak_the_language_of_the_run(tmp_path, monkeypatch, report_copy):
    """Findings cached in the build manifest are messages, not English text."""
    report = report_copy(CONTENT / "alianzas-peru")
    monkeypatch.chdir(tmp_path)
    first = run("build", report.name, "--draft", "-o", tmp_path / "out", "--format", "json")
    assert first.exit_code == 0, first.output
    manifest = json.loads((tmp_path / "out" / ".evalcli-manifest.json").read_bytes())
    (entry,) = manifest["reports"].values()
    assert '"id":"{item} (' in entry["entry"]  # the entry as signed
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    again = json.loads(
        run("build", report.name, "--draft", "-o", tmp_path / "out", "--format", "json").stdout
    )
    assert again["reports"][0]["up_to_date"] is True
    messages = [f["message"] for f in again["reports"][0]["findings"]]
    assert any("n’indique pas addressed_to" in m for m in messages)


def test_a_hostile_manifest_message_is_printed_as_text(tmp_path):
    """A message read back from a manifest is substituted by name, never evaluated."""
    message = i18n.from_data({"id": "{x.__class__} {y}", "args": {"y": "{x}", "x": 1}})
    assert message is not None
    assert message.render("en") == "{x.__class__} {x}"
    assert i18n.from_data({"id": "a", "args": {"x": [1, 2]}}) is None
    assert i18n.from_data({"id": 3}) is None


# --- the scaffold in the report's language ---------------------------------------------------

_ENGLISH = {
    *("the", "and", "of", "or", "to", "for", "with", "what", "who", "when", "which", "this"),
    *("insert", "required", "optional", "fill", "every", "value", "one", "list", "names"),
    *("project", "evaluation", "report", "summary", "template", "heading", "item", "text"),
    *("findings", "lessons", "learned", "good", "practice", "recommendation", "quick"),
    *("facts", "missing", "still", "lists", "written", "language", "country", "leave", "empty"),
    # not "date", "section", "impact": French words too
}
_SYNTAX = [
    r"^\s*(?:- )?[a-z_]+:",  # YAML keys
    r"\b[a-z_]+=\"[^\"]*\"",  # heading attributes
    r"\{[a-z]+: [^}]*\}",  # YAML examples: {amount: ..., currency: USD}
    r"\bevalcli check\b|\bilo_summary\b|\bi-eval Discovery\b",  # names
]


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_init_writes_no_english_sentence(tmp_path, lang):
    folder = tmp_path / lang
    assert run("init", folder, "--lang", lang).exit_code == 0
    english = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        for pattern in _SYNTAX:
            text = re.sub(pattern, " ", text, flags=re.M)
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        english += [f"{path.name}: {w}" for w in sorted(words & _ENGLISH)]
    assert english == []
    english_scaffold = tmp_path / "en"
    run("init", english_scaffold, "--lang", "en")
    assert "insert" in (english_scaffold / "lessons.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_check_recognises_the_scaffold_placeholders_in_every_language(tmp_path, lang):
    folder = tmp_path / lang
    run("init", folder, "--lang", lang)
    data = json.loads(run("check", folder, "--format", "json").stdout)
    placeholders = {
        Path(f["file"]).name for f in data["reports"][0]["findings"] if f["code"] == "placeholder"
    }
    sections = {"background.md", "findings.md", "lessons.md", "good_practices.md"}
    assert sections | {"recommendations.md"} <= placeholders


def test_a_role_may_be_given_in_the_reports_language(tmp_path, report_copy):
    report = report_copy(CONTENT / "alianzas-peru")
    metadata = report / "evaluation.yaml"
    text = metadata.read_text(encoding="utf-8")
    metadata.write_text(text.replace("role: lead", "role: líder"), encoding="utf-8")
    exported = json.loads(run("export", report).stdout)
    assert exported["reports"][0]["metadata"]["consultants"][0]["role"] == "lead"


def test_the_readme_spanish_example_is_what_check_prints(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ LANG=es_PE.UTF-8 evalcli check content/alianzas-peru\n", 1)[1]
    shown_lines = shown.split("```", 1)[0].strip().splitlines()
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    printed = run("check", "content/alianzas-peru").stdout.strip().splitlines()
    assert shown_lines[0] == printed[0]
    assert shown_lines[-1] == printed[-1]


def test_the_github_job_summary_speaks_the_chosen_language(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    run("check", "content/alianzas-peru", "--format", "github")
    text = summary.read_text(encoding="utf-8")
    assert "| rapport | résultat | erreurs | avertissements |" in text
    assert "1 rapport vérifié : 2 erreurs, 9 avertissements" in text
    assert "warning[missing-follow-up]" in text and "n’indique pas" in text


def test_every_message_id_is_a_literal_the_catalogs_can_hold():
    """msg("...") and nmsg("...", "...", n) take literal English text, never an f-string or a
    variable: pybabel extract can only find literals, and a computed id is never translated."""
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in KEYWORDS):
                continue
            ids = node.args[: len(KEYWORDS[node.func.id])]  # type: ignore[attr-defined]
            literal = all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in ids)
            fstring_args = any(isinstance(k.value, ast.JoinedStr) for k in node.keywords)
            if not literal or fstring_args:
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert wrong == []
