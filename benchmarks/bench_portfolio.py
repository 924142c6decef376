"""Time evalcli on a portfolio: 1,000 copies of the sample. Run by hand; not part of the tests.

    python benchmarks/bench_portfolio.py [--copies 1000] [--jobs N] [--rounds R]
        [--baseline OTHER/src] [--build-only]

The copies are content/alianzas-peru with its two unfilled fields filled in
(so that every copy builds without --draft). Figures:

- check: `evalcli check` of every copy (aim: under 3 s on 2 cores);
- build: `evalcli build` of every copy, DOCX and PDF, against the floor: the
  same pandoc (DOCX, Typst source) and Typst work called directly in one
  Python run, with the same number of processes and the DOCX and PDF of a
  report side by side as evalcli does (aim: within 1.1x of the floor);
- no change: a second `evalcli build` with nothing changed (aim: under 1 s);
- one edit: one report edited among all of them (aim: under 1 s plus one build,
  the time of `evalcli build` of a single report).

``--rounds R`` times the build of all and its floor R times, in turn (with
``--baseline``, another tree's build too), and gives the best and the median
of each: on a shared machine their ratio holds better than one run's.
``--build-only`` skips the check, single-report and second-build figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "alianzas-peru"
EVALCLI = Path(sys.executable).parent / "evalcli"
FILLED = {  # the two fields published unfilled, filled in
    "approval_date": "approval_date: 2025-02",
    "keywords": "keywords: [trata de personas, trabajo forzoso]",
}


def make_copies(root: Path, copies: int) -> None:
    for index in range(copies):
        folder = root / f"report-{index:04d}"
        shutil.copytree(SAMPLE, folder)
        meta = folder / "evaluation.yaml"
        lines = meta.read_text(encoding="utf-8").splitlines()
        lines = [FILLED.get(line.split(":", 1)[0], line) for line in lines]
        meta.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(*args: str | Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


# --- the floor: pandoc and Typst called directly -------------------------------------------


def _floor_one(job: tuple[str, Any, str]) -> int:
    import typst

    from evalcli.outputs.docx import pandoc_docx
    from evalcli.outputs.pdf import _meta, typst_source
    from evalcli.template.loader import builtin_template

    markdown, info, scratch = job
    template = builtin_template()
    with ThreadPoolExecutor(max_workers=2) as pool:  # DOCX and PDF side by side, as evalcli
        docx = pool.submit(lambda: pandoc_docx(markdown, template, info.epoch).result())
        source = typst_source(markdown, template, info.epoch).result()
        folder = Path(tempfile.mkdtemp(dir=scratch))
        (folder / "main.typ").write_bytes(source)
        import json

        (folder / "meta.json").write_text(json.dumps(_meta(info)), encoding="utf-8")
        pdf = typst.compile(
            str(folder / "main.typ"),
            root=str(folder),
            font_paths=[str(template.path / "fonts")],
            ignore_system_fonts=True,
            format="pdf",
        )
        size = len(docx.result())
    return size + len(pdf or b"")


def floor(reports: list[Path], jobs: int, scratch: Path) -> float:
    """The conversions alone, after rendering every report's Markdown (not timed)."""
    from evalcli.outputs.docinfo import doc_info
    from evalcli.render import render
    from evalcli.report.load import load_report

    work = []
    for folder in reports:
        report, template = load_report(folder)
        assert template is not None
        rendered = render(report, template, None, {})
        info = doc_info(rendered.facts, template, rendered.title, False)
        work.append((rendered.markdown, info, str(scratch)))
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_floor_one, work, chunksize=1))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", help="another tree's src folder, built in turn with this one")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    jobs = str(args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        out = Path(tmp) / "build"
        make_copies(root, args.copies)
        print(f"{args.copies} copies of {SAMPLE.name}, {args.jobs} processes")

        if not args.build_only:
            checks = [run(EVALCLI, "check", "--jobs", jobs, root) for _ in range(3)]
            assert checks[0][1].returncode == 0, checks[0][1].stdout[-2000:]
            best = min(t for t, _ in checks)
            print(f"check of all:          {best:7.2f} s (best of 3; aim < 3 s)")
            serial = run(EVALCLI, "check", "--jobs", "1", root)[0]
            print(f"check of all, 1 process: {serial:5.2f} s")

        single_out = Path(tmp) / "single"
        one = min(
            run(EVALCLI, "build", "--force", root / "report-0000", "-o", single_out)[0]
            for _ in range(1 if args.build_only else 3)
        )
        if not args.build_only:
            print(f"build of one report:   {one:7.2f} s (best of 3, one process)")

        times: dict[str, list[float]] = {"build": [], "floor": [], "baseline": []}
        for _round in range(args.rounds):
            built, done = run(EVALCLI, "build", "--force", "--jobs", jobs, root, "-o", out)
            assert done.returncode == 0, done.stderr[-2000:]
            times["build"].append(built)
            if not args.skip_floor:
                scratch = Path(tempfile.mkdtemp(dir=tmp))
                times["floor"].append(floor(sorted(root.iterdir()), args.jobs, scratch))
                shutil.rmtree(scratch)
            if args.baseline:
                other = Path(tmp) / "baseline"
                command = ["env", f"PYTHONPATH={args.baseline}", sys.executable, "-m", "evalcli"]
                took, done = run(*command, "build", "--force", "--jobs", jobs, root, "-o", other)
                assert done.returncode == 0, done.stderr[-2000:]
                times["baseline"].append(took)
        low = min(times["floor"]) if times["floor"] else None
        for label, samples in times.items():
            if not samples:
                continue
            best, median = min(samples), statistics.median(samples)
            ratio = f" | best / floor {best / low:.2f}" if low else ""
            print(
                f"{label + ' of all:':<19} best {best:7.2f} s  median {median:7.2f}"
                f" ({best / args.copies * 1000:.0f} ms a report){ratio}"
                + (" (aim <= 1.1)" if label == "build" and low else "")
            )
        if args.build_only:
            return

        again, done = run(EVALCLI, "build", "--jobs", jobs, root, "-o", out)
        assert "0 built" in done.stderr, done.stderr[-500:]
        print(f"build, nothing changed: {again:6.2f} s (aim < 1 s)")

        lessons = root / f"report-{args.copies // 2:04d}" / "lessons.md"
        lessons.write_text(lessons.read_text(encoding="utf-8") + "\nUna línea más.\n", "utf-8")
        edited, done = run(EVALCLI, "build", "--jobs", jobs, root, "-o", out)
        assert "1 built" in done.stderr, done.stderr[-500:]
        print(f"build, one edited:     {edited:7.2f} s (aim < 1 s + one build = {1 + one:.2f} s)")


if __name__ == "__main__":
    main()
