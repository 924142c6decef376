"""The files changed since a git ref, for ``--changed-since``.

Only git runs, with fixed arguments: the ref is checked to be a ref (never an
option), external diff drivers, text conversion and the file system monitor
are switched off, and no hook is involved. Nothing from the repository's
content is executed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from evalcli.errors import InputError
from evalcli.i18n import msg
from evalcli.records import Record, field

GIT_TIMEOUT = 120  # seconds; a diff of a large repository is still far below this
# settings that could make git run a command: off, whatever the local configuration says
_SAFE = ("-c", "core.fsmonitor=false", "-c", "diff.external=", "-c", "core.pager=cat")


class Changes(Record):
    """Paths (absolute) changed since a ref: in commits, in the working tree, or untracked."""

    top: Path
    changed: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)


# what git needs to find itself and the user's configuration (safe.directory in CI), no more:
# CI jobs keep tokens and keys in the environment, and git has no use for them
_KEPT = ("PATH", "HOME", "XDG_CONFIG_HOME", "USERPROFILE", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")


def git_environment() -> dict[str, str]:
    """The environment git runs with: the few variables it needs, none of the job's secrets."""
    env = {key: os.environ[key] for key in _KEPT if key in os.environ}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        LC_ALL="C",
    )
    return env


def _git(args: list[str], cwd: Path, what: str) -> str:
    git = shutil.which("git")
    if git is None:
        raise InputError(msg("--changed-since needs git on PATH"))
    env = git_environment()
    try:
        done = subprocess.run(
            [git, *_SAFE, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(
            msg(
                "--changed-since: git took over {seconds} s to {action}",
                seconds=GIT_TIMEOUT,
                action=what,
            )
        ) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            msg(
                "--changed-since: git could not {action}: {reason}",
                action=what,
                reason=reason[-1] if reason else "",
            )
        )
    return done.stdout.decode("utf-8", "surrogateescape")


def _valid_ref(ref: str) -> bool:
    return bool(ref) and not ref.startswith("-") and not any(c in ref for c in "\0\n\r ")


def changed_since(ref: str, cwd: Path) -> Changes:
    """Files changed between the merge base of ``ref`` and HEAD, and the working tree."""
    if not _valid_ref(ref):
        raise InputError(msg("--changed-since {ref}: give a branch, tag or commit", ref=repr(ref)))
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd, "find the repository").strip())
    try:
        commit = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            cwd,
            "read the ref",
        ).strip()
    except InputError as exc:
        raise InputError(
            msg(
                "--changed-since {ref}: not a commit in this repository (in CI, fetch it "
                "first, e.g. actions/checkout with fetch-depth: 0)",
                ref=ref,
            )
        ) from exc
    try:  # changes on the branch since it left ref, not changes made on ref since
        base = _git(["merge-base", commit, "HEAD"], cwd, "find the merge base").strip()
    except InputError:
        base = commit
    status = _git(
        ["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", base],
        top,
        "list the changes",
    )
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top, "list new files")
    changes = Changes(top)
    fields = status.split("\0")
    for kind, name in zip(fields[0::2], fields[1::2], strict=False):
        if not name:
            continue
        target = changes.deleted if kind.startswith("D") else changes.changed
        target.append(top / name)
    changes.changed += [top / name for name in untracked.split("\0") if name]
    return changes
