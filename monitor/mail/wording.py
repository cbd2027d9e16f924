"""The digest's words for a series: its part's name, the verdict from its numbers, and what
changed since the last email."""

from __future__ import annotations

from monitor.lifecycle import AlertKind, MessageKind
from notifiers import STATUS_NAMES, formatting
from rules import Evaluation, Kind, Measure, Status, Target, due_date, shortfall_measure


def part_name(target: Target, breakdown: str) -> str:
    for share in target.parts:
        if share.key == breakdown:
            return share.name
    found = target.part(breakdown)
    if found is None:
        return breakdown
    split, part = found
    return f"{split.name or split.dimension}: {part.name}"


def explain(target: Target, evaluation: Evaluation, kind: AlertKind) -> str:
    """The verdict in Vietnamese, from its numbers."""
    if kind == AlertKind.OVERDUE:
        if evaluation.overdue_period is None:
            return "Đã nhận được báo cáo."
        due = due_date(target, evaluation.overdue_period)
        return (
            f"Chưa nhận được báo cáo {formatting.period(evaluation.overdue_period.label)} "
            f"(hạn gửi {formatting.day(due)})."
        )
    status = evaluation.status
    if status == Status.ACHIEVED:
        return "Số liệu cuối kỳ đạt kế hoạch."
    if status == Status.MISSED:
        return _missed(target, evaluation)
    if status == Status.ON_TRACK:
        return "Đạt yêu cầu đến thời điểm của số liệu."
    if status in (Status.NO_DATA, Status.OVERDUE):
        return "Chưa có số liệu để đánh giá."
    if evaluation.required is None or evaluation.gap is None:
        return "Chỉ tiêu đánh giá vào cuối năm; số liệu mới nhất chưa đạt kế hoạch."
    tolerance = target.effective_tolerance()
    rounded = formatting.rounded
    if tolerance.measure == Measure.RELATIVE and evaluation.required:
        short = f"{rounded(shortfall_measure(target, evaluation.gap, evaluation.required), 1)}% so với yêu cầu"
        bands = f"ngưỡng chậm {rounded(tolerance.behind, 1)}%, nghiêm trọng {rounded(tolerance.critical, 1)}%"
    else:
        unit = "điểm %" if target.unit == "%" else target.unit
        short = f"{rounded(evaluation.gap, 2)} {unit} so với yêu cầu"
        bands = f"ngưỡng chậm {rounded(tolerance.behind, 2)}, nghiêm trọng {rounded(tolerance.critical, 2)} {unit}"
    word = "Lệch" if target.kind == Kind.SHARE else "Thiếu"
    return f"{word} {short} ({bands}): {STATUS_NAMES[status.value].lower()}."


_SIGNS = {"at_least": "≥", "at_most": "≤", "above": ">", "below": "<"}


def _missed(target: Target, evaluation: Evaluation) -> str:
    """The plain comparison a final figure fails: "Số liệu cuối kỳ 37,8% không đạt kế hoạch (≥ 38%)"."""
    unit = target.unit
    if target.kind == Kind.RANGE:
        wanted = f"{formatting.amount(target.low, unit)} – {formatting.amount(target.high, unit)}"
    elif target.kind == Kind.SHARE:
        wanted = f"{formatting.amount(evaluation.required, unit)}, lệch không quá " + formatting.amount(
            target.effective_tolerance().at_risk, "điểm %" if unit == "%" else unit
        )
    else:
        sign = _SIGNS.get(target.comparator.value, "")
        wanted = f"{sign} {formatting.amount(evaluation.required, unit)}".strip()
    return f"Số liệu cuối kỳ {formatting.amount(evaluation.actual, unit)} không đạt kế hoạch ({wanted}): không đạt."


def changed(message: MessageKind, previous: str, current: str) -> str:
    """What changed since the last email about this series."""
    names = STATUS_NAMES
    if message == MessageKind.FIRING:
        return "Cảnh báo mới phát sinh."
    if message == MessageKind.ESCALATED:
        return "Chậm kéo dài hoặc nghiêm trọng: báo cáo lãnh đạo phụ trách."
    if previous and previous != current:
        return f"Từ «{names.get(previous, previous)}» chuyển sang «{names.get(current, current)}»."
    return "Không thay đổi so với thư trước; đề nghị đơn vị khắc phục hoặc gửi giải trình."
