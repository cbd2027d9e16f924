"""What came of a file, in Vietnamese, for the department that sent it: on the portal's page and
in the reply by email. The checks word their problems in English for the operator's reports; the
common ones are told here in Vietnamese, with the row, the column and the fix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.ingest import readers
from monitor.ingest.batch import Outcome, Report
from notifiers import formatting

COLUMNS = {
    "target": "chỉ tiêu",
    "period": "kỳ",
    "value": "giá trị",
    "breakdown": "phân tổ",
    "basis": "cơ sở",
    "unit": "đơn vị",
    "status": "trạng thái",
    "note": "ghi chú",
}

# (pattern of the English reason, its Vietnamese wording); the first that matches is used.
REASONS: list[tuple[re.Pattern[str], str]] = [
    *readers.REASONS,  # the file's own: its type, its encoding, its layout
    (re.compile(r"(?P<series>\S+(?: \S+)?) belongs to (?P<owner>\S+); \S+ may send figures only for its own targets"),
     "chỉ tiêu {series} do {owner} phụ trách; đơn vị chỉ được gửi số liệu của chỉ tiêu mình phụ trách"),
    (re.compile(r"unknown target; did you mean '(?P<close>[^']+)'\?"), "không có chỉ tiêu này; có phải là '{close}'?"),
    (re.compile(r"unknown target.*"), "không có chỉ tiêu này; hãy dùng mã chỉ tiêu trong mẫu biểu"),
    (re.compile(r"missing; expected a target id"), "thiếu mã chỉ tiêu"),
    (re.compile(r"missing; expected a number"), "thiếu giá trị; hãy nhập một số"),
    (re.compile(r"outside the plan; expected a period from (?P<start>\S+) to (?P<end>\S+)"),
     "kỳ nằm ngoài năm kế hoạch; kỳ phải từ {start} đến {end}"),
    (re.compile(r"'[^']*' is ambiguous: (?P<whole>\S+) in Vietnamese format or (?P<plain>\S+) as a plain decimal; "
                r"write \S+ or (?P<comma>\S+)"),
     "không rõ nghĩa: {whole} (dấu chấm phân cách hàng nghìn) hay {plain}? Hãy viết {whole} hoặc {comma}"),
    (re.compile(r".* is not a number; expected .*"), "không phải là số; hãy viết ví dụ 7088,973 hoặc 7.088,973"),
    (re.compile(r"ambiguous.*write one of (?P<choices>.+)"), "không rõ nghĩa; hãy viết một trong: {choices}"),
    (re.compile(r"unknown part of (?P<target>\S+); expected one of (?P<choices>.+)"),
     "không có phân tổ này của {target}; phải là một trong: {choices}"),
    (re.compile(r"target (?P<target>\S+) has no breakdowns; leave the cell empty"),
     "chỉ tiêu {target} không có phân tổ; hãy để trống ô này"),
    (re.compile(r"repeats row (?P<row>\d+) .*"), "trùng với dòng {row}; mỗi chỉ tiêu và kỳ chỉ gửi một số liệu"),
    (re.compile(r"a rate must be between 0 and 100 %"), "tỷ lệ phải từ 0 đến 100 %"),
    (re.compile(r"negative; .*"), "số âm; số lũy kế không thể nhỏ hơn 0"),
    (re.compile(r"over (?P<n>\d+) times the year's target .*"),
     "lớn hơn {n} lần chỉ tiêu cả năm; nếu số liệu tính theo đơn vị khác, hãy ghi rõ ở cột đơn vị"),
    (re.compile(r"unknown unit.*"), "không rõ đơn vị; ví dụ 'tỷ đồng', 'triệu đồng', '%'"),
    (re.compile(r"cannot be converted to the target's unit '(?P<unit>[^']+)'"),
     "không đổi được sang đơn vị của chỉ tiêu ({unit})"),
    (re.compile(r"expected one of (?P<choices>.+)"), "phải là một trong: {choices}"),
    (re.compile(r"no data rows; .*"), "tệp không có dòng số liệu nào; cần các dòng chỉ tiêu, kỳ, giá trị"),
    (re.compile(r"the file is empty; .*"), "tệp trống; dòng đầu phải là tiêu đề: chỉ tiêu, kỳ, giá trị"),
    (re.compile(r"unsupported file type .*"), "loại tệp không được nhận; hãy gửi tệp .xlsx, .csv hoặc .json"),
    (re.compile(r"not a readable \.xlsx workbook.*"), "không đọc được tệp Excel (.xlsx); tệp có thể bị hỏng"),
    (re.compile(r"not UTF-8 text.*"), "tệp CSV không ở mã UTF-8; hãy lưu lại tệp dưới dạng CSV UTF-8"),
]  # fmt: skip
_ROW = re.compile(r"^(?:(?P<sheet>.+?) )?row (?P<row>\d+)(?: (?P<column>[a-z_]+)=(?P<value>.*?))?: (?P<why>.*)$")


def reason(text: str) -> str:
    """One problem's reason in Vietnamese (the English text where no wording is known)."""
    for pattern, wording in REASONS:
        found = pattern.fullmatch(text)
        if found:
            return wording.format(**found.groupdict())
    return text


def problem(text: str) -> str:
    """One problem of a report ("row 3 value='abc': …") in Vietnamese, row and column first."""
    found = _ROW.match(text)
    if not found:
        return reason(text)
    where = f"Dòng {found['row']}"
    if found["column"]:
        where += f", cột {COLUMNS.get(found['column'], found['column'])} ({found['value']})"
    return f"{where}: {reason(found['why'])}"


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
        count = len(report.errors) + report.more_errors
        problems = [problem(e) for e in report.errors]
        if report.more_errors:
            problems.append(f"… và {n(report.more_errors)} lỗi khác")
        return Told(False, f"Tệp bị từ chối, không số liệu nào được lưu ({n(count)} lỗi). Hãy sửa và gửi lại.",
                    problems)  # fmt: skip
    parts = [f"{n(report.new)} số liệu mới", f"{n(report.revised)} số liệu sửa đổi", f"{n(report.unchanged)} không đổi"]
    if report.kept_as_history:
        parts.append(f"{n(report.kept_as_history)} số ước tính chỉ lưu làm lịch sử (đã có số chính thức)")
    read = "".join(f" {reason(note)[:1].upper()}{reason(note)[1:]}." for note in report.notes)
    return Told(True, f"Đã nhận {n(report.rows)} dòng: {', '.join(parts)}.{read}", [])
