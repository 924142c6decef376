"""Patterns compiled once and then rebuilt from the cache: the same patterns, never forged."""

from __future__ import annotations

import importlib
import marshal
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT
from evalcli import regexes
from evalcli.private import seal

SAMPLES = [
    (r"(?P<cur>[A-Z]{3}|US\$|€|£)\s*(?P<amount>\d[\d.,\u00a0\u202f ]*\d|\d)", re.IGNORECASE),
    (r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]", 0),
    (r"^#{1,6}(?=[ \t])", re.MULTILINE),
    (r"(?<![\w-])lang[ \t]*=[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)')", 0),
]
TEXTS = ["USD 7,940,000", "us$ 12", "e\u0301t\u00e9", "## Heading\n#Not", 'lang="es-PE"', "€ 5"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of this test's own, outside any checkout, and no pattern known yet."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(regexes, "_known", None)
    monkeypatch.setattr(regexes, "_learned", {})
    monkeypatch.setattr(regexes, "_used", set())
    return regexes.cache_file()


def _next_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the next evalcli process sees: this one's patterns written, none in memory."""
    regexes._write()
    monkeypatch.setattr(regexes, "_known", None)
    monkeypatch.setattr(regexes, "_learned", {})
    monkeypatch.setattr(regexes, "_used", set())


def _from_text_never(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every pattern compiled from its text (not rebuilt from the cache)."""
    compiled: list[str] = []
    engine_code = regexes._engine_code

    def counting(pattern: str, flags: int) -> tuple[object, ...]:
        compiled.append(pattern)
        return engine_code(pattern, flags)

    monkeypatch.setattr(regexes, "_engine_code", counting)
    return compiled


def _same(one: re.Pattern[str], other: re.Pattern[str]) -> None:
    assert (one.pattern, one.flags, one.groups, one.groupindex) == (
        other.pattern,
        other.flags,
        other.groups,
        other.groupindex,
    )
    for text in TEXTS:
        assert [m.groups() for m in one.finditer(text)] == [
            m.groups() for m in other.finditer(text)
        ]
        assert [m.span() for m in one.finditer(text)] == [m.span() for m in other.finditer(text)]


def test_a_pattern_from_the_cache_is_the_pattern_re_compiles(
    cache: Path, monkeypatch: pytest.MonkeyPatch
):
    for pattern, flags in SAMPLES:
        _same(regexes.compile(pattern, flags), re.compile(pattern, flags))
    _next_run(monkeypatch)
    assert cache.is_file()
    from_text = _from_text_never(monkeypatch)
    for pattern, flags in SAMPLES:
        _same(regexes.compile(pattern, flags), re.compile(pattern, flags))
    assert from_text == []  # all four rebuilt from the cache


def test_every_pattern_of_evalcli_survives_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch):
    """Every module-level pattern of evalcli gives the same matches from the cache."""
    import pkgutil

    import evalcli

    for module in pkgutil.walk_packages(evalcli.__path__, "evalcli."):
        if not module.name.endswith("__main__"):  # that one runs the command
            importlib.import_module(module.name)

    mine = {
        (value.pattern, value.flags)
        for name, module in list(sys.modules.items())
        if name.startswith("evalcli.")
        for value in vars(module).values()
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str)
    }
    assert len(mine) > 60
    for pattern, flags in mine:
        regexes.compile(pattern, flags)
    _next_run(monkeypatch)
    from_text = _from_text_never(monkeypatch)
    for pattern, flags in mine:
        _same(regexes.compile(pattern, flags), re.compile(pattern, flags))
    assert from_text == []


def test_a_bad_pattern_still_raises_re_error(cache: Path):
    with pytest.raises(re.error):
        regexes.compile("[unclosed")


def _forge(cache: Path, entries: dict[tuple[str, int], tuple[object, ...]]) -> None:
    payload = marshal.dumps((regexes._made_by(), entries))
    cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    sealed = seal(payload, regexes._PURPOSE)  # as this user's evalcli would
    assert sealed is not None
    cache.write_bytes(regexes._MAGIC + sealed)
    cache.chmod(0o600)


def test_a_forged_cache_inside_the_checkout_is_never_read(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """CI may set XDG_CACHE_HOME inside the checkout: a committed file that turns the
    placeholder pattern 'TBD' into one that matches nothing is not used there."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("XDG_CACHE_HOME", str(checkout / ".cache"))
    _forge(regexes.cache_file(), {("TBD", 0): regexes._engine_code("(?!)", 0)})
    assert regexes.compile("TBD").search("budget: TBD")
    # nor from a working folder outside the checkout, nor through a link to the checkout
    for cwd, cache_home in (
        (tmp_path, checkout / ".cache"),
        (tmp_path / "link", tmp_path / "link" / ".cache"),
    ):
        if cwd.name == "link":
            cwd.symlink_to(checkout)
        monkeypatch.chdir(cwd)
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
        monkeypatch.setattr(regexes, "_known", None)
        assert regexes.compile("TBD").search("budget: TBD")
    # and once the folder is no checkout, the file is read: the test can fail
    (checkout / ".git").rmdir()
    monkeypatch.setattr(regexes, "_known", None)
    assert not regexes.compile("TBD").search("budget: TBD")


@pytest.mark.parametrize(
    "damage", ["garbage", "flipped", "unsealed", "other-key", "engine", "python"]
)
def test_a_damaged_cache_compiles_from_the_text(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
):
    regexes.compile(r"\d{4}-\d{2}")
    _next_run(monkeypatch)
    data = cache.read_bytes()
    entries = {(r"\d{4}-\d{2}", 0): regexes._engine_code("(?!)", 0)}  # a pattern matching nothing
    if damage == "garbage":
        cache.write_bytes(b"\xc1" * 100)
    elif damage == "flipped":  # one byte changed on disk: the seal no longer holds
        middle = len(data) // 2
        cache.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1 :])
    elif damage == "unsealed":  # forged (or by an older evalcli): no seal of this user's
        payload = marshal.dumps((regexes._made_by(), entries))
        cache.write_bytes(regexes._MAGIC + bytes(32) + payload)
    elif damage == "other-key":  # sealed by another user's or machine's evalcli, then copied
        with monkeypatch.context() as elsewhere:
            elsewhere.setenv("XDG_STATE_HOME", str(tmp_path / "other-state"))
            _forge(cache, entries)
    elif damage == "engine":  # sealed, but the code is not code the engine accepts
        flags, code, *rest = regexes._engine_code(r"\d{4}-\d{2}", 0)
        _forge(cache, {(r"\d{4}-\d{2}", 0): (flags, [999, *code[1:]], *rest)})
    else:  # made by another Python
        payload = marshal.dumps(("1 cpython-399 3.99", {(r"\d{4}-\d{2}", 0): (0, [1], 0, {}, ())}))
        sealed = seal(payload, regexes._PURPOSE)
        assert sealed is not None
        cache.write_bytes(regexes._MAGIC + sealed)
    from_text = _from_text_never(monkeypatch)
    assert regexes.compile(r"\d{4}-\d{2}").fullmatch("2024-05")
    assert from_text == [r"\d{4}-\d{2}"]


