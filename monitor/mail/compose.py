"""Composing a run's messages: one digest per recipient, rendered and ready for the outbox.

Runs inside the run's transaction (monitor.mail.queue), so a message exists exactly when the
transition that owes it does. Charts are drawn once per series, before the transaction
(`plan_digests`, monitor.mail.drawing), and shared by every digest that shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from monitor.charts import chart_data
from monitor.mail import facts, items
from monitor.mail.drawing import Drawn, draw, failed
from monitor.mail.wording import changed, explain, part_name
from monitor.recording import Queued
from monitor.store.outbox import Outgoing
from notifiers import ChartData, Digest, Explanation, Item, Templates, message_bytes, render_digest, subject
from rules import Evaluation, Observation, Plan, SeriesKey, Target

__all__ = ["DigestPlan", "MailContext", "changed", "chart_title", "compose", "explain", "part_name", "plan_digests"]


@dataclass(frozen=True)
class MailContext:
    """What composing needs besides the run: the sender's address and the templates."""

    sender: str
    templates: Templates
    reply_to: str | None = None
    public_url: str | None = None  # the portal's public base URL: explanations are sent there
    inbox: str = ""  # the inbox folder departments drop figures in
    detailed: int = 6  # the worst shortfalls told in full in one digest; the others in a table
    max_charts: int = 3  # charts in one digest: of its worst shortfalls told in full (a total, its worst parts)
    size_budget: int = 5_000_000  # bytes: a bigger digest keeps its worst items and counts the others
    remind_days: int = 3  # days before a report falls due that its owner is reminded, if its figure has not come

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]


@dataclass(frozen=True)
class DigestPlan:
    """A run's digests decided once, before its transaction: each recipient's items worst first
    (each with its series and whether it may carry a chart), and the charts they will carry,
    each series once with its data and title (drawn before the transaction, monitor.mail.drawing).
    `queued` and `explanations` are what it was planned from: composing takes the plan when the
    run owes the same."""

    queued: list[Queued]
    explanations: dict[SeriesKey, Explanation]
    entries: items.Entries
    charts: list[tuple[SeriesKey, ChartData, str]]


def plan_digests(
    plan: Plan,
    as_of: dt.date,
    queued: list[Queued],
    evaluations: dict[SeriesKey, Evaluation],
    known: dict[str, list[Observation]],
    explanations: dict[SeriesKey, Explanation],
    mail: MailContext,
) -> DigestPlan:
    """Each recipient's items, and the charts `compose` will put in their digests."""
    entries = items.entries(plan, as_of, queued, evaluations, known, explanations, public_url=mail.public_url,
                            detailed=mail.detailed)  # fmt: skip
    wanted: dict[SeriesKey, tuple[SeriesKey, ChartData, str]] = {}
    seen: dict[SeriesKey, str | None] = {}

    def chart_of(target: Target, series: SeriesKey) -> str | None:
        if series not in seen:
            data = chart_data(target, series.breakdown, known.get(target.id, []), as_of, plan.info.year)
            seen[series] = "wanted" if data.actual else None
            if data.actual:
                wanted[series] = (series, data, chart_title(target, series.breakdown))
        return seen[series]

    _with_charts(plan, entries, mail, chart_of)
    return DigestPlan(queued, explanations, entries, list(wanted.values()))


def compose(plan: Plan, run_id: int, as_of: dt.date, planned: DigestPlan, known: dict[str, list[Observation]],
            mail: MailContext, now: dt.datetime, drawn: Drawn | None = None) -> Iterator[Outgoing]:  # fmt: skip
    """One rendered message per recipient of the digests `planned`, one at a time (the caller
    queues each before the next is rendered: a run of many digests never holds them all).

    A digest carries the charts of its worst items only (`mail.max_charts`), and tells the items
    after those in a table; each chart is drawn once, whoever receives it: taken from `drawn`
    (drawn before the run's transaction, monitor.mail.drawing), or drawn here if it is not there."""
    charts: dict[str, bytes] = {}
    cids: dict[SeriesKey, str | None] = {}
    drawn = drawn or {}

    def chart_of(target: Target, series: SeriesKey) -> str | None:
        if series not in cids:
            cids[series] = None
            png = drawn[series] if series in drawn else _draw(plan, target, series, known, as_of)
            if png is not None:
                cid = f"chart.{run_id}.{_slug(target.id, series.breakdown)}@{mail.domain}"
                charts[cid] = png
                cids[series] = cid
        return cids[series]

    by_recipient = _with_charts(plan, planned.entries, mail, chart_of)
    for recipient, told in sorted(by_recipient.items()):
        department = plan.departments[recipient]
        digest = Digest(
            department.id, department.name, department.email, plan.info.province, plan.info.title, as_of,
            tuple(told), send_figures=facts.inbox_folder(mail.inbox, department.id), detailed=mail.detailed,
        )  # fmt: skip
        message_id = f"<{as_of:%Y%m%d}.run{run_id}.{recipient}@{mail.domain}>"
        message = render_digest(
            digest, mail.templates, charts, sender=mail.sender, message_id=message_id, composed_at=now,
            size_budget=mail.size_budget, reply_to=mail.reply_to,
        )  # fmt: skip
        yield Outgoing(message_id, recipient, department.email, subject(digest), message_bytes(message))


ChartOf = Callable[[Target, SeriesKey], "str | None"]


def chart_title(target: Target, breakdown: str) -> str:
    """A chart's title: the target's name, and the part's when the chart is a part's."""
    return target.name[:60] + (f" — {part_name(target, breakdown)}" if breakdown else "")


def _draw(
    plan: Plan, target: Target, series: SeriesKey, known: dict[str, list[Observation]], as_of: dt.date
) -> bytes | None:
    data = chart_data(target, series.breakdown, known.get(target.id, []), as_of, plan.info.year)
    if not data.actual:
        return None
    png, error = draw(data, chart_title(target, series.breakdown))
    if png is None:
        failed(series, error)
    return png


def _with_charts(plan: Plan, entries: items.Entries, mail: MailContext, chart_of: ChartOf) -> dict[str, list[Item]]:
    """Each recipient's items worst first; of its worst `mail.max_charts` shortfalls (told in full:
    `mail.detailed` is at least as many), those that can have a chart with their chart."""
    by_recipient: dict[str, list[Item]] = {}
    for recipient, listed in entries.items():
        items, told = [], 0
        for item, series, chartable in sorted(listed, key=lambda entry: entry[0].order):
            if not item.report:
                if chartable and told < min(mail.max_charts, mail.detailed):
                    cid = chart_of(plan.targets[series.target_id], series)
                    if cid is not None:
                        item = replace(item, chart_id=cid)
                told += 1
            items.append(item)
        by_recipient[recipient] = items
    return by_recipient


def _slug(target_id: str, breakdown: str) -> str:
    if not breakdown:
        return target_id
    return f"{target_id}.{hashlib.sha1(breakdown.encode()).hexdigest()[:8]}"
