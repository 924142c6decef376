"""The archive corpus (tests/fixtures/archive): old and current ILO documents, in DOCX, PDF and
text, in three languages, imported one by one; the recovery rate of quick facts per field
and per edition, every item found, nothing lost, and check reports only real defects."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, run

ARCHIVE = FIXTURES / "archive"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (ARCHIVE / "expected.yaml").read_text(encoding="utf-8")
)
ITEM_FILES = {"lessons": "lessons.md", "good_practices": "good_practices.md"}
ITEM_FILES["recommendations"] = "recommendations.md"


def same(found: Any, wanted: Any) -> bool:
    """Values compared as evaluation.yaml means them (amounts as numbers)."""
    if isinstance(wanted, dict) and isinstance(found, dict):
        return set(found) == set(wanted) and all(same(found[k], wanted[k]) for k in wanted)
    if isinstance(wanted, list) and isinstance(found, list):
        return len(found) == len(wanted) and all(map(same, found, wanted))
    try:
        return Decimal(str(found)) == Decimal(str(wanted))
    except ArithmeticError:
        return str(found) == str(wanted)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, Path]:
    """Every document of the corpus imported once, into a report folder of its own."""
    out = tmp_path_factory.mktemp("archive")
    folders = {}
    for name in EXPECTED:
        folder = out / name.replace(".", "-")
        result = run("import", ARCHIVE / name, "-o", folder)
        assert result.exit_code == 0, f"{name}: {result.output}"
        folders[name] = folder
    return folders


def metadata(folder: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((folder / "evaluation.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_quick_facts_recovery_per_field_and_edition(imported, capsys):
    right: dict[str, list[bool]] = defaultdict(list)
    by_edition: dict[str, list[bool]] = defaultdict(list)
    wrong = []
    for name, want in EXPECTED.items():
        found = metadata(imported[name])
        for key, value in want["metadata"].items():
            ok = same(found.get(key), value)
            right[key].append(ok)
            by_edition[want["edition"]].append(ok)
            if not ok:
                wrong.append(f"{name}: {key}: {found.get(key)!r} (wanted {value!r})")
    with capsys.disabled():
        print("\nquick facts recovered, per field:")
        for key, oks in sorted(right.items()):
            print(f"  {key:24} {sum(oks):3}/{len(oks):<3}")
        print("per edition:")
        for edition, oks in by_edition.items():
            print(f"  {edition:24} {sum(oks):3}/{len(oks):<3} {100 * sum(oks) / len(oks):.0f} %")
        for line in wrong:
            print("  wrong:", line)
    total = [ok for oks in right.values() for ok in oks]
    assert sum(total) / len(total) >= 0.95, wrong
    for edition, oks in by_edition.items():
        assert sum(oks) / len(oks) >= 0.95, (edition, wrong)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_item_found(imported, name):
    for section, count in EXPECTED[name]["items"].items():
        text = (imported[name] / ITEM_FILES[section]).read_text(encoding="utf-8")
        titles = [line for line in text.splitlines() if line.startswith("## ")]
        assert len(titles) == count, (section, titles)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_edition_and_language_recognised(imported, name):
    found = metadata(imported[name])
    assert found["language"] == EXPECTED[name]["language"]
    assert found.get("edition", "summary") == EXPECTED[name]["edition"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_check_reports_only_real_defects(imported, name):
    result = run("check", "--format", "json", imported[name])
    findings = json.loads(result.stdout)
    reports = findings["reports"] if isinstance(findings, dict) else findings
    errors = [
        f["code"] for report in reports for f in report["findings"] if f["severity"] == "error"
    ]
    assert errors == EXPECTED[name]["errors"], json.dumps(reports, indent=1)[:3000]


def words(text: str) -> str:
    """Text as a run of words: no Markdown escapes, no line ends, no hyphenation breaks."""
    return " ".join(text.replace("\\", "").replace("-\n", "").split())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_nothing_lost(imported, name):
    """Every paragraph of the summary is in a section file or unplaced.md, word for word."""
    folder = imported[name]
    written = words(" ".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))))
    missing = [text for text in EXPECTED[name]["texts"] if words(text) not in written]
    assert not missing
