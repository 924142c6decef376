"""template.yaml is parsed once and then decoded from the user's cache, never wrongly."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_json
from evalcli.private import seal
from evalcli.template import loader, parsed
from evalcli.yamlnodes import parse_yaml

BUNDLED = loader.BUNDLED_DIR / "ilo_summary"


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled template in a folder of its own, loaded afresh, cached apart."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "templates" / "ilo_summary"
    shutil.copytree(BUNDLED, folder)
    monkeypatch.setattr(parsed, "is_bundled", lambda path: True)  # kept, as the bundled are
    loader.load_template.cache_clear()
    yield folder
    loader.load_template.cache_clear()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The template files parsed from their text (not decoded from the cache)."""
    seen: list[Path] = []

    def counting(text: str, source: Path, *args: object) -> object:
        seen.append(source)
        return parse_yaml(text, source)

    monkeypatch.setattr(parsed, "parse_yaml", counting)
    return seen


def _load(folder: Path) -> loader.Template:
    loader.load_template.cache_clear()
    return loader.load_template(folder)


def test_the_second_run_decodes_what_the_first_parsed(template: Path, parses: list[Path]):
    first = _load(template)
    second = _load(template)
    assert parses == [template / "template.yaml"]
    assert second.fields.keys() == first.fields.keys()
    assert second.fields["project_code"].labels == first.fields["project_code"].labels
    text = (template / "template.yaml").read_text(encoding="utf-8")
    source = template / "template.yaml"
    assert parsed.parse_template_yaml(text, source)[0] == parse_yaml(text, source)[0]


def test_an_edited_template_is_parsed_again(template: Path, parses: list[Path]):
    _load(template)
    yaml_file = template / "template.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    edited = _load(template)
    assert len(parses) == 2
    assert edited.title.startswith("Edited ")


DAMAGE = ["garbage", "truncated", "flipped", "unsealed", "other-key", "shape", "link", "folder"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_parsed_again(
    template: Path,
    parses: list[Path],
    damage: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    _load(template)
    (cached,) = parsed.cache_folder().glob("*.nodes")
    data = cached.read_bytes()
    cached.unlink()
    made_by = f"{parsed.__version__} {parsed.FORMAT}"
    source = template / "template.yaml"
    text = source.read_text(encoding="utf-8")
    if damage == "garbage":
        cached.write_bytes(b"\xc1" * 100)
    elif damage == "truncated":
        cached.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":  # one byte of a node changed on disk: the seal no longer holds
        middle = len(data) // 2
        cached.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1 :])
    elif damage == "unsealed":  # the right nodes, but not sealed: forged, or by an older evalcli
        root, _ = parse_yaml(text.replace("title: ", "title: Forged ", 1), source)
        assert root is not None
        payload = marshal.dumps((made_by, str(source), text, parsed._pack(root)))
        cached.write_bytes(parsed._MAGIC + bytes(32) + payload)
    elif damage == "other-key":  # sealed by another user's or machine's evalcli, then copied
        root, _ = parse_yaml(text, source)
        assert root is not None
        with monkeypatch.context() as elsewhere:
            elsewhere.setenv("XDG_STATE_HOME", str(tmp_path / "other-state"))
            copied = parsed.encode(made_by, source, text, root)
        assert copied is not None and copied != data
        cached.write_bytes(copied)
    elif damage == "shape":  # sealed by this user's evalcli, but what it holds is no node
        payload = marshal.dumps((made_by, str(source), text, (7, 1, 1)))
        sealed = seal(payload, parsed._PURPOSE)
        assert sealed is not None
        cached.write_bytes(parsed._MAGIC + sealed)
    elif damage == "link":  # even to a cache file that would be right
        (cached.parent / "elsewhere").write_bytes(data)
        cached.symlink_to(cached.parent / "elsewhere")
    else:
        cached.mkdir()
    if cached.is_file() and not cached.is_symlink():  # else refused for its mode, unread
        cached.chmod(0o600)
    again = _load(template)
    assert len(parses) == 2
    assert "project_code" in again.fields
    assert not again.title.startswith("Forged")


def test_a_cache_that_cannot_be_written_costs_only_speed(
    template: Path, parses: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert "project_code" in _load(template).fields
    assert "project_code" in _load(template).fields
    assert len(parses) == 2


def test_check_gives_the_same_findings_from_the_cache(report_copy):
    report = report_copy("missing-field")
    loader.load_template.cache_clear()
    first = run_json(report)
    loader.load_template.cache_clear()
    assert list(parsed.cache_folder().glob("*.nodes"))
    assert run_json(report) == first
    assert first["summary"]["errors"] >= 1


def test_the_cache_files_are_the_users_alone(template: Path):
    _load(template)
    folder = parsed.cache_folder()
    assert folder.stat().st_mode & 0o077 == 0
    for file in folder.iterdir():
        assert file.stat().st_mode & 0o077 == 0
        assert file.stat().st_uid == os.getuid()


def test_a_cache_inside_the_checkout_is_never_read(
    template: Path, parses: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """CI may put XDG_CACHE_HOME in the workspace, where a pull request can commit a
    cache file: one that serves the very text, with the title forged, is ignored."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("XDG_CACHE_HOME", str(checkout / ".cache"))
    source = template / "template.yaml"
    text = source.read_text(encoding="utf-8")
    forged_text = text.replace("title: ", "title: Forged ", 1)
    root, _ = parse_yaml(forged_text, source)
    assert root is not None
    forged = parsed.encode(f"{parsed.__version__} {parsed.FORMAT}", source, text, root)
    assert forged is not None  # sealed with this user's key, as this user's evalcli would
    file = parsed._file(source)
    file.parent.mkdir(mode=0o700, parents=True)
    file.write_bytes(forged)
    file.chmod(0o600)
    assert not _load(template).title.startswith("Forged")
    # nor from a working folder outside the checkout, nor through a link to the checkout
    monkeypatch.chdir(tmp_path)
    assert not _load(template).title.startswith("Forged")
    (tmp_path / "link").symlink_to(checkout)
    monkeypatch.chdir(tmp_path / "link")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "link" / ".cache"))
    assert not _load(template).title.startswith("Forged")
    # and once the folder is no checkout, the file is read: the test can fail
    (checkout / ".git").rmdir()
    assert _load(template).title.startswith("Forged")


def test_a_projects_own_template_is_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A template of the project's (allowed with --template-dir, maybe from a pull request)
    is parsed at every run: no repository fills the user's cache with its templates."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = shutil.copytree(BUNDLED, tmp_path / "templates" / "agency")
    _load(folder)
    assert not list(parsed.cache_folder().glob("*.nodes"))
    _load(BUNDLED)  # the bundled one is: the test can fail
    assert len(list(parsed.cache_folder().glob("*.nodes"))) == 1
