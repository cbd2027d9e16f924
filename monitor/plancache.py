"""The loaded plan, kept between commands: a plan whose files have not changed is not read again.

Loading and checking a national plan (3,400 targets, 100,000 parts) takes minutes of YAML parsing
and validation; unchanged, it is read back from a pickle in the data folder in a fraction of a
second. The cache is keyed by the contents of every rule file (their names and bytes), the source
document the citations were checked against, and the code that loads and checks them (the
`rules` package's own source), so it is never stale: any edit, a new or removed file, or another
version of the program loads and checks the files again, with the same located messages. Only a
plan that loaded without a problem is kept. A cache that cannot be read or written is passed over.

The pickle is written for reading quickly (`_Pickler`): each rule model is rebuilt as validation
made it, its fields, the names of those given and no extra or private values, without pydantic's
general `__setstate__`; equal texts, decimals and dates are written once and shared, as are the
models' sets of given names (a frozen model never changes its own). The plan read back is of the
same types and equal, model by model, to the plan loaded from the files.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

import rules
from rules import Plan, RuleModel, load_plan, rule_files

FORMAT = 2
_SHARED = (str, Decimal, dt.date)  # immutable values that repeat across a plan's models


def load(paths: Sequence[Path], cache_dir: Path | None) -> Plan:
    """The plan at `paths` (as `rules.load_plan`, raising its `RuleSetError`), from the cache in
    `cache_dir` when the files are those it was made from."""
    if cache_dir is None:
        return load_plan(paths)
    files, _ = rule_files(paths)
    key = _key(paths, files)
    where = cache_dir / f"plan-{hashlib.sha256(repr([str(p) for p in paths]).encode()).hexdigest()[:16]}.pickle"
    cached = _read(where, key)
    if cached is not None:
        return cached
    plan = load_plan(paths)
    _write(where, key, plan)
    return plan


def _key(paths: Sequence[Path], files: list[Path]) -> str:
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {[str(p) for p in paths]}".encode())
    for source in sorted(Path(rules.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    for file in files:
        try:
            digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
        except OSError:
            digest.update(str(file).encode() + b"\0unreadable\0")  # load_plan says why
    return digest.hexdigest()


def _document(plan: Plan) -> tuple[tuple[str, str], ...]:
    """The source document the citations were checked against (beside each rule file's folder),
    with its contents' hash."""
    if plan.info.document is None:
        return ()
    found = []
    for folder in sorted({str(file.parent) for file in plan.files}):
        path = Path(folder) / plan.info.document
        try:
            found.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            found.append((str(path), ""))
    return tuple(found)


def _read(where: Path, key: str) -> Plan | None:
    collecting = gc.isenabled()
    gc.disable()  # a plan is 100,000s of objects that are all kept: collecting meanwhile only costs
    try:
        with where.open("rb") as handle:
            stored_key, document, plan = pickle.load(handle)
    except Exception:  # absent, damaged or of another version: load the files
        return None
    finally:
        # Straight into the oldest generation: the young collections that follow would otherwise
        # each walk every object just read (all of them kept) before letting them age.
        gc.freeze()
        gc.unfreeze()
        if collecting:
            gc.enable()
    if stored_key != key or not isinstance(plan, Plan) or _document(plan) != document:
        return None
    return plan


def _write(where: Path, key: str, plan: Plan) -> None:
    temporary = None
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=where.parent, prefix=".plan-", delete=False) as handle:
            temporary = Path(handle.name)
            _Pickler(handle).dump((key, _document(plan), plan))
        os.replace(temporary, where)
    except (OSError, pickle.PicklingError, RecursionError):
        if temporary is not None:
            temporary.unlink(missing_ok=True)  # a cache is an aid: the plan was loaded all the same


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
