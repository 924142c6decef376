"""This user's private files: the caches and the key that signs them and the build manifest.

What evalcli keeps between runs (parsed templates, compiled patterns and
skeletons, the build manifest's key) is trusted only where a pull request
cannot put a file: in a folder of this user's alone, outside any git work
tree (the working folder's, and the folder's own, links resolved). A file
there is read only if it is a regular file of this user's, mode 0600, with
one link, opened without following a link. A cache file is, besides, sealed
with this user's key (``seal``): a file evalcli did not write for this user,
copied, forged or damaged, is never decoded. Nothing here imports the rest
of evalcli, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

try:
    from _blake2 import blake2b  # built in: hashlib would load OpenSSL, which costs more
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b
from _operator import _compare_digest as same_digest

KEY_FILE = "manifest.key"  # named for its first use; it now seals the caches too
KEY_BYTES = 32
MAC_BYTES = 32


def git_work_tree(start: Path) -> Path | None:
    """The git work tree ``start`` lies in (the folder a pull request fills), if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def private_to_user(info: os.stat_result, kind: int) -> bool:
    """Ours alone: the right kind of file, owned by this user, no access for others."""
    if stat.S_IFMT(info.st_mode) != kind:
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        return False
    return kind != stat.S_IFREG or info.st_nlink == 1


def user_folder(variable: str, *default: str) -> Path:
    """This user's evalcli folder of a kind: ``$variable/evalcli``, else ``~/default/evalcli``
    (also for a relative ``$variable``, which the XDG rules say to ignore)."""
    home = os.path.expanduser("~")  # noqa: PTH111 - a string, joined below
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):  # noqa: PTH117 - a string
        base = os.path.join(home, *default)  # noqa: PTH118
    return Path(base) / "evalcli"


def trusted_folder(folder: Path, outside: Path | None = None) -> bool:
    """``folder`` is this user's alone (made so if missing) and lies where a pull request
    cannot put files: outside the git work tree of the working folder, and outside
    ``outside`` (an output folder)."""
    try:
        # where the folder really is: a link on the way (or a working folder reached through
        # one: getcwd gives the real path) must not take a folder of the checkout outside it
        full = Path(os.path.realpath(folder))
        checkouts = (git_work_tree(Path.cwd()), git_work_tree(full))
    except OSError:  # no working folder, or a folder we may not look into
        return False
    output = Path(os.path.realpath(outside)) if outside else None
    for inside in (output, *checkouts):
        if inside is not None and full.is_relative_to(inside):
            return False
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return private_to_user(folder.lstat(), stat.S_IFDIR)
    except OSError:
        return False


def read_private(file: Path, limit: int) -> bytes | None:
    """Up to ``limit`` + 1 bytes of a regular file of this user's alone (no link followed),
    or None: a caller that gets more than ``limit`` knows the file is too big."""
    try:
        handle = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not private_to_user(os.fstat(handle), stat.S_IFREG):
            return None
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(handle, left)):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


def write_private(file: Path, data: bytes) -> None:
    """Write a file of this user's whole (a temporary file, mode 0600, renamed); a failure
    is ignored, as befits a cache, which only costs speed when it is missing."""
    import tempfile  # only on the runs that fill a cache

    with contextlib.suppress(OSError):
        handle, name = tempfile.mkstemp(prefix=".tmp-", dir=file.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            temporary.replace(file)
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def state_folder() -> Path:
    """Where this user's evalcli state (the key) lives, outside any repository."""
    return user_folder("XDG_STATE_HOME", ".local", "state")


def _read_key(path: Path) -> bytes | None:
    key = read_private(path, KEY_BYTES)
    return key if key is not None and len(key) == KEY_BYTES else None


def _new_key(folder: Path) -> None:
    """Write a key under a temporary name and link it in: a reader never sees half a key."""
    temporary = folder / f".{KEY_FILE}.{os.getpid()}.{os.urandom(4).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(temporary, flags, 0o600)
    try:
        try:
            written = os.write(handle, os.urandom(KEY_BYTES))
        finally:
            os.close(handle)
        if written != KEY_BYTES:
            return
        with contextlib.suppress(FileExistsError):  # another run made one first: use it
            os.link(temporary, folder / KEY_FILE)
    finally:
        temporary.unlink(missing_ok=True)


def user_key(outside: Path | None = None) -> bytes | None:
    """This user's secret, made on first use; None when it cannot be trusted.

    The state folder must be a private folder of this user, outside ``outside``
    (an output folder) and outside any git work tree; otherwise nothing is
    replayed or read from a cache.
    """
    folder = state_folder()
    if not trusted_folder(folder, outside=outside):
        return None
    try:
        key = _read_key(folder / KEY_FILE)
        if key is None and not os.path.lexists(folder / KEY_FILE):
            _new_key(folder)
            key = _read_key(folder / KEY_FILE)
    except OSError:
        return None
    return key


_sealing_keys: dict[tuple[str, str], bytes] = {}  # by state folder and working folder


def _sealing_key() -> bytes | None:
    """``user_key()``, looked up once per state folder and working folder: every cache a
    run reads or writes seals with it, and each look-up is a trust check and a read."""
    try:
        where = (str(state_folder()), os.getcwd())  # noqa: PTH109 - a string, cheap
    except OSError:  # no working folder: nothing is trusted
        return None
    key = _sealing_keys.get(where)
    if key is None:
        key = user_key()
        if key is not None:
            _sealing_keys[where] = key
    return key


def _mac(key: bytes, purpose: bytes, payload: bytes) -> bytes:
    return blake2b(payload, digest_size=MAC_BYTES, key=key, person=purpose[:16]).digest()


def seal(payload: bytes, purpose: bytes) -> bytes | None:
    """``payload`` behind this user's MAC for ``purpose`` (a cache's name); None without a key."""
    key = _sealing_key()
    return None if key is None else _mac(key, purpose, payload) + payload


def unseal(data: bytes, purpose: bytes) -> bytes | None:
    """The payload ``seal`` put in ``data`` for this user and ``purpose``; None for anything
    else (another user's or machine's file, a forged or damaged one)."""
    key = _sealing_key()
    if key is None or len(data) < MAC_BYTES:
        return None
    mac, payload = data[:MAC_BYTES], data[MAC_BYTES:]
    return payload if same_digest(mac, _mac(key, purpose, payload)) else None
