"""Every shortcut taken for speed gives exactly what the plain way gave.

check and build run over portfolios of a thousand reports, so a few scans
take a faster road: the placeholder anchors are searched for several at a
time, headings are found with ``str.find`` and their attributes split without
shlex's reader, labels are folded once, bad characters are ruled out over
UTF-8 bytes, message texts are cut into their fields once, paths are resolved
folder by folder, a report folder's inputs are listed with ``os.scandir``. Each
test here holds one of them to the plain computation it replaced, and the
last ones count what a build with nothing changed does not do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import unicodedata
from pathlib import Path
from stat import S_ISLNK

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CONTENT, FIXTURES, run
from evalcli import api, i18n, yamlnodes
from evalcli.limits import MAX_YAML_DEPTH
from evalcli.outputs.manifest import MANIFEST_FILE, file_sha256, folder_state
from evalcli.paths import real_path
from evalcli.portfolio.parallel import chunk_sizes, run_chunks
from evalcli.report.markdown import _heading, find_headings, split_attributes
from evalcli.template import placeholders
from evalcli.template.loader import builtin_template
from evalcli.text import _COMBINING, BAD_CHARACTER, fold, fold_keep_length, has_bad_character

PATH = Path("findings.md")
TEMPLATE = builtin_template()
INDEX = placeholders._index(TEMPLATE)

# --- placeholders: the anchors searched for together -----------------------------------------


def every_regex(text: str) -> list[tuple[int, str]]:
    """``find_placeholders`` with no anchor at all: every regex run on the folded text."""
    sources = {*INDEX.always, *(s for found in INDEX.anchored.values() for s in found)}

    def spans(folded: str) -> list[tuple[int, int]]:
        return sorted({m.span() for s in sources for m in re.finditer(s, folded)})

    folded = fold_keep_length(text)
    found = spans(folded)
    if found and len(folded) != len(text):
        folded = "".join((fold_keep_length(ch) or "\0")[0] for ch in text)
        found = spans(folded)
    return [(start, text[start:end]) for start, end in found]


def found(text: str) -> list[tuple[int, str]]:
    """What check finds; its anchors' search must never let a placeholder through."""
    result = placeholders.find_placeholders(text, TEMPLATE)
    if result:
        assert INDEX.may_match(text), text
    return result


PHRASES = list(TEMPLATE.placeholder_phrases)
ANCHORS = sorted(INDEX.anchored)


