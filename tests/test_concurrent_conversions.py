"""The conversions of one document run side by side, and stay confined while they do.

The Typst child starts while pandoc writes its source, and stays warm from
one compile to the next; these tests hold what that must not change: the
child is confined and killed with the build, each compile has its own time
limit, and what a warm child kept never fails a later document. Where every
core is busy, one pandoc run makes both documents: the same files as two.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CONTENT, FIXTURES, process_gone, run
from evalcli import api
from evalcli.errors import ConversionError, InputError
from evalcli.i18n import msg
from evalcli.outputs import pdf
from evalcli.outputs.convert import convert
from evalcli.outputs.docinfo import doc_info
from evalcli.outputs.plan import BuildOptions, DocumentPlan
from evalcli.render import render
from evalcli.report.load import load_report
from evalcli.template.spec import BUNDLED_DIR
from evalcli.tools import sandbox, typstserver
from evalcli.tools.pandoc import filter_args, writes_typst_aside


@pytest.fixture(autouse=True)
def _no_child_left():
    yield
    typstserver.stop()
    assert sandbox.live_children() == []


def _rendered(folder: Path, images: dict[str, str] | None = None):
    report, template = load_report(folder)
    assert template is not None
    rendered = render(report, template, None, images)
    return rendered, template, doc_info(rendered.facts, template, rendered.title, False)


class _FailingPandoc:
    """pandoc's Typst source that never comes: it fails, noting the converters running."""

    def __init__(self) -> None:
        self.running: list[int] = []

    def result(self) -> bytes:
        self.running = sandbox.live_children()
        raise ConversionError(msg("pandoc failed ({status}): {problem}", status=1, problem="x"))


def _typst_spawns(monkeypatch) -> list[sandbox.Confined]:
    started: list[sandbox.Confined] = []
    real = sandbox.Confined.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        if self.what == "typst":
            started.append(self)

    monkeypatch.setattr(sandbox.Confined, "__init__", spy)
    return started


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_the_typst_child_is_up_before_its_source_and_ends_with_the_build(tmp_path, monkeypatch):
    rendered, template, info = _rendered(FIXTURES / "valid")
    failing = _FailingPandoc()
    monkeypatch.setattr(pdf, "typst_source", lambda *args: failing)
    plan = DocumentPlan(
        docx=False, typst=True, libreoffice=False, write_docx=False, write_md=False, write_pdf=True
    )
    with pytest.raises(ConversionError, match="pandoc failed"):
        convert(rendered.markdown, template, info, {}, plan, None)
    assert len(failing.running) == 1  # started while pandoc worked
    typstserver.stop()
    assert sandbox.live_children() == []
    assert process_gone(failing.running[0])


def test_one_warm_child_compiles_one_document_after_another(tmp_path, monkeypatch):
    spawns = _typst_spawns(monkeypatch)
    rendered, template, info = _rendered(FIXTURES / "valid")
    first = pdf.make_pdf_typst(rendered.markdown, template, info)
    second = pdf.make_pdf_typst(rendered.markdown, template, info)
    assert first == second
    assert first.startswith(b"%PDF")
    assert len(spawns) == 1


