"""Records: classes of named, typed fields, made cheaply when a module is imported.

``class Money(Record, frozen=True): amount: Decimal; currency: str`` gives a
class with slots, an ``__init__`` taking the fields in order (defaults and
``field(default_factory=...)`` as in dataclasses), ``==`` field by field
between records of the same class, a ``repr``, pickling, and with
``frozen=True`` no assignment and a hash; ``order=True`` adds ``<`` and the
rest, field by field; ``eq=False`` keeps identity.

Why not ``dataclasses``: it writes five methods per class as source and
compiles each, and loads ``inspect``; ``evalcli check`` defines about fifty
record classes at every start. Why not msgspec's ``Struct``: its import loads
``typing_extensions``, ``inspect``, ``ast``, ``decimal``, ``uuid`` and more,
about half of what ``import yaml`` costs, for classes evalcli never encodes.
Here only ``__init__`` is compiled, one short function per class; the other
methods are shared and read the fields through one ``operator.attrgetter``.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

R = TypeVar("R", bound="Record")

_MISSING: Any = type("_Missing", (), {"__repr__": lambda _self: "MISSING"})()


class _Field:
    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Callable[[], Any] | None) -> None:
        self.default = default
        self.default_factory = default_factory


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None) -> Any:
    """A field's default (``default_factory`` is called once per record, as for a list)."""
    if default is not _MISSING and default_factory is not None:
        raise TypeError("a field takes a default or a default_factory, not both")
    return _Field(default, default_factory)


class _RecordMeta(type):
    def __new__(
        mcls,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        *,
        frozen: bool = False,
        order: bool = False,
        eq: bool = True,
    ) -> _RecordMeta:
        if "__slots__" in namespace:  # Record itself
            return super().__new__(mcls, name, bases, namespace)
        inherited: tuple[str, ...] = ()
        defaults: dict[str, Any] = {}
        for base in bases:
            inherited += getattr(base, "__record_fields__", ())
            defaults.update(getattr(base, "__record_defaults__", {}))
        own = [
            key
            for key, kind in namespace.get("__annotations__", {}).items()
            if not str(kind).startswith(("ClassVar", "typing.ClassVar"))
        ]
        for key in own:
            if key in namespace:
                value = namespace.pop(key)
                if isinstance(value, list | dict | set):
                    raise TypeError(f"{name}.{key}: use field(default_factory=...)")
                given = value if isinstance(value, _Field) else _Field(value, None)
                if given.default is not _MISSING or given.default_factory is not None:
                    defaults[key] = given  # field() with neither: a field without default
        fields = inherited + tuple(key for key in own if key not in inherited)
        for before, after in itertools.pairwise(fields):
            if before in defaults and after not in defaults:
                raise TypeError(f"{name}.{after}: a field without a default after one with")
        namespace["__slots__"] = tuple(key for key in own if key not in inherited)
        namespace["__record_fields__"] = fields
        namespace["__record_defaults__"] = defaults
        namespace["__match_args__"] = fields
        namespace["__record_key__"] = operator.attrgetter(*fields) if fields else _no_fields
        namespace["__record_values__"] = _values(fields)
        cls = super().__new__(mcls, name, bases, namespace)
        cls.__init__ = _first_init(frozen)  # type: ignore[misc]
        if frozen:
            cls.__setattr__ = _frozen  # type: ignore[method-assign,assignment]
            cls.__delattr__ = _frozen  # type: ignore[method-assign,assignment]
        if not eq:
            cls.__eq__ = object.__eq__  # type: ignore[method-assign,assignment]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign,assignment]
        else:
            cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
        if order:
            for method, compare in _ORDER.items():
                setattr(cls, method, _comparison(compare))
        return cls


def _no_fields(_record: object) -> tuple[()]:
    return ()


def _values(fields: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """A record's values as a tuple, read in C (pickling a portfolio's findings reads
    every field of every one)."""
    if len(fields) > 1:
        return operator.attrgetter(*fields)
    if fields:
        one = operator.attrgetter(fields[0])
        return lambda record: (one(record),)
    return _no_fields


def _first_init(frozen: bool) -> Callable[..., None]:
    """An ``__init__`` that, at a class's first record, compiles the class's own and hands
    over to it: a run compiles only the classes it makes records of."""

    def __init__(self: Record, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        init = _make_init(cls, cls.__record_fields__, cls.__record_defaults__, frozen)
        cls.__init__ = init  # type: ignore[method-assign]
        init(self, *args, **kwargs)

    return __init__


def _make_init(
    cls: type, fields: tuple[str, ...], defaults: dict[str, _Field], frozen: bool
) -> Callable[..., None]:
    """The class's ``__init__``, compiled from a few lines (as dataclasses does)."""
    scope: dict[str, Any] = {"_MISSING": _MISSING}
    params, body = [], []
    for index, key in enumerate(fields):
        value = key
        default = defaults.get(key)
        if default is None:
            params.append(key)
        elif default.default_factory is not None:
            scope[f"_f{index}"] = default.default_factory
            params.append(f"{key}=_MISSING")
            value = f"_f{index}() if {key} is _MISSING else {key}"
        else:
            scope[f"_d{index}"] = default.default
            params.append(f"{key}=_d{index}")
        if frozen:  # past the __setattr__ that refuses
            scope[f"_s{index}"] = getattr(cls, key).__set__
            body.append(f" _s{index}(self, {value})")
        else:
            body.append(f" self.{key} = {value}")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or " pass")
    # the source is made here, from the class's own field names; its name shows in tracebacks
    exec(compile(source, f"<record {cls.__module__}.{cls.__qualname__}>", "exec"), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _hash(self: Record) -> int:
    return hash(type(self).__record_key__(self))


def _frozen(self: Record, name: str, *_value: Any) -> None:
    raise AttributeError(f"{type(self).__name__} is frozen: '{name}' cannot change")


_ORDER = {
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
}


def _comparison(compare: Callable[[Any, Any], bool]) -> Callable[[Record, object], Any]:
    def method(self: Record, other: object) -> Any:
        if type(other) is not type(self):
            return NotImplemented
        return compare(type(self).__record_key__(self), type(self).__record_key__(other))

    return method


@dataclass_transform(field_specifiers=(field,))
class Record(metaclass=_RecordMeta):
    """The base of every record class (see the module's docstring)."""

    __slots__ = ()
    __record_fields__: ClassVar[tuple[str, ...]] = ()
    __record_defaults__: ClassVar[dict[str, _Field]] = {}
    __record_key__: ClassVar[Callable[[object], Any]]
    __record_values__: ClassVar[Callable[[object], tuple[Any, ...]]]

    def __init_subclass__(cls, **_options: bool) -> None:  # frozen, order, eq: the metaclass's
        super().__init_subclass__()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(type(self).__record_key__(self) == type(self).__record_key__(other))

    def __repr__(self) -> str:
        values = ", ".join(f"{key}={getattr(self, key)!r}" for key in self.__record_fields__)
        return f"{type(self).__name__}({values})"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), type(self).__record_values__(self)


def replace(record: R, /, **changes: Any) -> R:
    """A copy of a record with some fields changed."""
    unknown = changes.keys() - set(record.__record_fields__)
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {', '.join(sorted(unknown))}")
    values = {key: getattr(record, key) for key in record.__record_fields__}
    return type(record)(**(values | changes))


def asdict(record: Record) -> dict[str, Any]:
    """A record's fields and values, in order (not recursive)."""
    return {key: getattr(record, key) for key in record.__record_fields__}