def variants(phrase: str) -> list[str]:
    """A placeholder as authors leave it: as is, shouted, inside prose, broken over lines,
    pasted from Word with doubled, non-breaking or tab spaces, in brackets."""
    return [
        phrase,
        phrase.upper(),
        phrase.title(),
        f"El texto dice: {phrase}. Y sigue.",
        phrase.replace(" ", "\n"),
        phrase.replace(" ", "  "),
        phrase.replace(" ", "\u00a0"),
        phrase.replace(" ", " \t"),
        f"[{phrase}]",
        f"[ {phrase} ]",
        f"< {phrase.upper()} >",
        phrase[: len(phrase) // 2],  # half of it: no placeholder
    ]


@pytest.mark.parametrize("phrase", PHRASES)
def test_each_placeholder_phrase_is_found_as_every_regex_finds_it(phrase):
    for text in variants(phrase):
        assert found(text) == every_regex(text), text


@pytest.mark.parametrize("phrase", PHRASES)
def test_a_phrase_with_accents_its_anchor_lacks_is_never_found_wrongly(phrase):
    # the anchors are looked for without folding: "hága clic" is not "haga clic", so
    # such a typo may go unseen, but nothing is ever found that is not there
    text = phrase.replace("a", "á").replace("e", "é")
    assert set(found(text)) <= set(every_regex(text))


@pytest.mark.parametrize("anchor", ANCHORS)
def test_each_anchor_is_found_as_every_regex_finds_it(anchor):
    for text in [*variants(anchor), f"x{anchor}x", anchor[1:], anchor[:-1], f"<{anchor}>"]:
        assert found(text) == every_regex(text), text


@pytest.mark.parametrize(
    "text",
    [
        "[Añadir el nombre del proyecto]",
        "[ Insérer la date ]",
        "< ajouter le titre >",
        "[INSERTAR fecha]",
        "Haga  clic aquí para escribir texto",
        "Haga clic\u00a0aquí para escribir texto",
        "Cliquez ici\npour entrer du texte",
    ],
)
def test_placeholders_that_a_word_anchor_missed_are_found(text):
    assert found(text) == every_regex(text) != [], text


@pytest.mark.parametrize(
    "text",
    [
        "［Insertar nombre del proyecto］",  # full-width brackets, from an East Asian keyboard
        "＜insert the title＞",
        "﹤ajouter la date﹥",
        "Fecha: ＴＢＤ",
        "Presupuesto: xx\uff58 USD",
        "≮insert name>",
        "Haga¨clic aquí para escribir texto",  # a spacing diaeresis folds into a space
        "TB\uff24 hasta mayo",
        "ﬁn: [Añadir] \udcff",  # a lone surrogate, from a file name that is not UTF-8
    ],
)
def test_placeholders_written_with_characters_that_fold_into_ascii_are_found(text):
    assert found(text) == every_regex(text) != [], text


def test_a_prompt_in_brackets_ends_before_the_next_bracket_of_its_kind():
    # the search from one "[" stops at the next one: a 50,000-character line of unclosed
    # "[add" is searched in time in step with its length, not with its square
    assert found("[Añadir [Añadir nombre]") == [(8, "[Añadir nombre]")]
    assert found("<add <insert the date>") == [(5, "<insert the date>")]
    assert found("[Insertar fecha <dd/mm/aaaa>]") == [(0, "[Insertar fecha <dd/mm/aaaa>")]
    assert found("[add " * 10_000) == []


def test_the_anchors_are_scanned_fewer_times_than_there_are_anchors():
    assert len(INDEX.marks) + len(INDEX.scanners) < len(INDEX.anchored)


EVERY_CHARACTER = [chr(code) for code in range(sys.maxunicode + 1)]


def _accented_ascii_letter(ch: str) -> bool:
    decomposed = unicodedata.normalize("NFD", ch)
    rest = decomposed[1:]
    base = decomposed[0]
    return bool(rest) and base.isascii() and base.isalpha() and not _COMBINING.sub("", rest)


def test_every_character_that_folds_into_ascii_sends_its_text_to_be_folded():
    # ASCII lower case of the UTF-8 bytes gives every ASCII character folding gives,
    # except at these (white space aside, and accents on ASCII letters, the documented
    # limit); the anchors' search folds text with them first, in any company
    into_ascii = []
    for ch in EVERY_CHARACTER:
        if 0xD800 <= ord(ch) <= 0xDFFF or ch.isascii() or re.fullmatch(r"\s", ch):
            continue
        folds = re.search("[\x00-\x7f]", fold_keep_length(ch) + ch.casefold())
        if folds and not _accented_ascii_letter(ch):
            into_ascii.append(ch)
    assert len(into_ascii) > 1500
    for ch in into_ascii:
        for text in (ch, f"ab{ch}cd", f"añ{ch}", f"d\u2019{ch}x", f"{ch}\udcff"):
            assert placeholders.folds_into_ascii(text), (hex(ord(ch)), text)
    # the usual text of a summary is not folded: Spanish and French letters, typographic
    # quotes and dashes, and the sample's sections
    for text in ("Año, niño, été, çà, œuvre", "d\u2019évaluation \u201cdos\u201d \u2013 tres"):
        assert not placeholders.folds_into_ascii(text), text
    for path in sorted((CONTENT / "alianzas-peru").glob("*.md")):
        assert not placeholders.folds_into_ascii(path.read_text(encoding="utf-8")), path.name


def test_white_space_in_utf8_is_what_the_regexes_take_for_white_space():
    one = re.compile(placeholders.WHITE_SPACE)
    for ch in EVERY_CHARACTER:
        if not 0xD800 <= ord(ch) <= 0xDFFF:
            white = bool(re.fullmatch(r"\s", ch))
            assert bool(one.fullmatch(ch.encode())) == white, hex(ord(ch))


_PIECES = st.sampled_from(
    [
        *[*ANCHORS, *PHRASES, " ", "\n", "\u00a0", "é", "ß", "ﬁ", "K", "x", "TBD", "[", "<", "]"],
        *["［", "＜", "＞", "］", "ｘ", "Ｔ", "…", "´", "\u2003", "\udcff"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_mix_of_anchors_is_found_as_every_regex_finds_it(text):
    assert found(text) == every_regex(text)


def test_the_sample_sections_hold_what_they_held():
    for path in sorted((CONTENT / "alianzas-peru").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert found(text) == every_regex(text)


# --- headings found with str.find ------------------------------------------------------------


def plain_headings(text: str) -> list[tuple[int, object]]:
    """Every line tried as a heading, as the code-block path does."""
    found = []
    for index, line in enumerate(text.split("\n")):
        heading = _heading(line, index + 1, PATH)
        if heading:
            found.append((index, heading))
    return found


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='#\n \tab{}="x.', max_size=80))
def test_headings_are_the_lines_that_read_as_headings(text):
    assert find_headings(text, PATH) == plain_headings(text)


def test_the_sample_headings_are_every_heading_line():
    for path in sorted((CONTENT / "example-en").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "```" not in text and "~~~" not in text:
            assert find_headings(text, PATH) == plain_headings(text)


def shlex_or_error(raw: str) -> list[str] | str:
    try:
        return shlex.split(raw, posix=True)
    except ValueError:
        return "unclosed quote"


def split_or_error(raw: str) -> list[str] | str:
    try:
        return split_attributes(raw)
    except ValueError:
        return "unclosed quote"


# quotes, backslashes, the blanks shlex splits at and two it does not (vertical tab, no-break space)
@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab=#.é\"' \t\r\n\\\x0b\xa0", max_size=24))
def test_heading_attributes_split_as_shlex_splits_them(raw):
    assert split_or_error(raw) == shlex_or_error(raw)


def test_the_heading_attributes_of_the_samples_split_as_shlex_splits_them():
    found = 0
    for path in sorted([*CONTENT.rglob("*.md"), *FIXTURES.rglob("*.md")]):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            start, end = line.rfind("{"), line.rfind("}")
            if line.startswith("#") and start < end:
                found += 1
                raw = line[start + 1 : end]
                assert split_or_error(raw) == shlex_or_error(raw), line
    assert found > 10  # the follow-up facts of the recommendations, in the samples and fixtures


def test_a_long_text_is_folded_as_a_short_one():
    short = "  Ñandú  Über\tSTRASSE "
    assert fold(short) == "nandu uber strasse"
    assert fold(short * 40) == " ".join(["nandu uber strasse"] * 40)  # past the cached length


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_ascii_text_is_folded_as_any_text(text):
    # ASCII text is only lower-cased: it has nothing to decompose or strip
    for sample in (text, text.encode("ascii", "ignore").decode()):
        decomposed = unicodedata.normalize("NFKD", sample)
        assert fold_keep_length(sample) == _COMBINING.sub("", decomposed).casefold()


# --- YAML read by libyaml when it is surely shallow ------------------------------------------


def plain_shallow(text: str) -> bool:
    """The test as it was: the deepest indentation of any line, counted line by line."""
    if "*" in text or text.count("[") + text.count("{") > MAX_YAML_DEPTH:
        return False
    indents = (len(line) - len(line.lstrip(" -")) for line in text.split("\n"))
    return max(indents, default=0) <= MAX_YAML_DEPTH


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["a: 1", "- x", "", "b:"]))))
def test_shallow_yaml_is_told_apart_as_line_by_line(lines):
    text = "\n".join(" " * indent + line for indent, line in lines)
    for sample in (text, text.replace(" ", "- ", 3), "- " * 9 + text):
        assert yamlnodes._plainly_shallow(sample) == plain_shallow(sample), sample


