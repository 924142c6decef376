"""One build's slow steps overlap, and a converter's start carries nothing it does not need.

Timings belong in benchmarks/; these tests hold the facts the timings rest on:
what is loaded when a converter starts, and what its exec wrapper loads.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import CONTENT
from evalcli.tools import sandbox

CHILD = sandbox._CHILD  # the wrapper as installed, wherever that is


def _imported(stderr: str) -> set[str]:
    """The modules ``python -X importtime`` says it imported."""
    lines = [line for line in stderr.splitlines() if line.startswith("import time:")]
    return {line.split("|")[2].strip() for line in lines}


def test_a_converters_exec_wrapper_loads_only_what_confining_needs():
    # every pandoc run starts through it: json, pathlib and signal (enum, re) were
    # 30 ms of each start
    wrapper = [sys.executable, "-I", "-S", "-X", "importtime", str(CHILD)]
    converter = [sys.executable, "-I", "-c", "print('converted')"]
    done = subprocess.run(
        [*wrapper, "0", str(os.getpid()), "exec", *converter],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout == "converted\n"
    imported = _imported(done.stderr)
    assert "_ctypes" in imported  # the death signal is still set
    # nor ctypes itself: half as much again as the rest of the wrapper's start
    assert not imported & {"json", "pathlib", "signal", "enum", "re", "ctypes"}


BUILD = """
import sys
from pathlib import Path
from evalcli.tools import sandbox
from evalcli.tools import pandoc

started = []
real = pandoc.PandocRun.__init__

def init(self, source, args, *rest, **named):
    # each lane's own: the polish is loaded by the DOCX's thread, the tagging by the PDF's
    own = "lxml.etree" if args[1] == "docx" else "evalcli.outputs.pdftags"
    started.append((args[1], own in sys.modules))
    real(self, source, args, *rest, **named)

pandoc.PandocRun.__init__ = init
from evalcli import api

[result] = api.build([sys.argv[1]], output=Path(sys.argv[2]), force=True)
after = [name for name in ("lxml.etree", "evalcli.outputs.pdftags") if name in sys.modules]
print(result.built, dict(started)["docx"], dict(started)["typst"], after)
"""


def test_the_pandoc_runs_start_before_what_follows_them_is_loaded(tmp_path):
    # lxml and the polish, and the PDF's tagging, load while pandoc converts
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(CONTENT / "example-en"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.stdout.strip() == "True False False ['lxml.etree', 'evalcli.outputs.pdftags']"