def test_a_build_ends_its_typst_child(tmp_path):
    result = run("build", FIXTURES / "valid", "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 0, result.stderr
    assert sandbox.live_children() == []


def test_a_build_that_fails_in_pandoc_leaves_no_converter_running(tmp_path, monkeypatch):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    monkeypatch.setattr("evalcli.tools.pandoc.PANDOC_TIMEOUT", 0.001)
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "pandoc took longer than 0.001 s" in result.stderr
    assert sandbox.live_children() == []
    assert not (tmp_path / "out" / "r.pdf").exists()
    assert not (tmp_path / "out" / "r.docx").exists()


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    row = b"\0" + b"\x80" * (width * 8)  # 16-bit RGBA
    data = zlib.compress(row * height, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_warm_child_out_of_memory_is_tried_again_in_a_fresh_one(tmp_path, monkeypatch):
    """A document too large for any child fails, but only once a fresh child failed too."""
    monkeypatch.setattr(pdf, "TYPST_MEMORY", 256 * 2**20)
    spawns = _typst_spawns(monkeypatch)
    small, template, info = _rendered(FIXTURES / "valid")
    pdf.make_pdf_typst(small.markdown, template, info)  # the child is warm now
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "big.png").write_bytes(_png(8000, 5000))
    (folder / "findings.md").write_text("## Relevance\n\n![Big](big.png)\n", encoding="utf-8")
    big, template, info = _rendered(folder, {"big.png": "big.png"})
    with pytest.raises(sandbox.LimitExceeded) as caught:
        pdf.make_pdf_typst(big.markdown, template, info, images={"big.png": folder / "big.png"})
    assert caught.value.limit == "memory"
    assert len(spawns) == 2  # the warm child, then a fresh one for the retry


def test_each_compile_has_the_whole_time_limit(tmp_path, monkeypatch):
    """The limit counts from the compile: a child kept waiting is not stopped for the wait."""
    monkeypatch.setattr(pdf, "TYPST_TIMEOUT", 60.0)
    rendered, template, info = _rendered(FIXTURES / "valid")
    pdf.start_typst(template)
    time.sleep(0.5)  # waiting, not compiling: none of the limit is spent
    assert pdf.make_pdf_typst(rendered.markdown, template, info).startswith(b"%PDF")


def test_the_annex_filter_runs_on_annex_pages_only():
    bundled = BUNDLED_DIR / "ilo_summary"
    summary = [Path(a).name for a in filter_args(bundled, "# Findings\n\nText.\n")]
    annexes = [Path(a).name for a in filter_args(bundled, "::: {.annex-table}\n:::\n")]
    assert summary == ["--lua-filter", "evalcli.lua"]
    assert annexes == ["--lua-filter", "evalcli.lua", "--lua-filter", "annexes.lua"]


def test_an_annex_table_in_a_summary_is_still_made_a_table(tmp_path):
    """The annex filter is skipped only where it has nothing to do."""
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "background.md").write_text(
        "::: annex-table\n::: annex-label\nLabel\n:::\nText of the row.\n:::\n", encoding="utf-8"
    )
    result = run("build", folder, "-o", tmp_path / "out", "--to", "docx")
    assert result.exit_code == 0, result.stderr
    from docx import Document

    tables = Document(str(tmp_path / "out" / "r.docx")).tables
    cells = [cell.text for table in tables for row in table.rows for cell in row.cells]
    assert "Text of the row." in cells


_READ = {"x86_64": "0", "aarch64": "63"}  # the read system call's number


def _reading_stdin(pid: int) -> bool:
    """Whether process ``pid`` is blocked reading its standard input (Linux /proc)."""
    try:
        fields = (Path("/proc") / str(pid) / "syscall").read_text().split()
    except OSError:
        return False
    return fields[:2] == [_READ[os.uname().machine], "0x0"]


@pytest.mark.skipif(
    not Path("/proc/self/syscall").exists() or os.uname().machine not in _READ,
    reason="needs Linux /proc/PID/syscall",
)
def test_the_typst_child_compiles_each_request_it_is_sent(tmp_path):
    """It starts up, waits for a request, answers it, and ends with its standard input."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.typ").write_text('#set document(title: "Hello")\nHello\n', encoding="utf-8")
    request = tmp_path / "request.json"
    output, errors = tmp_path / "out.pdf", tmp_path / "errors.txt"
    fields = {"input": root / "main.typ", "output": output, "errors": errors, "root": root}
    request.write_text(json.dumps({k: str(v) for k, v in fields.items()}), encoding="utf-8")
    child = subprocess.Popen(
        sandbox.typst_command(0), stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        while not _reading_stdin(child.pid):  # no deadline of our own: CI's job timeout
            assert child.poll() is None, "the child ended without waiting"
            time.sleep(0.01)
        assert child.stdout.readline() == b"ready\n"
        assert not output.exists()
        child.stdin.write(f"{request}\n".encode())
        child.stdin.flush()
        assert child.stdout.readline() == b"0\n"
        assert output.read_bytes().startswith(b"%PDF")
    finally:
        child.stdin.close()
    assert child.wait(timeout=60) == 0
    child.stdout.close()


def test_a_build_compiles_the_skeleton_once_for_all_its_reports(tmp_path, monkeypatch):
    """The Jinja skeleton is compiled once a process, not once a report (nor twice for one)."""
    import jinja2

    from evalcli import api, render

    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def count(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", count)
    # no compiled skeleton in the user's cache yet (render.bytecode): this process compiles
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    render._environment.cache_clear()
    folders = [shutil.copytree(FIXTURES / "valid", tmp_path / name) for name in ("a", "b")]
    results = api.build(folders, output=tmp_path / "out", jobs=1)
    assert [r.built for r in results] == [True, True]
    assert compiled.count("summary.md.j2") == 1


def test_a_child_started_by_another_thread_lives_for_one_compile(monkeypatch):
    """PR_SET_PDEATHSIG follows the thread that started the child: none outlives its thread."""
    import threading

    spawns = _typst_spawns(monkeypatch)
    rendered, template, info = _rendered(FIXTURES / "valid")
    made: list[bytes] = []

    def build() -> None:
        pdf.start_typst(template)  # not the main thread: no child ahead
        made.append(pdf.make_pdf_typst(rendered.markdown, template, info))

    for _ in range(2):
        thread = threading.Thread(target=build)
        thread.start()
        thread.join()
    assert len(made) == 2 and made[0] == made[1]
    assert len(spawns) == 2
    assert sandbox.live_children() == []


def test_out_of_memory_after_the_warm_up_is_tried_again_without_it(tmp_path, monkeypatch):
    """The warm-up's own document is something a fresh child would not have compiled."""
    monkeypatch.setattr(pdf, "TYPST_MEMORY", 256 * 2**20)
    spawns = _typst_spawns(monkeypatch)
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "big.png").write_bytes(_png(8000, 5000))
    (folder / "findings.md").write_text("## Relevance\n\n![Big](big.png)\n", encoding="utf-8")
    big, template, info = _rendered(folder, {"big.png": "big.png"})
    pdf.start_typst(template)
    with pytest.raises(sandbox.LimitExceeded) as caught:
        pdf.make_pdf_typst(big.markdown, template, info, images={"big.png": folder / "big.png"})
    assert caught.value.limit == "memory"
    assert len(spawns) == 2
    assert "--warm-up" in spawns[0].process.args and "--warm-up" not in spawns[1].process.args


