"""A department's submission of figures, the same whichever way it comes (a file uploaded to the
portal, the portal's one-figure form, a file in its inbox folder): ingested under the rights
rule, all or nothing; recorded (who, when, from where, which file, what changed); answered by
email in Vietnamese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from monitor.ingest.batch import Outcome, Report, file_hash, ingest_file
from monitor.ingest.wording import Told, told
from monitor.mail.portal import queue_reply
from monitor.mail.sending import mail_context
from monitor.settings import Settings
from monitor.store.submissions import record_submission
from rules import Plan


class Channel:
    UPLOAD = "upload"
    FORM = "form"
    INBOX = "inbox"


@dataclass(frozen=True)
class Submitted:
    report: Report
    told: Told
    reply: str  # the Message-ID of the answer queued in the outbox

    @property
    def stored(self) -> bool:
        return self.report.outcome == Outcome.INGESTED


def submit_file(
    engine: sa.Engine,
    plan: Plan,
    settings: Settings,
    path: Path,
    *,
    department_id: str,
    channel: str,
    file_name: str,
    now: dt.datetime,
    client: str | None = None,
) -> Submitted:
    """Ingest a department's file under the rights rule, record the submission, queue the answer."""
    report = ingest_file(engine, plan, path, submitter=department_id, writer=department_id, now=now,
                        limits=settings.file_limits())  # fmt: skip
    sha256 = _hash(path) if report.outcome != Outcome.REJECTED else None
    return answer(engine, plan, settings, report, department_id=department_id, channel=channel, file_name=file_name,
                  now=now, client=client, sha256=sha256)  # fmt: skip


def answer(
    engine: sa.Engine,
    plan: Plan,
    settings: Settings,
    report: Report,
    *,
    department_id: str,
    channel: str,
    file_name: str,
    now: dt.datetime,
    client: str | None = None,
    sha256: str | None = None,
) -> Submitted:
    """Record what came of a department's file and queue the answer to it."""
    said = told(report)
    summary = "\n".join([said.headline, *said.problems])
    record_submission(engine, plan=plan.info.key, department_id=department_id, channel=channel,
                      outcome=report.outcome.value, summary=summary, at=now, client=client, file_name=file_name,
                      sha256=sha256)  # fmt: skip
    department = plan.departments[department_id]
    reply = queue_reply(engine, mail_context(settings), department, file_name, said, now, plan=plan.info.key)
    return Submitted(report, said, reply)


def _hash(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None
