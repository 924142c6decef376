"""The build cache on its own (lookup, remember) and a forged manifest through the CLI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run
from evalcli import api
from evalcli.config import load_settings
from evalcli.outputs import cache as cachemod
from evalcli.outputs.build import BuildOptions
from evalcli.outputs.cache import BuildCache, inputs_key, machine_key
from evalcli.outputs.manifest import MANIFEST_FILE, MAX_MANIFEST_BYTES, Manifest, file_sha256
from evalcli.reporting import ReportResult


@pytest.fixture
def report(tmp_path: Path) -> Path:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "evaluation.yaml").write_text("title: T\n", encoding="utf-8")
    (folder / "findings.md").write_text("Text.\n", encoding="utf-8")
    return folder


def common(options: BuildOptions | None = None, allowed: tuple[Path, ...] = ()) -> str:
    return inputs_key(options or BuildOptions(), "{folder}", load_settings(), allowed)


def built(report: Path, out: Path, key: str | None = None) -> None:
    """One build's outcome remembered: a document written and the record saved."""
    out.mkdir(exist_ok=True)
    document = out / "r.pdf"
    document.write_bytes(b"%PDF-1.7 a document")
    cache = BuildCache(out, key or common())
    cache.lookup(report)  # hashes the inputs, as a build does
    cache.remember(report, out / "r", ReportResult(report, [], {document: 19}, 1, built=True))
    cache.save()


def hit(report: Path, out: Path, key: str | None = None) -> bool:
    return BuildCache(out, key or common()).lookup(report) is not None


def test_an_unchanged_report_is_found_with_its_outcome(report, tmp_path):
    out = tmp_path / "out"
    built(report, out)
    found = BuildCache(out, common()).lookup(report)
    assert found is not None
    stem, result = found
    assert stem == "r" and result.fresh and result.built and result.pages == 1
    assert result.files == {out / "r.pdf": 19}


def test_a_changed_file_is_a_miss(report, tmp_path):
    out = tmp_path / "out"
    built(report, out)
    (report / "findings.md").write_text("Other text.\n", encoding="utf-8")
    assert not hit(report, out)


def test_a_new_file_is_a_miss(report, tmp_path):
    out = tmp_path / "out"
    built(report, out)
    (report / "chart.png").write_bytes(b"\x89PNG")
    assert not hit(report, out)


def test_a_changed_template_is_a_miss(report, tmp_path):
    out = tmp_path / "out"
    templates = shutil.copytree(cachemod.BUNDLED_DIR, tmp_path / "mine")
    allowed = (templates,)
    built(report, out, common(allowed=allowed))
    assert hit(report, out, common(allowed=allowed))
    spec = next(templates.rglob("template.yaml"))
    spec.write_text(spec.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    assert not hit(report, out, common(allowed=allowed))


def test_a_changed_option_is_a_miss(report, tmp_path):
    out = tmp_path / "out"
    built(report, out)
    assert not hit(report, out, common(BuildOptions(lang="fr")))
    assert not hit(report, out, common(BuildOptions(draft=True)))


def test_another_evalcli_version_is_a_miss(report, tmp_path, monkeypatch):
    out = tmp_path / "out"
    built(report, out)
    monkeypatch.setattr(cachemod, "__version__", "99.0")
    assert not hit(report, out)


def test_a_missing_or_edited_output_is_a_miss(report, tmp_path):
    out = tmp_path / "out"
    built(report, out)
    (out / "r.pdf").write_bytes(b"%PDF-1.7 a documenT")  # same size, other bytes
    assert not hit(report, out)
    built(report, out)
    (out / "r.pdf").unlink()
    assert not hit(report, out)


def test_an_edited_entry_is_never_replayed(report, tmp_path):
    """Changing anything in an entry (here: no findings, more pages) breaks its signature."""
    out = tmp_path / "out"
    built(report, out)
    data = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    (entry,) = data["reports"].values()
    values = json.loads(entry["entry"])  # the signed text of the entry
    values["pages"] = 2
    entry["entry"] = json.dumps(values, separators=(",", ":"))
    (out / MANIFEST_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert not hit(report, out)


def test_an_entry_from_another_machine_is_never_replayed(report, tmp_path, monkeypatch):
    out = tmp_path / "out"
    built(report, out)
    assert hit(report, out)
    other = tmp_path / "elsewhere"
    other.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_STATE_HOME", str(other))
    assert not hit(report, out)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # deep nesting
        '{"version": 2, "reports": {"r": {"key": 1}}}',
        '{"version": 2, "reports": []}',
        "\xff\xfe not json",
        "",
    ],
)
def test_a_hostile_manifest_is_ignored(report, tmp_path, text):
    out = tmp_path / "out"
    built(report, out)
    (out / MANIFEST_FILE).write_text(text, encoding="utf-8", errors="surrogateescape")
    assert not hit(report, out)


