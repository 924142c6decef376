"""evalcli.lua walks a document once (twice with images, for the PDF), and gives exactly
what its walk-by-walk form gave.

Each walk of a Lua filter costs pandoc a pass over the whole document: the
filter's steps (raw code dropped, links without a target unwrapped,
typographic quotes, template styles and languages as Typst calls, sticky
paragraphs before follow-up facts, alternative text, decorative images) were
five walks and are one. The walk-by-walk form is kept in the fixtures as the
reference: the same input gives the same bytes through either, for both
outputs, both readers (evalcli's, and pandoc's own with raw code allowed)
and quotes of two languages. A DOCX run that also writes the Typst source (a
portfolio's, see ``outputs.convert``) gives both documents as their own runs do.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import FIXTURES
from evalcli.template.loader import BUNDLED_DIR
from evalcli.tools.pandoc import READER, SIDE_TEMPLATE, SIDE_TYPST, pandoc_path

TEMPLATE = BUNDLED_DIR / "ilo_summary"
REFERENCE = FIXTURES / "filters" / "evalcli-walk-by-walk.lua"

DOCUMENT = """---
title: "The \\"project\\" and l'OIT"
lang: {lang}
---

A "quoted" word, 'single' ones, l'OIT's (x) "y" -'z' and [l](#), [m](),
[a real link with "quotes"](https://example.org/?a="b"), and a note.[^1]

Raw code the content tries: `#panic("inline")`{{=typst}} and
`<w:p/>`{{=openxml}}, <span>html</span> and \\LaTeX{{}}.

```{{=typst}}
#panic("block")
```

[French words with "quotes"]{{lang=fr}}, [styled]{{custom-style="Placeholder"}},
[both]{{custom-style="Placeholder" lang=es-PE}}, [not ours]{{custom-style="Heading 1"}},
[a [link](#) in a span]{{lang=fr-FR}} and [[a span](#x) in a link](#).

A recommendation's last paragraph.

::: {{custom-style="Follow-up"}}
**Addressed to:** "ILO"

Nested:

::: {{lang=fr}}
Un paragraphe.

::: {{custom-style="Follow-up"}}
Inner facts.
:::
:::
:::

::: {{custom-style="Disclaimer" lang=es}}
Texto con "comillas".
:::

- An item before facts

  ::: {{custom-style="Follow-up"}}
  In a list.
  :::

| A "cell" | [B](#) |
|----------|--------|
| 1 'x'    | ![in a cell](chart.png) |

An inline ![chart "with quotes" and \\\\ a backslash](chart.png) and a linked
[![linked image](chart.png)](https://example.org).

![A figure, "described"](chart.png)

![](chart.png){{.decorative}}

![Decorative, with a caption](chart.png){{.decorative}}

![](chart.png)

[^1]: The note, with [a link](#) and "quotes".

    ::: {{custom-style="Follow-up"}}
    In a note.
    :::
"""


def _convert(lua: str, to: str, reader: str, lang: str, aside: int | None = None) -> bytes:
    args = ["--to", to, "--lua-filter", lua]
    if to == "typst":
        args += ["--template", str(TEMPLATE / "summary.typ")]
    else:
        args += ["--reference-doc", str(TEMPLATE / "reference.docx"), "--output", "-"]
    env = {"SOURCE_DATE_EPOCH": "0", "PATH": ""}
    if aside is not None:  # the Typst source on the side, as tools.pandoc asks for it
        env |= {SIDE_TYPST: str(aside), SIDE_TEMPLATE: "summary.typ"}
    done = subprocess.run(
        [pandoc_path(), "--from", reader, *args],
        input=DOCUMENT.format(lang=lang).encode("utf-8"),
        capture_output=True,
        cwd=FIXTURES,  # where chart.png is
        env=env,
        check=True,
        timeout=120,
        pass_fds=() if aside is None else (aside,),
    )
    return done.stdout


def _convert_both(reader: str, lang: str) -> tuple[bytes, bytes]:
    """(DOCX, Typst source) of one DOCX run that writes the Typst source on the side."""
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as side, ThreadPoolExecutor(1) as reader_thread:
        source = reader_thread.submit(side.read)
        try:
            docx = _convert(str(TEMPLATE / "evalcli.lua"), "docx", reader, lang, write_end)
        finally:
            os.close(write_end)
        return docx, source.result(timeout=120)


@pytest.mark.parametrize("to", ["typst", "docx"])
@pytest.mark.parametrize("reader", [READER, "markdown"])
@pytest.mark.parametrize("lang", ["en-GB", "fr"])
def test_one_walk_gives_what_the_walks_one_by_one_gave(to, reader, lang):
    merged = _convert(str(TEMPLATE / "evalcli.lua"), to, reader, lang)
    assert merged == _convert(str(REFERENCE), to, reader, lang)
    if reader == "markdown":  # raw code read as such is dropped (evalcli's reader reads none)
        assert b"panic" not in merged


@pytest.mark.parametrize("reader", [READER, "markdown"])
@pytest.mark.parametrize("lang", ["en-GB", "fr"])
def test_one_run_makes_both_documents_as_their_own_runs_make_them(reader, lang):
    docx, source = _convert_both(reader, lang)
    assert source == _convert(str(TEMPLATE / "evalcli.lua"), "typst", reader, lang)
    assert docx == _convert(str(TEMPLATE / "evalcli.lua"), "docx", reader, lang)
    assert b"#follow-up[" in source  # the Typst document's own steps, not the DOCX's
    if reader == "markdown":  # raw code read as such is dropped from both
        assert b"panic" not in source


def test_the_pdf_source_keeps_what_the_filter_adds():
    source = _convert(str(TEMPLATE / "evalcli.lua"), "typst", READER, "fr").decode("utf-8")
    for made in (
        "#block(sticky: true)[",
        "#follow-up[",
        '#placeholder[#text(lang: "es", region: "PE")[',
        '#text(lang: "fr", region: none)[',
        '#[#set image(alt: "chart «\u202fwith quotes\u202f» and \\\\ a backslash");',
        "#pdf.artifact[",
        "«\u202fquoted\u202f»",
    ):
        assert made in source, made


def test_the_filter_walks_the_document_once_without_images():
    # the filter's one element function: pandoc itself walks nothing for it, and the
    # alternative-text walk happens only after an image was seen
    lua = (TEMPLATE / "evalcli.lua").read_text(encoding="utf-8")
    top_level = [line for line in lua.splitlines() if line.startswith("function ")]
    assert top_level == ["function Pandoc(doc)"]
    pandoc_function = lua[lua.index("function Pandoc(doc)") :]
    # one walk for each document alone; in a run that makes both, one shared walk
    # (the Typst document's own is in typst_walk, the DOCX's only with images)
    assert pandoc_function.count("doc = doc:walk(") == 4
    assert pandoc_function.count("if images then") == 1
    assert pandoc_function.count("if typst_aside(") == 1
