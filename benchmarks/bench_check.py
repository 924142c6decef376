"""Time `evalcli check` against its floors. Run by hand; not part of the tests.

    python benchmarks/bench_check.py [--copies 300] [--runs 10]

1. One report: `evalcli check content/alianzas-peru` against `python -c "import yaml"`.
2. Many reports: check on N copies of the sample against a script that only
   reads and parses the same files (YAML and Markdown text).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import timed

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "alianzas-peru"
EVALCLI = Path(sys.executable).parent / "evalcli"

PARSE_ONLY = """
import sys, yaml
from pathlib import Path
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for folder in sorted(Path(sys.argv[1]).iterdir()):
    yaml.compose((folder / "evaluation.yaml").read_text(encoding="utf-8"), Loader=loader)
    for md in sorted(folder.glob("*.md")):
        md.read_text(encoding="utf-8").split("\\n")
"""


def line(
    label: str, ours: tuple[float, float], base: tuple[float, float], name: str, aim: float
) -> str:
    return (
        f"{label}: evalcli check best {ours[0]:7.1f} ms (median {ours[1]:7.1f}) | "
        f"{name} best {base[0]:6.1f} ms (median {base[1]:6.1f}) | "
        f"ratio of bests {ours[0] / base[0]:.2f} (aim <= {aim})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=300)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    floor = timed([sys.executable, "-c", "import yaml"], args.runs)
    one = timed([str(EVALCLI), "check", str(SAMPLE)], args.runs)
    print(line("one report", one, floor, "import yaml", 3))

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for index in range(args.copies):
            shutil.copytree(SAMPLE, root / f"report-{index:04d}")
        parse = timed([sys.executable, "-c", PARSE_ONLY, str(root)], args.runs)
        many = timed([str(EVALCLI), "check", "--format", "json", str(root)], args.runs)
    print(line(f"{args.copies} reports", many, parse, "parse only", 4))


if __name__ == "__main__":
    main()