def test_an_oversized_manifest_is_not_read(report, tmp_path, monkeypatch):
    out = tmp_path / "out"
    built(report, out)
    path = out / MANIFEST_FILE
    with path.open("ab") as stream:
        stream.truncate(MAX_MANIFEST_BYTES + 1)  # sparse: no disk used
    read = []
    monkeypatch.setattr(json, "loads", lambda *a, **k: read.append(1))
    assert not hit(report, out)
    assert read == []  # refused on its size, before any parsing


def test_a_key_that_others_can_read_or_a_linked_key_is_not_used(tmp_path, monkeypatch):
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    key = machine_key(tmp_path / "out")
    assert key is not None and len(key) == 32
    assert machine_key(tmp_path / "out") == key  # the same on every run
    path = state / "evalcli" / "manifest.key"
    path.chmod(0o644)
    assert machine_key(tmp_path / "out") is None
    path.chmod(0o600)
    os.link(path, tmp_path / "copy")
    assert machine_key(tmp_path / "out") is None


def test_no_key_inside_the_repository_or_the_output_folder(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "content").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / "content")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "repo" / ".state"))
    assert machine_key(tmp_path / "out") is None
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "out" / "state"))
    assert machine_key(tmp_path / "out") is None
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert machine_key(tmp_path / "out") is not None


def test_a_forged_manifest_never_skips_a_report_with_errors(tmp_path, monkeypatch):
    """An attacker runs the pinned evalcli on their own machine, with check made to pass,
    and commits the output folder (manifest and document) with a report that has errors.
    """
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    meta = folder / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "ABC-21"), "utf-8")
    out = tmp_path / "build"
    attacker = tmp_path / "attacker"
    attacker.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_STATE_HOME", str(attacker))
    with monkeypatch.context() as patch:
        real_check = api._check

        def passing(item, project=None):  # the attacker's evalcli: check always passes
            checked = real_check(item, project)
            checked.findings = []
            return checked

        patch.setattr(api, "_check", passing)
        assert run("build", folder, "-o", out, "--to", "md").exit_code == 0
    (out / "r.md").write_text("FORGED\n", encoding="utf-8")
    # the attacker re-signs the entry for the forged file with their own key
    manifest = Manifest(out, machine_key(out))
    (entry,) = manifest.entries.values()
    stat = (out / "r.md").stat()
    entry.files["r.md"] = (stat.st_size, stat.st_mtime_ns, file_sha256(out / "r.md"))
    manifest.changed = True
    manifest.save()
    # on the attacker's machine the forgery would hold: the entry is replayed
    replayed = run("build", folder, "-o", out, "--to", "md")
    assert replayed.exit_code == 0 and "up to date" in replayed.stdout
    ci = tmp_path / "ci"
    ci.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_STATE_HOME", str(ci))
    result = run("build", folder, "-o", out, "--to", "md")
    assert result.exit_code == 1
    assert "up to date" not in result.stdout + result.stderr
    assert "not built" in result.stderr
    assert not (out / "r.md").exists()  # the committed document is not left to be published


def test_a_committed_link_under_a_report_name_is_removed_when_not_built(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    meta = folder / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "ABC-21"), "utf-8")
    out = tmp_path / "build"
    out.mkdir()
    (out / "r.pdf").symlink_to(tmp_path / "secret")
    (out / "r.docx").write_bytes(b"PK forged")
    (out / "notes.txt").write_text("not a report's output\n", encoding="utf-8")
    assert run("build", folder, "-o", out, "--to", "md").exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


GOOD_FINDING = ["placeholder", "warning", "background.md", 3, 1, None, "background", "TBD"]


