"""The plan's rules: the rule-file schema, loading with precise errors, and the checks.

Pure domain code: no database, no mail, no clock.
"""

from rules.errors import Problem, RuleError, RuleSetError
from rules.loader import load_plan
from rules.plan import Department, Plan, PlanInfo, Role, RuleFile
from rules.target import Basis, Comparator, Frequency, Kind, Target

__all__ = [
    "Basis",
    "Comparator",
    "Department",
    "Frequency",
    "Kind",
    "Plan",
    "PlanInfo",
    "Problem",
    "Role",
    "RuleError",
    "RuleFile",
    "RuleSetError",
    "Target",
    "load_plan",
]
