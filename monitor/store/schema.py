"""The store's tables, as SQLModel models. Schema changes go through Alembic migrations
(monitor/migrations).

The store modules query them as models: `sa.select(Alert)`, `sa.insert(ObservationRecord)`, and
`col(Alert.state)` for a typed column. Decimals are kept as exact text: `decimal_text` writes it,
`decimal_value` reads it back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Context, Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from rules import PRECISION

_EXACT = Context(prec=PRECISION)  # normalize() in the default context would round to 28 digits


def decimal_text(value: Decimal) -> str:
    """A Decimal as the store keeps it: exact text without exponent or trailing zeros
    (36.400 -> "36.4", 1E+3 -> "1000", -0 -> "0")."""
    text = format(value.normalize(_EXACT), "f")
    return "0" if text in ("-0", "0") else text


def decimal_value(text: str) -> Decimal:
    """A stored decimal text as a Decimal."""
    return Decimal(text)


class Ingestion(SQLModel, table=True):
    """One data file taken in: what it was, for which plan, who sent it, when. The hash makes a
    re-send to the same plan a no-op.

    Every table of a plan's things (figures, runs, alerts, silences, explanations, messages,
    submissions, comments) has the plan's key; target ids are unique within a plan only."""

    __tablename__ = "ingestion"
    __table_args__ = (sa.UniqueConstraint("plan", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    sha256: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    format: str = Field(max_length=8)
    rows: int
    submitter: str | None = Field(default=None, max_length=64)
    received_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class ObservationRecord(SQLModel, table=True):
    """A figure for a target (and breakdown part) in a period. Revisions are kept: one row is current.

    `value` is kept as exact decimal text in the target's unit; `reported_value` and
    `reported_unit` are what the file said, before any conversion.
    """

    __tablename__ = "observation"
    __table_args__ = (
        sa.Index(
            "observation_current_key",
            "plan",
            "target_id",
            "breakdown",
            "period",
            unique=True,
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    ingestion_id: int = Field(foreign_key="ingestion.id")
    target_id: str = Field(max_length=64)
    breakdown: str = Field(default="", max_length=130)
    period: str = Field(max_length=16)
    period_start: dt.date
    period_end: dt.date
    basis: str = Field(max_length=16)
    value: str = Field(max_length=64)
    unit: str = Field(max_length=32)
    reported_value: str = Field(max_length=64)
    reported_unit: str = Field(max_length=32)
    status: str = Field(max_length=8)
    note: str | None = None
    source_row: int
    received_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    is_current: bool = True


class EvaluationRun(SQLModel, table=True):
    """One evaluation of the whole plan as of a date."""

    __tablename__ = "evaluation_run"

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64, index=True)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    as_of: dt.date = Field(index=True)
    trigger: str = Field(max_length=16)  # cli, daemon, test
    started_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    finished_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class EvaluationRecord(SQLModel, table=True):
    """The verdict on one series in one run. Decimals are kept as exact text."""

    __tablename__ = "evaluation"
    __table_args__ = (sa.UniqueConstraint("run_id", "target_id", "breakdown"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="evaluation_run.id")
    target_id: str = Field(max_length=64)
    breakdown: str = Field(default="", max_length=130)
    status: str = Field(max_length=16)
    reason: str
    actual: str | None = Field(default=None, max_length=64)
    actual_period: str | None = Field(default=None, max_length=32)
    actual_source: str | None = None
    required: str | None = Field(default=None, max_length=64)
    gap: str | None = Field(default=None, max_length=64)
    gap_points: str | None = Field(default=None, max_length=64)
    projected: str | None = Field(default=None, max_length=64)
    projected_pct: str | None = Field(default=None, max_length=64)
    pace_per_month: str | None = Field(default=None, max_length=64)
    overdue_period: str | None = Field(default=None, max_length=32)


class Alert(SQLModel, table=True):
    """The state of one alert: a target (or breakdown part) behind, or its report overdue.

    The row is the alert's memory across runs, restarts and rule reloads, keyed by target id.
    """

    __tablename__ = "alert"
    __table_args__ = (sa.UniqueConstraint("plan", "target_id", "breakdown", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    target_id: str = Field(max_length=64)
    breakdown: str = Field(default="", max_length=130)
    kind: str = Field(max_length=16)  # performance, overdue
    state: str = Field(max_length=16)  # inactive, pending, firing, resolved
    status: str = Field(max_length=16)
    periods_held: int = 0
    last_period: str | None = Field(default=None, max_length=32)
    escalated: bool = False
    since: dt.date | None = None
    last_as_of: dt.date | None = None
    last_notified_as_of: dt.date | None = None


class AlertTransition(SQLModel, table=True):
    """A change of an alert's state, with why."""

    __tablename__ = "alert_transition"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    run_id: int = Field(foreign_key="evaluation_run.id")
    as_of: dt.date
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    escalated: bool = False
    status: str = Field(max_length=16)
    reason: str
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class Notification(SQLModel, table=True):
    """A message owed to one recipient about one alert, queued in the run that decided it."""

    __tablename__ = "notification"
    __table_args__ = (sa.UniqueConstraint("alert_id", "run_id", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    run_id: int = Field(foreign_key="evaluation_run.id")
    transition_id: int | None = Field(default=None, foreign_key="alert_transition.id")
    as_of: dt.date
    recipient: str = Field(max_length=64)  # a department id
    role: str = Field(max_length=16)  # owner, notify, escalation
    kind: str = Field(max_length=16)  # firing, escalated, resolved, repeat, overdue
    state: str = Field(default="queued", max_length=16)
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class Silence(SQLModel, table=True):
    """A target muted until a date, with why and by whom. Every silence expires."""

    __tablename__ = "silence"

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    target_id: str = Field(max_length=64, index=True)
    breakdown: str | None = Field(default=None, max_length=130)  # None: the target and all its parts
    until: dt.date
    reason: str
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    removed_by: str | None = Field(default=None, max_length=64)
    removed_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class AcknowledgementRecord(SQLModel, table=True):
    """A department's explanation ("giải trình") of a shortfall in one period: cause, remedy, date."""

    __tablename__ = "acknowledgement"

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    target_id: str = Field(max_length=64, index=True)
    breakdown: str = Field(default="", max_length=130)
    period: str = Field(max_length=32)  # the data period it explains
    cause: str
    remedy: str
    expected_date: dt.date | None = None
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class OutboxMessage(SQLModel, table=True):
    """A rendered email owed to one recipient, written in the run that decided it.

    A sender drains the outbox; a message is marked sent only after the server accepted it. A
    sender claims a message before delivering it, so that two senders never deliver it both; a
    claim left by a sender that died expires, and the message is taken again.
    """

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    message_id: str = Field(max_length=255, unique=True)
    run_id: int | None = Field(default=None, foreign_key="evaluation_run.id")
    recipient: str = Field(max_length=64)
    address: str = Field(max_length=255)
    subject: str
    message: bytes = Field(sa_type=sa.LargeBinary)
    state: str = Field(default="queued", max_length=16, index=True)  # queued, sent, failed
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    last_error: str | None = None
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    sent_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    claimed_by: str | None = Field(default=None, max_length=128)  # the sender delivering it now
    claimed_until: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class OutboxAttempt(SQLModel, table=True):
    """One try at delivering a message, and how it went."""

    __tablename__ = "outbox_attempt"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    outcome: str = Field(max_length=16)  # sent, retry, failed
    error: str | None = None


class JobRun(SQLModel, table=True):
    """When each scheduled job last completed: schedules are configuration, this is their memory,
    so a daemon started after downtime runs what it missed, once."""

    __tablename__ = "job_run"

    job_id: str = Field(primary_key=True, max_length=32)
    plan: str = Field(primary_key=True, max_length=64)  # the plan's key; "" for a job of the whole store
    last_run_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class JobOutcome(SQLModel, table=True):
    """How each of the daemon's jobs last went, for its operators (`/metrics`, `/healthz`): every
    run counted, failures apart, the last one's end and duration."""

    __tablename__ = "job_outcome"

    job_id: str = Field(primary_key=True, max_length=32)
    runs: int = 0
    failures: int = 0
    last_finished_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    last_duration_seconds: float
    last_success_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_failure_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str | None = Field(default=None, sa_type=sa.Text)


class SignInLink(SQLModel, table=True):
    """A sign-in link emailed to a department: single use, expiring. Only its nonce's hash is kept."""

    __tablename__ = "sign_in_link"

    id: int | None = Field(default=None, primary_key=True)
    nonce_hash: str = Field(max_length=64, unique=True)
    department_id: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    expires_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class SignInRequest(SQLModel, table=True):
    """A request for a sign-in link, known address or not: what the rate limits count."""

    __tablename__ = "sign_in_request"

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=255, index=True)  # as typed, folded to lower case
    client: str = Field(max_length=64, index=True)
    at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)


class WebSession(SQLModel, table=True):
    """A signed-in department's session in the portal. Only its token's hash is kept."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    department_id: str = Field(max_length=64)
    client: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    expires_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    ended_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Submission(SQLModel, table=True):
    """One submission of figures, by upload, form or inbox: who, when, from where, which file,
    what came of it."""

    __tablename__ = "submission"

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    department_id: str = Field(max_length=64, index=True)
    channel: str = Field(max_length=16)  # upload, form, inbox
    client: str | None = Field(default=None, max_length=64)  # the sender's network address, for the portal
    file_name: str | None = Field(default=None, max_length=255)
    ingestion_id: int | None = Field(default=None, foreign_key="ingestion.id")
    outcome: str = Field(max_length=16)  # ingested, already ingested, rejected
    summary: str  # what changed, or why nothing did
    at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class Comment(SQLModel, table=True):
    """A leader's (or the admin's) comment on a series' shortfall and its explanation."""

    __tablename__ = "comment"

    id: int | None = Field(default=None, primary_key=True)
    plan: str = Field(max_length=64)  # the plan's key (PlanInfo.key): "bac-giang-2022"
    target_id: str = Field(max_length=64, index=True)
    breakdown: str = Field(default="", max_length=130)
    period: str = Field(max_length=32)
    text: str
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
