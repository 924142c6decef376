"""Portfolios: incremental builds, processes, shards, and the index of reports."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run


@pytest.fixture
def three(tmp_path) -> Path:
    for name in ("a", "b", "c"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "in" / name)
    return tmp_path / "in"


def states(result) -> dict[str, str]:
    """Each report's outcome in a JSON build result: built, up to date or not built."""
    found = {}
    for report in json.loads(result.stdout)["reports"]:
        state = "up to date" if report["up_to_date"] else "built"
        found[Path(report["path"]).name] = state if report["built"] else "not built"
    return found


def build_md(folder: Path, out: Path, *more: str):
    return run("build", folder, "-o", out, "--to", "md", "--format", "json", *more)


def test_a_second_build_with_nothing_changed_builds_nothing(three, tmp_path):
    out = tmp_path / "out"
    assert states(build_md(three, out)) == dict.fromkeys("abc", "built")
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.md")}
    again = run("build", three, "-o", out, "--to", "md")
    assert again.exit_code == 0
    assert "[1/3] " in again.stdout and "a: up to date " in again.stdout
    assert "3 reports: 0 built, 3 up to date, 0 not built; 0 errors, 0 warnings" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.md")} == before


def test_an_edited_report_is_rebuilt_alone(three, tmp_path):
    out = tmp_path / "out"
    build_md(three, out)
    lessons = three / "b" / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    assert states(build_md(three, out)) == {"a": "up to date", "b": "built", "c": "up to date"}
    assert "One more line." in (out / "b.md").read_text(encoding="utf-8")


def test_a_new_image_in_a_subfolder_counts_as_an_edit(three, tmp_path):
    out = tmp_path / "out"
    build_md(three, out)
    (three / "c" / "img").mkdir()
    shutil.copy(FIXTURES / "chart.png", three / "c" / "img" / "x.png")
    assert states(build_md(three, out))["c"] == "built"


def test_a_missing_or_edited_output_is_rebuilt(three, tmp_path):
    out = tmp_path / "out"
    build_md(three, out)
    (out / "a.md").unlink()
    (out / "b.md").write_text("edited by hand\n", encoding="utf-8")
    assert states(build_md(three, out)) == {"a": "built", "b": "built", "c": "up to date"}
    assert "edited by hand" not in (out / "b.md").read_text(encoding="utf-8")


def test_other_options_or_force_rebuild(three, tmp_path):
    out = tmp_path / "out"
    build_md(three, out)
    assert set(states(build_md(three, out, "--lang", "fr")).values()) == {"built"}
    assert set(states(build_md(three, out, "--lang", "fr")).values()) == {"up to date"}
    assert set(states(build_md(three, out, "--lang", "fr", "--force")).values()) == {"built"}


def test_a_report_with_errors_is_checked_again_every_time(three, tmp_path):
    out = tmp_path / "out"
    meta = three / "a" / "evaluation.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("ABC/21/01/XYZ", "ABC-21"), "utf-8")
    first = build_md(three, out)
    assert states(first)["a"] == "not built"
    second = build_md(three, out)
    assert states(second) == {"a": "not built", "b": "up to date", "c": "up to date"}
    assert second.exit_code == 1


def test_up_to_date_reports_keep_their_pages_and_findings(tmp_path):
    folder = shutil.copytree(FIXTURES / "valid", tmp_path / "r")
    (folder / "recommendations.md").write_text("## Act\n\nNow.\n", encoding="utf-8")
    out = tmp_path / "out"
    first = json.loads(run("build", folder, "-o", out, "--format", "json").stdout)["reports"][0]
    second = json.loads(run("build", folder, "-o", out, "--format", "json").stdout)["reports"][0]
    assert second["up_to_date"] is True
    assert second["pages"] == first["pages"] >= 1
    assert second["findings"] == first["findings"] != []
    assert second["files"] == first["files"]