# --- bad characters ruled out over bytes -------------------------------------------------------


def test_bad_characters_are_ruled_out_exactly_where_the_pattern_finds_none():
    points = [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 97), sys.maxunicode]
    for point in points:
        char = chr(point)
        for text in (char, f"ab{char}¿x", f"¿{char}"):
            assert has_bad_character(text) == (BAD_CHARACTER.search(text) is not None), hex(point)


# --- message texts cut once ------------------------------------------------------------------


def plain_substitute(template: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(match.group(1), token)

    return i18n._FIELD.sub(one, template)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="{}ab_1 x", max_size=40))
def test_a_message_text_is_filled_in_as_the_pattern_filled_it(template):
    values = {"a": "A{b}", "ab": "{{", "x": "", "_1": "}"}
    assert i18n.substitute(template, values) == plain_substitute(template, values)


# --- paths resolved folder by folder -------------------------------------------------------------


def test_paths_resolve_as_realpath_resolves_them(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "f").write_text("x", encoding="utf-8")
    (tmp_path / "l").symlink_to(tmp_path / "a" / "b")
    (tmp_path / "a" / "fl").symlink_to("b/f")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "a" / "b" / "up").symlink_to("../../a")
    folders: dict[str, str] = {}  # kept from one path to the next, as a build keeps it
    for name in [
        *("a/b/f", "l/f", "a/fl", "loop", "loop/x", "a/b/up/b/f", "missing/x/y"),
        *("a/b/../b/f", "l", "a/b/up", "a/./b", ".hidden/x", "l/../a"),
    ]:
        path = f"{tmp_path}/{name}"
        assert real_path(path, {}) == os.path.realpath(path), name
        assert real_path(path, folders) == os.path.realpath(path), name
    assert real_path(f"{tmp_path}//a/b/f", {}) == os.path.realpath(f"{tmp_path}//a/b/f")


