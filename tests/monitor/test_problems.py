"""Every problem of a data file has a code and its words at the source: Vietnamese with the fix for
the department, English for the operator; the portal and the replies show the Vietnamese."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.problems import WORDINGS, Code, Problem
from monitor.ingest.wording import told
from rules import Plan

VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_has_vietnamese_words_and_english_ones() -> None:
    assert set(WORDINGS) == set(Code)
    for code, wording in WORDINGS.items():
        said = wording.vietnamese + " " + wording.fix
        assert VIETNAMESE_LETTERS & set(said.lower()), f"{code}: no Vietnamese words: {said!r}"
        assert wording.english, code
        assert wording.english != wording.vietnamese, code
        # The Vietnamese names only facts the English names too, or their Vietnamese forms.
        english = _names(wording.english)
        for name in _names(wording.vietnamese) | _names(wording.fix):
            assert name in english or name.removesuffix("_vi") in english, f"{code}: {{{name}}} has no source"


@pytest.mark.parametrize("code", list(Code))
def test_every_problem_reads_in_both_languages_where_first(code: Code) -> None:
    wording = WORDINGS[code]
    names = _names(wording.english) | _names(wording.vietnamese) | _names(wording.fix)
    facts = {name: f"<{name}>" for name in names}
    found = Problem(code, 7, "value", "abc", facts)
    assert str(found).startswith("row 7 value='abc': ")
    assert found.vietnamese.startswith("Dòng 7, cột giá trị ('abc'): ")
    assert "{" not in found.vietnamese
    assert "{" not in str(found)
    whole_file = Problem(code, facts=facts)
    assert not whole_file.vietnamese.startswith("Dòng")
    assert whole_file.reason == str(whole_file)


def test_problems_the_patterns_did_not_know_are_told_in_vietnamese(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "sai.csv"
    path.write_text(
        "target,period,value,basis\n"
        "budget-revenue,tháng mười,5,\n"  # no period
        "budget-revenue,2022-07-15,5,trong kỳ\n"  # a single period that is a date
        "budget-revenue,2022-07,36%,\n",  # a percentage for an amount
        encoding="utf-8",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.REJECTED
    assert [p.code for p in report.problems] == [
        Code.PERIOD_UNREADABLE,
        Code.PERIOD_DATE_BASIS,
        Code.PERCENT_FOR_AMOUNT,
    ]
    # The operator's words are as before.
    assert report.errors[0].startswith("row 2 period='tháng mười': 'tháng mười' is not a period; expected 2022, ")
    assert told(report).problems == [
        "Dòng 2, cột kỳ ('tháng mười'): không đọc được kỳ báo cáo; hãy viết ví dụ 2022-07, Tháng 7/2022, "
        "Quý I/2022, 6 tháng đầu năm 2022 hoặc Năm 2022",
        "Dòng 3, cột cơ sở ('trong kỳ'): số liệu trong kỳ phải ứng với một tháng, quý, 6 tháng hoặc năm, không phải "
        "một ngày; hãy ghi kỳ là tháng, quý hoặc năm, hoặc ghi cơ sở là 'lũy kế'",
        "Dòng 4, cột giá trị ('36%'): chỉ tiêu tính bằng tỷ đồng, không phải tỷ lệ phần trăm; "
        "hãy ghi số lượng theo tỷ đồng",
    ]


@pytest.mark.parametrize(
    ("name", "body", "code", "said"),
    [
        ("bao-cao.pdf", b"%PDF-1.4", Code.FILE_TYPE, "loại tệp không được nhận; hãy gửi tệp .xlsx, .xls, .ods, .csv"),
        ("trong.csv", b"", Code.FILE_EMPTY, "tệp trống; dòng đầu phải là tiêu đề: chỉ tiêu, kỳ, giá trị"),
        ("sai.json", b'[{"target": ', Code.FILE_JSON, "tệp JSON không đúng cú pháp"),
        ("tieu-de.csv", b"target,period,amount\n", Code.FILE_UNREADABLE, "không đọc được tệp (chi tiết: row 1"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_told_in_vietnamese_by_what_is_wrong(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, name: str, body: bytes, code: Code, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    report = ingest_file(engine, shipped_plan, path)
    assert [p.code for p in report.problems] == [code], report.errors
    assert told(report).problems[0].startswith(said)
