"""Write the example 2022 data set for the shipped plan into examples/2022/.

Run: .venv/bin/python examples/make_examples.py [FOLDER]

Realistic figures, in the formats departments send (CSV and Excel, Vietnamese headers and
numbers), numbered in the order they arrive:
- the Department of Planning and Investment's disbursement series, in total and by capital
  source, which falls behind from the second quarter (36.4 % by 31 July, as in 2021);
- budget revenue month by month, on its way;
- GRDP growth: a first-quarter estimate, later revised by the official figure;
- tourists, new jobs, unemployment, insurance coverage, the economic structure;
- the Statistics Office's six-month report in the official layout, as an Excel 97-2003 .xls
  (letterhead and title above the header, Vietnamese names and periods, merged cells, a total);
- and one report that never comes: the Department of Agriculture's grain output.

The .xls is written by LibreOffice (`soffice --headless --convert-to xls`) from a workbook made
here, once: the committed file is what departments' old Excel writes, and the test checks that its
cells are the ones below.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
PLAN_AMOUNT = Decimal("7088.973")  # targets/disbursement.yaml
# Share of the whole plan disbursed by the end of each month (Jan..Jul): 36.4 % by 31 July, far
# below the milestones (15 % by March, 40 % by June).
TOTAL_SHARES = [2.5, 5.5, 9.4, 14.6, 20.5, 27.6, 36.4]
# Share of each capital source's own plan disbursed by then: central budget and ODA far behind,
# as in 2021 (lines 809-813). The provincial budget makes up the rest of the total.
SOURCES = {
    "central-budget": (Decimal("991.3"), [0.5, 1.5, 3.0, 5.0, 7.0, 9.5, 11.5]),
    "oda": (Decimal("296.2"), [0.0, 1.0, 2.0, 4.0, 6.5, 9.0, 13.3]),
    "carried-over": (Decimal("402.161"), [4.0, 9.0, 15.0, 21.0, 27.0, 33.0, 38.2]),
}
MONTHS = [f"2022-{m:02d}" for m in range(1, 8)]


def vn(value: Decimal, places: int = 1) -> str:
    """Vietnamese number format, as departments type it: 7.088,973."""
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _xlsx(path: Path, header: list[str], rows: list[list[object]], percent_column: int | None = None) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Báo cáo"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if percent_column is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=percent_column, max_col=percent_column):
            cell.number_format = "0.0%"
    book.properties.creator = "plan-monitor examples"
    book.save(path)


def disbursement(folder: Path) -> None:
    rows: list[list[object]] = []
    for index, month in enumerate(MONTHS):
        total = (PLAN_AMOUNT * Decimal(str(TOTAL_SHARES[index])) / 100).quantize(Decimal("0.001"))
        parts = {
            key: (plan * Decimal(str(shares[index])) / 100).quantize(Decimal("0.001"))
            for key, (plan, shares) in SOURCES.items()
        }
        parts["provincial-budget"] = total - sum(parts.values())
        for key, amount in parts.items():
            rows.append(["public-investment-disbursement", month, float(amount), f"capital-source/{key}", "chính thức"])
        rows.append(["public-investment-disbursement", month, float(total), None, "chính thức"])
    _xlsx(folder / "07-so-khdt-giai-ngan-7-thang.xlsx", ["Chỉ tiêu", "Kỳ", "Giá trị", "Phân tổ", "Trạng thái"], rows)


def budget_revenue(folder: Path) -> None:
    ytd = [Decimal(v) for v in ("1310.4", "2395.8", "3870.2", "5012.6", "6498.3", "7905.1", "8652.0")]
    rows = [["budget-revenue", month, vn(value), "tỷ đồng"] for month, value in zip(MONTHS, ytd, strict=True)]
    _csv(folder / "06-so-tai-chinh-thu-ngan-sach.csv", ["chỉ tiêu", "kỳ", "giá trị", "đơn vị"], rows)


def grdp(folder: Path) -> None:
    estimate = [
        ["grdp-growth", "2022-Q1", "7,2", "ước"],
        ["grdp-growth-industry-construction", "2022-Q1", "9,1", "ước"],
        ["grdp-growth-services", "2022-Q1", "4,8", "ước"],
        ["grdp-growth-agriculture", "2022-Q1", "1,9", "ước"],
    ]
    _csv(folder / "01-cuc-thong-ke-grdp-quy-1-uoc.csv", ["target", "period", "value", "status"], estimate)
    official = [
        ["grdp-growth", "2022-Q1", "6,9", "chính thức"],  # the estimate, revised down
        ["grdp-growth-industry-construction", "2022-Q1", "8,7", "chính thức"],
        ["grdp-growth-services", "2022-Q1", "4,8", "chính thức"],
        ["grdp-growth-agriculture", "2022-Q1", "1,9", "chính thức"],
        ["grdp-growth", "2022-H1", "8,2", "ước"],
        ["grdp-growth-industry-construction", "2022-H1", "11,4", "ước"],
        ["grdp-growth-services", "2022-H1", "5,6", "ước"],
        ["grdp-growth-agriculture", "2022-H1", "2,1", "ước"],
    ]
    _csv(folder / "05-cuc-thong-ke-grdp-6-thang.csv", ["target", "period", "value", "status"], official)
    structure = [
        ["economic-structure", "2022-H1", "58,6", "industry-construction"],
        ["economic-structure", "2022-H1", "24,5", "services"],
        ["economic-structure", "2022-H1", "16,9", "agriculture"],
    ]
    _csv(folder / "05-cuc-thong-ke-co-cau-kinh-te-6-thang.csv", ["target", "period", "value", "breakdown"], structure)


def tourism(folder: Path) -> None:
    ytd = [58_000, 190_000, 305_000, 372_000, 441_000, 545_000, 640_000]
    # Whole numbers go without grouping: "58.000" could be 58 thousand or 58, and is refused.
    rows = [["tourist-arrivals", m, str(v)] for m, v in zip(MONTHS, ytd, strict=True)]
    _csv(folder / "07-so-vhttdl-khach-du-lich.csv", ["target", "period", "value"], rows)


def labour(folder: Path) -> None:
    rows = [
        ["new-jobs", "2022-Q1", "7450", ""],
        ["new-jobs", "2022-Q2", "15980", "lũy kế 6 tháng"],
        ["urban-unemployment", "2022-Q1", "3,1", ""],
        ["urban-unemployment", "2022-Q2", "3,0", ""],
    ]
    _csv(folder / "04-so-ldtbxh-lao-dong-viec-lam.csv", ["target", "period", "value", "note"], rows)


def insurance(folder: Path) -> None:
    rows: list[list[object]] = [
        ["health-insurance-coverage", "2022-Q1", 0.989],
        ["health-insurance-coverage", "2022-Q2", 0.990],
        ["social-insurance-participation", "2022-Q1", 0.353],
        ["social-insurance-participation", "2022-Q2", 0.358],
    ]
    _xlsx(folder / "03-bhxh-bao-hiem.xlsx", ["target", "period", "value"], rows, percent_column=3)


OFFICIAL = "05-cuc-thong-ke-bao-cao-6-thang.xls"
H1 = "6 tháng đầu năm 2022"
# The Statistics Office's report as it lays it out: the letterhead, the title, the unit, the
# header, the numbering of the columns, section headings, each target's name merged down beside
# its periods or parts, and the 100 % of the shares (a sum, skipped).
OFFICIAL_ROWS: list[list[object]] = [
    ["CỤC THỐNG KÊ TỈNH BẮC GIANG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None],
    [None, None, None, "Độc lập - Tự do - Hạnh phúc", None, None],
    [None, None, None, None, None, None],
    ["BÁO CÁO MỘT SỐ CHỈ TIÊU KINH TẾ 6 THÁNG ĐẦU NĂM 2022", None, None, None, None, None],
    ["(Kèm theo Báo cáo số 125/BC-CTK ngày 05/7/2022 của Cục Thống kê)", None, None, None, None, None],
    [None, None, None, None, "Đơn vị tính: %", None],
    ["STT", "Chỉ tiêu", "Phân tổ", "Kỳ", "Giá trị", "Trạng thái"],
    ["A", "B", "C", "D", "1", "2"],
    ["I", "TĂNG TRƯỞNG KINH TẾ", None, None, None, None],
    [1, "Tốc độ tăng giá trị tăng thêm công nghiệp", None, "Quý I/2022", 9.6, "chính thức"],
    [None, None, None, H1, 12.3, "ước"],
    [2, "Tốc độ tăng giá trị tăng thêm xây dựng", None, "Quý I/2022", 5.1, "chính thức"],
    [None, None, None, H1, 6.4, "ước"],
    [3, "Tốc độ tăng thuế sản phẩm", None, H1, 3.9, "ước"],
    ["II", "CƠ CẤU KINH TẾ", None, None, None, None],
    [4, "Cơ cấu kinh tế", "Công nghiệp - xây dựng", H1, 58.6, None],
    [None, None, "Dịch vụ (bao gồm cả thuế sản phẩm)", H1, 24.5, None],
    [None, None, "Nông, lâm nghiệp, thuỷ sản", H1, 16.9, None],
    [None, None, "Tổng số", H1, 100, None],
]
OFFICIAL_MERGES = ["A1:C1", "D1:F1", "D2:F2", "A4:F4", "A5:F5", "E6:F6", "B10:B11", "B12:B13", "B16:B19"]


def official_report(folder: Path) -> None:
    """The six-month report, written as .xls by LibreOffice; left as it is without LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"LibreOffice (soffice) is not installed: {OFFICIAL} is left as it is", file=sys.stderr)
        return
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Báo cáo 6 tháng"
    for row in OFFICIAL_ROWS:
        sheet.append(row)
    for merged in OFFICIAL_MERGES:
        sheet.merge_cells(merged)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / OFFICIAL.replace(".xls", ".xlsx")
        book.save(source)
        profile = Path(scratch) / "profile"  # its own profile: no other LibreOffice is disturbed
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip


def write_examples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for make in (grdp, insurance, labour, budget_revenue, tourism, disbursement):
        make(folder)
    return sorted(folder.iterdir())


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "2022"
    for path in write_examples(target):
        print(path)
    official_report(target)
    print(target / OFFICIAL)
