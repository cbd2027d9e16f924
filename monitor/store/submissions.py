"""Submissions of figures (by upload, form or inbox) and leaders' comments, in the store."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, col, select

from monitor.store.database import writing
from monitor.store.schema import Comment, Ingestion, Submission


def record_submission(
    engine: sa.Engine,
    *,
    plan: str,
    department_id: str,
    channel: str,
    outcome: str,
    summary: str,
    at: dt.datetime,
    client: str | None = None,
    file_name: str | None = None,
    sha256: str | None = None,
) -> int:
    """Record one submission and what came of it; the file's ingestion is found by its hash."""
    with writing(engine) as connection:
        ingestion = None
        if sha256 is not None:
            ingestion = connection.execute(
                sa.select(col(Ingestion.id)).where(col(Ingestion.plan) == plan, col(Ingestion.sha256) == sha256)
            ).scalar_one_or_none()
        inserted = connection.execute(
            sa.insert(Submission).values(
                plan=plan, department_id=department_id, channel=channel, client=client[:64] if client else None,
                file_name=file_name[:255] if file_name else None, ingestion_id=ingestion, outcome=outcome,
                summary=summary, at=at,
            )
        )  # fmt: skip
        assert inserted.inserted_primary_key is not None
        return int(inserted.inserted_primary_key[0])


def submissions(engine: sa.Engine, department_id: str | None = None, *, plan: str, limit: int = 50) -> list[Submission]:
    """The plan's latest submissions (of one department), newest first."""
    query = select(Submission).where(col(Submission.plan) == plan).order_by(col(Submission.id).desc()).limit(limit)
    if department_id is not None:
        query = query.where(col(Submission.department_id) == department_id)
    with Session(engine) as session:
        return list(session.exec(query).all())


def add_comment(
    engine: sa.Engine,
    target_id: str,
    breakdown: str,
    period: str,
    text: str,
    *,
    plan: str,
    by: str,
    now: dt.datetime,
) -> None:
    with Session(engine) as session:
        session.add(Comment(plan=plan, target_id=target_id, breakdown=breakdown, period=period, text=text,
                            created_by=by, created_at=now))  # fmt: skip
        session.commit()


def comments(engine: sa.Engine, target_id: str, *, plan: str) -> list[Comment]:
    """The comments on a target's series in the plan, oldest first."""
    query = (
        select(Comment).where(col(Comment.plan) == plan, col(Comment.target_id) == target_id).order_by(col(Comment.id))
    )
    with Session(engine) as session:
        return list(session.exec(query).all())
