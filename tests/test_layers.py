"""The layers point one way: import-linter holds the contract in pyproject.toml."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT


def test_no_module_imports_a_layer_above_its_own():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_check_loads_no_converter():
    # check of a report needs neither the build, its cache, nor the converters, nor babel
    # (for a report without a date to read): they cost time to import
    code = (
        "import sys; from evalcli import api; api.check(['tests/fixtures/valid']); "
        "loaded = [m for m in ('evalcli.outputs.build', 'evalcli.outputs.docinfo', "
        "'evalcli.render', 'jinja2', 'docx', 'typst', 'multiprocessing', 'evalcli.outputs.cache', "
        "'evalcli.outputs.manifest', 'evalcli.outputs.plan', 'babel') if m in sys.modules]; "
        "print(loaded)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_date_without_a_year_is_reported_without_loading_babel(tmp_path):
    # the month names (babel) are looked up only when the text could be a date
    report = tmp_path / "report"
    shutil.copytree(FIXTURES / "valid", report)
    meta = report / "evaluation.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(
        re.sub(
            r"(?m)^approval_date: .*$",
            'approval_date: "Haga clic aquí para ingresar la fecha"',
            text,
        ),
        encoding="utf-8",
    )
    code = (
        "import sys; from evalcli import api; "
        f"[r] = api.check([{str(report)!r}]); "
        "print(sorted({str(f.code) for f in r.findings}), 'babel' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "['placeholder'] False"
