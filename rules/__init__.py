"""The plan's rules: the rule-file schema, loading with precise errors, and judging figures.

Pure domain code: no database, no mail, no clock; it imports nothing of the rest of the project.
These are the names other packages use.
"""

from rules.base import PRECISION, RuleModel
from rules.calendar import due_date, month_end, month_ends, report_due_soon, reporting_periods
from rules.errors import Problem, RuleError, RuleSetError
from rules.judging import Evaluation, LatestFigure, Status, evaluate, shortfall_measure
from rules.loader import load_plan, read_yaml, rule_files, validation_problems
from rules.observation import FigureStatus, Observation
from rules.periods import Period, PeriodKind
from rules.plan import Department, Plan, PlanInfo, Role, RuleFile, plan_key, rule_file_schema, slug
from rules.required import required_value, target_value
from rules.rollover import roll_plan_header, roll_target
from rules.series import SeriesKey, evaluate_plan, series_of
from rules.target import Basis, Comparator, Frequency, Kind, Measure, Target
from rules.trajectory import Milestones, MonthlyProfile
from rules.units import UNITS, Unit, find_unit

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
    "load_plan",
    "month_end",
    "month_ends",
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
