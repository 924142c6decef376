"""Property-based tests: whatever a report holds, evalcli answers with findings, never a crash."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import FIXTURES, run
from evalcli import api
from evalcli.template.loader import builtin_template

FIELDS = list(builtin_template().fields)
# any text, including controls, surrogate-free; YAML double quotes carry it exactly
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def _yaml_string(text: str) -> str:
    escaped = "".join(
        ch if ch.isprintable() and ch not in '"\\' else f"\\U{ord(ch):08x}" for ch in text
    )
    return f'"{escaped}"'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.dictionaries(
        st.sampled_from(FIELDS), st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)), max_size=8
    )
)
def test_any_metadata_values_give_findings_never_a_crash(values):
    with tempfile.TemporaryDirectory() as tmp:
        folder = shutil.copytree(FIXTURES / "valid", Path(tmp) / "r")
        meta = folder / "evaluation.yaml"
        lines = [
            line
            for line in meta.read_text(encoding="utf-8").splitlines()
            if line.split(":", 1)[0] not in values
        ]
        for key, value in values.items():
            rendered = (
                "[" + ", ".join(_yaml_string(v) for v in value) + "]"
                if isinstance(value, list)
                else _yaml_string(value)
            )
            lines.append(f"{key}: {rendered}")
        meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
        results = api.check([folder])
        assert len(results) == 1
        for finding in results[0].findings:
            assert finding.message and finding.loc.file.name


PROSE = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=300
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prose=PROSE)
def test_any_unicode_prose_builds_documents_that_reopen(prose):
    with tempfile.TemporaryDirectory() as tmp:
        folder = shutil.copytree(FIXTURES / "valid", Path(tmp) / "r")
        (folder / "background.md").write_text(f"## Project\n\n{prose}\n", encoding="utf-8")
        out = Path(tmp) / "out"
        result = run("build", "--draft", folder, "-o", out)
        assert result.exit_code == 0, result.output
        Document(str(out / "r.docx"))
        reader = PdfReader(io.BytesIO((out / "r.pdf").read_bytes()))
        assert len(reader.pages) >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    )
)
def test_any_bytes_given_to_import_end_in_a_folder_or_a_clean_error(data):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.md"
        source.write_bytes(data)
        out = Path(tmp) / "out"
        result = run("import", source, "-o", out)
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert result.stderr.startswith("evalcli: error: ")
            assert not out.exists()
            assert sorted(p.name for p in Path(tmp).iterdir()) == ["in.md"]
        else:
            assert (out / "evaluation.yaml").is_file()
