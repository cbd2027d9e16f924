"""`plan-monitor status` as a terminal shows it: as many whole columns as its width holds, in
Vietnamese, an ahead-of-plan gap said as ahead; and the same evaluations as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from monitor.cli import cli
from tests.monitor.conftest import copy_data_dir, use_data_dir


@pytest.fixture
def evaluated(evaluated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    use_data_dir(monkeypatch, copy_data_dir(evaluated_data, tmp_path / "var"))
    return monkeypatch


def _status(monkeypatch: pytest.MonkeyPatch, width: int, *extra: str) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(cli, ["status", "--as-of", "2022-07-31", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _headers(output: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.strip("┃").split("┃")]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (50, ["Tình trạng", "Chỉ tiêu"]),
        (80, ["Tình trạng", "Chỉ tiêu", "Thực hiện"]),
        (120, ["Tình trạng", "Chỉ tiêu", "Thực hiện", "Chênh lệch", "Yêu cầu"]),
    ],
)
def test_a_narrow_terminal_gets_fewer_whole_columns(
    evaluated: pytest.MonkeyPatch, width: int, expected: list[str]
) -> None:
    output = _status(evaluated, width)
    assert _headers(output) == expected
    assert max(cell_len(line) for line in output.splitlines()) <= width  # nothing runs past the edge
    for line in output.splitlines():
        if line.startswith("│") and "Tốc độ tăng GRDP" in line:
            assert "Nghiêm trọng" in line  # the status word stays whole on the target's line


def test_a_wide_terminal_shows_everything_in_vietnamese(evaluated: pytest.MonkeyPatch) -> None:
    output = _status(evaluated, 300)
    assert _headers(output) == [
        "Tình trạng", "Chỉ tiêu", "Thực hiện", "Chênh lệch", "Yêu cầu", "Dự báo cả năm", "Kỳ số liệu", "Cảnh báo",
        "Đơn vị", "Mã",
    ]  # fmt: skip
    revenue = next(line for line in output.splitlines() if "Thu ngân sách nhà nước" in line)
    assert "Đúng tiến độ" in revenue
    assert "8.652 tỷ đồng" in revenue  # with its unit
    assert "vượt 321,91 tỷ đồng" in revenue  # ahead of what July required: said as ahead
    assert "tháng 7/2022" in revenue
    disbursement = next(line for line in output.splitlines() if "V.4 Giải ngân" in line and "Chậm tiến độ" in line)
    assert "thiếu" in disbursement
    assert "đang cảnh báo" in disbursement
    assert "behind" not in output  # no English status words
    assert "on_track" not in output


def test_status_as_json_is_the_evaluation_records(evaluated: pytest.MonkeyPatch) -> None:
    records = json.loads(_status(evaluated, 80, "--format", "json", "--owner", "so-tai-chinh"))
    assert sorted((r["id"], r["breakdown"], r["status"]) for r in records) == [
        ("budget-revenue", None, "on_track"),
        ("budget-revenue-growth", None, "overdue"),
        ("public-investment-disbursement", "capital-source/provincial-budget", "behind"),
    ]
    revenue = next(r for r in records if r["id"] == "budget-revenue")
    assert revenue["gap"] < 0  # ahead
    assert revenue["alert_state"] == "inactive"
