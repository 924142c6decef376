"""One checked report flows through: a build loads and parses each report once."""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from conftest import CONTENT, run
from evalcli.check import check, check_report
from evalcli.report import facts as facts_module
from evalcli.report import load as load_module
from evalcli.report.load import load_report


@pytest.fixture
def calls(monkeypatch):
    """Counts of load_report and parse_facts calls, wherever they were imported to."""
    counted: Counter[str] = Counter()
    originals = {
        "load_report": load_module.load_report,
        "parse_facts": facts_module.parse_facts,
    }

    def counting(name):
        original = originals[name]

        def wrapper(*args, **kwargs):
            counted[name] += 1
            return original(*args, **kwargs)

        return wrapper

    wrappers = {name: counting(name) for name in originals}
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("evalcli"):
            continue
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, wrappers[name])
    return counted


def test_a_build_with_annexes_loads_and_parses_the_report_once(tmp_path, calls):
    import evalcli.api
    import evalcli.outputs.annexes
    import evalcli.outputs.build  # noqa: F401

    result = run(
        "build",
        CONTENT / "example-en",
        "-o",
        tmp_path,
        "--to",
        "docx,pdf,md",
        "--annexes",
        "--jobs",
        "1",
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "example-en-annexes.pdf").is_file()
    assert calls == {"load_report": 1, "parse_facts": 1}


def test_check_returns_the_report_its_template_facts_and_findings():
    report, template = load_report(CONTENT / "alianzas-peru")
    assert template is not None
    checked = check_report(report, template)
    assert checked.report is report and checked.template is template
    assert checked.facts is not None and checked.facts.language == "es"
    assert checked.facts.values["countries"]  # parsed once, for render and export to reuse
    codes = [f.code for f in checked.findings]
    assert codes.count("placeholder") == 2
    assert checked.findings == check(report, template)


def test_a_placeholder_value_is_reported_once_not_also_as_unparsable():
    report, template = load_report(CONTENT / "alianzas-peru")
    assert template is not None
    approval = [f for f in check(report, template) if f.field == "approval_date"]
    assert [f.code for f in approval] == ["placeholder"]


def test_a_checked_report_sent_to_a_worker_brings_its_template_as_a_folder():
    import pickle

    report, template = load_report(CONTENT / "alianzas-peru")
    assert template is not None
    checked = check_report(report, template)
    data = pickle.dumps(checked)
    assert len(data) < len(pickle.dumps((report, template)))  # the template is not copied
    back = pickle.loads(data)
    assert back.template is template  # the process's own, loaded once
    assert back.findings == checked.findings and back.facts.values == checked.facts.values


def test_a_portfolio_builds_in_worker_processes_from_the_checked_reports(tmp_path):
    import shutil

    for name in ("a", "b", "c"):
        shutil.copytree(CONTENT / "example-en", tmp_path / "content" / name)
    result = run("build", tmp_path / "content", "-o", tmp_path / "out", "--to", "md", "-j", "2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == ["a.md", "b.md", "c.md"]