def test_a_typst_child_that_cannot_start_is_a_conversion_finding(tmp_path, monkeypatch):
    """Under a memory cap too small for Python and the library, the build says so, once."""
    monkeypatch.setattr(pdf, "TYPST_MEMORY", 48 * 2**20)
    result = run("build", FIXTURES / "valid", "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 3
    assert "valid/evaluation.yaml: error[conversion-failed] typst" in result.stderr
    assert not (tmp_path / "out" / "valid.pdf").exists()
    assert sandbox.live_children() == []


# --- one pandoc run for both documents ---------------------------------------------------------


def _pandoc_runs(monkeypatch) -> list[list[str]]:
    started: list[list[str]] = []
    real = sandbox.Confined.__init__

    def spy(self, command, **kwargs):
        real(self, command, **kwargs)
        if self.what == "pandoc":
            started.append(command)

    monkeypatch.setattr(sandbox.Confined, "__init__", spy)
    return started


def _to(command: list[str]) -> str:
    return command[command.index("--to") + 1]


def _built(folder: Path, out: Path, **options: bool) -> dict[str, bytes]:
    (result,) = api.build([folder], BuildOptions(**options), output=out, force=True)
    assert result.built, [str(f.message) for f in result.findings]
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".docx", ".pdf")}


@pytest.mark.parametrize("sample", [FIXTURES / "valid", CONTENT / "example-en"])
def test_one_pandoc_run_makes_the_very_files_two_runs_make(sample, tmp_path, monkeypatch):
    runs = _pandoc_runs(monkeypatch)
    apart = _built(sample, tmp_path / "apart")
    assert sorted(_to(command) for command in runs) == ["docx", "typst"]
    together = _built(sample, tmp_path / "together", one_pandoc=True)
    assert [_to(command) for command in runs[2:]] == ["docx"]  # both documents from it
    assert together == apart and len(together) == 2


def test_a_document_with_an_image_still_gets_a_run_for_each(tmp_path, monkeypatch):
    # the DOCX has its images as data URIs, the PDF as files in its root: two inputs
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    shutil.copy(FIXTURES / "chart.png", folder / "chart.png")
    findings = folder / "findings.md"
    findings.write_text(
        findings.read_text(encoding="utf-8") + "\n![A chart of the results](chart.png)\n",
        encoding="utf-8",
    )
    runs = _pandoc_runs(monkeypatch)
    built = _built(folder, tmp_path / "out", one_pandoc=True)
    assert sorted(_to(command) for command in runs) == ["docx", "typst"]
    assert set(built) == {"r.docx", "r.pdf"}