# --- a report folder's inputs, listed with scandir ------------------------------------------


def walked_state(folder: Path, skip: str | None = None) -> tuple[str, dict]:
    """The inputs' hash as ``os.walk`` gave it (no earlier states known), as it was written."""
    digest = hashlib.sha256()
    states = {}
    top = os.fspath(folder)
    for current, subfolders, files in os.walk(top):
        prefix = os.path.relpath(current, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        subfolders[:] = sorted(name for name in subfolders if prefix + name != skip)
        for name in sorted(files):
            path = os.path.join(current, name)  # noqa: PTH118
            relative = prefix + name
            digest.update(b"\0" + relative.encode("utf-8", "surrogateescape") + b"\0")
            try:
                info = os.lstat(path)
                if S_ISLNK(info.st_mode):
                    link = os.readlink(path)  # noqa: PTH115
                    digest.update(b"link:" + link.encode("utf-8", "surrogateescape"))
                    continue
                sha = file_sha256(Path(path))
                states[relative] = (info.st_size, info.st_mtime_ns, sha)
                digest.update(sha.encode())
            except OSError as exc:
                digest.update(f"unreadable:{exc.errno}".encode())
        for name in subfolders:
            path = os.path.join(current, name)  # noqa: PTH118
            if os.path.islink(path):  # noqa: PTH114
                link = os.readlink(path)  # noqa: PTH115
                digest.update(f"\0{name}\0dirlink:{link}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest(), states


def test_a_report_folders_inputs_hash_as_os_walk_hashed_them(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "images" / "old").mkdir(parents=True)
    (folder / "images" / "a.png").write_bytes(b"png")
    (folder / "images" / "old" / "b.png").write_bytes(b"old")
    (folder / "build").mkdir()
    (folder / "build" / "r.pdf").write_bytes(b"%PDF")
    (folder / "zz").mkdir()
    (folder / "link.md").symlink_to("findings.md")
    (folder / "gone.md").symlink_to("nowhere.md")
    (folder / "images" / "up").symlink_to("..")
    (folder / "b-folder-link").symlink_to(folder / "zz")
    for skip in (None, "build", "images/old"):
        assert folder_state(folder, skip=skip) == walked_state(folder, skip), skip


# --- chunks for the processes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "chunk", "jobs"), [(1000, 50, 2), (41, 5, 2), (7, 1, 4), (9, 4, 1)]
)
def test_chunks_cover_everything_and_shrink_toward_the_end(count, chunk, jobs):
    sizes = chunk_sizes(count, chunk, jobs)
    assert sum(sizes) == count and max(sizes) <= chunk
    assert sizes == sorted(sizes, reverse=True)
    if jobs > 1:
        assert sizes[-1] == 1  # the last process to finish waits for one item at most


def square(numbers: list[int]) -> list[int]:
    return [n * n for n in numbers]


def test_chunks_in_processes_come_back_in_order():
    assert run_chunks(square, list(range(60)), 2, 7) == [n * n for n in range(60)]


# --- a build with nothing changed ---------------------------------------------------------------


def test_a_build_with_nothing_changed_loads_and_checks_no_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "content" / name)
    loaded: list[Path] = []
    checked: list[Path] = []
    real_load, real_check = api.load_report, api._check

    def counting_load(folder, *args, **kwargs):
        loaded.append(folder)
        return real_load(folder, *args, **kwargs)

    def counting_check(item, project=None):
        checked.append(item.path)
        return real_check(item, project)

    monkeypatch.setattr(api, "load_report", counting_load)
    monkeypatch.setattr(api, "_check", counting_check)
    first = run("build", "--to", "md", "content", "-o", "out")
    assert first.exit_code == 0, first.output
    assert len(loaded) == len(checked) == 3
    loaded.clear()
    checked.clear()
    again = run("build", "--to", "md", "content", "-o", "out")
    assert again.exit_code == 0 and "3 up to date" in again.stderr
    assert loaded == [] and checked == []
    lessons = tmp_path / "content" / "b" / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    edited = run("build", "--to", "md", "content", "-o", "out")
    assert edited.exit_code == 0 and "1 built, 2 up to date" in edited.stderr
    assert [p.name for p in loaded] == [p.name for p in checked] == ["b"]


