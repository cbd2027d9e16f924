"""The loaded plan, kept between commands: a plan whose files have not changed is not read again.

Loading and checking a national plan (3,400 targets, 100,000 parts) means parsing megabytes of YAML
and validating every entry; unchanged, it is read back from a pickle in the data folder
(`monitor.planpickle`) in a fraction of that. The cache is keyed by the contents of every rule file
(their names and bytes), the source document the citations were checked against, and the code
that loads and checks them (the `rules` package's own source, and the versions of the libraries
that read and validate the YAML), so it is never stale: any edit, a new or removed file, or
another version of the program or of those libraries loads and checks the files again, with the
same located messages. Only a plan that loaded without a problem is kept. A cache that cannot be
read or written is passed over.

Beside the plan, the cache keeps its `Verdict`: what validating it found (its warnings, what it
holds). `plan-monitor validate` of an unchanged plan reports that verdict, after hashing the files
as a load does, without reading the plan back; this module imports neither YAML nor the models
to do so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import rules
from monitor.wholefile import write_whole
from rules import rule_files

if TYPE_CHECKING:
    from rules import Plan

FORMAT = 4
# The code whose work the cache keeps: the loading and checking (the rules package) and the cache's
# own (its key, the documents it checks, its pickles), so that another version never reads it.
_SOURCES = (
    *sorted(Path(rules.__file__).parent.glob("*.py")),
    Path(__file__),
    Path(__file__).with_name("planpickle.py"),
)
# The libraries whose work it keeps too: the YAML readers and the validation of what they read
# (the pickle also sets pydantic's own slots).
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "ruamel.yaml")


@dataclass(frozen=True)
class Verdict:
    """What loading and checking a plan found, as `validate` reports it."""

    key: str  # the plan's key (bac-giang-2022)
    province: str
    year: int
    title: str
    targets: int
    departments: int
    files: int
    warnings: tuple[str, ...]  # each as it is printed

    @classmethod
    def of(cls, plan: Plan) -> Verdict:
        info = plan.info
        return cls(
            info.key, info.province, info.year, info.title, len(plan.targets), len(plan.departments),
            len(plan.files), tuple(str(w) for w in plan.warnings),
        )  # fmt: skip


@dataclass(frozen=True)
class _Entry:
    """Where the cache of the plan at some paths is kept, and the key its contents must match."""

    key: str
    pickle: Path
    verdict: Path

    @classmethod
    def of(cls, paths: Sequence[Path], cache_dir: Path) -> _Entry:
        files, _ = rule_files(paths)
        name = f"plan-{hashlib.sha256(repr([str(p) for p in paths]).encode()).hexdigest()[:16]}"
        return cls(_key(paths, files), cache_dir / f"{name}.pickle", cache_dir / f"{name}.verdict.json")


def load(paths: Sequence[Path], cache_dir: Path | None) -> Plan:
    """The plan at `paths` (as `rules.load_plan`, raising its `RuleSetError`), from the cache in
    `cache_dir` when the files are those it was made from."""
    if cache_dir is None:
        return rules.load_plan(paths)
    return _load(paths, cache_dir, _Entry.of(paths, cache_dir))


def checked(paths: Sequence[Path], cache_dir: Path | None) -> Verdict:
    """What checking the plan at `paths` found (raising its `RuleSetError`): the verdict kept with
    the cache when the files are those it was made from, without reading the plan back; else the
    plan loaded, and kept with its verdict for next time."""
    if cache_dir is None:
        return Verdict.of(rules.load_plan(paths))
    entry = _Entry.of(paths, cache_dir)
    return _stored_verdict(entry) or Verdict.of(_load(paths, cache_dir, entry))


def _load(paths: Sequence[Path], cache_dir: Path, entry: _Entry) -> Plan:
    from monitor import planpickle

    cached = planpickle.read(entry.pickle, entry.key)
    if cached is not None and _document_unchanged(cached[1]):
        if not entry.verdict.exists():  # its writing failed last time: validate would read the plan back
            _write_verdict(entry, cached[1], Verdict.of(cached[0]))
        return cached[0]
    plan = rules.load_plan(paths)  # the YAML readers are imported only when the files must be read
    document = plan.sources  # as they were read: one edited since is read again next time
    if _Entry.of(paths, cache_dir).key != entry.key:
        return plan  # a file changed while it was read: nothing is kept that would say otherwise
    if planpickle.write(entry.pickle, (entry.key, document, plan)):
        _write_verdict(entry, document, Verdict.of(plan))
    return plan


def verdict(paths: Sequence[Path], cache_dir: Path | None) -> Verdict | None:
    """The verdict on the plan at `paths` when its files are those the cache was made from; None
    when they must be loaded (`checked` then loads them)."""
    return None if cache_dir is None else _stored_verdict(_Entry.of(paths, cache_dir))


def _stored_verdict(entry: _Entry) -> Verdict | None:
    try:
        stored = json.loads(entry.verdict.read_bytes())
        if stored["key"] != entry.key or not _document_unchanged(stored["document"]):
            return None
        found = stored["verdict"]
        return Verdict(**{**found, "warnings": tuple(found["warnings"])})
    except Exception:  # absent, damaged or of another version: load the files
        return None


def _key(paths: Sequence[Path], files: list[Path]) -> str:
    head = f"{FORMAT} {sys.version} {_versions()}\0"
    digest = hashlib.sha256(head.encode() + b"\0".join(map(os.fsencode, paths)))
    for source in _SOURCES:
        digest.update(os.fsencode(source.name) + b"\0" + source.read_bytes())
    for file in files:  # names as the file system has them, whatever their encoding
        try:
            digest.update(os.fsencode(file) + b"\0" + file.read_bytes() + b"\0")
        except OSError:
            digest.update(os.fsencode(file) + b"\0unreadable\0")  # load_plan says why
    return digest.hexdigest()


@functools.cache
def _versions() -> str:
    """The installed versions of `_LIBRARIES`, as their metadata says (read, not imported): once a
    process, whose code is that of its start however often the daemon reloads the plan."""
    return " ".join(f"{library}={_version(library)}" for library in _LIBRARIES)


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "none"


def _document_unchanged(document: Sequence[Sequence[str]]) -> bool:
    return all(len(entry) == 2 and _hash(Path(entry[0])) == entry[1] for entry in document)


def _hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _write_verdict(entry: _Entry, document: tuple[tuple[str, str], ...], found: Verdict) -> None:
    text = json.dumps({"key": entry.key, "document": document, "verdict": asdict(found)})  # any name, escaped
    with contextlib.suppress(OSError):  # a cache is an aid: the plan was loaded all the same
        write_whole(entry.verdict, text.encode())
