"""Sending figures through the portal: a file (XLSX, CSV, JSON), or one figure in a form.

Both go through the same ingestion as the inbox, under the same rights rule, all or nothing, and
are answered at once in Vietnamese (and by email). A file name never reaches the file system as
it was sent: the file is written, under a cleaned name, into a folder of its own that goes with
the request.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import rights
from monitor.evaluation import run_evaluation
from monitor.mail.sending import drain, mail_context, notifier_from
from monitor.submitting import Channel, Submitted, submit_file
from monitor.web.app import Portal
from monitor.web.visitors import Visitor, checked_form, client_of, csrf_token, members_only
from rules import Period, reporting_periods

SUFFIXES = (".xlsx", ".xls", ".ods", ".csv", ".json")
MAX_NAME_CHARS = 80
FIELD_CHARS = 200  # the longest text a field of the one-figure form takes


def safe_name(sent: str) -> str | None:
    """A name to write a sent file under: its last part only, letters, digits, '.', '-', '_'; None
    for a type the ingestion does not read."""
    base = PurePosixPath(sent.replace("\\", "/")).name
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in SUFFIXES:
        return None
    stem = re.sub(r"[^\w.-]+", "-", base[: -len(suffix)]).strip(".-")[:MAX_NAME_CHARS]
    return (stem or "so-lieu") + suffix


def shown_name(sent: str) -> str:
    """The sent name as it is recorded and shown (escaped by the page): its last part, cut short."""
    return PurePosixPath(sent.replace("\\", "/")).name[:255] or "(không tên)"


@members_only
async def upload_form(request: Request, visitor: Visitor) -> Response:
    return visitor.portal.pages.render("upload.html", visitor=visitor, csrf=csrf_token(request))


@members_only
async def upload(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    sent = (await checked_form(request)).get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _again(request, visitor, "Hãy chọn một tệp số liệu (.xlsx, .xls, .ods, .csv hoặc .json).")
    name = safe_name(sent.filename)
    if name is None:
        return _again(request, visitor, "Chỉ nhận tệp .xlsx, .xls, .ods, .csv hoặc .json.")
    folder = Path(tempfile.mkdtemp(prefix="plan-monitor-upload-"))
    try:
        path = folder / name
        await run_in_threadpool(_save, sent, path)
        submitted = await run_in_threadpool(
            _submit, portal, visitor, path, Channel.UPLOAD, shown_name(sent.filename), client_of(request)
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _result(request, visitor, submitted, shown_name(sent.filename))


def _save(sent: UploadFile, path: Path) -> None:
    with path.open("xb") as out:  # a new file in a new folder: no link followed, nothing overwritten
        shutil.copyfileobj(sent.file, out)


def _submit(portal: Portal, visitor: Visitor, path: Path, channel: str, name: str, client: str) -> Submitted:
    now = portal.now()
    submitted = submit_file(portal.engine, portal.plan, portal.settings, path, department_id=visitor.department_id,
                            channel=channel, file_name=name, now=now, client=client)  # fmt: skip
    if submitted.stored:  # new figures: judged at once, as the daemon does after the inbox
        run_evaluation(portal.engine, portal.plan, portal.today(), trigger="web", mail=mail_context(portal.settings),
                       repeat_every=dt.timedelta(days=portal.settings.repeat_days), now=now)  # fmt: skip
    return submitted


def _deliver(portal: Portal, message_id: str) -> None:
    drain(portal.engine, notifier_from(portal.settings), portal.settings.mail_from, only={message_id})


def _result(request: Request, visitor: Visitor, submitted: Submitted, name: str) -> Response:
    page = visitor.portal.pages.render(
        "result.html", status=200 if submitted.told.accepted else 422, visitor=visitor, csrf=csrf_token(request),
        told=submitted.told, file_name=name,
    )  # fmt: skip
    page.background = BackgroundTask(_deliver, visitor.portal, submitted.reply)
    return page


def _again(request: Request, visitor: Visitor, problem: str) -> Response:
    return visitor.portal.pages.render("upload.html", status=400, visitor=visitor, csrf=csrf_token(request),
                                       problem=problem)  # fmt: skip


def due_periods(portal: Portal, writable: rights.Writable) -> list[Period]:
    """The periods a figure may be sent for now: those begun by the portal's day, latest first."""
    today = portal.today()
    return [p for p in reversed(reporting_periods(writable.target, portal.plan.info.year)) if p.start <= today]


def _choices(portal: Portal, visitor: Visitor) -> list[tuple[str, str]]:
    """The series the visitor may write, as (value, label) of the form's list."""
    from monitor.mail.compose import part_name

    found = []
    for w in rights.writable(portal.plan, visitor.department_id):
        name = f"{w.target.label} {w.target.name}"
        if w.whole:
            found.append((w.target.id, name))
        found += [(f"{w.target.id}|{k}", f"{name} — {part_name(w.target, k)}") for k in w.parts]
    return found


def _form_page(request: Request, visitor: Visitor, *, status: int = 200, problem: str | None = None) -> Response:
    portal = visitor.portal
    periods: dict[str, str] = {}
    for w in rights.writable(portal.plan, visitor.department_id):
        for p in due_periods(portal, w):
            periods.setdefault(p.label, p.label)
    shown = sorted(periods, reverse=True)
    return portal.pages.render("figure.html", status=status, visitor=visitor, csrf=csrf_token(request),
                               choices=_choices(portal, visitor), periods=shown, problem=problem)  # fmt: skip


@members_only
async def figure_form(request: Request, visitor: Visitor) -> Response:
    return _form_page(request, visitor)


@members_only
async def figure(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    sent = await checked_form(request)
    fields = {k: str(sent.get(k) or "").strip()[:FIELD_CHARS] for k in ("series", "period", "value", "status")}
    target_id, _, breakdown = fields["series"].partition("|")
    target = portal.plan.targets.get(target_id)
    if target is None or not visitor.may_write_figure(target, breakdown):
        return _form_page(request, visitor, status=403,
                          problem="Đơn vị chỉ được nhập số liệu cho chỉ tiêu mình phụ trách.")  # fmt: skip
    if not fields["period"] or not fields["value"]:
        return _form_page(request, visitor, status=400, problem="Hãy chọn kỳ và nhập giá trị.")
    status = "estimate" if fields["status"] == "estimate" else "official"
    folder = Path(tempfile.mkdtemp(prefix="plan-monitor-form-"))
    try:
        path = folder / "nhap-tren-cong.csv"
        note = f"nhập trên cổng thông tin lúc {portal.now():%Y-%m-%d %H:%M:%S} UTC"
        with path.open("x", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["target", "breakdown", "period", "value", "status", "note"])
            writer.writerow([target.id, breakdown, fields["period"], fields["value"], status, note])
        name = f"biểu mẫu: {target.id} {breakdown} {fields['period']}".replace("  ", " ")
        submitted = await run_in_threadpool(_submit, portal, visitor, path, Channel.FORM, name, client_of(request))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _result(request, visitor, submitted, name)


routes = [
    Route("/gui-so-lieu", upload_form, methods=["GET"]),
    Route("/gui-so-lieu", upload, methods=["POST"]),
    Route("/nhap-so-lieu", figure_form, methods=["GET"]),
    Route("/nhap-so-lieu", figure, methods=["POST"]),
]
