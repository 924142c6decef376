"""One source for the schema: a value the JSON Schema accepts gets no finding from check,
and a value check accepts validates against the schema, for every field type."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run
from evalcli import locales
from evalcli.check.metadata import check_metadata
from evalcli.report.model import Report
from evalcli.template.fieldtypes import FIELD_TYPES, flow_yaml, sdg_targets
from evalcli.template.loader import builtin_template
from evalcli.text import fold_keep_length
from evalcli.yamlnodes import Map, parse_yaml, plain

TEMPLATE = builtin_template()
SCHEMA = json.loads(run("schema").stdout)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
META = FIXTURES / "valid" / "evaluation.yaml"
BASE = plain(parse_yaml(META.read_text(encoding="utf-8"), META)[0])
# rules the schema cannot hold: one field's value against another's, the placeholder phrases
NOT_THE_SCHEMAS = {"date-order", "placeholder"}


def variants(forms: list[str]) -> st.SearchStrategy[str]:
    """The forms as people type them: as given, in other cases, without accents, spaced."""

    def unaccented(text: str) -> str:
        return "".join(fold_keep_length(c) if len(fold_keep_length(c)) == 1 else c for c in text)

    return st.builds(
        lambda form, how: how(form),
        st.sampled_from(forms),
        st.sampled_from([str, str.upper, str.lower, unaccented, lambda t: f" {t} ", str.title]),
    )


WORDS = st.text("abcdeéñ ,.-/:0123456789ABZ", max_size=12)
# JSON does not tell 8 from 8.0, so numbers with a fraction are drawn with one
FRACTIONS = st.floats(0.0001, 1e6, allow_nan=False).filter(lambda x: not x.is_integer())
SCALARS = st.one_of(
    WORDS, st.none(), st.booleans(), st.integers(-10, 100_000), FRACTIONS, st.just("  ")
)
SHAPES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(WORDS, SCALARS, max_size=2)
)


def one_or_list(item: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        item, st.lists(st.one_of(item, SCALARS), max_size=3), st.lists(item, max_size=3)
    )


def _countries() -> list[str]:
    forms = []
    for lang in TEMPLATE.languages:
        names = locales.territories(lang)
        forms += [c for c in list(names)[:40] if len(c) == 2]
        forms += [*list(names.values())[:60], "Perú", "Peru", "Pérou", "Chile", "Chili"]
    return forms


def _options(key: str) -> list[str]:
    options = TEMPLATE.fields[key].options
    return [*options, *(label for labels in options.values() for label in labels.values())]


SDGS = sorted(sdg_targets())
BY_TYPE = {
    "text": SHAPES,
    "text_list": st.one_of(SHAPES, st.lists(SCALARS, max_size=3)),
    "language": st.one_of(
        st.sampled_from(["en", "es", "fr", "EN", " fr ", "de", "english"]), SHAPES
    ),
    "locale": st.one_of(
        variants(["en-GB", "en_US", "es-PE", "es-ES", "es-419", "fr-FR", "fr-CA", "en", "es"]),
        st.sampled_from(["es-ZZ", "de-DE", "en-150", "xx", "en-Latn", "fr_be"]),
        SHAPES,
    ),
    "date": st.one_of(
        st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True),
        st.sampled_from(["2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "2024-04-31"]),
        st.integers(0, 99_999),
        SHAPES,
    ),
    "money": st.one_of(
        st.fixed_dictionaries(
            {
                "amount": st.one_of(
                    st.from_regex(r"0?[0-9]{1,7}(\.[0-9]{1,2})?", fullmatch=True),
                    st.integers(-5, 10**9),
                    FRACTIONS,
                    SCALARS,
                ),
                "currency": st.one_of(
                    st.sampled_from(["USD", "usd", "EUR", " CHF ", "ZZZ"]), SCALARS
                ),
            },
            optional={"note": st.one_of(SCALARS, st.lists(SCALARS, max_size=2)), "extra": SCALARS},
        ),
        SHAPES,
    ),
    "choice": None,  # per field: its options
    "countries": one_or_list(variants(_countries())),
    "sdgs": one_or_list(
        st.one_of(
            st.builds(
                lambda prefix, target: prefix + target,
                st.sampled_from(["", "SDG ", "sdg", "ODS ", "Odd ", "goal "]),
                st.sampled_from([*SDGS, "99", "8.70", "18", "16.A"]),
            ),
            st.sampled_from([8.7, 16.2, 5.5, 8.1, 8, 17, 18, 99.1]),
        )
    ),
    "project_codes": one_or_list(
        st.one_of(
            st.sampled_from(["PER/17/51/USA", "per/17/51/usa", "ABC/1/2/XYZ", " RAF/20/01/EUR "]),
            st.from_regex(r"[A-Z]{3}/[0-9]{2}/[0-9]{2}/[A-Z]{3}", fullmatch=True),
        )
    ),
    "people": one_or_list(
        st.one_of(
            WORDS,
            st.fixed_dictionaries(
                {"name": SCALARS},
                optional={
                    "role": st.one_of(st.sampled_from(["lead", "team"]), SHAPES),
                    "x": SCALARS,
                },
            ),
        )
    ),
}


def test_every_field_type_has_a_strategy():
    assert set(BY_TYPE) == set(FIELD_TYPES)


@st.composite
def documents(draw):
    """The valid fixture's metadata with one field changed (or left out)."""
    key = draw(st.sampled_from([*TEMPLATE.fields, "extra"]))
    spec = TEMPLATE.fields.get(key)
    strategy = (
        BY_TYPE[spec.type.name] if spec else st.one_of(SHAPES, st.dictionaries(WORDS, SHAPES))
    )
    if strategy is None:
        strategy = st.one_of(variants(_options(key)), SHAPES)
    doc = dict(BASE)
    if draw(st.integers(0, 15)) == 0:
        doc.pop(key, None)
    else:
        doc[key] = draw(strategy)
    return key, doc


def _check(doc: dict) -> list[str]:
    text = "".join(f"{key}: {flow_yaml(value)}\n" for key, value in doc.items())
    root, findings = parse_yaml(text, META)
    assert findings == [] and isinstance(root, Map), text
    report = Report(FIXTURES / "valid", root, META, {}, {})
    return [f.code for f in check_metadata(report, TEMPLATE) if f.code not in NOT_THE_SCHEMAS]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_schema_and_check_agree(case):
    key, doc = case
    found = _check(doc)
    errors = [e.message for e in VALIDATOR.iter_errors(doc)]
    assert (not found) == (not errors), (key, doc.get(key), found, errors[:1])


def test_the_issues_examples_agree(tmp_path):
    for value in (["8.7"], [8.7], ["Sdg 8.7"], ["99"], [99]):
        doc = dict(BASE, sdgs=value)
        assert (not _check(doc)) == VALIDATOR.is_valid(doc), value
    assert VALIDATOR.is_valid(dict(BASE, sdgs=[8.7, "Sdg 8.7"]))
    assert not VALIDATOR.is_valid(dict(BASE, sdgs=["99"]))


def test_the_schema_is_small_enough_for_an_editor():
    assert len(run("schema").stdout) < 400_000
