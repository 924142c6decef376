"""Hostile report content: nothing runs, nothing outside the folder is read, nothing blows up.

Each test builds its hostile input in a temporary folder and drives the CLI
as CI would. Limits are asserted to end quickly and with a clear message.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document

from conftest import FIXTURES, outputs, process_gone, run
from evalcli.limits import (
    MAX_FOOTNOTES,
    MAX_IMAGE_SHOWN_BYTES,
    MAX_LINE_CHARS,
    MAX_PARAGRAPH_CHARS,
    MAX_SECTION_BYTES,
    MAX_YAML_DEPTH,
)
from evalcli.template.loader import BUNDLED_DIR


def _valid(tmp_path: Path, name: str = "r") -> Path:
    return shutil.copytree(FIXTURES / "valid", tmp_path / name)


def _set(folder: Path, key: str, value: str) -> None:
    meta = folder / "evaluation.yaml"
    lines = [
        line
        for line in meta.read_text(encoding="utf-8").splitlines()
        if not line.startswith(f"{key}:")
    ]
    meta.write_text("\n".join([*lines, f"{key}: {value}"]) + "\n", encoding="utf-8")


def _codes(result) -> list[str]:
    return [f["code"] for r in json.loads(result.stdout)["reports"] for f in r["findings"]]


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def _media(path: Path) -> list[str]:
    return [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/media/")]


# --- code: a report cannot choose a template that holds code --------------------------


def test_a_report_cannot_bring_its_own_template_with_a_lua_filter(tmp_path):
    folder = _valid(tmp_path)
    evil = shutil.copytree(BUNDLED_DIR / "ilo_summary", folder / "tpl")
    marker = tmp_path / "pwned"
    (evil / "evalcli.lua").write_text(f'os.execute("touch {marker}")\n', encoding="utf-8")
    for name in ("tpl", "./tpl", "../r/tpl", str(evil)):
        _set(folder, "template", json.dumps(name))
        result = run("build", folder, "-o", tmp_path / "out", "--to", "docx")
        assert result.exit_code == 2, name
        assert "error[unknown-template]" in result.stderr
    assert not marker.exists()
    assert not (tmp_path / "out").exists()


# --- files: only regular files inside the report folder are read ----------------------


@pytest.mark.parametrize("draft", [False, True])
def test_a_section_that_links_outside_is_refused(tmp_path, draft):
    folder = _valid(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("## Secret\n\nTOP-SECRET-VALUE\n", encoding="utf-8")
    (folder / "background.md").unlink()
    (folder / "background.md").symlink_to(secret)
    checked = run("check", folder)
    assert checked.exit_code == 1
    assert "error[not-a-file] background.md: it leads outside the report folder" in checked.stdout
    flags = ["--draft"] if draft else []
    result = run("build", *flags, folder, "-o", tmp_path / "out", "--to", "docx,pdf,md")
    for path in (tmp_path / "out").glob("*"):
        assert b"TOP-SECRET-VALUE" not in path.read_bytes()
        if path.suffix == ".docx":
            assert "TOP-SECRET-VALUE" not in _docx_text(path)
    assert result.exit_code == (0 if draft else 1)


def test_an_image_in_a_metadata_value_is_plain_text(tmp_path):
    folder = _valid(tmp_path)
    _set(folder, "donor", json.dumps("Donor ![x](/etc/passwd) ![y](http://127.0.0.1:9/a.png)"))
    result = run("build", folder, "-o", tmp_path / "out", "--to", "docx,pdf")
    assert result.exit_code == 0, result.output
    docx = tmp_path / "out" / "r.docx"
    assert _media(docx) == []
    assert "Donor ![x](/etc/passwd) ![y](http://127.0.0.1:9/a.png)" in _docx_text(docx)


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "../../etc/hostname", "http://127.0.0.1:9/x.png", "nope.png"]
)
def test_draft_builds_never_embed_a_refused_image(tmp_path, target):
    folder = _valid(tmp_path)
    (folder / "findings.md").write_text(
        f"## Relevance\n\nText.\n\n![Chart]({target})\n\n![Ref][c]\n\n[c]: {target}\n",
        encoding="utf-8",
    )
    checked = run("check", "--format", "json", folder)
    assert _codes(checked).count("missing-image") == 2
    result = run("build", "--draft", folder, "-o", tmp_path / "out", "--to", "docx,pdf")
    assert result.exit_code == 0, result.output
    assert _media(tmp_path / "out" / "r.docx") == []
    assert "Chart" in _docx_text(tmp_path / "out" / "r.docx")


def test_an_image_whose_name_has_a_space_builds(tmp_path):
    folder = _valid(tmp_path)
    shutil.copy(FIXTURES / "chart.png", folder / "my chart.png")
    (folder / "findings.md").write_text(
        "## Relevance\n\nText.\n\n![Chart](<my chart.png>)\n", encoding="utf-8"
    )
    assert run("check", folder).exit_code == 0
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(_media(tmp_path / "out" / "r.docx")) == 1


# --- memory and time ------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    folder = _valid(tmp_path)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    (folder / "evaluation.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("check", "--format", "json", folder)
    assert result.exit_code == 2
    assert _codes(result)[0] == "yaml-limit"  # at the first alias, before any expansion


def test_a_recursive_alias_is_refused(tmp_path):
    folder = _valid(tmp_path)
    (folder / "evaluation.yaml").write_text("a: &a [*a]\n", encoding="utf-8")
    result = run("check", folder)
    assert result.exit_code == 2
    assert "error[yaml-limit] '*a' repeats another value (a YAML alias)" in result.stdout


def test_deep_nesting_is_refused_before_python_recursion(tmp_path):
    folder = _valid(tmp_path)
    (folder / "evaluation.yaml").write_text("title: " + "[" * 500 + "]" * 500 + "\n")
    result = run("check", folder)
    assert result.exit_code == 2
    assert f"values nested more than {MAX_YAML_DEPTH} levels deep" in result.stdout


def test_a_huge_section_is_refused_without_reading_it_all(tmp_path):
    folder = _valid(tmp_path)
    (folder / "background.md").write_bytes(b"## A\n\n" + b"word " * (MAX_SECTION_BYTES // 2))
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "error[too-large] background.md is larger than" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_huge_line_is_refused(tmp_path):
    folder = _valid(tmp_path)
    (folder / "findings.md").write_text("## Relevance\n\n" + "x" * (MAX_LINE_CHARS + 1) + "\n")
    result = run("check", folder)
    assert result.exit_code == 1
    assert "findings.md:3:1: error[too-large] line 3 of findings.md is longer than" in (
        result.stdout
    )


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def test_an_image_declaring_huge_dimensions_never_reaches_typst(tmp_path):
    folder = _valid(tmp_path)
    (folder / "bomb.png").write_bytes(_png_header(100_000, 100_000))
    (folder / "findings.md").write_text("## Relevance\n\n![Bomb](bomb.png)\n", encoding="utf-8")
    result = run("build", "--draft", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 0, result.output
    assert "error[too-large] image 'bomb.png'" in result.stderr
    assert "100000" in result.stderr


# --- metadata is plain text -------------------------------------------------------------


def test_metadata_prints_literally_in_docx_pdf_and_properties(tmp_path):
    from pypdf import PdfReader

    folder = _valid(tmp_path)
    donor = "*x* [l](u) $y$ a\\b #z <b>"
    _set(folder, "donor", json.dumps(donor))
    _set(folder, "title", json.dumps("T *i* \\ [l](u)"))
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    docx = Document(str(tmp_path / "out" / "r.docx"))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert any(donor in cell for cell in cells)
    assert docx.core_properties.title == docx.paragraphs[0].text
    assert docx.paragraphs[0].text.startswith("T *i* \\ [l](u)")
    reader = PdfReader(str(tmp_path / "out" / "r.pdf"))
    assert reader.metadata is not None and reader.metadata.title == docx.core_properties.title
    assert donor in reader.pages[0].extract_text().replace("\n", " ")


@pytest.mark.parametrize(
    ("key", "char"), [("title", "\\x01"), ("keywords", "\\x0b"), ("donor", "\\uFFFE")]
)
def test_control_characters_are_findings_not_crashes(tmp_path, key, char):
    folder = _valid(tmp_path)
    _set(folder, key, f'"bad{char}value"')
    checked = run("check", folder)
    assert checked.exit_code == 1
    assert f"error[bad-character] {key} holds the control character" in checked.stdout
    built = run("build", "--draft", folder, "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output


def test_newlines_in_values_cannot_forge_annotations(tmp_path):
    folder = _valid(tmp_path)
    _set(folder, "countries", json.dumps("Atlantis\n::error::forged"))
    result = run("check", folder)
    assert not any(line.startswith("::error::") for line in result.stdout.splitlines())
    assert "Atlantis\\n::error::forged" in result.stdout


# --- nothing left behind ----------------------------------------------------------------


def test_stale_temporary_files_of_a_killed_build_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    stale = out / f".evalcli-{dead}-r.docx.abc123"
    stale.write_bytes(b"partial")
    assert run("build", FIXTURES / "valid", "-o", out, "--to", "md").exit_code == 0
    assert not stale.exists()
    assert sorted(p.name for p in outputs(out)) == ["valid.md"]


def test_no_temporary_files_remain_after_a_build(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert run("build", FIXTURES / "valid", "-o", tmp_path / "out").exit_code == 0
    leftovers = [p for p in scratch.rglob("*") if p.is_file()]
    assert leftovers == []
    assert sorted(p.name for p in outputs(tmp_path / "out")) == ["valid.docx", "valid.pdf"]


def test_a_docx_bomb_is_refused_before_pandoc(tmp_path):
    bomb = tmp_path / "bomb.docx"
    zeros = b"\0" * (1 << 20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as stream:
            for _ in range(256):
                stream.write(zeros)
    assert bomb.stat().st_size < 2 * (1 << 20)
    result = run("import", bomb, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert (
        "bomb.docx: refused: 'word/document.xml' inflates 229:1 to 256 MiB; the limit is 100:1"
        in (result.stderr)
    )
    assert not (tmp_path / "out").exists()


def _png_of(width: int, height: int, depth: int = 8, color: int = 2) -> bytes:
    """A real, decodable PNG (a gradient row repeated), built row by row in little memory."""
    channels = {0: 1, 2: 3, 6: 4}[color] * depth // 8
    row = b"\0" + (bytes(range(256)) * (width * channels // 256 + 1))[: width * channels]
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _with_big_image(tmp_path: Path) -> Path:
    """A report within every limit whose PDF needs about 700 MiB and a second or more:
    one 40-megapixel 16-bit RGBA image, the most the header checks let through."""
    folder = _valid(tmp_path)
    (folder / "big.png").write_bytes(_png_of(8000, 5000, depth=16, color=6))
    (folder / "findings.md").write_text("## Relevance\n\n![Big](big.png)\n", encoding="utf-8")
    return folder


def test_typst_past_its_memory_limit_is_a_conversion_finding(tmp_path, monkeypatch):
    folder = _with_big_image(tmp_path)
    monkeypatch.setattr("evalcli.outputs.pdf.TYPST_MEMORY", 256 * 2**20)
    result = run("build", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 3
    assert (
        "r/evaluation.yaml: error[conversion-failed] typst needed more than 256 MiB of memory, "
        "the limit for one conversion, and was stopped"
    ) in result.stderr
    assert not (tmp_path / "out" / "r.pdf").exists()


def test_typst_past_its_time_limit_is_a_conversion_finding(tmp_path, monkeypatch):
    folder = _valid(tmp_path)
    monkeypatch.setattr("evalcli.outputs.pdf.TYPST_TIMEOUT", 0.001)
    result = run("build", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 3
    assert (
        "r/evaluation.yaml: error[conversion-failed] typst took longer than 0.001 s, "
        "the limit for one conversion, and was stopped"
    ) in result.stderr
    assert not (tmp_path / "out" / "r.pdf").exists()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _typst_child(process) -> int:
    """Wait for the confined Typst child of ``process`` to be compiling; its id.

    It is compiling once the Typst library is mapped, which happens after it
    confined itself. No deadline of our own: CI's job timeout is the fence.
    """
    while process.poll() is None:
        for child in _children(process.pid):
            proc = Path("/proc") / str(child)
            with contextlib.suppress(OSError):
                words = (proc / "cmdline").read_bytes().split(b"\0")
                ours = any(w.endswith(b"sandbox_child.py") for w in words) and b"typst" in words
                if ours and b"_typst" in (proc / "maps").read_bytes():
                    return child
        time.sleep(0.01)
    raise AssertionError(f"the build ended ({process.returncode}) with no Typst child")


def _start_build(folder: Path, out: Path, scratch: Path):
    import subprocess
    import sys

    env = dict(os.environ, TMPDIR=str(scratch))
    command = [sys.executable, "-m", "evalcli", "build", str(folder), "-o", str(out), "--to", "pdf"]
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_a_signal_kills_typst_at_once_and_leaves_nothing(tmp_path, signum):
    import signal

    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    process = _start_build(_with_big_image(tmp_path), out, scratch)
    child = _typst_child(process)
    os.kill(child, signal.SIGSTOP)  # Typst cannot finish now: only evalcli can end it
    process.send_signal(getattr(signal, signum))
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted; nothing half-written was left behind" in err
    assert "Traceback" not in err
    assert process_gone(child)
    assert [p for p in scratch.rglob("*") if p.is_file()] == []
    assert not out.exists() or [p.name for p in outputs(out)] == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_typst_dies_with_a_killed_evalcli(tmp_path):
    import signal

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = _start_build(_with_big_image(tmp_path), tmp_path / "out", scratch)
    child = _typst_child(process)
    os.kill(child, signal.SIGSTOP)
    process.kill()  # SIGKILL: evalcli cannot clean up, the kernel kills its child
    process.communicate(timeout=60)
    while not process_gone(child):
        time.sleep(0.01)
    assert not (tmp_path / "out" / "r.pdf").exists()


def test_a_report_cannot_choose_a_typst_function(tmp_path):
    folder = _valid(tmp_path)
    (folder / "background.md").write_text(
        '## Project\n\n::: {custom-style="eval"}\nDivided text.\n:::\n\n'
        '[Spanned text]{custom-style="read" lang="en"}\n',
        encoding="utf-8",
    )
    result = run("build", folder, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    text = PdfReader(str(tmp_path / "out" / "r.pdf")).pages[0].extract_text()
    assert "Divided text." in text and "Spanned text" in text


def test_an_image_shown_many_times_reaches_pandoc_once(tmp_path):
    from evalcli.outputs.convert import inline_images as _inline_images

    folder = _valid(tmp_path)
    (folder / "chart.png").write_bytes(_png_of(60, 40) + os.urandom(100_000))
    (folder / "findings.md").write_text(
        "## Relevance\n\n" + "\n\n".join(f"Figure {i}: ![Chart](chart.png)" for i in range(40)),
        encoding="utf-8",
    )
    result = run("build", folder, "-o", tmp_path / "out", "--to", "docx")
    assert result.exit_code == 0, result.output
    assert len(_media(tmp_path / "out" / "r.docx")) == 1
    markdown = "".join("![C](<a.png>) ![D](<b.png>)\n" for _ in range(300))
    inlined = _inline_images(
        markdown, {"a.png": folder / "chart.png", "b.png": FIXTURES / "chart.png"}
    )
    assert inlined.count(";base64,") == 2  # one copy of each image, however often it is shown
    assert inlined.count("![C][evalcli-image-1]") == 300


def test_a_huge_paragraph_is_refused_before_pandoc(tmp_path):
    folder = _valid(tmp_path)
    lines = ["word " * 9_000] * 22  # 1 MB in one paragraph, every line within its limit
    (folder / "findings.md").write_text("## Relevance\n\n" + "\n".join(lines) + "\n")
    result = run("check", folder)
    assert result.exit_code == 1
    assert (
        "findings.md:3:1: error[too-large] the paragraph at line 3 of findings.md is longer "
        f"than {MAX_PARAGRAPH_CHARS:,} characters"
    ) in result.stdout


def test_ten_thousand_footnotes_are_refused_before_pandoc(tmp_path):
    folder = _valid(tmp_path)
    notes = ["".join(f"Text^[Note {i}.] " for i in range(40))] * 250
    (folder / "findings.md").write_text("## Relevance\n\n" + "\n\n".join(notes) + "\n")
    result = run("check", folder)
    assert result.exit_code == 1
    assert f"findings.md has more than {MAX_FOOTNOTES:,} footnotes" in result.stdout


# --- check and build agree: what build refuses, check reports first --------------------

_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="90">{}</svg>'


def _gif_with_a_huge_second_frame() -> bytes:
    screen = b"GIF89a" + struct.pack("<HHBBB", 100, 100, 0, 0, 0)
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 100, 100, 0) + b"\x02\x02\x44\x01\x00"
    comment = b"\x21\xfe" + (b"\xff" + bytes(255)) * 280 + b"\x00"  # past the first 64 KiB
    huge = b"\x2c" + struct.pack("<HHHHB", 0, 0, 11_000, 11_000, 0) + b"\x02\x02\x44\x01\x00"
    return screen + frame + comment + huge + b"\x3b"


def _png_with_an_inflating_profile() -> bytes:
    packer = zlib.compressobj(9)
    profile = b"".join(packer.compress(bytes(1 << 20)) for _ in range(64)) + packer.flush()
    body = b"icc\x00\x00" + profile
    chunk = (
        struct.pack(">I", len(body))
        + b"iCCP"
        + body
        + struct.pack(">I", zlib.crc32(b"iCCP" + body))
    )
    image = _png_of(10, 10)
    return image[:33] + chunk + image[33:]


HOSTILE_CORPUS = {
    "brackets in a description": ({}, "![a [b] c](/etc/hostname)", "missing-image"),
    "an image inside a description": (
        {"ok.png": b"chart"},
        "![x ![y](/etc/hostname) z](ok.png)",
        "missing-image",
    ),
    "a region of seven letters": ({}, '[Text]{lang="en-ABCDEFG"}', "invalid-attribute"),
    "an SVG filter": (
        {"f.svg": _SVG.format('<filter id="f"><feTurbulence numOctaves="99"/></filter>')},
        "![F](f.svg)",
        "too-large",
    ),
    "an SVG reading another file": (
        {"x.svg": _SVG.format('<image href="../../secret.png" width="9" height="9"/>')},
        "![X](x.svg)",
        "too-large",
    ),
    "an SVG entity": (
        {"e.svg": '<!DOCTYPE svg [<!ENTITY a "b">]>' + _SVG.format("<text>&a;</text>")},
        "![E](e.svg)",
        "too-large",
    ),
    "a GIF frame past 64 KiB": ({"g.gif": b"gif"}, "![G](g.gif)", "too-large"),
    "a PNG profile that inflates": ({"p.png": b"png"}, "![P](p.png)", "too-large"),
}
_MADE = {"g.gif": _gif_with_a_huge_second_frame, "p.png": _png_with_an_inflating_profile}


@pytest.mark.parametrize("case", HOSTILE_CORPUS)
def test_check_reports_first_what_build_would_refuse(tmp_path, case):
    files, prose, code = HOSTILE_CORPUS[case]
    folder = _valid(tmp_path)
    for name, data in files.items():
        made = _MADE[name]() if name in _MADE else None
        if name == "ok.png":
            shutil.copy(FIXTURES / "chart.png", folder / name)
        else:
            (folder / name).write_bytes(made if made is not None else data.encode())
    (folder / "findings.md").write_text(f"## Relevance\n\n{prose}\n", encoding="utf-8")
    checked = run("check", "--format", "json", folder)
    assert checked.exit_code == 1
    assert code in _codes(checked)
    built = run("build", folder, "-o", tmp_path / "out")
    assert built.exit_code == 1, built.output  # refused for the same finding, not exit 3
    assert f"error[{code}]" in built.stderr
    draft = run("build", "--draft", folder, "-o", tmp_path / "draft")
    assert draft.exit_code == 0, draft.output  # the refused part is left out, the rest builds
    assert "evalcli-" not in draft.output  # no internal temporary path


def test_a_typst_error_names_no_private_path(tmp_path):
    from evalcli.errors import ConversionError
    from evalcli.outputs.pdf import compile_typst

    root = tmp_path / "root"
    root.mkdir()
    (root / "main.typ").write_text('#image("missing.png")\n', encoding="utf-8")
    with pytest.raises(ConversionError, match="typst could not compile the PDF") as error:
        compile_typst(tmp_path, root, [], [], 0)
    assert str(tmp_path) not in str(error.value)
    assert "missing.png" in str(error.value)


def test_images_shown_past_the_section_budget_are_refused(tmp_path):
    folder = _valid(tmp_path)
    (folder / "c.png").write_bytes(_png_of(60, 40) + bytes(3 * 2**20))  # a 3 MiB file
    shown = "\n\n".join("![C](c.png)" for _ in range(MAX_IMAGE_SHOWN_BYTES // (3 * 2**20) + 1))
    (folder / "findings.md").write_text(f"## Relevance\n\n{shown}\n", encoding="utf-8")
    result = run("check", "--format", "json", folder)
    assert result.exit_code == 1
    assert _codes(result).count("too-large") == 1  # only the last one passes the budget
    assert f"add up to more than {MAX_IMAGE_SHOWN_BYTES // 2**20} MiB" in result.stdout


def test_pandoc_past_its_time_limit_is_a_conversion_finding(tmp_path, monkeypatch):
    monkeypatch.setattr("evalcli.tools.pandoc.PANDOC_TIMEOUT", 0.001)
    result = run("build", _valid(tmp_path), "-o", tmp_path / "out", "--to", "docx")
    assert result.exit_code == 3
    assert (
        "r/evaluation.yaml: error[conversion-failed] pandoc took longer than 0.001 s, "
        "the limit for one conversion, and was stopped"
    ) in result.stderr


def test_import_holds_the_line_limit_of_check(tmp_path):
    source = tmp_path / "summary.md"
    source.write_text("# Title\n\n## Background\n\n" + "x" * (MAX_LINE_CHARS + 1) + "\n")
    result = run("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"summary.md: line 5 is longer than {MAX_LINE_CHARS:,} characters" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_isolated_typst_child_is_told_where_typst_is_installed():
    """``python -I`` drops the user's site and PYTHONPATH: a ``pip install --user`` would
    leave the child without typst, so it gets the folder this process imports it from."""
    import typst

    from evalcli.tools.sandbox import typst_command

    command = typst_command(2**30)
    assert command[1] == "-I"
    assert Path(command[-1]) / "typst" == Path(typst.__file__).parent
