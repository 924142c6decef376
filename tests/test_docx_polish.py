"""The DOCX polish edits the XML directly, and gives exactly python-docx's bytes.

python-docx costs a build about 100 ms to import; the direct edits make the
same elements in the same order, and a package they do not know how to
polish exactly still goes through python-docx.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, FIXTURES, after_a_build
from evalcli.outputs import docxpolish
from evalcli.outputs.build import _images
from evalcli.outputs.convert import inline_images
from evalcli.outputs.docinfo import doc_info
from evalcli.outputs.docx import _polish_xml, pandoc_docx, polish_with_python_docx
from evalcli.render import render
from evalcli.report.load import load_report

EXTRA = """
## With media

A chart ![Results by region](chart.png) inline, and as a figure:

![Results by region, described](chart.png)

![](chart.png){.decorative}

A [link](https://example.org/a?b=1&c="2") and a note.[^1] "Quotes" and 'single' ones.

| Col A | Col B |
|-------|-------|
| 1     | 2     |

[^1]: The note, with [a link](https://example.org/f).
"""


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with images (described and decorative), links, a note and a table."""
    folder = shutil.copytree(FIXTURES / "valid", tmp_path_factory.mktemp("rich") / "rich")
    shutil.copy(FIXTURES / "chart.png", folder / "chart.png")
    findings = folder / "findings.md"
    findings.write_text(findings.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return folder


def _pandoc_docx(folder: Path, lang: str | None, draft: bool) -> tuple[bytes, object]:
    report, template = load_report(folder)
    assert template is not None
    images = _images(report)
    names = {t: f"image-{n}{f.suffix}" for n, (t, f) in enumerate(sorted(images.items()), 1)}
    rendered = render(report, template, lang, names)
    info = doc_info(rendered.facts, template, rendered.title, draft, rendered.doc_lang)
    markdown = inline_images(rendered.markdown, {names[t]: f for t, f in images.items()})
    return pandoc_docx(markdown, template, info.epoch).result(), info


@pytest.mark.parametrize("lang", [None, "es", "fr"])
@pytest.mark.parametrize("draft", [False, True])
@pytest.mark.parametrize("name", ["rich", "alianzas-peru", "example-en"])
def test_the_xml_polish_is_python_docx_byte_for_byte(rich, name, lang, draft):
    folder = rich if name == "rich" else CONTENT / name
    raw, info = _pandoc_docx(folder, lang, draft)
    assert _polish_xml(raw, info) == polish_with_python_docx(raw, info)


def test_a_package_with_its_own_header_is_polished_by_python_docx(rich):
    """A reference document with a header of its own: python-docx keeps it, so it polishes."""
    raw, info = _pandoc_docx(rich, None, False)
    with_header = polish_with_python_docx(raw, info)
    with pytest.raises(docxpolish.Unsupported, match="header"):
        docxpolish.Document(with_header)


def test_a_summary_build_never_loads_python_docx(tmp_path):
    out = tmp_path / "out"
    assert after_a_build(FIXTURES / "valid", out, "'docx' in sys.modules") == "False"
    assert sorted(p.name for p in out.glob("valid.*")) == ["valid.docx", "valid.pdf"]
