"""The progress report as files: HTML (jinja2), PDF (WeasyPrint, A4, its fonts embedded) and XLSX
(openpyxl, numbers as numbers). Each renderer takes the same `ProgressReport`."""

from __future__ import annotations

import io
from decimal import Decimal, localcontext

from notifiers import formatting
from notifiers.render import Templates
from notifiers.report import ProgressReport

XLSX_COLUMNS = (
    ("STT", 6),
    ("Chỉ tiêu", 60),
    ("Đơn vị tính", 14),
    ("Kế hoạch năm", 14),
    ("Thực hiện", 14),
    ("Kỳ", 22),
    ("% kế hoạch", 11),
    ("Cùng kỳ năm trước", 14),
    ("Đánh giá", 16),
)
LAGGING_COLUMNS = (
    ("STT", 8),
    ("Chỉ tiêu", 50),
    ("Phần", 30),
    ("Tình trạng", 18),
    ("Thực hiện", 14),
    ("Kỳ", 22),
    ("Yêu cầu", 14),
    ("Dự báo cả năm (% kế hoạch)", 14),
    ("Đánh giá", 50),
    ("Đơn vị chủ trì", 30),
    ("Giải trình", 60),
)
NUMBER_FORMAT = "#,##0.###"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_file(report: ProgressReport, fmt: str, templates: Templates | None = None) -> bytes:
    """The report written in one of `CONTENT_TYPES`' formats: html, pdf or xlsx."""
    if fmt == "pdf":
        return render_report_pdf(report, templates)
    if fmt == "xlsx":
        return render_report_xlsx(report)
    if fmt == "html":
        return render_report_html(report, templates).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(CONTENT_TYPES)}")


def report_file_name(report: ProgressReport, fmt: str, owner: str | None = None) -> str:
    """`bao-cao-tien-do-2022-07-31.pdf`, with the department's id when it is one department's."""
    return f"bao-cao-tien-do-{report.as_of.isoformat()}{f'-{owner}' if owner else ''}.{fmt}"


def render_report_html(report: ProgressReport, templates: Templates | None = None) -> str:
    """The report as a page of its own: readable on a screen, printable as it is."""
    return (templates or Templates()).render("report.html", report=report)


class PdfUnavailableError(RuntimeError):
    """The PDF cannot be made on this machine: a system library it needs is missing."""


def render_report_pdf(report: ProgressReport, templates: Templates | None = None) -> bytes:
    """The report on A4 pages (landscape), the fonts it uses embedded so any reader shows the
    Vietnamese letters."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]  # slow to import: only when a PDF is asked for
    except OSError as exc:  # WeasyPrint loads Pango, a system library, as it is imported
        raise PdfUnavailableError(
            "the PDF needs the Pango library, which this machine lacks "
            "(Debian, Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0); the html and xlsx forms need nothing"
        ) from exc

    pdf = HTML(string=render_report_html(report, templates)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_report_xlsx(report: ProgressReport) -> bytes:
    """The report as a workbook: the table on the first sheet, the items behind on the second;
    figures are numbers (not text), so they can be summed and charted."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Báo cáo"
    sheet.append([report.title])
    place = f"{report.province}: số liệu đến ngày {formatting.day(report.as_of)}"
    if report.department:
        place += f"; chỉ tiêu do {report.department} chủ trì"
    sheet.append([place])
    sheet.append(
        [f"{report.met_sentence} ({report.status_sentence})" if report.status_sentence else report.met_sentence]
    )
    sheet.append([])
    sheet.append([name for name, _ in XLSX_COLUMNS])
    header_row = sheet.max_row
    bold = Font(bold=True)
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=13)
    for section in report.sections:
        sheet.append([section.key, section.title])
        for title in sheet[sheet.max_row]:
            title.font = bold
        for row in section.rows:
            sheet.append(
                [
                    row.number,
                    ("    " if row.level else "") + row.name,
                    row.unit,
                    row.plan_value if row.plan_value is not None else row.plan_text,
                    (row.actual),
                    (formatting.period(row.period) + (" (ước)" if row.estimate else "")) if row.period else None,
                    _places(row.share_of_plan, 1),
                    (row.previous),
                    row.assessment,
                ]
            )
            for column in (4, 5, 7, 8):
                sheet.cell(sheet.max_row, column).number_format = NUMBER_FORMAT
    for index, (_, width) in enumerate(XLSX_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"C{header_row + 1}"

    behind = book.create_sheet("Chỉ tiêu chậm")
    behind.append([name for name, _ in LAGGING_COLUMNS])
    for heading in behind[1]:
        heading.font = bold
    for item in report.lagging:
        ack = item.explanation
        explained = (
            f"Kỳ {formatting.period(ack.period)} ({ack.by}): nguyên nhân: {ack.cause}; giải pháp: {ack.remedy}"
            + (f"; dự kiến khắc phục: {formatting.day(ack.expected)}" if ack.expected else "")
            if ack
            else "Chưa có giải trình"
        )
        behind.append(
            [
                item.number,
                item.name,
                item.part or None,
                item.status_name,
                (item.actual),
                formatting.period(item.period) if item.period else None,
                _places(item.required, 3),
                _places(item.projected_pct, 1),
                item.reason,
                item.owner,
                explained,
            ]
        )
    for index, (_, width) in enumerate(LAGGING_COLUMNS, start=1):
        behind.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REPORT_CONTENT_TYPES = CONTENT_TYPES


def _places(value: Decimal | None, places: int) -> Decimal | None:
    """`value` rounded to `places` decimals for a cell, whatever its size (up to the stores' 30 digits)."""
    if value is None:
        return None
    with localcontext(prec=formatting.PRECISION):
        return value.quantize(Decimal(1).scaleb(-places))