def resigned(out: Path, change) -> None:
    """The manifest's only entry changed by ``change`` and signed again with this machine's
    key: what a bug, or an older or newer evalcli, could leave there."""
    manifest = Manifest(out, machine_key(out))
    (name,) = manifest.entries
    data = manifest.entries[name].as_json()
    change(data)
    text = json.dumps(data)
    raw = json.loads((out / MANIFEST_FILE).read_bytes())
    raw["reports"][name] = {"entry": text, "mac": manifest._mac(name, text)}
    (out / MANIFEST_FILE).write_text(json.dumps(raw), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(findings=[[*GOOD_FINDING[:3], "3", 1, *GOOD_FINDING[5:]]]),
        lambda d: d.update(findings=[[*GOOD_FINDING[:3], "x", 1, *GOOD_FINDING[5:]]]),
        lambda d: d.update(findings=[[*GOOD_FINDING[:3], [3], 1, *GOOD_FINDING[5:]]]),
        lambda d: d.update(findings=[[*GOOD_FINDING[:3], 3, float("inf"), *GOOD_FINDING[5:]]]),
        lambda d: d.update(findings=[[*GOOD_FINDING[:2], None, 3, 1, *GOOD_FINDING[5:]]]),
        lambda d: d.update(findings=[[["placeholder"], *GOOD_FINDING[1:]]]),
        lambda d: d.update(findings=[GOOD_FINDING[:7]]),  # dropped, it would replay no finding
        lambda d: d.update(findings=[[*GOOD_FINDING, "one more"]]),
        lambda d: d.update(findings=[dict(zip(["code", "severity"], GOOD_FINDING, strict=False))]),
        lambda d: d.update(findings=[GOOD_FINDING, "placeholder"]),
        lambda d: d.update(findings={"a": GOOD_FINDING}),
        lambda d: d.update(pages=float("inf")),
        lambda d: d.update(recorded=float("nan")),
        lambda d: d["files"].update({"r.md": [float("inf"), 1, "x"]}),
    ],
)
def test_a_signed_entry_not_as_evalcli_writes_it_is_a_miss(tmp_path, monkeypatch, change):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    assert run("build", "r", "-o", "out", "--to", "md").exit_code == 0
    resigned(tmp_path / "out", lambda d: d.update(findings=[GOOD_FINDING]))
    replayed = run("build", "r", "-o", "out", "--to", "md")
    assert "up to date" in replayed.stdout and "[placeholder] TBD" in replayed.stderr
    resigned(tmp_path / "out", change)
    again = run("build", "r", "-o", "out", "--to", "md")  # no traceback: run checks
    assert again.exit_code == 0, again.output
    assert "up to date" not in again.stdout and "wrote out/r.md" in again.stdout
    assert "[placeholder]" not in again.stderr


def test_a_manifest_of_the_previous_version_means_a_rebuild(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    assert run("build", "r", "-o", "out", "--to", "md").exit_code == 0
    path = tmp_path / "out" / MANIFEST_FILE
    raw = json.loads(path.read_bytes())
    raw["version"] = 3  # as evalcli wrote it before findings were lists: mappings
    path.write_text(json.dumps(raw), encoding="utf-8")
    again = run("build", "r", "-o", "out", "--to", "md")
    assert again.exit_code == 0 and "wrote out/r.md" in again.stdout, again.output
    assert json.loads(path.read_bytes())["version"] == 4
    assert "up to date" in run("build", "r", "-o", "out", "--to", "md").stdout


def as_previous_version(out: Path) -> None:
    """The manifest as the previous release (version 3) wrote it: findings as mappings."""
    path = out / MANIFEST_FILE
    raw = json.loads(path.read_bytes())
    manifest = Manifest(out, machine_key(out))
    keys = ["code", "severity", "file", "line", "column", "field", "section", "message"]
    for name, value in raw["reports"].items():
        data = json.loads(value["entry"])
        data["findings"] = [dict(zip(keys, f, strict=True)) for f in data["findings"]]
        text = json.dumps(data, separators=(",", ":"))
        raw["reports"][name] = {"entry": text, "mac": manifest._mac(name, text)}
    raw["version"] = 3
    path.write_text(json.dumps(raw), encoding="utf-8")


def test_the_previous_versions_entries_still_vouch_for_their_outputs(tmp_path, monkeypatch):
    """After an upgrade, a report that is not built keeps the draft this machine built."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    shutil.copytree(FIXTURES / "placeholder-text", tmp_path / "bad")
    assert run("build", "r", "bad", "-o", "out", "--to", "md", "--draft").exit_code == 0
    as_previous_version(tmp_path / "out")
    again = run("build", "r", "bad", "-o", "out", "--to", "md")
    assert again.exit_code == 1
    assert "wrote out/r.md" in again.stdout and "up to date" not in again.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST_FILE, "bad.md", "r.md"]
    assert json.loads((tmp_path / "out" / MANIFEST_FILE).read_bytes())["version"] == 4
    third = run("build", "r", "bad", "-o", "out", "--to", "md")  # written anew: still vouching
    assert "up to date" in third.stdout and (tmp_path / "out" / "bad.md").exists()
