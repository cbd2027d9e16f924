"""The inbox's folders: a file is taken only from inbox/<department-id>/; anything else is refused
with a reason a clerk understands, and a file that cannot be moved is an error, read only once."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest.arrivals import Looks
from monitor.ingest.batch import Outcome
from monitor.ingest.inbox import process_inbox
from monitor.jobs import Jobs
from monitor.logs import setup
from monitor.settings import Settings
from rules import Plan
from tests.monitor.inbox_setup import BAD, GOOD, at, stored


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    (tmp_path / "inbox" / "finance").mkdir(parents=True)
    return tmp_path / "inbox"


def test_a_file_in_a_folder_that_is_no_department_is_refused(sqlite: sa.Engine, plan: Plan, inbox: Path) -> None:
    (inbox / "so-abc").mkdir()
    (inbox / "so-abc" / "thu-ngan-sach.csv").write_text(GOOD, encoding="utf-8")

    [report] = process_inbox(sqlite, plan, inbox, now=at(0))

    assert report.outcome == Outcome.REJECTED
    assert stored(sqlite) == []
    assert not (inbox / "so-abc" / "thu-ngan-sach.csv").exists()
    assert (inbox / "rejected" / "thu-ngan-sach.csv").read_text(encoding="utf-8") == GOOD
    why = (inbox / "rejected" / "thu-ngan-sach.csv.errors.txt").read_text(encoding="utf-8")
    assert "the folder 'so-abc' is not a department's folder" in why
    assert "put the file in inbox/<department-id>/, where <department-id> is one of: finance, leader, office" in why


def test_a_file_at_the_top_of_the_inbox_is_refused(sqlite: sa.Engine, plan: Plan, inbox: Path) -> None:
    (inbox / "thu-ngan-sach.csv").write_text(GOOD, encoding="utf-8")

    [report] = process_inbox(sqlite, plan, inbox, now=at(0))

    assert report.outcome == Outcome.REJECTED
    assert stored(sqlite) == []
    why = (inbox / "rejected" / "thu-ngan-sach.csv.errors.txt").read_text(encoding="utf-8")
    assert "a file at the top of the inbox has no sender" in why
    assert "put the file in inbox/<department-id>/, where <department-id> is one of: finance, leader, office" in why


def test_a_file_in_a_department_folder_is_taken_as_sent_by_it(sqlite: sa.Engine, plan: Plan, inbox: Path) -> None:
    (inbox / "finance" / "thu-ngan-sach.csv").write_text(GOOD, encoding="utf-8")
    [report] = process_inbox(sqlite, plan, inbox, now=at(0))
    assert report.outcome == Outcome.INGESTED
    assert stored(sqlite) == [("thu-ngan-sach.csv", "finance", "2022-03")]


def test_a_file_that_cannot_be_moved_goes_to_quarantine(sqlite: sa.Engine, plan: Plan, inbox: Path) -> None:
    (inbox / "processed").write_text("", encoding="utf-8")  # a file where the folder should be: no move there
    (inbox / "finance" / "thu-ngan-sach.csv").write_text(GOOD, encoding="utf-8")

    [report] = process_inbox(sqlite, plan, inbox, now=at(0))

    assert report.outcome == Outcome.INGESTED
    assert stored(sqlite) == [("thu-ngan-sach.csv", "finance", "2022-03")]
    assert report.move_problem is not None
    assert report.move_problem.startswith("cannot be moved to processed/:")
    assert report.moved_to == inbox / "quarantine" / "thu-ngan-sach.csv"
    assert (inbox / "quarantine" / "thu-ngan-sach.csv").read_text(encoding="utf-8") == GOOD
    why = (inbox / "quarantine" / "thu-ngan-sach.csv.errors.txt").read_text(encoding="utf-8")
    assert "ingested 1 rows" in why
    assert "cannot be moved to processed/:" in why
    assert process_inbox(sqlite, plan, inbox, now=at(10)) == []


def test_a_file_that_can_be_moved_nowhere_is_one_logged_error_and_read_once(
    sqlite: sa.Engine, plan: Plan, inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("rejected", "quarantine"):
        (inbox / folder).write_text("", encoding="utf-8")
    bad = inbox / "finance" / "thu-ngan-sach.csv"
    bad.write_text(BAD, encoding="utf-8")
    setup("INFO")
    jobs = Jobs(sqlite, Settings(data_dir=tmp_path, inbox=inbox, inbox_settle_seconds=0), plan)

    assert jobs.poll_inbox(at(0)) == 0
    for seconds in (60, 120, 180):
        assert process_inbox(sqlite, plan, inbox, now=at(seconds), looks=jobs.inbox_looks) == []  # not read again
        assert jobs.poll_inbox(at(seconds + 1)) == 0

    log = capsys.readouterr().err
    assert log.count("event=file.rejected") == 1
    assert log.count("event=file.not-moved") == 1
    [line] = [line for line in log.splitlines() if "event=file.not-moved" in line]
    assert " ERROR " in line
    assert "cannot be moved to rejected/" in line
    assert "nor to quarantine/" in line
    assert "Traceback" not in log
    assert bad.exists()

    (inbox / "rejected").unlink()  # the operator mends the folder: the next poll moves the file, quietly
    assert jobs.poll_inbox(at(300)) == 0
    assert not bad.exists()
    assert (inbox / "rejected" / "thu-ngan-sach.csv").exists()
    assert "row 2 value='many'" in (inbox / "rejected" / "thu-ngan-sach.csv.errors.txt").read_text(encoding="utf-8")
    assert "event=file.rejected" not in capsys.readouterr().err


def test_a_file_that_changes_after_it_could_not_be_moved_is_read_again(
    sqlite: sa.Engine, plan: Plan, inbox: Path
) -> None:
    for folder in ("rejected", "quarantine"):
        (inbox / folder).write_text("", encoding="utf-8")
    bad = inbox / "finance" / "thu-ngan-sach.csv"
    bad.write_text(BAD, encoding="utf-8")
    looks = Looks()
    [first] = process_inbox(sqlite, plan, inbox, now=at(0), looks=looks)
    assert first.outcome == Outcome.REJECTED
    bad.write_text(GOOD, encoding="utf-8")  # sent again, mended, under the same name
    [second] = process_inbox(sqlite, plan, inbox, now=at(10), looks=looks)
    assert second.outcome == Outcome.INGESTED
    assert stored(sqlite) == [("thu-ngan-sach.csv", "finance", "2022-03")]


def test_a_report_left_behind_is_not_written_over(sqlite: sa.Engine, plan: Plan, inbox: Path) -> None:
    """An operator who deletes a rejected file but keeps its report keeps that report."""
    (inbox / "rejected").mkdir()
    (inbox / "rejected" / "thu-ngan-sach.csv.errors.txt").write_text("the first time\n", encoding="utf-8")
    (inbox / "finance" / "thu-ngan-sach.csv").write_text(BAD, encoding="utf-8")
    [report] = process_inbox(sqlite, plan, inbox, now=at(0))
    assert report.moved_to == inbox / "rejected" / "thu-ngan-sach.20220801T080000000000.csv"
    assert (inbox / "rejected" / "thu-ngan-sach.csv.errors.txt").read_text(encoding="utf-8") == "the first time\n"
