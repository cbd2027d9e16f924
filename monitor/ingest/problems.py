"""What can be wrong with a data file, each problem with a code and its words at the source.

A `Problem` is located (the row, 0 for the whole file; the column; the cell as written) and
carries the facts its words name. Its words come from `WORDINGS`, one entry per `Code`: in
Vietnamese, with the fix, for the department that sent the file (the portal's page, the reply by
email); in English for the operator's command line, log and ``rejected/`` reports.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from xml.etree.ElementTree import ParseError

from monitor.ingest.columns import EncodingError, WorkbookError
from monitor.ingest.readers import FORMATS
from monitor.ingest.shown import quoted


class Code(StrEnum):
    """Every problem a data file can have."""

    # The file as a whole
    FILE_TOO_BIG = "file-too-big"
    FILE_UNREADABLE = "file-unreadable"  # the reader's own account of what it could not read
    FILE_TYPE = "file-type"
    FILE_EMPTY = "file-empty"
    FILE_ENCODING = "file-encoding"
    FILE_DAMAGED = "file-damaged"
    FILE_JSON = "file-json"
    FILE_FAILED = "file-failed"  # an unforeseen failure while reading or storing it
    NO_ROWS = "no-rows"
    # Its place in the inbox
    INBOX_NO_SENDER = "inbox-no-sender"
    INBOX_NOT_DEPARTMENT = "inbox-not-department"
    INBOX_FOLDER_LINK = "inbox-folder-link"
    INBOX_LINK = "inbox-link"
    INBOX_FILE_LINK = "inbox-file-link"
    INBOX_NOT_FILE = "inbox-not-file"
    INBOX_FILE_NAME = "inbox-file-name"
    # A row
    ROW_UNREADABLE = "row-unreadable"  # the reader's account of a row it could not split into cells
    TARGET_MISSING = "target-missing"
    TARGET_UNKNOWN = "target-unknown"
    TARGET_CLOSE = "target-close"  # unknown, with the closest ids
    TARGET_SEVERAL = "target-several"
    NOT_OWNER = "not-owner"
    PERIOD_UNREADABLE = "period-unreadable"
    PERIOD_OUTSIDE = "period-outside"
    PERIOD_DATE_BASIS = "period-date-basis"
    SHARE_UNKNOWN = "share-unknown"
    PART_UNKNOWN = "part-unknown"
    PART_NONE = "part-none"
    PART_AMBIGUOUS = "part-ambiguous"
    CHOICE_UNKNOWN = "choice-unknown"
    VALUE_MISSING = "value-missing"
    VALUE_EMPTY = "value-empty"
    VALUE_NOT_NUMBER = "value-not-number"
    VALUE_AMBIGUOUS = "value-ambiguous"
    VALUE_TOO_LONG = "value-too-long"
    VALUE_TRUE_FALSE = "value-true-false"
    VALUE_NOT_FINITE = "value-not-finite"
    VALUE_KIND = "value-kind"
    PERCENT_FOR_AMOUNT = "percent-for-amount"
    RATE_RANGE = "rate-range"
    NEGATIVE = "negative"
    OVER_MULTIPLE = "over-multiple"
    UNIT_UNKNOWN = "unit-unknown"
    UNIT_MISMATCH = "unit-mismatch"
    REPEATED = "repeated"
    # Implausible figures, held unless the row is marked as a correction
    BELOW_EARLIER = "below-earlier"
    OVER_HUNDRED = "over-hundred"
    JUMP = "jump"
    CORRECTION_UNKNOWN = "correction-unknown"
    NOTE_NUL = "note-nul"  # a note holding a NUL character, which no text has and no store keeps


@dataclass(frozen=True)
class Wording:
    """A problem's words: English (the operator's), and Vietnamese with its fix (the department's).
    Each is a `str.format` template of the problem's facts."""

    english: str
    vietnamese: str
    fix: str = ""


_READ_AS = "hãy viết số như 7088,973 hoặc 7.088,973"
_SEND_FORMATS = "hãy gửi tệp .xlsx, .xls, .ods, .csv hoặc .json, dòng đầu là tiêu đề: chỉ tiêu, kỳ, giá trị"
_OWN_FOLDER = "hãy chép tệp vào thư mục inbox/<mã đơn vị>/ của đơn vị mình"
WORDINGS: dict[Code, Wording] = {
    Code.FILE_TOO_BIG: Wording("the file is {size}; files of at most {most} are taken (setting max_file_mb): "
                               "split it into smaller files", "tệp quá lớn ({size}); chỉ nhận tệp đến {most}",
                               "hãy chia số liệu thành nhiều tệp nhỏ hơn"),
    Code.FILE_UNREADABLE: Wording("{reason}", "không đọc được tệp (chi tiết: {reason})", _SEND_FORMATS),
    Code.FILE_TYPE: Wording("{reason}", "loại tệp không được nhận", _SEND_FORMATS),
    Code.FILE_EMPTY: Wording("{reason}", "tệp trống", "dòng đầu phải là tiêu đề: chỉ tiêu, kỳ, giá trị"),
    Code.FILE_ENCODING: Wording("{reason}", "tệp CSV không ở mã UTF-8 (chi tiết: {reason})",
                                "hãy lưu lại tệp dưới dạng CSV UTF-8"),
    Code.FILE_DAMAGED: Wording("{reason}", "không đọc được tệp bảng tính; tệp có thể bị hỏng (chi tiết: {reason})",
                               "hãy lưu lại tệp trong Excel hoặc LibreOffice rồi gửi lại"),
    Code.FILE_JSON: Wording("{reason}", "tệp JSON không đúng cú pháp (chi tiết: {reason})",
                            "hãy kiểm tra lại tệp, hoặc gửi tệp .xlsx hay .csv"),
    Code.FILE_FAILED: Wording("could not be read or stored: {reason}",
                              "không đọc hoặc lưu được tệp do lỗi của hệ thống (chi tiết: {reason})",
                              "hãy báo cho quản trị hệ thống; không số liệu nào được lưu"),
    Code.NO_ROWS: Wording("no data rows; expected rows of target, period, value",
                          "tệp không có dòng số liệu nào", "cần các dòng có chỉ tiêu, kỳ, giá trị"),
    Code.INBOX_NO_SENDER: Wording("a file at the top of the inbox has no sender; {where}",
                                  "tệp ở ngay thư mục inbox/ không rõ đơn vị gửi", _OWN_FOLDER),
    Code.INBOX_NOT_DEPARTMENT: Wording("the folder {folder} is not a department's folder; {where}",
                                       "thư mục {folder} không phải thư mục của một đơn vị", _OWN_FOLDER),
    Code.INBOX_FOLDER_LINK: Wording(
        "the folder {folder} is a link to another place; the inbox takes only what is put in it: "
        "make inbox/{name}/ a folder of its own",
        "thư mục {folder} là liên kết tới nơi khác", "thư mục inbox/{name}/ phải là một thư mục thật"),
    Code.INBOX_LINK: Wording("{folder} is a link to another place; {where}",
                             "{folder} là liên kết tới nơi khác", _OWN_FOLDER),
    Code.INBOX_FILE_LINK: Wording("the file is a link to another place; the inbox takes only files copied into it",
                                  "tệp là liên kết tới nơi khác", "hãy chép chính tệp số liệu vào thư mục"),
    Code.INBOX_NOT_FILE: Wording("not a regular file; the inbox takes only files copied into it",
                                 "đây không phải là một tệp thông thường", "hãy chép chính tệp số liệu vào thư mục"),
    Code.INBOX_FILE_NAME: Wording("the file name is not UTF-8 text; rename the file (letters, digits, '-', '.')",
                                  "tên tệp không đọc được (không ở mã UTF-8)",
                                  "hãy đặt lại tên tệp bằng chữ, chữ số, '-' và '.'"),
    Code.ROW_UNREADABLE: Wording("{reason}", "không đọc được dòng này thành các ô (chi tiết: {reason})",
                                 "mỗi dòng có đúng các cột của dòng tiêu đề"),
    Code.TARGET_MISSING: Wording("missing; expected a target id", "thiếu mã chỉ tiêu",
                                 "hãy ghi mã chỉ tiêu trong mẫu biểu"),
    Code.TARGET_UNKNOWN: Wording("unknown target; see plan-monitor targets", "không có chỉ tiêu này",
                                 "hãy dùng mã chỉ tiêu trong mẫu biểu"),
    Code.TARGET_CLOSE: Wording("unknown target; did you mean {close}?", "không có chỉ tiêu này",
                               "có phải là {close_vi}?"),
    Code.TARGET_SEVERAL: Wording("names several targets ({ids}); write the id of one",
                                 "tên này chỉ nhiều chỉ tiêu ({ids_vi})", "hãy ghi mã của một chỉ tiêu"),
    Code.NOT_OWNER: Wording("{series} belongs to {owner}; {writer} may send figures only for its own targets",
                            "chỉ tiêu {series} do {owner} phụ trách",
                            "đơn vị chỉ được gửi số liệu của chỉ tiêu mình phụ trách"),
    Code.PERIOD_UNREADABLE: Wording("{reason}", "không đọc được kỳ báo cáo",
                                    "hãy viết ví dụ 2022-07, Tháng 7/2022, Quý I/2022, 6 tháng đầu năm 2022 "
                                    "hoặc Năm 2022"),
    Code.PERIOD_OUTSIDE: Wording("outside the plan; expected a period from {start} to {end}",
                                 "kỳ nằm ngoài năm kế hoạch", "kỳ phải từ {start_vi} đến {end_vi}"),
    Code.PERIOD_DATE_BASIS: Wording("a single-period figure needs a month, quarter, half or year, not a date",
                                    "số liệu trong kỳ phải ứng với một tháng, quý, 6 tháng hoặc năm, không phải "
                                    "một ngày", "hãy ghi kỳ là tháng, quý hoặc năm, hoặc ghi cơ sở là 'lũy kế'"),
    Code.SHARE_UNKNOWN: Wording("a share of {target}; expected one of {choices}",
                                "chỉ tiêu {target} là cơ cấu; phân tổ phải là một trong: {choices}"),
    Code.PART_UNKNOWN: Wording("unknown part of {target}; expected one of {choices}",
                               "không có phân tổ này của {target}", "phải là một trong: {choices_vi}"),
    Code.PART_NONE: Wording("target {target} has no breakdowns; leave the cell empty",
                            "chỉ tiêu {target} không có phân tổ", "hãy để trống ô này"),
    Code.PART_AMBIGUOUS: Wording("ambiguous; write one of {choices}", "không rõ là phân tổ nào",
                                 "hãy viết một trong: {choices}"),
    Code.CHOICE_UNKNOWN: Wording("expected one of {choices}", "giá trị không hợp lệ", "phải là một trong: {choices}"),
    Code.VALUE_MISSING: Wording("missing; expected a number", "thiếu giá trị", "hãy nhập một số"),
    Code.VALUE_EMPTY: Wording("expected a number, found an empty cell", "ô giá trị trống", "hãy nhập một số"),
    Code.VALUE_NOT_NUMBER: Wording("{found} is not a number; expected e.g. 7088.973, 7.088,973 or 36,4%",
                                   "không phải là số", _READ_AS + " hoặc 36,4%"),
    Code.VALUE_AMBIGUOUS: Wording("{found} is ambiguous: {whole} in Vietnamese format or {plain} as a plain decimal; "
                                  "write {whole} or {comma}",
                                  "không rõ nghĩa: {whole} (dấu chấm phân cách hàng nghìn) hay {plain}?",
                                  "Hãy viết {whole} hoặc {comma}"),
    Code.VALUE_TOO_LONG: Wording("a figure has at most {digits} digits; expected e.g. 7088.973",
                                 "số có quá nhiều chữ số (tối đa {digits})", _READ_AS),
    Code.VALUE_TRUE_FALSE: Wording("expected a number, found a true/false cell",
                                   "ô chứa giá trị đúng/sai, không phải số", "hãy nhập một số"),
    Code.VALUE_NOT_FINITE: Wording("expected a number", "không phải là một số hữu hạn", "hãy nhập một số"),
    Code.VALUE_KIND: Wording("expected a number, found {kind}", "không phải là số", "hãy nhập một số"),
    Code.PERCENT_FOR_AMOUNT: Wording("a percentage for a target in {unit}; report the amount in {unit}",
                                     "chỉ tiêu tính bằng {unit}, không phải tỷ lệ phần trăm",
                                     "hãy ghi số lượng theo {unit}"),
    Code.RATE_RANGE: Wording("a rate must be between 0 and 100 %", "tỷ lệ phải từ 0 đến 100 %"),
    Code.NEGATIVE: Wording("negative; a year-to-date total cannot be below zero",
                           "số âm; số lũy kế không thể nhỏ hơn 0"),
    Code.OVER_MULTIPLE: Wording("over {times} times the year's target ({target_value} {unit}); "
                                "if the figure is in another unit, say so in a 'unit' column",
                                "lớn hơn {times} lần chỉ tiêu cả năm ({target_value_vi} {unit})",
                                "nếu số liệu tính theo đơn vị khác, hãy ghi rõ ở cột đơn vị"),
    Code.UNIT_UNKNOWN: Wording("unknown unit; expected e.g. 'tỷ đồng', 'triệu đồng', '%'", "không rõ đơn vị",
                               "ví dụ 'tỷ đồng', 'triệu đồng', '%'"),
    Code.UNIT_MISMATCH: Wording("cannot be converted to the target's unit '{unit}'",
                                "không đổi được sang đơn vị của chỉ tiêu ({unit})"),
    Code.REPEATED: Wording("repeats row {first} ({what}); send one figure per target and period",
                           "trùng với dòng {first} ({what})", "mỗi chỉ tiêu và kỳ chỉ gửi một số liệu"),
    Code.BELOW_EARLIER: Wording(
        "a year-to-date figure below the {earlier_value} {unit} of {earlier} ({source}); "
        "a year-to-date total does not fall: if this figure corrects that one, mark the row as a correction",
        "số lũy kế nhỏ hơn số {earlier_value_vi} {unit} của kỳ trước ({earlier_vi}, {source_vi})",
        "số lũy kế không giảm; nếu đây là số điều chỉnh, hãy ghi 'có' ở cột điều chỉnh"),
    Code.OVER_HUNDRED: Wording(
        "a rate must be between 0 and 100 % unless the row is marked as a correction (the figure is right)",
        "tỷ lệ lớn hơn 100 %", "hãy kiểm tra lại; nếu đây là số đúng, hãy ghi 'có' ở cột điều chỉnh"),
    Code.JUMP: Wording(
        "changes by {change} % from the {earlier_value} {unit} of {earlier} ({source}); at most {bound} % is "
        "expected (the target's max_jump): if the figure is right, mark the row as a correction",
        "thay đổi {change_vi} % so với số {earlier_value_vi} {unit} của kỳ {earlier_vi} ({source_vi}), vượt mức "
        "{bound_vi} % của chỉ tiêu",
        "hãy kiểm tra lại; nếu đây là số đúng, hãy ghi 'có' ở cột điều chỉnh"),
    Code.CORRECTION_UNKNOWN: Wording("expected yes or no (có/không)", "giá trị không hợp lệ",
                                     "cột điều chỉnh ghi 'có' hoặc để trống"),
    Code.NOTE_NUL: Wording("the note holds a NUL character (\\x00); expected text: was the file saved as text?",
                           "ghi chú có ký tự NUL (\\x00), không phải chữ",
                           "hãy xóa ký tự đó hoặc lưu lại tệp dưới dạng CSV UTF-8"),
}  # fmt: skip

# The columns of a data file, as a department names them.
COLUMNS = {
    "target": "chỉ tiêu",
    "period": "kỳ",
    "value": "giá trị",
    "breakdown": "phân tổ",
    "basis": "cơ sở",
    "unit": "đơn vị",
    "status": "trạng thái",
    "note": "ghi chú",
    "correction": "điều chỉnh",
}


@dataclass(frozen=True)
class Problem:
    """One problem of a data file: what (`code`), where (`row`, 0 for the whole file; `column`;
    the cell as written, `value`), and the facts its words name."""

    code: Code
    row: int = 0
    column: str = ""
    value: str = ""
    facts: Mapping[str, str] = field(default_factory=dict)

    @property
    def wording(self) -> Wording:
        return WORDINGS[self.code]

    @property
    def reason(self) -> str:
        """What is wrong, in English."""
        return self.wording.english.format_map(self.facts)

    def __str__(self) -> str:
        """The problem in English, where first: ``row 3 value='abc': …``."""
        if not self.row:
            return self.reason
        cell = f" {self.column}={quoted(self.value)}" if self.column else ""
        return f"row {self.row}{cell}: {self.reason}"

    @property
    def vietnamese(self) -> str:
        """The problem in Vietnamese, where first, then the fix: ``Dòng 3, cột giá trị ('abc'): …``."""
        wording = self.wording
        text = wording.vietnamese.format_map(self.facts)
        if wording.fix:
            text += (" " if text.endswith("?") else "; ") + wording.fix.format_map(self.facts)
        if not self.row:
            return text
        where = f"Dòng {self.row}"
        if self.column:
            where += f", cột {COLUMNS.get(self.column, self.column)} ({quoted(self.value)})"
        return f"{where}: {text}"


def file_problem(exc: Exception, path: Path) -> Problem:
    """What a reader's `FileError` (or an `OSError`) says about `path`, coded by what it is: the
    file's type, an empty file, the cause the reader kept (an encoding, a damaged workbook,
    broken JSON), or else the reader's own words."""
    reason, cause = str(exc), exc.__cause__
    if isinstance(exc, OSError) and exc.strerror:  # the path is the report's already
        reason = f"cannot read the file: {exc.strerror}"
    if path.suffix.lower() not in FORMATS:
        return problem(Code.FILE_TYPE, reason=reason)
    if isinstance(exc, EncodingError) or isinstance(cause, UnicodeError):
        return problem(Code.FILE_ENCODING, reason=reason)
    if isinstance(cause, json.JSONDecodeError):
        return problem(Code.FILE_JSON, reason=reason)
    if isinstance(exc, WorkbookError) or isinstance(cause, zipfile.BadZipFile | ParseError | KeyError):
        return problem(Code.FILE_DAMAGED, reason=reason)
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False
    return problem(Code.FILE_EMPTY if empty else Code.FILE_UNREADABLE, reason=reason)


def problem(code: Code, row: int = 0, column: str = "", value: str = "", **facts: str) -> Problem:
    """A `Problem`, its facts given by name."""
    return Problem(code, row, column, value, facts)
