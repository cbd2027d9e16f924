"""The portal's own emails: a sign-in link, and the answer to a department that sent figures.

Both go through the outbox like every other message, so they are delivered (to SMTP or as .eml
files) and retried the same way; the portal delivers them at once, and the daemon's outbox job
would deliver any left behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from monitor.ingest.wording import Told
from monitor.mail.compose import MailContext
from monitor.store import outbox
from monitor.store.database import writing
from notifiers import render_notice
from rules import Department, Plan


def queue_message(
    engine: sa.Engine,
    mail: MailContext,
    department: Department,
    *,
    plan: str,
    kind: str,
    subject: str,
    lines: list[str],
    now: dt.datetime,
) -> str:
    """Queue a plain-text message to a department, due now; its Message-ID."""
    digest = hashlib.sha256("\n".join([department.id, subject, *lines, now.isoformat()]).encode()).hexdigest()[:20]
    message_id = f"<{kind}.{digest}@{mail.domain}>"
    message = render_notice(
        subject=subject, lines=lines, name=department.name, address=department.email, sender=mail.sender,
        message_id=message_id, at=now,
    )  # fmt: skip
    outgoing = outbox.Outgoing(message_id, department.id, department.email, subject, message.as_bytes())
    with writing(engine) as connection:
        outbox.enqueue(connection, outgoing, plan=plan, run_id=None, now=now)
    return message_id


def queue_sign_in_link(
    engine: sa.Engine, plan: Plan, mail: MailContext, department: Department, link: str, minutes: int, now: dt.datetime
) -> str:
    """Queue the email that carries a sign-in link; its Message-ID."""
    lines = [
        f"Kính gửi {department.name},",
        "",
        f"Để đăng nhập cổng thông tin theo dõi kế hoạch ({plan.info.title}), hãy mở liên kết sau:",
        "",
        link,
        "",
        f"Liên kết chỉ dùng được một lần và hết hạn sau {minutes} phút.",
        "Nếu bạn không yêu cầu đăng nhập, hãy bỏ qua thư này; không ai đăng nhập được nếu không có liên kết.",
    ]
    subject = f"Liên kết đăng nhập cổng thông tin — {plan.info.province}"
    return queue_message(
        engine, mail, department, plan=plan.info.key, kind="signin", subject=subject, lines=lines, now=now
    )


def queue_reply(
    engine: sa.Engine,
    mail: MailContext,
    department: Department,
    file_name: str,
    told: Told,
    now: dt.datetime,
    *,
    plan: str,
) -> str:
    """Queue the answer to a department that sent figures: a file refused, with each row's problem,
    or accepted, in one line; its Message-ID."""
    file_name = printable(file_name)
    if told.accepted:
        subject = f"Đã nhận số liệu: {file_name}"
        lines = [f"Tệp {file_name}: {told.headline}"]
    else:
        subject = f"Tệp số liệu bị từ chối: {file_name}"
        lines = [f"Kính gửi {department.name},", "", f"Tệp {file_name}: {told.headline}", "", *told.problems]
    return queue_message(engine, mail, department, plan=plan, kind="reply", subject=subject, lines=lines, now=now)


MAX_NAME_CHARS = 120


def printable(name: str) -> str:
    """A file name fit for a subject line: what is not printable (a line break, an escape
    sequence) written as Python writes it, and cut short."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
    return shown if len(shown) <= MAX_NAME_CHARS else shown[:MAX_NAME_CHARS] + "…"
