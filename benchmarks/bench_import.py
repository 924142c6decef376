"""Time `evalcli import` on the archive corpus: one document of each kind, and all at once.

Run by hand; not part of the tests.

    python benchmarks/bench_import.py [--runs 3]

- docx: a full report (cover, contents, executive summary, chapters, annex pages).
- pdf: the same report as LibreOffice exports it (pypdf in its confined child).
- text: a plain-text transcript of it.
- archive: the whole corpus (tests/fixtures/archive), one report folder each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import timed

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT / "tests" / "fixtures" / "archive"
EVALCLI = Path(sys.executable).parent / "evalcli"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        cases = {
            "docx": [ARCHIVE / "en-cover-table.docx"],
            "pdf": [ARCHIVE / "en-cover-table.pdf"],
            "text": [ARCHIVE / "en-cover-transcript.txt"],
            "archive": [ARCHIVE],
        }
        for name, sources in cases.items():
            command = [str(EVALCLI), "import", *map(str, sources), "-o", str(out / name), "--force"]
            best, median = timed(command, runs)
            print(f"{name:8} best {best:7.0f} ms  median {median:7.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
