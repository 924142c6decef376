"""Time `evalcli build` (DOCX and PDF) against its floor and the route users take today.

Run by hand; not part of the tests.

    python benchmarks/bench_build.py [--runs 5] [--baseline OTHER/src]

- evalcli: `evalcli build content/example-en` (check, render, DOCX, PDF).
- floor: the same conversions called directly in one Python process: pandoc
  to DOCX with the reference document, pandoc to Typst, typst compile.
- today: pandoc to DOCX, then LibreOffice headless to PDF (skipped without soffice).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import baseline_command, interleaved, timed

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "content" / "example-en"
EVALCLI = Path(sys.executable).parent / "evalcli"

FLOOR = """
import subprocess, sys, json, typst
from pathlib import Path
pandoc, md, tpl, out = sys.argv[1:5]
tpl = Path(tpl); out = Path(out)
subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "--reference-doc",
                str(tpl / "reference.docx"), "-o", str(out / "f.docx"), md], check=True)
src = subprocess.run([pandoc, "-f", "markdown", "-t", "typst", "--template",
                      str(tpl / "summary.typ"), "--lua-filter", str(tpl / "evalcli.lua"), md],
                     check=True, capture_output=True).stdout
(out / "main.typ").write_bytes(src)
(out / "meta.json").write_text(json.dumps({"title": "t", "kind": "k", "lang": "en",
    "region": None, "labels_lang": "en", "authors": [], "keywords": [], "code": "",
    "header": "", "page": "{page}/{pages}", "draft": None}))
typst.compile(str(out / "main.typ"), output=str(out / "f.pdf"), root=str(out),
              font_paths=[str(tpl / "fonts")], ignore_system_fonts=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", help="another tree's src folder, run in turn with this one")
    args = parser.parse_args()

    import pypandoc

    from evalcli.template.loader import builtin_template

    pandoc = pypandoc.get_pandoc_path()
    template = builtin_template()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run(
            [str(EVALCLI), "build", str(REPORT), "-o", str(out / "md"), "--to", "md"],
            check=True,
            capture_output=True,
        )
        markdown = out / "md" / "example-en.md"
        # --force: every run converts (a report unchanged since the last build is skipped)
        args_build = ["build", "--force", str(REPORT), "-o"]
        commands = {
            "floor": [
                sys.executable,
                "-c",
                FLOOR,
                pandoc,
                str(markdown),
                str(template.path),
                str(out),
            ],
            "evalcli build": [sys.executable, "-m", "evalcli", *args_build, str(out / "b")],
        }
        before = baseline_command(args.baseline, [*args_build, str(out / "c")])
        if before:
            commands["baseline build"] = before
        figures = interleaved(commands, args.runs)
        base = figures["floor"][0]
        print("build --force of one report, DOCX and PDF (aim: evalcli <= 1.3x the floor)")
        for label, (best, median, worst) in figures.items():
            print(
                f"  {label:<15} best {best:7.1f} ms  median {median:7.1f}  worst {worst:7.1f}"
                f"  | best / floor: {best / base:.2f}"
            )
        ours = figures["evalcli build"]
        soffice = shutil.which("soffice")
        if soffice is None:
            print("today's route: skipped (no soffice on PATH)")
            return
        profile = (out / "profile").as_uri()
        script = (
            f'"{pandoc}" -f markdown -t docx -o "{out}/t.docx" "{markdown}" && '
            f'"{soffice}" -env:UserInstallation={profile} --headless --convert-to pdf '
            f'--outdir "{out}" "{out}/t.docx"'
        )
        today = timed(["sh", "-c", script], args.runs)
        print(
            f"today (pandoc docx + LibreOffice pdf): best {today[0]:7.1f} ms "
            f"(median {today[1]:7.1f}) | evalcli is {today[0] / ours[0]:.1f}x faster"
        )


if __name__ == "__main__":
    main()
