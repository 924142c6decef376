"""Extract, update and compile the message catalogs (English, Spanish, French), in one command.

    .venv/bin/python scripts/messages.py           # extract, update es/fr, compile
    .venv/bin/python scripts/messages.py --check   # fail if a catalog is out of date

It runs Babel's own commands (pybabel extract / update / compile) with the
project's settings: messages are ``msg("...")`` and ``nmsg("...", "...", n)``
in ``src/evalcli``; the English text is the message id; the catalogs are
``src/evalcli/locale/<lang>/LC_MESSAGES/evalcli.po`` and the compiled ``.mo``
beside them, which are committed so that every install, editable or not,
speaks the three languages without a build step.

After an update, translate every new or fuzzy entry in the ``.po`` files
(remove the ``fuzzy`` flag once it is right) and run the script again to
compile; ``tests/test_messages.py`` fails while any entry is missing, fuzzy
or has other placeholders than its English text.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "evalcli" / "locale"
POT = LOCALE / "evalcli.pot"
LANGUAGES = ("es", "fr")
KEYWORDS = ["-k", "msg", "-k", "nmsg:1,2", "--no-default-keywords"]


def pybabel(*args: str) -> None:
    """Run one pybabel command in this process."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(target: Path) -> None:
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *KEYWORDS,
        "--no-location",
        "--sort-output",
        "--omit-header",
        "--add-comments=TRANSLATORS:",
        "--project=evalcli",
        "-o",
        str(target),
        str(ROOT / "src" / "evalcli"),
    )


def ids(pot: Path) -> set[str]:
    with pot.open("rb") as stream:
        return {str(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(stream) if m.id}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only report stale catalogs")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "evalcli.pot"
            extract(fresh)
            if ids(fresh) != ids(POT):
                print("the catalogs are out of date: run scripts/messages.py", file=sys.stderr)
                return 1
        return 0
    LOCALE.mkdir(parents=True, exist_ok=True)
    extract(POT)
    for lang in LANGUAGES:
        po = LOCALE / lang / "LC_MESSAGES" / "evalcli.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALE),
                "-D",
                "evalcli",
                "-l",
                lang,
                "--no-wrap",
                "--ignore-obsolete",
            )
        else:
            pybabel(
                "init", "-i", str(POT), "-d", str(LOCALE), "-D", "evalcli", "-l", lang, "--no-wrap"
            )
    pybabel("compile", "-d", str(LOCALE), "-D", "evalcli", "--statistics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
