"""How the plan cache (`monitor.plancache`) writes a plan and reads it back, quickly.

The pickle is written for reading quickly (`_Pickler`): each rule model is rebuilt as validation
made it, its fields, the names of those given and no extra or private values, without pydantic's
general `__setstate__`; equal texts, decimals and dates are written once and shared, as are the
models' sets of given names (a frozen model never changes its own). The plan read back is of the
same types and equal, model by model, to the plan loaded from the files.
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from monitor.wholefile import write_whole
from rules import Plan, RuleModel, no_collection

_SHARED = (str, Decimal, dt.date)  # immutable values that repeat across a plan's models


def read(where: Path, key: str) -> tuple[Plan, tuple[tuple[str, str], ...]] | None:
    """The plan kept at `where` and the source document it was checked against, if it was kept
    under `key`."""
    try:
        with no_collection(), where.open("rb") as handle:
            stored_key, document, plan = pickle.load(handle)
    except Exception:  # absent, damaged or of another version: load the files
        return None
    if stored_key != key or not isinstance(plan, Plan):
        return None
    return plan, document


def write(where: Path, state: tuple[str, tuple[tuple[str, str], ...], Plan]) -> bool:
    """Keep `state` (the key, the source document, the plan) at `where`, whole or not at all."""

    def dump(handle: IO[bytes]) -> None:
        with no_collection():  # every object pickled is kept: collecting meanwhile only costs
            _Pickler(handle).dump(state)

    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        write_whole(where, dump)
    except (OSError, pickle.PicklingError, RecursionError):
        return False  # a cache is an aid: the plan was loaded all the same
    return True


class _Pickler(pickle.Pickler):
    """Writes rule models as `_model` rebuilds them, sharing equal values (see the module's text)."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._values: dict[tuple[type, str], object] = {}
        self._names: dict[frozenset[str], set[str]] = {}

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, RuleModel) or obj.__pydantic_extra__ is not None or obj.__pydantic_private__ is not None:
            return NotImplemented  # pickled as pydantic pickles it
        values = {name: self._shared(value) for name, value in obj.__dict__.items()}
        given = obj.__pydantic_fields_set__
        return _model, (type(obj), values, self._names.setdefault(frozenset(given), given))

    def _shared(self, value: object) -> object:
        kind = type(value)
        if kind in _SHARED:  # by their text, so that 1.0 and 1.00 stay apart
            return self._values.setdefault((kind, str(value)), value)
        if kind is tuple:
            return tuple(self._shared(item) for item in value)  # type: ignore[attr-defined]
        return value


# A model's four slots (pydantic's `BaseModel.__slots__`), set as pydantic's `__setstate__` sets
# them, through their descriptors: a cache hit rebuilds 100,000s of models.
_new = object.__new__
_slots = BaseModel.__dict__
_set_fields, _set_given = _slots["__dict__"].__set__, _slots["__pydantic_fields_set__"].__set__
_set_extra, _set_private = _slots["__pydantic_extra__"].__set__, _slots["__pydantic_private__"].__set__


def _model(cls: type[RuleModel], values: dict[str, Any], given: set[str]) -> RuleModel:
    """A rule model as validation made it: its field values and the names of the fields given."""
    model: RuleModel = _new(cls)
    _set_fields(model, values)
    _set_given(model, given)
    _set_extra(model, None)
    _set_private(model, None)
    return model
