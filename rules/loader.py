"""Loading rule files: YAML to checked, frozen models, with every problem reported at once.

Each file is parsed on its own, each plan header, department and target validated on its own, so
one bad entry never hides the problems of the others. Entries that validate go on to the checks
across files (`rules.checks`); `load_plan` raises `RuleSetError` listing everything found.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from rules.base import MAX_DIGITS, RuleModel
from rules.checks import check
from rules.collection import no_collection
from rules.declared import Collected, Declared, problem_at
from rules.errors import Problem, RuleSetError
from rules.files import rule_files
from rules.locate import MAPPINGS, SEQUENCES, PathPart
from rules.plan import Department, Plan, PlanInfo, RuleFile
from rules.sources import read_documents
from rules.target import Target
from rules.unit_checks import plan_units
from rules.units import DeclaredUnit
from rules.yamltree import BadDate, Unsupported, read_tree

M = TypeVar("M", bound=BaseModel)


class _Constructor(RoundTripConstructor):
    """The round-trip constructor, for which an impossible date is a located problem, not a ValueError."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as exc:
            found = f"invalid date {node.value!r} ({exc}); expected YYYY-MM-DD"
            mark = node.start_mark
            self.bad_dates: list[tuple[int, int, str]] = getattr(self, "bad_dates", [])
            self.bad_dates.append((mark.line + 1, mark.column + 1, found))
            return BadDate(node.value)

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            value = super().construct_yaml_int(node)
            str(value)  # a hexadecimal one can be read, and then not shown in a message
        except ValueError:  # more digits than Python converts
            found = (
                f"a number of {len(node.value)} characters; expected at most {MAX_DIGITS} digits, as a figure may have"
            )
            raise ConstructorError(None, None, found, node.start_mark) from None
        return value


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


def read_yaml(file: Path) -> tuple[Any, Problem | None]:
    """The YAML document in `file` as ruamel.yaml's round-trip loader reads it, with its positions,
    or the first problem that stops it being used."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, _unreadable(file, exc)
    root, problems = _read_round_trip(file, text)
    return (None, problems[0]) if problems else (root, None)


def read_rule_yaml(file: Path) -> tuple[Any, list[Problem]]:
    """The YAML document in `file` with its positions, and its impossible dates (the document is
    still there, each such date kept as its text); or None and the problem that stops it being read.

    Read by libyaml (`rules.yamltree`), typed as ruamel.yaml's round-trip loader types it; a
    document that only ruamel.yaml reads exactly, or that does not parse, is read by ruamel.yaml,
    whose words a syntax error is reported in."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [_unreadable(file, exc)]
    try:
        root, dates = read_tree(text)
    except (Unsupported, RecursionError):
        return _read_round_trip(file, text)
    return root, [Problem(file, line, column, "", found) for line, column, found in dates]


def _read_round_trip(file: Path, text: str) -> tuple[Any, list[Problem]]:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        root = yaml.load(text)
    except (YAMLError, RecursionError) as exc:
        return None, [_unparsable(file, exc)]
    dates = getattr(yaml.constructor, "bad_dates", [])
    return root, [Problem(file, line, column, "", found) for line, column, found in dates]


