"""The Excel template a department downloads (`/mau-bieu.xlsx`): its own targets and parts, the
periods now due, data-validation lists for target, part, period and status, the names, units and
period labels officials use on a second sheet, and instructions on a third. Filled in and sent
back (uploaded, or dropped in its inbox folder), it is read by the same ingestion."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import rights
from monitor.mail.compose import part_name
from monitor.web.app import Portal
from monitor.web.uploads import due_periods
from monitor.web.visitors import Visitor, members_only
from notifiers import formatting

DATA, LISTS, HOWTO = "Số liệu", "Danh mục", "Hướng dẫn"
ROWS = 300  # rows with validation lists in the data sheet
# The data sheet's columns: header (read by the ingestion, or shown only), width.
COLUMNS = [("chỉ tiêu", 34), ("tên chỉ tiêu", 48), ("phân tổ", 30), ("kỳ", 12), ("giá trị", 16),
           ("đơn vị", 12), ("trạng thái", 14), ("ghi chú", 30), ("điều chỉnh", 12)]  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDE7F3")


def template(portal: Portal, department_id: str) -> bytes:
    """The department's template, as the bytes of an .xlsx workbook."""
    plan = portal.plan
    writable = rights.writable(plan, department_id)
    book = Workbook()
    data = book.active
    assert isinstance(data, Worksheet)
    data.title = DATA
    lists = book.create_sheet(LISTS)
    howto = book.create_sheet(HOWTO)
    targets = [(w.target.id, f"{w.target.label} {w.target.name}", w.target.unit) for w in writable]
    parts = [(k, f"{w.target.id}: {part_name(w.target, k)}") for w in writable for k in w.parts]
    codes: dict[str, None] = {}
    for w in writable:
        codes.update(dict.fromkeys(p.label for p in due_periods(portal, w)))
    periods = sorted(codes, reverse=True)
    _lists(lists, targets, parts, periods)
    _data(data, len(targets), len(parts), len(periods))
    department = plan.departments[department_id]
    _howto(howto, department.name, plan.info.title, department_id)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lists(
    sheet: Worksheet, targets: list[tuple[str, str, str]], parts: list[tuple[str, str]], periods: list[str]
) -> None:
    sheet.append(["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị", "", "Mã phân tổ", "Tên phân tổ", "", "Mã kỳ", "Tên kỳ"])
    for cell in sheet[1]:
        cell.font = BOLD
    for n in range(max(len(targets), len(parts), len(periods))):
        row: list[object] = ["", "", "", "", "", "", "", "", ""]
        if n < len(targets):
            row[0:3] = targets[n]
        if n < len(parts):
            row[4:6] = parts[n]
        if n < len(periods):
            row[7:9] = [periods[n], formatting.period(periods[n])]
        sheet.append(row)
    for column, width in zip("ABCDEFGHI", (34, 60, 12, 3, 36, 60, 3, 12, 26), strict=True):
        sheet.column_dimensions[column].width = width


def _data(sheet: Worksheet, targets: int, parts: int, periods: int) -> None:
    sheet.append([name for name, _ in COLUMNS])
    for n, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.cell(1, n).font = BOLD
        sheet.cell(1, n).fill = HEAD
    sheet.freeze_panes = "A2"
    last = ROWS + 1
    for row in range(2, last + 1):  # the name and unit beside the id, looked up by Excel
        sheet.cell(row, 2, f"=IFERROR(VLOOKUP(A{row},'{LISTS}'!$A:$B,2,FALSE),\"\")")
        sheet.cell(row, 6).number_format = "@"
    _validation(sheet, "A", _range("A", targets), "Chỉ tiêu", "Chọn mã chỉ tiêu trong danh sách.")
    if parts:
        _validation(sheet, "C", _range("E", parts), "Phân tổ", "Để trống cho số tổng; hoặc chọn một phân tổ.")
    _validation(sheet, "D", _range("H", periods), "Kỳ", "Chọn kỳ báo cáo trong danh sách.")
    _validation(sheet, "G", ['"chính thức,ước"'], "Trạng thái", "chính thức hoặc ước.")
    _validation(sheet, "I", ['"có"'], "Điều chỉnh", "'có' cho số điều chỉnh; để trống nếu không.")


def _range(column: str, count: int) -> list[str]:
    return [f"'{LISTS}'!${column}$2:${column}${max(count, 1) + 1}"]


def _validation(sheet: Worksheet, column: str, source: Sequence[str], title: str, prompt: str) -> None:
    check = DataValidation(type="list", formula1=source[0], allow_blank=True, showErrorMessage=True,
                           errorTitle=title, error=prompt, promptTitle=title, prompt=prompt)  # fmt: skip
    check.add(f"{column}2:{column}{ROWS + 1}")
    sheet.add_data_validation(check)


def _howto(sheet: Worksheet, department: str, title: str, department_id: str) -> None:
    lines = [
        f"Mẫu biểu số liệu của {department} — {title}",
        "",
        "1. Ở trang 'Số liệu', mỗi dòng là một số liệu: chọn mã chỉ tiêu (cột A), phân tổ nếu có (cột C), "
        "kỳ báo cáo (cột D), rồi nhập giá trị (cột E).",
        "2. Giá trị là số, theo đơn vị của chỉ tiêu (trang 'Danh mục'); số thập phân viết như 7088,973. "
        "Nếu số liệu theo đơn vị khác (ví dụ triệu đồng), ghi đơn vị ở cột F.",
        "3. Trạng thái: 'chính thức' (mặc định) hoặc 'ước' cho số ước tính; số ước tính không thay số chính thức.",
        "4. Cột 'tên chỉ tiêu' chỉ để xem; không cần nhập. Không đổi tên các cột và không thêm cột.",
        "5. Gửi tệp trên cổng thông tin (mục 'Gửi tệp số liệu'), hoặc chép vào thư mục "
        f"inbox/{department_id}/ của hệ thống.",
        "6. Tệp được kiểm tra toàn bộ: nếu có dòng sai, không số liệu nào được lưu và từng lỗi được chỉ ra "
        "kèm số dòng; sửa rồi gửi lại. Gửi lại số liệu của cùng chỉ tiêu và kỳ sẽ thay số cũ (số cũ vẫn được lưu).",
        "7. Đơn vị chỉ gửi được số liệu cho các chỉ tiêu mình phụ trách (danh sách ở trang 'Danh mục').",
        "8. Số không hợp lý bị giữ lại: số lũy kế nhỏ hơn số lũy kế của kỳ trước trong năm, tỷ lệ trên 100 %, "
        "hoặc thay đổi quá mức cho phép so với kỳ trước. Nếu đó là số đúng (số điều chỉnh), ghi 'có' ở cột "
        "'điều chỉnh' (cột I).",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 140


@members_only
async def download(request: Request, visitor: Visitor) -> Response:
    body = await run_in_threadpool(template, visitor.portal, visitor.department_id)
    name = f"mau-bieu-{visitor.department_id}.xlsx"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store",
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    return Response(body, media_type=XLSX, headers=headers)


routes = [Route("/mau-bieu.xlsx", download, methods=["GET"])]
