"""What came of a file, in Vietnamese, for the department that sent it: on the portal's page and
in the reply by email. Each problem brings its own Vietnamese words, with the row, the column and
the fix (`monitor.ingest.problems`)."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.ingest.batch import Outcome, Report
from notifiers import formatting


@dataclass(frozen=True)
class Told:
    """A report as a department reads it: one line, and each problem."""

    accepted: bool
    headline: str
    problems: list[str]


def told(report: Report) -> Told:
    n = formatting.number
    if report.outcome == Outcome.ALREADY_INGESTED:
        return Told(True, "Tệp này đã được gửi trước đây; không có gì thay đổi.", [])
    if report.outcome == Outcome.REJECTED:
        count = len(report.problems) + report.more_errors
        problems = [p.vietnamese for p in report.problems]
        if report.more_errors:
            problems.append(f"… và {n(report.more_errors)} lỗi khác")
        return Told(False, f"Tệp bị từ chối, không số liệu nào được lưu ({n(count)} lỗi). Hãy sửa và gửi lại.",
                    problems)  # fmt: skip
    parts = [f"{n(report.new)} số liệu mới", f"{n(report.revised)} số liệu sửa đổi", f"{n(report.unchanged)} không đổi"]
    if report.kept_as_history:
        parts.append(f"{n(report.kept_as_history)} số ước tính chỉ lưu làm lịch sử (đã có số chính thức)")
    read = "".join(f" {_capital(note.vietnamese)}." for note in report.notes)
    return Told(True, f"Đã nhận {n(report.rows)} dòng: {', '.join(parts)}.{read}", [])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