def _unreadable(file: Path, exc: OSError | UnicodeDecodeError) -> Problem:
    if isinstance(exc, UnicodeDecodeError):
        return Problem(file, 0, 0, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    return Problem(file, 0, 0, "", f"cannot read the file: {exc.strerror or exc}")


def _unparsable(file: Path, exc: YAMLError | RecursionError) -> Problem:
    if isinstance(exc, MarkedYAMLError):
        return _yaml_problem(file, exc)
    if isinstance(exc, RecursionError):
        return Problem(file, 0, 0, "", "the YAML is nested too deeply to be a rule file")
    return Problem(file, 0, 0, "", f"invalid YAML: {exc}")


def validation_problems(file: Path, node: Any, label: str, exc: ValidationError) -> list[Problem]:
    """Each error of a pydantic validation, located in the YAML and worded for a person."""
    return [
        problem_at(file, node, label, error["loc"], _message(error), at_value=error["type"] != "extra_forbidden")
        for error in exc.errors()
        if not isinstance(error.get("input"), BadDate)  # reported where the file was read
    ]


def collect(files: Sequence[Path]) -> Collected:
    """Parse and validate each entry of each file; gather problems instead of stopping."""
    out = Collected(list(files), [], [], [], [])
    for file in files:
        root, problems = read_rule_yaml(file)
        out.problems += problems
        if root is not None or not problems:
            _collect_file(file, root, out)
    return out


def load_plan(paths: Sequence[Path]) -> Plan:
    """Load and check the rule files at `paths`; raise `RuleSetError` with every problem found."""
    with no_collection():  # a plan is 100,000s of objects, all kept while it loads
        return _load_plan(paths)


def _load_plan(paths: Sequence[Path]) -> Plan:
    files, problems = rule_files(paths)
    collected = collect(files)
    documents = read_documents(collected.plans[0]) if collected.plans else None
    problems += collected.problems
    problems += check(collected, documents)
    errors = [p for p in problems if not p.warning]
    warnings = sorted(p for p in problems if p.warning)
    if errors or not collected.plans:
        raise RuleSetError(errors, warnings)
    return Plan(
        info=collected.plans[0].value,
        departments={d.value.id: d.value for d in collected.departments},
        targets={t.value.id: t.value for t in collected.targets},
        files=tuple(files),
        warnings=tuple(warnings),
        units=plan_units(collected),
        sources=documents.versions() if documents else (),
    )


def _collect_file(file: Path, root: Any, out: Collected) -> None:
    if root is None:
        out.problems.append(Problem(file, 0, 0, "", "the file is empty; expected 'plan', 'departments' or 'targets'"))
        return
    if not isinstance(root, MAPPINGS):
        out.problems.append(
            Problem(file, 1, 1, "", f"expected a mapping with 'plan', 'departments' or 'targets', found {_kind(root)}")
        )
        return
    sections = set(RuleFile.model_fields)
    for key in root:
        if key not in sections:
            line, col = root.lc.key(key)
            out.problems.append(Problem(file, line + 1, col + 1, str(key), _unknown_field(str(key), sections)))
    if "plan" in root:
        out.headers += 1
        header = _validate(file, root, "plan", PlanInfo, "plan", out.problems)
        if header:
            out.plans.append(header)
    sections_of_lists: tuple[tuple[str, type[Department] | type[Target] | type[DeclaredUnit], str], ...] = (
        ("units", DeclaredUnit, "unit"),
        ("departments", Department, "department"),
        ("targets", Target, "target"),
    )
    for section, model, kind in sections_of_lists:
        items = root.get(section)
        if items is None:
            continue
        if not isinstance(items, SEQUENCES):
            line, col = root.lc.value(section)
            out.problems.append(Problem(file, line + 1, col + 1, section, f"expected a list, found {_kind(items)}"))
            continue
        for index, item in enumerate(items):
            ident = item.get("label" if section == "units" else "id") if isinstance(item, MAPPINGS) else None
            label = f"{kind} {ident}" if isinstance(ident, str) else f"{section}[{index}]"
            entry: Declared[Any] | None = _validate(file, items, index, model, label, out.problems)
            if entry:
                getattr(out, section).append(entry)


def _validate(
    file: Path, parent: Any, key: PathPart, model: type[M], label: str, problems: list[Problem]
) -> Declared[M] | None:
    node = parent[key]
    try:
        value = model.model_validate(node)
    except ValidationError as exc:
        problems.extend(validation_problems(file, node, label, exc))
        return _salvaged(file, node, model, label, exc)
    return Declared(value, file, node, label)


def _salvaged(file: Path, node: Any, model: type[M], label: str, exc: ValidationError) -> Declared[M] | None:
    """The entry without its invalid fields, when what is left still validates: so a wrong
    deadline does not hide the problems of the milestones beside it until the next run."""
    if model is not Target or not isinstance(node, MAPPINGS):
        return None
    bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    if any(not error["loc"] for error in exc.errors()) or any(
        name in fields and fields[name].is_required() for name in bad
    ):
        return None  # a field the target cannot do without, or a problem with the whole entry
    try:
        value = model.model_validate({k: v for k, v in node.items() if str(k) not in bad})
    except ValidationError:
        return None
    return Declared(value, file, node, label, dropped=frozenset(bad))


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_field(str(error["loc"][-1]), _known_fields())
    if kind == "missing":
        return "required field is missing"
    if kind == "decimal_max_digits":
        error = {**error, "msg": f"expected a number of at most {MAX_DIGITS} digits, as a figure may have"}
    if "input" in error and error["input"] is None and kind in ("decimal_type", "int_type", "float_type"):
        return "still empty; fill in the plan's value"
    text = error["msg"].replace("Input should be", "expected").replace("input should be", "expected")
    text = text.removeprefix("Value error, ")  # a validator's own words need no prefix
    found = error.get("input")
    if found is not None and not isinstance(found, dict | list):
        text += f"; found {found!r}"
    if kind == "decimal_parsing":
        text += " (write numbers with a dot before the decimals and no thousands separator: 7088.973)"
    return text


def _unknown_field(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown field '{name}'{hint}"


def _known_fields() -> set[str]:
    names: set[str] = set()
    pending: list[type[RuleModel]] = [RuleModel]
    seen: set[type[RuleModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        pending.extend(model.__subclasses__())
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
    return names


def _yaml_problem(file: Path, exc: MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.context}: {exc.problem}"
    return Problem(file, line, col, "", f"invalid YAML: {' '.join(problem.split())}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
