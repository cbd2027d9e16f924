"""Reminders before a report falls due: to the department that owes it, only while its figure has
not come, once per department and due date.

Each reminder's Message-ID is made from the plan, the department and the due date, so the daily
evaluations that follow (and a run repeated after a crash) find it in the outbox and queue
nothing more. A figure that comes in the meantime takes its report off the next one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from monitor.mail import facts
from monitor.mail.compose import MailContext, part_name
from monitor.store import outbox
from monitor.store.database import writing
from notifiers import formatting, render_notice
from rules import Observation, Period, Plan, Target, due_date, report_due_soon


@dataclass(frozen=True)
class DueReport:
    """A report a department owes soon: the target (or one of its parts) and its period."""

    target: Target
    breakdown: str
    period: Period


def reports_due_soon(
    plan: Plan, known: Mapping[str, Sequence[Observation]], as_of: dt.date, days: int
) -> dict[str, list[DueReport]]:
    """The reports falling due in the `days` after `as_of` whose figures have not come, by the
    department that owes them: a target's owner for the target, a part's own owner for its part."""
    owed: dict[str, list[DueReport]] = defaultdict(list)
    for target in plan.targets.values():
        figures = known.get(target.id, [])
        latest = max((o.period.end for o in figures), default=None)
        period = report_due_soon(target, plan.info.year, latest, as_of, days)
        if period is not None:
            owed[target.owner].append(DueReport(target, "", period))
        for key in target.part_keys():
            owner = target.owner_of(key)
            if owner == target.owner:
                continue  # the owner's one report covers its own parts
            own = max((o.period.end for o in figures if o.breakdown == key), default=None)
            period = report_due_soon(target, plan.info.year, own, as_of, days)
            if period is not None:
                owed[owner].append(DueReport(target, key, period))
    return dict(owed)


def queue_reminders(
    engine: sa.Engine,
    plan: Plan,
    known: Mapping[str, Sequence[Observation]],
    as_of: dt.date,
    mail: MailContext,
    now: dt.datetime,
) -> int:
    """Queue each department's reminder of the reports it owes soon; the number queued now (a
    reminder already in the outbox is not queued again)."""
    queued = 0
    by_department = reports_due_soon(plan, known, as_of, mail.remind_days)
    with writing(engine) as connection:
        for department_id, reports in sorted(by_department.items()):
            for due, group in sorted(_by_due_date(reports).items()):
                queued += _queue_one(connection, plan, mail, department_id, due, group, now)
    return queued


def _by_due_date(reports: list[DueReport]) -> dict[dt.date, list[DueReport]]:
    grouped: dict[dt.date, list[DueReport]] = defaultdict(list)
    for report in reports:
        grouped[due_date(report.target, report.period)].append(report)
    return grouped


def _queue_one(
    connection: sa.Connection,
    plan: Plan,
    mail: MailContext,
    department_id: str,
    due: dt.date,
    reports: list[DueReport],
    now: dt.datetime,
) -> bool:
    department = plan.departments[department_id]
    identity = "\n".join([plan.info.province, str(plan.info.year), department_id, due.isoformat()])
    message_id = f"<reminder.{hashlib.sha256(identity.encode()).hexdigest()[:20]}@{mail.domain}>"
    count = len(reports)
    subject = f"Nhắc hạn báo cáo: {count} báo cáo đến hạn ngày {formatting.day(due)}"
    message = render_notice(
        subject=subject, lines=_lines(plan, mail, department_id, due, reports), name=department.name,
        address=department.email, sender=mail.sender, message_id=message_id, at=now,
    )  # fmt: skip
    outgoing = outbox.Outgoing(message_id, department.id, department.email, subject, message.as_bytes())
    return outbox.enqueue(connection, outgoing, plan=plan.info.key, run_id=None, now=now)


def _lines(plan: Plan, mail: MailContext, department_id: str, due: dt.date, reports: list[DueReport]) -> list[str]:
    department = plan.departments[department_id]
    lines = [
        f"Kính gửi {department.name},",
        "",
        f"Các báo cáo sau đến hạn ngày {formatting.day(due)} và hệ thống chưa nhận được số liệu ({plan.info.title}):",
        "",
    ]
    for report in sorted(reports, key=lambda r: (r.target.order, r.breakdown)):
        part = f" — {part_name(report.target, report.breakdown)}" if report.breakdown else ""
        lines.append(f"- {report.target.label} {report.target.name}{part}: {formatting.period(report.period.label)}")
    lines += ["", "Cách gửi số liệu:"]
    if mail.public_url:
        lines.append(f"- qua cổng thông tin: {mail.public_url}/gui-so-lieu (mẫu biểu: {mail.public_url}/mau-bieu.xlsx)")
    folder = facts.inbox_folder(mail.inbox, department_id)
    if folder:
        lines.append(f"- hoặc {folder}")
    lines += ["", "Nếu số liệu đã được gửi, xin bỏ qua thư này."]
    return lines