def test_only_a_filter_that_writes_the_typst_source_and_acts_last_is_asked_to(tmp_path):
    template = shutil.copytree(BUNDLED_DIR / "ilo_summary", tmp_path / "t")
    assert writes_typst_aside(template, "Some text.")
    # annexes.lua runs after it, on a document the Typst source has already left
    assert not writes_typst_aside(template, "::: {.annex-table}\n:::")
    lua = template / "evalcli.lua"
    lua.write_text(lua.read_text(encoding="utf-8").replace("EVALCLI_TYPST_FD", "X"), "utf-8")
    assert not writes_typst_aside(template, "Some text.")  # an older copy of the filter


def test_a_shared_run_that_fails_says_why_writes_nothing_and_leaves_nothing_running(
    tmp_path, monkeypatch
):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    monkeypatch.setattr("evalcli.tools.pandoc.PANDOC_TIMEOUT", 0.001)
    out = tmp_path / "out"
    (result,) = api.build([folder], BuildOptions(one_pandoc=True), output=out, force=True)
    assert not result.built
    messages = [str(f.message) for f in result.findings if f.code == "conversion-failed"]
    assert len(messages) == 1 and "pandoc took longer than 0.001 s" in messages[0], messages
    assert sandbox.live_children() == []
    assert not list(out.glob("r.*"))


def test_a_run_with_every_core_busy_asks_for_one_pandoc_run(tmp_path, monkeypatch):
    # on one core, the two runs side by side could only take turns
    monkeypatch.setattr(api, "available_cores", lambda: 1)
    runs = _pandoc_runs(monkeypatch)
    _built(FIXTURES / "valid", tmp_path / "out")
    assert [_to(command) for command in runs] == ["docx"]


def test_a_pdf_refused_before_the_shared_source_is_read_is_refused_for_its_own_reason(
    tmp_path, monkeypatch
):
    # an image described by no one, inside the description of an image that is missing: no
    # image reaches the documents (one run for both), yet --pdf-standard ua-1 is refused
    # before the Typst source is read; a source larger than a pipe holds left pandoc waiting
    # on it until its time limit
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    shutil.copy(FIXTURES / "chart.png", folder / "chart.png")
    findings = folder / "findings.md"
    paragraph = "A finding of the evaluation, long enough to fill the pipe to the PDF. " * 10
    findings.write_text(
        findings.read_text(encoding="utf-8")
        + "\n![x ![](chart.png)](missing.png)\n\n"
        + "\n\n".join([paragraph] * 150)
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("evalcli.tools.pandoc.PANDOC_TIMEOUT", 20)
    runs = _pandoc_runs(monkeypatch)
    options = BuildOptions(one_pandoc=True, draft=True, pdf_standard="ua-1")
    with pytest.raises(InputError, match="ua-1 needs a description for every image"):
        api.build([folder], options, output=tmp_path / "out", force=True)
    assert [_to(command) for command in runs] == ["docx"]
    assert sandbox.live_children() == []


def test_a_template_filter_that_only_names_the_pipe_still_gets_its_pdf(tmp_path, monkeypatch):
    # a copy of the filter edited not to write the Typst source, its comments still naming
    # the pipe: the DOCX's run writes none, and the PDF gets a run of its own
    template = shutil.copytree(BUNDLED_DIR / "ilo_summary", tmp_path / "agency")
    lua = template / "evalcli.lua"
    text = lua.read_text(encoding="utf-8").replace('os.getenv("EVALCLI_TYPST_FD")', "nil")
    lua.write_text(text, encoding="utf-8")
    assert writes_typst_aside(template, "Some text.")
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    metadata = folder / "evaluation.yaml"
    metadata.write_text(
        "template: agency\n" + metadata.read_text(encoding="utf-8"), encoding="utf-8"
    )
    built = {}
    for cores in (2, 1):  # one core: one pandoc run asked for both documents
        monkeypatch.setattr(api, "available_cores", lambda cores=cores: cores)
        runs = _pandoc_runs(monkeypatch)
        out = tmp_path / f"out{cores}"
        result = run("build", folder, "-o", out, "--template-dir", template, "--force")
        assert result.exit_code == 0, result.output
        assert sorted(_to(command) for command in runs) == ["docx", "typst"]
        built[cores] = {p.name: p.read_bytes() for p in out.glob("r.*")}
    assert built[1] == built[2] and set(built[1]) == {"r.docx", "r.pdf"}
