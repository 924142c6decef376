"""Records behave as the dataclasses they replace: fields, defaults, equality, frozen, order."""

from __future__ import annotations

import copy
import pickle

import pytest

from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.i18n import msg
from evalcli.records import Record, asdict, field, replace
from evalcli.template.fieldtypes import PartialDate


class Point(Record, frozen=True, order=True):
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple)


class Bag(Record):
    items: list[int] = field(default_factory=list)
    label: str = ""


class Handle(Record, eq=False):
    name: str


def test_fields_in_order_with_defaults_and_keywords():
    assert Point(1) == Point(x=1, y=0, tags=())
    assert Point(1, 2).y == 2
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=())"
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=3)  # type: ignore[call-arg]


def test_each_record_gets_its_own_default_list():
    one, two = Bag(), Bag()
    one.items.append(1)
    assert two.items == []


def test_field_order_and_field_without_default():
    class Plain(Record):
        name: str = field()  # field() with no default: still required

    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        Plain()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="without a default after one with"):

        class Wrong(Record):
            first: int = 0
            second: int  # type: ignore[misc]


def test_frozen_without_eq_is_still_frozen():
    class Token(Record, frozen=True, eq=False):
        value: str

    token = Token("a")
    with pytest.raises(AttributeError, match="frozen"):
        token.value = "b"  # type: ignore[misc]
    assert token != Token("a")


def test_a_mutable_default_is_refused_at_definition():
    with pytest.raises(TypeError, match="default_factory"):

        class Wrong(Record):
            items: list[int] = []  # noqa: RUF012 - what the test refuses


def test_frozen_records_refuse_assignment_and_hash_by_value():
    point = Point(1, 2)
    with pytest.raises(AttributeError, match="frozen"):
        point.x = 5  # type: ignore[misc]
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert {Point(1, 2), Point(1, 2)} == {Point(1, 2)}


def test_mutable_records_compare_by_value_and_are_not_hashable():
    assert Bag([1]) == Bag([1])
    assert Bag([1]) != Bag([2])
    with pytest.raises(TypeError):
        hash(Bag())


def test_records_of_two_classes_are_never_equal():
    class Other(Record, frozen=True, order=True):
        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default_factory=tuple)

    assert Point(1) != Other(1)
    with pytest.raises(TypeError):
        assert Point(1) < Other(2)  # type: ignore[operator]


def test_order_compares_field_by_field():
    assert sorted([Point(2), Point(1, 5), Point(1, 3)]) == [Point(1, 3), Point(1, 5), Point(2)]
    assert PartialDate(2024, 5) < PartialDate(2024, 6)


def test_eq_false_keeps_identity():
    handle = Handle("a")
    assert handle != Handle("a")
    assert handle == handle
    assert {handle: 1}[handle] == 1


def test_replace_asdict_copy_and_pickle():
    point = Point(1, 2, ("a",))
    assert replace(point, y=3) == Point(1, 3, ("a",))
    with pytest.raises(TypeError, match="no field z"):
        replace(point, z=1)
    assert asdict(point) == {"x": 1, "y": 2, "tags": ("a",)}
    assert copy.deepcopy(point) == point
    assert pickle.loads(pickle.dumps(point)) == point
    assert pickle.loads(pickle.dumps(Bag([1], "b"))) == Bag([1], "b")


class Nothing(Record):
    pass


class One(Record, frozen=True):
    value: tuple[int, ...]


class Two(Handle):
    size: int = 0


@pytest.mark.parametrize("record", [Nothing(), One(()), One((1,)), Two("a", 2), Two("b")])
def test_records_of_no_one_or_inherited_fields_pickle(record):
    # __reduce__ reads the values with one attrgetter; one field must still give a 1-tuple
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(record, protocol))
        assert type(again) is type(record) and asdict(again) == asdict(record)


def test_a_finding_survives_the_trip_to_a_worker_and_back():
    """What a worker process sends back: a finding with its message and location."""
    finding = Finding.of(
        FindingCode.MISSING_FIELD, msg("{field} is missing", field="donor"), Location("a.yaml")
    )
    again = pickle.loads(pickle.dumps(finding))
    assert again == finding
    assert again.text == finding.text == "donor is missing"


def test_records_have_slots_not_dicts():
    assert not hasattr(Point(1), "__dict__")
    assert Point.__slots__ == ("x", "y", "tags")