def test_an_entry_moved_under_another_reports_name_is_not_replayed(tmp_path, monkeypatch):
    """The signature covers the report's name: a signed entry cannot vouch for another."""
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "content" / name)
    assert run("build", "--to", "md", "content", "-o", "out").exit_code == 0
    path = tmp_path / "out" / MANIFEST_FILE
    data = json.loads(path.read_bytes())
    first, second = sorted(data["reports"])
    data["reports"][second] = data["reports"][first]
    path.write_text(json.dumps(data), encoding="utf-8")
    again = run("build", "--to", "md", "content", "-o", "out")
    assert again.exit_code == 0 and "1 built, 1 up to date" in again.stderr


def collecting(numbers: list[int]) -> list[bool]:
    import gc

    return [gc.isenabled() for _ in numbers]


def test_workers_collect_garbage_and_the_run_leaves_collection_as_it_found_it():
    import gc

    assert run_chunks(collecting, list(range(8)), 2, 1) == [True] * 8
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_reports_name_in_the_manifest_is_its_relative_path_from_the_output(tmp_path, monkeypatch):
    from evalcli.outputs.manifest import Manifest

    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "c" / "r").mkdir(parents=True)
    reports = [tmp_path / "c" / "r", Path("c/r"), Path("c/../c/r"), tmp_path, Path(), Path("/")]
    for base in (tmp_path / "out", Path("out"), tmp_path, Path("c/r")):
        manifest = Manifest(base, None)
        for report in reports:
            plain = os.path.relpath(Path(os.path.normpath(report.absolute())), manifest._base)
            assert manifest.name(report) == plain, (base, report)
