"""CSV text in the encodings offices save it in: UTF-8 (with or without its mark), UTF-16 with its
mark, Windows-1258 (Excel's CSV on a Vietnamese Windows, its tone marks written apart); and text
that is none of them, refused rather than misread."""

from __future__ import annotations

import codecs
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.readers import FileError, read_rows, reading_notes
from monitor.ingest.wording import told
from monitor.store.figures import figures
from rules import Plan
from tests.conftest import PLAN
from tests.monitor.daemons import Daemon, drop, environment
from tests.monitor.test_bad_input import nothing_stored, one_line, plan_monitor

TEXT = (
    "Chỉ tiêu,Kỳ,Giá trị,Đơn vị,Ghi chú\n"
    'Thu ngân sách nhà nước trên địa bàn,Tháng 7/2022,"8.652,0",tỷ đồng,Ước thực hiện của Sở Tài chính\n'
    "Số người có việc làm mới,6 tháng đầu năm 2022,15980,người,Lũy kế đến hết tháng 6\n"
)


TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks, which code page 1258 writes apart


def windows_1258(text: str) -> bytes:
    """`text` as Windows writes it in code page 1258: a letter the code page lacks ("ố") as its
    base letter ("ô") and the tone mark after it."""
    out = bytearray()
    for character in text:
        try:
            out += character.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", character)
            base = "".join(m for m in marks if m not in TONES)
            tone = "".join(m for m in marks if m in TONES)
            out += unicodedata.normalize("NFC", base).encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


ENCODED = {
    "utf-8": (TEXT.encode("utf-8"), []),
    "utf-8 with its mark": (codecs.BOM_UTF8 + TEXT.encode("utf-8"), []),
    "utf-16 le": (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), ["read as UTF-16 LE text"]),
    "utf-16 be": (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), ["read as UTF-16 BE text"]),
    "windows-1258": (windows_1258(TEXT), ["read as Windows-1258 text"]),
}


def test_the_windows_1258_text_is_really_written_apart() -> None:
    data = windows_1258(TEXT)
    assert b"\xec" in data  # the acute tone mark, after its vowel: "ố" is "ô" then the mark
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_each_encoding_is_read_and_stored_alike(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, encoding: str
) -> None:
    data, notes = ENCODED[encoding]
    path = tmp_path / "so-tai-chinh.csv"
    path.write_bytes(data)
    assert [r.cells["note"] for r in read_rows(path)] == ["Ước thực hiện của Sở Tài chính", "Lũy kế đến hết tháng 6"]
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.INGESTED, report.errors
    assert report.notes == notes
    stored = {(f.target_id, f.period): (f.value, f.note) for f in figures(engine, plan=PLAN)}
    assert stored == {
        ("budget-revenue", "2022-07"): (Decimal("8652.0"), "Ước thực hiện của Sở Tài chính"),
        ("new-jobs", "2022-H1"): (Decimal("15980"), "Lũy kế đến hết tháng 6"),
    }


def test_the_encoding_assumed_is_said_by_the_command_and_to_the_department(tmp_path: Path) -> None:
    path = tmp_path / "thu-ngan-sach.csv"
    path.write_bytes(windows_1258(TEXT))
    done = plan_monitor(tmp_path, "ingest", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{path}: ingested 2 rows: 2 new, 0 revised, 0 unchanged; read as Windows-1258 text"
    assert reading_notes(path) == ["read as Windows-1258 text"]


def test_the_department_is_told_the_encoding_in_vietnamese(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(windows_1258(TEXT))
    said = told(ingest_file(engine, shipped_plan, path))
    assert said.headline.endswith("0 không đổi. Tệp CSV được đọc theo mã Windows-1258.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Latin-1 "Müller": 'ü' is no Vietnamese letter.
        ("target,period,value,note\nnew-jobs,2022-Q1,8000,Müller\n".encode("latin-1"), "'ü', which is no Vietnamese"),
        # A TCVN3 font's "Thu ngân sách" ("Thu ng©n s¸ch"): the font's letters are other code points.
        (b"target,period,value,note\nnew-jobs,2022-Q1,8000,Thu ng\xa9n s\xb8ch\n", "'©', which is no Vietnamese"),
        # A byte Windows-1258 leaves undefined.
        (b"target,period,value,note\nnew-jobs,2022-Q1,8000,\xe1\x8a\n", "nor Windows-1258 (byte"),
        # A tone mark on no vowel ("đ" with an acute): no Vietnamese letter.
        (b"target,period,value,note\nnew-jobs,2022-Q1,8000,\xf0\xec\n", "which is no Vietnamese letter"),
    ],
)
def test_text_that_is_no_known_encoding_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(FileError, match="not UTF-8 text") as raised:
        list(read_rows(path))
    assert message in str(raised.value)
    assert "save the CSV as UTF-8" in str(raised.value)
    done = plan_monitor(tmp_path, "ingest", str(path))
    assert done.returncode == 1
    [summary, problem] = one_line(done)
    assert summary == f"{path}: rejected, nothing stored (1 problem)"
    assert message in problem
    assert nothing_stored(tmp_path)


def test_a_stranger_after_the_first_megabyte_is_refused_with_its_line(tmp_path: Path) -> None:
    rows = "".join(f"new-jobs,2022-{1 + n % 12:02},{n},Sở Lao động\n" for n in range(40_000))
    path = tmp_path / "a.csv"
    path.write_bytes(windows_1258("target,period,value,note\n" + rows) + b"new-jobs,2022-01,1,M\xfcller\n")
    assert path.stat().st_size > 1 << 20
    with pytest.raises(FileError, match=r"^line 40002: read as Windows-1258 it holds 'ü', which is no Vietnamese"):
        list(read_rows(path))


def test_a_truncated_utf16_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")[:-1])
    with pytest.raises(FileError, match=r"not UTF-16 text \(truncated data\); save the CSV as UTF-8"):
        list(read_rows(path))


def test_the_daemon_logs_the_encoding_it_assumed(home: Path) -> None:
    """The running daemon takes a Windows-1258 file from the finance department's inbox folder and
    says in its log how it read it."""
    daemon = Daemon(environment(home, None), home / "daemon.log")
    daemon.wait_for("event=daemon.active")
    source = home / "thu-ngan-sach.csv"
    source.write_bytes(windows_1258('Chỉ tiêu,Kỳ,Giá trị,Đơn vị\nbudget-revenue,Tháng 7/2022,"8.652,0",tỷ đồng\n'))
    drop(home, source, "so-tai-chinh")
    line = daemon.wait_for(r"event=file\.ingested file=\S*thu-ngan-sach\.csv .*", timeout=60)
    assert line.endswith('rows=1 new=1 revised=0 read="read as Windows-1258 text"')
    assert daemon.stop() == 0
    assert "Traceback" not in daemon.text()