def test_processes_give_the_same_results(three, tmp_path):
    shutil.copytree(FIXTURES / "bad-project-code", three / "d")
    one = run("build", three, "-o", tmp_path / "one", "--to", "md", "--jobs", "1")
    two = run("build", three, "-o", tmp_path / "two", "--to", "md", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    lines_one = sorted(line.split("] ", 1)[1] for line in one.stdout.splitlines())
    lines_two = sorted(line.split("] ", 1)[1] for line in two.stdout.splitlines())
    lines_two = [line.replace(str(tmp_path / "two"), str(tmp_path / "one")) for line in lines_two]
    assert lines_one == lines_two != []
    for name in ("a.md", "b.md", "c.md"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_check_in_processes_gives_the_same_findings(tmp_path):
    for index in range(45):  # past the count below which one process checks everything
        fixture = "bad-project-code" if index % 9 == 0 else "valid"
        shutil.copytree(FIXTURES / fixture, tmp_path / "in" / f"r{index:02d}")
    one = run("check", tmp_path / "in", "--jobs", "1", "--format", "json")
    two = run("check", tmp_path / "in", "--jobs", "2", "--format", "json")
    assert one.stdout == two.stdout
    assert json.loads(two.stdout)["summary"]["errors"] == 5


def test_shards_split_the_reports_between_them_the_same_way_every_time(tmp_path):
    for index in range(12):
        shutil.copytree(FIXTURES / "valid", tmp_path / "in" / f"r{index:02d}")
    shares = []
    for k in (1, 2, 3):
        result = run("check", tmp_path / "in", "--shard", f"{k}/3", "--format", "json")
        shares.append([r["path"] for r in json.loads(result.stdout)["reports"]])
        again = run("check", tmp_path / "in", "--shard", f"{k}/3", "--format", "json")
        assert [r["path"] for r in json.loads(again.stdout)["reports"]] == shares[-1]
    every = [path for share in shares for path in share]
    assert sorted(every) == sorted(set(every)) and len(every) == 12
    # a new report never moves the others to another shard
    shutil.copytree(FIXTURES / "valid", tmp_path / "in" / "r99")
    later = run("check", tmp_path / "in", "--shard", "1/3", "--format", "json")
    assert set(shares[0]) <= {r["path"] for r in json.loads(later.stdout)["reports"]}
    text = run("check", tmp_path / "in", "--shard", "2/3")
    assert "shard 2/3: " in text.stderr and " of 13 reports" in text.stderr


@pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "1/0"])
def test_a_bad_shard_is_a_usage_error(bad, three):
    result = run("build", three, "--shard", bad)
    assert result.exit_code == 2
    assert "give K/N with 1 <= K <= N" in result.stderr


def test_export_shard(three):
    one = json.loads(run("export", three, "--shard", "1/2").stdout)["reports"]
    two = json.loads(run("export", three, "--shard", "2/2").stdout)["reports"]
    assert len(one) + len(two) == 3


def test_export_the_index_of_a_portfolio(three, tmp_path):
    shutil.copytree(FIXTURES / "yaml-syntax", three / "broken")
    out = tmp_path / "out"
    run("build", three / "a", "-o", out)
    result = run("export", three, "--items", "reports", "--format", "csv", "--build-dir", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "path",
        "project_code",
        "title",
        "language",
        "completion_date",
        "approval_date",
        "project_start",
        "project_end",
        "errors",
        "warnings",
        "pages",
    ]
    by_name = {Path(row["path"]).name: row for row in rows}
    assert by_name["a"]["project_code"] == "ABC/21/01/XYZ"
    assert by_name["a"]["language"] == "en"
    assert int(by_name["a"]["pages"]) >= 1 and by_name["b"]["pages"] == ""
    assert by_name["broken"]["errors"] == "1" and by_name["broken"]["title"] == ""
    data = json.loads(run("export", three, "--items", "reports", "--build-dir", out).stdout)
    assert data["reports"][0]["errors"] == 0
