"""One bad file never blocks the inbox: whatever makes a file fail (reading, checking, storing,
moving), it is moved aside with its reason and the inbox goes on to the next file. Each test puts
a bad file first and a good one behind it, on every store (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest.arrivals import Looks
from monitor.ingest.batch import Outcome, Report
from monitor.ingest.inbox import process_inbox
from monitor.ingest.limits import MB
from rules import Plan
from tests.monitor.inbox_setup import BAD, GOOD, at, small_plan, stored

LATER = "target,period,value\nrevenue,2022-04,1000\n"  # the good file behind the bad one


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return small_plan(tmp_path / "rules")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    (tmp_path / "inbox" / "finance").mkdir(parents=True)
    return tmp_path / "inbox"


def drop(path: Path, content: str | bytes, *, age: int) -> Path:
    """A file in the inbox, modified `age` seconds ago: the inbox takes the oldest first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    with open(os.fsencode(path), "wb") as out:
        out.write(content)
    mtime = 1_700_000_000 - age
    os.utime(os.fsencode(path), (mtime, mtime))
    return path


def poll(engine: sa.Engine, plan: Plan, inbox: Path) -> dict[str, Report]:
    return {report.file.name: report for report in process_inbox(engine, plan, inbox, now=at(0))}


def the_good_one_is_stored(engine: sa.Engine, reports: dict[str, Report], inbox: Path) -> None:
    assert reports["later.csv"].outcome == Outcome.INGESTED
    assert ("later.csv", "finance", "2022-04") in stored(engine)
    assert (inbox / "processed" / "later.csv").exists()


