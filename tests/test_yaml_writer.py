"""The one YAML writer: whatever evalcli writes reads back to exactly the values it meant."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run
from evalcli.importing.layout import metadata_yaml
from evalcli.template.fieldtypes import FIELD_TYPES, flow_yaml
from evalcli.template.loader import builtin_template
from evalcli.yamlnodes import parse_yaml, plain

TEMPLATE = builtin_template()
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
SOME_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
MONEY = st.builds(
    lambda amount, currency, note: (
        {"amount": amount, "currency": currency} | ({"note": note} if note else {})
    ),
    st.from_regex(r"\d{1,12}(\.\d{1,2})?", fullmatch=True),
    ANY_TEXT,
    ANY_TEXT,
)
PEOPLE = st.lists(
    st.one_of(ANY_TEXT, st.fixed_dictionaries({"name": ANY_TEXT, "role": ANY_TEXT})), max_size=3
)
# the shape of a value of each field type, as import's readers give them
BY_TYPE = {
    "text": ANY_TEXT,
    "text_list": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)),
    "language": ANY_TEXT,
    "locale": ANY_TEXT,
    "date": ANY_TEXT,
    "money": MONEY,
    "choice": ANY_TEXT,
    "countries": st.lists(ANY_TEXT, max_size=3),
    "sdgs": st.lists(ANY_TEXT, max_size=3),
    "project_codes": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, min_size=2, max_size=3)),
    "people": PEOPLE,
}


def test_every_field_type_has_a_strategy():
    assert set(BY_TYPE) == set(FIELD_TYPES)
    assert {spec.type.name for spec in TEMPLATE.fields.values()} <= set(BY_TYPE)


def _amounts_as_numbers(data: dict) -> dict:
    """The data with every amount as a number: the writer leaves amounts plain, so that
    a YAML reader that resolves types reads the number the digits mean."""
    return {
        key: value | {"amount": Decimal(str(value["amount"]))}
        if isinstance(value, dict) and "amount" in value
        else value
        for key, value in data.items()
    }


@settings(max_examples=120, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={key: BY_TYPE[spec.type.name] for key, spec in TEMPLATE.fields.items()},
    ),
    extra=st.dictionaries(SOME_TEXT, ANY_TEXT, max_size=3),
    source=ANY_TEXT,
)
def test_import_writes_yaml_that_reads_back_exactly(data, extra, source):
    text = metadata_yaml(data, extra, TEMPLATE, source)
    root, findings = parse_yaml(text, Path("evaluation.yaml"))
    assert findings == []
    read = plain(root) if data or extra else {}
    assert read == {**data, **({"extra": extra} if extra else {})}
    # and any other YAML reader agrees (PyYAML, YAML 1.1)
    assert _amounts_as_numbers(yaml.safe_load(text) or {}) == _amounts_as_numbers(read)


@settings(max_examples=150, deadline=None)
@given(st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3), st.dictionaries(SOME_TEXT, ANY_TEXT)))
def test_a_flow_value_reads_back_in_block_and_flow_context(value):
    written = flow_yaml(value)
    for context, unwrap in (
        (f"k: {written}\n", lambda d: d["k"]),
        (f"k: [{written}, end]\n", lambda d: d["k"][0]),
        (f"k: {{v: {written}, w: end}}\n", lambda d: d["k"]["v"]),
    ):
        root, findings = parse_yaml(context, Path("e.yaml"))
        assert findings == []
        assert unwrap(plain(root)) == value, context
        assert unwrap(yaml.safe_load(context)) == value, context


def test_import_keeps_a_note_with_commas_whole(tmp_path):
    source = tmp_path / "summary.md"
    sample = (FIXTURES / "import" / "alianzas-peru-summary-es.md").read_text(encoding="utf-8")
    donor = next(line for line in sample.splitlines() if "U.S.A" in line and "USD" in line)
    changed = sample.replace(
        donor, "Donante y presupuesto: *USA – USD 920,448 (Zambia) and 892,896 (Tanzania)*"
    )
    source.write_text(changed, encoding="utf-8")
    result = run("import", source, "-o", tmp_path / "r")
    assert result.exit_code in (0, 1), result.output
    written = (tmp_path / "r" / "evaluation.yaml").read_text(encoding="utf-8")
    budget = yaml.safe_load(written)["budget"]
    assert budget == {
        "amount": 920448,
        "currency": "USD",
        "note": "(Zambia) and 892,896 (Tanzania)",
    }
    found = run("check", "--format", "json", tmp_path / "r").stdout
    assert "896 (Tanzania)" not in found  # no stray key


def test_init_writes_yaml_that_every_reader_reads_alike(tmp_path):
    for lang in TEMPLATE.languages:
        result = run("init", tmp_path / lang, "--lang", lang)
        assert result.exit_code == 0, result.output
        text = (tmp_path / lang / "evaluation.yaml").read_text(encoding="utf-8")
        root, findings = parse_yaml(text, Path("evaluation.yaml"))
        assert findings == []
        ours = plain(root)
        assert list(ours) == list(TEMPLATE.fields)
        assert ours["template"] == "ilo_summary" and ours["language"] == lang
        assert yaml.safe_load(text) == ours