def test_the_cache_file_is_the_users_alone(cache: Path, monkeypatch: pytest.MonkeyPatch):
    regexes.compile("x+")
    regexes._write()
    assert cache.stat().st_mode & 0o777 == 0o600
    assert cache.parent.stat().st_mode & 0o777 == 0o700


def test_the_cache_stops_growing(cache: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings and templates bring patterns of their own: the file never holds more
    than MAX_PATTERNS; once full, it keeps what the last run used."""
    monkeypatch.setattr(regexes, "MAX_PATTERNS", 5)
    for n in range(4):
        regexes.compile(f"a{{{n}}}")
    _next_run(monkeypatch)
    assert len(regexes._read()) == 4
    for n in range(3):  # three new ones: seven would be too many
        regexes.compile(f"b{{{n}}}")
    regexes.compile("a{0}")  # one of the four, from the file
    _next_run(monkeypatch)
    assert set(regexes._read()) == {("a{0}", 0), ("b{0}", 0), ("b{1}", 0), ("b{2}", 0)}


def test_a_projects_own_patterns_are_never_kept(tmp_path: Path):
    """A repository's settings (its ignore globs) and its own templates bring patterns of
    their own: a run compiles them from their text and keeps none, so a pull request
    cannot fill the file every later run reads."""
    project = tmp_path / "project"
    shutil.copytree(CONTENT / "example-en", project / "content" / "example-en")
    globs = "\n".join(f'"content/archive-{n}/**" = ["missing-follow-up"]' for n in range(50))
    (project / "evalcli.toml").write_text(f"[per-path-ignores]\n{globs}\n", encoding="utf-8")
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "evalcli", "check"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    kept = subprocess.run(
        [sys.executable, "-c", "from evalcli import regexes; print(list(regexes._read()))"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "(?:/.*)?" not in kept  # no glob of the settings
    assert "\\\\d" in kept  # but evalcli's own patterns: the test can fail


def test_a_library_loads_its_patterns_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch):
    """While yaml, Jinja or tomllib load, their ``re.compile`` comes from the cache, and
    ``re.compile`` is the standard one again after."""
    standard = re.compile
    with regexes.library_patterns():
        assert re.compile is not standard
        first = re.compile(r"[\u00c0-\u017f]+\d", re.I)
        with regexes.library_patterns():  # nested, as an import inside an import
            pass
        assert re.compile is not standard
        compiled = standard("x")
        assert re.compile(compiled) is compiled  # a compiled pattern passes as it is
    assert re.compile is standard
    _next_run(monkeypatch)
    from_text = _from_text_never(monkeypatch)
    with regexes.library_patterns():
        again = re.compile(r"[\u00c0-\u017f]+\d", re.I)
    _same(again, first)
    assert from_text == []
    assert re.compile is standard


def test_the_standard_compile_is_back_even_after_an_error():
    standard = re.compile
    with pytest.raises(ImportError), regexes.library_patterns():
        import evalcli_no_such_library  # type: ignore[import-not-found]  # noqa: F401
    assert re.compile is standard
    with pytest.raises(re.error), regexes.library_patterns():
        re.compile("[unclosed")
    assert re.compile is standard


def test_yaml_compiles_none_of_its_patterns_on_the_second_run(tmp_path: Path):
    """What ``import yaml`` costs every check is mostly its patterns: compiled once."""
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    count = (
        "import pathlib, re; from re import _parser; calls = []; real = _parser.parse\n"
        "_parser.parse = lambda *a: calls.append(a) or real(*a)\n"
        "import evalcli.yamlnodes\n"
        "print(len(calls))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", count], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    first, second = (int(run.stdout.strip() or -1) for run in runs)
    assert first > 10  # yaml's own patterns, compiled from their text the first time
    assert second == 0, runs[1].stderr
