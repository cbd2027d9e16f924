"""The inbox never follows a link: a department folder or a file that is a symbolic link is
refused, the link itself moved aside, and what it points to never read, moved or quoted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest.batch import Outcome, Report
from monitor.ingest.inbox import process_inbox
from rules import Plan
from tests.monitor.inbox_setup import GOOD, at, stored

SECRET = "target,period,value\nroot:$6$salt$hash,2022-03,900\n"  # what a link might lead to
LATER = "target,period,value\nrevenue,2022-04,1000\n"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    (tmp_path / "inbox" / "office").mkdir(parents=True)
    (tmp_path / "inbox" / "office" / "later.csv").write_text(LATER, encoding="utf-8")
    return tmp_path / "inbox"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the inbox, with a file that is no one's to send."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.csv").write_text(SECRET, encoding="utf-8")
    return folder


def poll(engine: sa.Engine, plan: Plan, inbox: Path) -> dict[str, Report]:
    return {report.file.name: report for report in process_inbox(engine, plan, inbox, now=at(0))}


def said(inbox: Path, name: str) -> str:
    return (inbox / "rejected" / f"{name}.errors.txt").read_text(encoding="utf-8")


def untouched(elsewhere: Path) -> None:
    assert (elsewhere / "secret.csv").read_text(encoding="utf-8") == SECRET


def test_a_department_folder_that_is_a_link(sqlite: sa.Engine, plan: Plan, inbox: Path, elsewhere: Path) -> None:
    (inbox / "finance").symlink_to(elsewhere, target_is_directory=True)

    reports = poll(sqlite, plan, inbox)

    assert reports["finance"].outcome == Outcome.REJECTED
    assert "the folder 'finance' is a link to another place" in said(inbox, "finance")
    assert "make inbox/finance/ a folder of its own" in said(inbox, "finance")
    assert (inbox / "rejected" / "finance").is_symlink()  # the link moved, not what it leads to
    assert not (inbox / "finance").exists()
    assert "secret.csv" not in reports
    untouched(elsewhere)
    assert stored(sqlite) == [("later.csv", "office", "2022-04")]


def test_a_file_that_is_a_link(sqlite: sa.Engine, plan: Plan, inbox: Path, elsewhere: Path) -> None:
    (inbox / "office" / "thu-ngan-sach.csv").symlink_to(elsewhere / "secret.csv")

    reports = poll(sqlite, plan, inbox)

    assert reports["thu-ngan-sach.csv"].outcome == Outcome.REJECTED
    assert reports["thu-ngan-sach.csv"].errors == [
        "the file is a link to another place; the inbox takes only files copied into it"
    ]
    assert (inbox / "rejected" / "thu-ngan-sach.csv").is_symlink()
    assert "root:" not in said(inbox, "thu-ngan-sach.csv")
    untouched(elsewhere)
    assert stored(sqlite) == [("later.csv", "office", "2022-04")]


def test_a_link_to_nothing_and_a_link_at_the_top(sqlite: sa.Engine, plan: Plan, inbox: Path, elsewhere: Path) -> None:
    (inbox / "office" / "dangling.csv").symlink_to(elsewhere / "gone.csv")
    (inbox / "top.csv").symlink_to(elsewhere / "secret.csv")

    reports = poll(sqlite, plan, inbox)

    assert reports["dangling.csv"].outcome == Outcome.REJECTED
    assert reports["top.csv"].outcome == Outcome.REJECTED
    assert (inbox / "rejected" / "dangling.csv").is_symlink()
    assert (inbox / "rejected" / "top.csv").is_symlink()
    untouched(elsewhere)
    assert stored(sqlite) == [("later.csv", "office", "2022-04")]


def test_a_destination_folder_that_is_a_link_is_not_used(
    sqlite: sa.Engine, plan: Plan, inbox: Path, elsewhere: Path
) -> None:
    (inbox / "processed").symlink_to(elsewhere, target_is_directory=True)

    [report] = process_inbox(sqlite, plan, inbox, now=at(0))

    assert report.outcome == Outcome.INGESTED
    assert report.moved_to == inbox / "quarantine" / "later.csv"
    assert report.move_problem == "cannot be moved to processed/: it is a link to another place"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["secret.csv"]


def test_a_file_that_is_not_a_regular_file(sqlite: sa.Engine, plan: Plan, inbox: Path) -> None:
    """A named pipe would block whoever opens it: it is refused without being opened."""
    os.mkfifo(inbox / "office" / "pipe.csv")
    (inbox / "office" / "thu-ngan-sach.csv").write_text(GOOD, encoding="utf-8")

    reports = poll(sqlite, plan, inbox)

    assert reports["pipe.csv"].errors == ["not a regular file; the inbox takes only files copied into it"]
    assert (inbox / "rejected" / "pipe.csv").exists()
    assert ("thu-ngan-sach.csv", "office", "2022-03") in stored(sqlite)
