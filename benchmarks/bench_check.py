"""Time `evalcli check` against its floors. Run by hand; not part of the tests.

    python benchmarks/bench_check.py [--copies 1000] [--runs 10] [--baseline OTHER/src] [--cpu]
        [--instructions]

1. One report: `evalcli check content/alianzas-peru` against `python -c "import yaml"`.
2. Many reports: check on N copies of the sample against a script that only
   reads and parses the same files (YAML and Markdown text).

With ``--baseline``, the same commands also run from another source tree (an
older checkout's ``src``), their runs taken in turn with this tree's, so that
before and after are measured side by side under the same load. Unset
PYTHONDONTWRITEBYTECODE first: without cached bytecode every run compiles.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import baseline_command, instructions, interleaved

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "alianzas-peru"
# the sample as published has two errors: check says so (1); anything else is a failure
FOUND = (0, 1)

PARSE_ONLY = """
import sys, yaml
from pathlib import Path
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for folder in sorted(Path(sys.argv[1]).iterdir()):
    yaml.compose((folder / "evaluation.yaml").read_text(encoding="utf-8"), Loader=loader)
    for md in sorted(folder.glob("*.md")):
        md.read_text(encoding="utf-8").split("\\n")
"""


def report(title: str, figures: dict[str, tuple[float, float, float]], floor: str) -> None:
    base = figures[floor][0]
    print(title)
    for name, (best, median, worst) in figures.items():
        print(
            f"  {name:<22} best {best:7.1f} ms  median {median:7.1f}  worst {worst:7.1f}"
            f"  | best / {floor}: {best / base:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--baseline", help="another tree's src folder, run in turn with this one")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="processor time instead of wall time (steadier under load)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions with valgrind (the same under any load)",
    )
    args = parser.parse_args()

    ours = [sys.executable, "-m", "evalcli"]
    one = {
        "import yaml": [sys.executable, "-c", "import yaml"],
        "evalcli check": [*ours, "check", str(SAMPLE)],
    }
    script = Path(sys.executable).parent / "evalcli"
    if script.is_file():  # the command users type: no runpy
        one["evalcli (script)"] = [str(script), "check", str(SAMPLE)]
    before = baseline_command(args.baseline, ["check", str(SAMPLE)])
    if before:
        one["baseline check"] = before
    report(
        "one report (aim: evalcli check <= 2.5x import yaml)",
        interleaved(one, args.runs, args.cpu, accept=FOUND),
        "import yaml",
    )
    if args.instructions:
        counts = {name: instructions(command) for name, command in one.items()}
        floor = counts["import yaml"]
        for name, count in counts.items():
            if count is None or floor is None:
                print(f"  {name:<22} (valgrind did not run)")
                continue
            print(f"  {name:<22} {count:7.0f} M instructions | / import yaml: {count / floor:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for index in range(args.copies):
            shutil.copytree(SAMPLE, root / f"report-{index:04d}")
        many = {
            "parse only": [sys.executable, "-c", PARSE_ONLY, str(root)],
            "evalcli check": [*ours, "check", "--format", "json", str(root)],
        }
        before = baseline_command(args.baseline, ["check", "--format", "json", str(root)])
        if before:
            many["baseline check"] = before
        figures = interleaved(many, max(3, args.runs // 3), args.cpu, accept=FOUND)
    report(f"{args.copies} reports (aim: evalcli check < 2 s)", figures, "parse only")


if __name__ == "__main__":
    main()
