"""A Jinja skeleton is compiled once and then loaded from the user's cache, never wrongly.

The cache holds code, which runs as it is: a file a pull request could have
put there (inside the checkout) is never loaded.
"""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import jinja2.sandbox
import pytest

from conftest import run
from evalcli import render
from evalcli.private import seal
from evalcli.render import TEMPLATE_FILE, bytecode
from evalcli.template import loader

BUNDLED = loader.BUNDLED_DIR / "ilo_summary"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report_copy) -> dict[str, Path]:
    """A report on a copy of the bundled template, its own cache folder, fresh environments."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "templates" / "my_summary"
    shutil.copytree(BUNDLED, template)
    report = report_copy("valid")
    meta = report / "evaluation.yaml"
    meta.write_text(f"template: my_summary\n{meta.read_text(encoding='utf-8')}", encoding="utf-8")
    render._environment.cache_clear()
    yield {"template": template, "report": report, "out": tmp_path / "out"}
    render._environment.cache_clear()


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The skeletons compiled from their text (not loaded from the cache)."""
    seen: list[str] = []
    real = jinja2.sandbox.SandboxedEnvironment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        seen.append(name)
        return real(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.sandbox.SandboxedEnvironment, "compile", counting)
    return seen


def _markdown(setup: dict[str, Path]) -> str:
    """The summary's Markdown, built in a fresh environment (as a new run would)."""
    render._environment.cache_clear()
    out = setup["out"]
    result = run(
        "build", setup["report"], "-o", out, "--to", "md", "--force", "--template-dir",
        setup["template"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return (out / "valid.md").read_text(encoding="utf-8")


def _cache_file() -> Path:
    (file,) = bytecode.cache_folder().glob("*.jinja")
    return file


def test_the_second_build_loads_what_the_first_compiled(setup, compiles):
    first = _markdown(setup)
    second = _markdown(setup)
    assert compiles == [TEMPLATE_FILE]
    assert second == first
    assert "| Project code |" in first


def test_an_edited_skeleton_is_compiled_again(setup, compiles):
    _markdown(setup)
    skeleton = setup["template"] / TEMPLATE_FILE
    skeleton.write_text("Edited.\n" + skeleton.read_text(encoding="utf-8"), encoding="utf-8")
    edited = _markdown(setup)
    assert compiles == [TEMPLATE_FILE, TEMPLATE_FILE]
    assert edited.startswith("Edited.---")


def test_another_evalcli_or_jinja_compiles_again(setup, compiles, monkeypatch):
    _markdown(setup)
    monkeypatch.setattr(bytecode.jinja2, "__version__", "99.0")
    _markdown(setup)
    monkeypatch.setattr(bytecode, "__version__", "99.0")
    _markdown(setup)
    assert compiles == [TEMPLATE_FILE] * 3


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "link", "folder", "shared"])
def test_a_damaged_cache_is_compiled_again(setup, compiles, damage):
    first = _markdown(setup)
    cached = _cache_file()
    data = cached.read_bytes()
    cached.unlink()
    if damage == "garbage":
        cached.write_bytes(b"\xc1" * 100)
    elif damage == "truncated":
        cached.write_bytes(data[: len(data) - 40])
    elif damage == "empty":
        cached.write_bytes(b"")
    elif damage == "link":  # even to a file that would be right
        (cached.parent / "elsewhere").write_bytes(data)
        cached.symlink_to(cached.parent / "elsewhere")
    elif damage == "shared":  # a file others may write
        cached.write_bytes(data)
        cached.chmod(0o622)
    else:
        cached.mkdir()
    for file in cached.parent.iterdir():
        if damage not in ("shared", "folder"):
            file.chmod(0o600)
    assert _markdown(setup) == first
    assert compiles == [TEMPLATE_FILE, TEMPLATE_FILE]


def test_the_cache_files_are_the_users_alone(setup):
    _markdown(setup)
    folder = bytecode.cache_folder()
    assert folder.stat().st_mode & 0o077 == 0
    assert _cache_file().stat().st_mode & 0o077 == 0
    assert _cache_file().stat().st_uid == os.getuid()


def _forge(setup: dict[str, Path], sealed: bool = True) -> None:
    """A cache file that serves the very text of the skeleton with other code: it prints
    FORGED (and could run anything, unsandboxed). ``sealed``: with this user's key, as
    only this user's evalcli could; else as anyone else could write it."""
    skeleton = setup["template"] / TEMPLATE_FILE
    source = skeleton.read_text(encoding="utf-8")
    env = render._environment(setup["template"])
    filename = os.path.normpath(str(skeleton))
    code = env.compile("FORGED\n" + source, TEMPLATE_FILE, filename)
    cache = bytecode.SkeletonCache(bytecode.cache_folder())
    file = cache.file(cache.get_cache_key(TEMPLATE_FILE, filename))
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = bytecode.prefix(env, TEMPLATE_FILE, filename, source) + marshal.dumps(code)
    if sealed:
        data = seal(data, bytecode._PURPOSE) or b""
        assert data
    else:
        data = bytes(32) + data  # no key: the seal cannot be made
    file.write_bytes(data)
    file.chmod(0o600)


def test_a_forged_cache_inside_the_checkout_is_never_loaded(
    setup, compiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """CI may put XDG_CACHE_HOME in the workspace, where a pull request can commit a
    cache file: one that serves the very text, with other code, is never loaded."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("XDG_CACHE_HOME", str(checkout / ".cache"))
    _forge(setup)
    compiles.clear()
    assert not _markdown(setup).startswith("FORGED")
    assert compiles == [TEMPLATE_FILE]
    # nor from a working folder outside the checkout, nor through a link to the checkout
    monkeypatch.chdir(tmp_path)
    assert not _markdown(setup).startswith("FORGED")
    (tmp_path / "link").symlink_to(checkout)
    monkeypatch.chdir(tmp_path / "link")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "link" / ".cache"))
    assert not _markdown(setup).startswith("FORGED")
    # and once the folder is no checkout, the file is loaded: the test can fail
    (checkout / ".git").rmdir()
    monkeypatch.chdir(tmp_path)
    compiles.clear()
    assert _markdown(setup).startswith("FORGED---")
    assert compiles == []


def test_a_cache_file_without_this_users_seal_is_never_loaded(setup, compiles):
    """Where the cache is trusted, a file with the very text and other code, but not
    sealed with this user's key (written by anyone else), is compiled again."""
    _forge(setup, sealed=False)
    compiles.clear()
    assert not _markdown(setup).startswith("FORGED")
    assert compiles == [TEMPLATE_FILE]
    _forge(setup, sealed=True)  # the same, sealed: loaded, so the test can fail
    assert _markdown(setup).startswith("FORGED---")