def test_a_json_number_python_will_not_read(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    bad = drop(
        inbox / "finance" / "huge.json",
        '[{"target": "revenue", "period": "2022-03", "value": 1' + "0" * 5000 + "}]",
        age=60,
    )
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = poll(engine, plan, inbox)

    assert reports["huge.json"].outcome == Outcome.REJECTED
    [why] = reports["huge.json"].errors
    assert why.startswith("could not be read or stored: ValueError: Exceeds the limit (4300 digits)")
    assert "\n" not in why
    assert len(why) < 200
    assert not bad.exists()
    assert why in (inbox / "rejected" / "huge.json.errors.txt").read_text(encoding="utf-8")
    the_good_one_is_stored(engine, reports, inbox)


def test_a_failure_in_the_checking_process(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    """A file of 4 MB or more is read in a second process: its failure is a one-line reason too."""
    padding = " " * (4 * MB)
    drop(inbox / "finance" / "huge.json", "[" + padding + '{"value": 1' + "0" * 5000 + "}]", age=60)
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = poll(engine, plan, inbox)

    assert reports["huge.json"].outcome == Outcome.REJECTED
    [why] = reports["huge.json"].errors
    assert why.startswith("could not be read or stored: CheckingError: the process checking huge.json failed: ValueE")
    assert "\n" not in why
    assert "Traceback" not in why
    the_good_one_is_stored(engine, reports, inbox)


def test_a_file_name_that_is_not_utf8(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    name = os.fsdecode(b"thu-ng\xe2n-s\xe1ch.csv")  # Latin-1 bytes, as an old Windows share writes them
    drop(inbox / "finance" / name, GOOD, age=60)
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = poll(engine, plan, inbox)

    assert reports[name].outcome == Outcome.REJECTED
    assert reports[name].errors == ["the file name is not UTF-8 text; rename the file (letters, digits, '-', '.')"]
    assert (inbox / "rejected" / name).exists()
    assert (inbox / "rejected" / f"{name}.errors.txt").exists()
    the_good_one_is_stored(engine, reports, inbox)


def test_a_file_name_near_255_bytes(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    name = "báo-cáo-" * 23 + "x" * 20 + ".csv"  # two bytes for each 'á'
    assert len(os.fsencode(name)) == 254
    drop(inbox / "finance" / name, BAD, age=90)
    drop(inbox / "processed" / name, "", age=90)  # a file of that name was sent before
    drop(inbox / "office" / name, GOOD, age=60)  # and this one will be stored, under a longer name
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = process_inbox(engine, plan, inbox, now=at(0))

    assert [r.outcome for r in reports] == [Outcome.REJECTED, Outcome.INGESTED, Outcome.INGESTED]
    assert all(r.move_problem is None for r in reports)
    rejected, processed, _ = (r.moved_to for r in reports)
    assert rejected is not None
    assert processed is not None
    why = rejected.with_name(rejected.name + ".errors.txt").read_text(encoding="utf-8")
    assert "row 2 value='many'" in why
    assert rejected.parent == inbox / "rejected"
    assert processed.parent == inbox / "processed"
    assert processed.name.endswith(".csv")
    assert processed.name.startswith("báo-cáo-báo-cáo-")
    assert len(os.fsencode(processed.name)) <= 255 - len(".errors.txt.tmp")
    assert sorted(p.name for p in (inbox / "finance").iterdir()) == []
    the_good_one_is_stored(engine, {r.file.name: r for r in reports}, inbox)


def test_a_department_folder_name_over_64_characters(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    folder = "so-" + "k" * 70
    drop(inbox / folder / "thu-ngan-sach.csv", GOOD, age=60)
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = poll(engine, plan, inbox)

    assert reports["thu-ngan-sach.csv"].outcome == Outcome.REJECTED
    [why] = reports["thu-ngan-sach.csv"].errors
    assert why.startswith(f"the folder '{folder[:40]}'… (73 characters) is not a department's folder")
    the_good_one_is_stored(engine, reports, inbox)


def test_a_figure_too_long_for_the_store(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    """A figure of more digits than the stores keep is refused by the checker, the same on both."""
    tiny = "0." + "0" * 80 + "1"
    drop(inbox / "finance" / "tiny.csv", f"target,period,value\nrevenue,2022-03,{tiny}\n", age=60)
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = poll(engine, plan, inbox)

    assert reports["tiny.csv"].outcome == Outcome.REJECTED
    [why] = reports["tiny.csv"].errors
    assert why.startswith("row 2 value=")
    assert why.endswith("a figure has at most 30 digits; expected e.g. 7088.973")
    assert (inbox / "rejected" / "tiny.csv").exists()
    the_good_one_is_stored(engine, reports, inbox)


def test_a_file_that_goes_before_it_is_read(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    """A file removed between two looks (its sender took it back) is simply gone."""
    gone = drop(inbox / "finance" / "gone.csv", GOOD, age=60)
    drop(inbox / "finance" / "later.csv", LATER, age=30)
    looks = Looks()
    assert process_inbox(engine, plan, inbox, now=at(0), settle=5, looks=looks) == []
    gone.unlink()
    reports = {r.file.name: r for r in process_inbox(engine, plan, inbox, now=at(5), settle=5, looks=looks)}
    assert set(reports) == {"later.csv"}
    assert not (inbox / "rejected").exists()
    the_good_one_is_stored(engine, reports, inbox)


def test_a_file_of_another_type(engine: sa.Engine, plan: Plan, inbox: Path) -> None:
    """A report sent as a PDF is not left in the inbox for ever: it is refused, with what is expected."""
    drop(inbox / "finance" / "bao-cao.pdf", b"%PDF-1.7", age=60)
    drop(inbox / "finance" / "later.csv", LATER, age=30)

    reports = poll(engine, plan, inbox)

    assert reports["bao-cao.pdf"].errors == ["unsupported file type '.pdf'; expected .csv, .xlsx, .xls, .ods or .json"]
    assert (inbox / "rejected" / "bao-cao.pdf").exists()
    assert not (inbox / "finance" / "bao-cao.pdf").exists()
    the_good_one_is_stored(engine, reports, inbox)
