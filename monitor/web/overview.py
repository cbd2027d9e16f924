"""The plan's series as the portal shows them: each target (and part) with its latest figure, its
status as of the portal's day, its alert, and what the visitor may do with it."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.evaluation import evaluate_stored
from monitor.lifecycle import AlertKey, AlertKind, AlertState, condition
from monitor.mail.compose import part_name
from monitor.store.alerts import alert_states
from monitor.web.app import Portal
from rules import Evaluation, Target

ALERT_NAMES = {
    AlertState.INACTIVE: "",
    AlertState.PENDING: "Đang theo dõi",
    AlertState.FIRING: "Đang cảnh báo",
    AlertState.RESOLVED: "Đã hết cảnh báo",
}


@dataclass(frozen=True)
class SeriesRow:
    target: Target
    breakdown: str
    part: str  # the part's name, "" for the target itself
    evaluation: Evaluation
    alert: AlertState
    alert_period: str | None  # the period the alert is about, which an explanation explains
    writable: bool
    explainable: bool  # a firing alert the visitor may explain

    @property
    def alert_name(self) -> str:
        return ALERT_NAMES[self.alert]


def series_rows(portal: Portal, department_id: str, *, own_only: bool) -> list[SeriesRow]:
    """Every series of the plan (or only those the department may write), in the plan's order."""
    from monitor import rights

    plan = portal.plan
    states = alert_states(portal.engine, plan=plan.info.key)
    rows = []
    for evaluation in evaluate_stored(portal.engine, plan, portal.today()):
        target = plan.targets[evaluation.target_id]
        key = evaluation.breakdown
        writable = rights.may_write_figure(plan, department_id, target, key)
        if own_only and not writable:
            continue
        alert, period = AlertState.INACTIVE, None
        for kind in (AlertKind.PERFORMANCE, AlertKind.OVERDUE):
            state = states.get(AlertKey(target.id, key, kind), AlertState.INACTIVE)
            if state == AlertState.FIRING or (alert == AlertState.INACTIVE and state != AlertState.INACTIVE):
                alert, period = state, condition(kind, evaluation)[1]
        explainable = (
            alert == AlertState.FIRING and period is not None and rights.may_explain(plan, department_id, target, key)
        )
        rows.append(SeriesRow(target, key, part_name(target, key) if key else "", evaluation, alert, period,
                              writable, explainable))  # fmt: skip
    rows.sort(key=lambda r: (r.target.section, r.target.number, r.target.id, r.breakdown))
    return rows
