"""A department's report in the official layout, as the tests read it in each workbook format.

`write_xlsx` writes it with openpyxl; the .xls and .ods beside the tests (files/) were written
from that workbook by LibreOffice, once (run this module: ``python -m tests.monitor.official_sheets``),
and the tests check that their cells are still these.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

FILES = Path(__file__).resolve().parent / "files"
NAME = "so-khdt-giai-ngan-thang-7"
TITLE = "Giải ngân"
JULY = "Tháng 7/2022"
ROWS: list[list[object]] = [
    ["UBND TỈNH BẮC GIANG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None, None],
    ["SỞ KẾ HOẠCH VÀ ĐẦU TƯ", None, None, "Độc lập - Tự do - Hạnh phúc", None, None, None],
    [None, None, None, None, None, None, None],
    ["BÁO CÁO TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2022", None, None, None, None, None, None],
    [None, None, None, None, None, None, "Đơn vị tính: tỷ đồng"],
    ["STT", "Tên chỉ tiêu", "Nguồn vốn", "Kỳ", "Giá trị", "Trạng thái", "Ghi chú"],
    ["A", "B", "C", "D", "1", "2", "3"],
    ["I", "GIẢI NGÂN VỐN ĐẦU TƯ CÔNG", None, None, None, None, None],
    [1, "Giải ngân kế hoạch vốn đầu tư công năm 2022", "Vốn ngân sách Trung ương (NSTW)", JULY, 114, None, None],
    [None, None, "Vốn ODA", JULY, 39.4, None, None],
    [None, None, "Vốn ngân sách tỉnh", JULY, 2273.36, None, None],
    [None, None, "Vốn năm trước chuyển nguồn", JULY, 153.626, None, "Kho bạc đối chiếu"],
    [None, None, "Tổng số", JULY, 2580.386, None, None],
    ["II", "THU NGÂN SÁCH", None, None, None, None, None],
    [2, "Thu ngân sách nhà nước trên địa bàn", None, JULY, 8652, "ước", None],
    ["Tổng cộng", None, None, None, 11232.386, None, None],
]
MERGES = ["A1:C1", "D1:G1", "A2:C2", "D2:G2", "A4:G4", "B8:G8", "A9:A13", "B9:B13", "B14:G14"]


def write_xlsx(path: Path, rows: list[list[object]] = ROWS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TITLE
    for row in rows:
        sheet.append(row)
    for merged in MERGES:
        sheet.merge_cells(merged)
    book.save(path)
    return path


PERCENT_NAME = "bhxh-ty-le"
PERCENT_ROWS: list[list[object]] = [
    ["Chỉ tiêu", "Kỳ", "Giá trị"],
    ["health-insurance-coverage", "Quý II/2022", 0.99],  # shown as 99,0%
    ["social-insurance-participation", "Quý II/2022", 35.8],  # a plain number: 35,8 %
]


def write_percent_xlsx(path: Path) -> Path:
    """Rates as Excel keeps a cell formatted as a percentage: the fraction, shown as 99,0%."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in PERCENT_ROWS:
        sheet.append(row)
    sheet["C2"].number_format = "0.0%"
    book.save(path)
    return path


def convert(source: Path, kind: str, folder: Path) -> Path:
    """`source` written as `kind` (xls, ods) into `folder` by LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write the .xls and .ods files")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", kind,
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return folder / f"{source.stem}.{kind}"


if __name__ == "__main__":
    FILES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for made in (
            write_xlsx(Path(scratch) / f"{NAME}.xlsx"),
            write_percent_xlsx(Path(scratch) / f"{PERCENT_NAME}.xlsx"),
        ):
            for kind in ("xls", "ods"):
                print(convert(made, kind, FILES), file=sys.stdout)
