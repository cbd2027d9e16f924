"""The plan's rules: the rule-file schema, loading with precise errors, and judging figures.

Pure domain code: no database, no mail, no clock; it imports nothing of the rest of the project.
These are the names other packages use.

Each name is imported from its module when first used, so that a command needing only a light
part (`rules.files`, `rules.errors`) does not load the models, the YAML readers and pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.base import PRECISION, RuleModel
    from rules.calendar import due_date, month_end, month_ends, report_due_soon, reporting_periods
    from rules.collection import no_collection
    from rules.errors import Problem, RuleError, RuleSetError
    from rules.files import holds_rules, rule_files
    from rules.judging import Evaluation, Status, evaluate, shortfall_measure
    from rules.keys import plan_key, slug
    from rules.latest import LatestFigure
    from rules.loader import load_plan, read_yaml, validation_problems
    from rules.observation import FigureStatus, Observation
    from rules.periods import Period, PeriodKind
    from rules.plan import Department, Plan, PlanInfo, Role, RuleFile, rule_file_schema
    from rules.required import required_value, target_value
    from rules.rollover import roll_plan_header, roll_target
    from rules.series import SeriesKey, evaluate_plan, series_of
    from rules.target import Basis, Comparator, Frequency, Kind, Measure, Target
    from rules.trajectory import Milestones, MonthlyProfile
    from rules.units import UNITS, Unit, find_unit

_HOMES = {
    "holds_rules": "rules.files",
    "no_collection": "rules.collection",
    "Basis": "rules.target",
    "Comparator": "rules.target",
    "Department": "rules.plan",
    "Evaluation": "rules.judging",
    "FigureStatus": "rules.observation",
    "Frequency": "rules.target",
    "Kind": "rules.target",
    "LatestFigure": "rules.latest",
    "Measure": "rules.target",
    "Milestones": "rules.trajectory",
    "MonthlyProfile": "rules.trajectory",
    "Observation": "rules.observation",
    "PRECISION": "rules.base",
    "Period": "rules.periods",
    "PeriodKind": "rules.periods",
    "Plan": "rules.plan",
    "PlanInfo": "rules.plan",
    "Problem": "rules.errors",
    "Role": "rules.plan",
    "RuleError": "rules.errors",
    "RuleFile": "rules.plan",
    "RuleModel": "rules.base",
    "RuleSetError": "rules.errors",
    "SeriesKey": "rules.series",
    "Status": "rules.judging",
    "Target": "rules.target",
    "UNITS": "rules.units",
    "Unit": "rules.units",
    "due_date": "rules.calendar",
    "evaluate": "rules.judging",
    "evaluate_plan": "rules.series",
    "find_unit": "rules.units",
    "load_plan": "rules.loader",
    "month_end": "rules.calendar",
    "month_ends": "rules.calendar",
    "plan_key": "rules.keys",
    "read_yaml": "rules.loader",
    "report_due_soon": "rules.calendar",
    "reporting_periods": "rules.calendar",
    "required_value": "rules.required",
    "roll_plan_header": "rules.rollover",
    "roll_target": "rules.rollover",
    "rule_file_schema": "rules.plan",
    "rule_files": "rules.files",
    "series_of": "rules.series",
    "shortfall_measure": "rules.judging",
    "slug": "rules.keys",
    "target_value": "rules.required",
    "validation_problems": "rules.loader",
}

__all__ = [
    "PRECISION",
    "UNITS",
    "Basis",
    "Comparator",
    "Department",
    "Evaluation",
    "FigureStatus",
    "Frequency",
    "Kind",
    "LatestFigure",
    "Measure",
    "Milestones",
    "MonthlyProfile",
    "Observation",
    "Period",
    "PeriodKind",
    "Plan",
    "PlanInfo",
    "Problem",
    "Role",
    "RuleError",
    "RuleFile",
    "RuleModel",
    "RuleSetError",
    "SeriesKey",
    "Status",
    "Target",
    "Unit",
    "due_date",
    "evaluate",
    "evaluate_plan",
    "find_unit",
    "holds_rules",
    "load_plan",
    "month_end",
    "month_ends",
    "no_collection",
    "plan_key",
    "read_yaml",
    "report_due_soon",
    "reporting_periods",
    "required_value",
    "roll_plan_header",
    "roll_target",
    "rule_file_schema",
    "rule_files",
    "series_of",
    "shortfall_measure",
    "slug",
    "target_value",
    "validation_problems",
]


if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'rules' has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
