"""The log: one line per event, whatever a value holds; control characters are shown escaped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.jobs import Jobs
from monitor.logs import event, setup
from monitor.settings import Settings
from tests.monitor.inbox_setup import GOOD, at, small_plan, sqlite_store

FORGED = "x\n2022-08-01T08:00:00+00:00 INFO event=file.ingested file=forged.csv"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain", "plain"),
        ("Sở Tài chính", '"Sở Tài chính"'),
        (FORGED, '"x\\n2022-08-01T08:00:00+00:00 INFO event=file.ingested file=forged.csv"'),
        ("a\r\nb", '"a\\r\\nb"'),
        ("red\x1b[31mtext", '"red\\x1b[31mtext"'),
        ("tab\there", '"tab\\there"'),
        ("line\u2028separator", '"line\\u2028separator"'),
        ("nul\x00", '"nul\\x00"'),
        ('say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'),
        ("undecodable-\udcff.csv", '"undecodable-\\udcff.csv"'),
    ],
)
def test_a_value_is_shown_on_its_line_escaped(capsys: pytest.CaptureFixture[str], value: str, shown: str) -> None:
    setup("INFO")
    event("file.ingested", file=value, rows=1)
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(f" INFO event=file.ingested file={shown} rows=1")
    assert "\x1b" not in line
    assert "\r" not in line


def test_a_record_of_another_library_is_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    setup("INFO")
    logging.getLogger("apscheduler").error("job %s failed\r\nINFO event=forged", "x")
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(' ERROR event=apscheduler message="job x failed\\r\\nINFO event=forged"')


def test_a_file_name_that_forges_a_line_is_logged_on_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "finance").mkdir(parents=True)
    name = "thu\r\n2022-08-01T08:00:00 INFO event=file.ingested file=\x1b[2Jforged.csv"
    (inbox / "finance" / name).write_text(GOOD, encoding="utf-8")
    engine: sa.Engine = sqlite_store(tmp_path)
    jobs = Jobs(engine, Settings(data_dir=tmp_path, inbox=inbox, inbox_settle_seconds=0), small_plan(tmp_path / "r"))
    setup("INFO")
    assert jobs.poll_inbox(at(0)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "event=file.ingested file=" in line
    assert "\\r\\n2022-08-01T08:00:00 INFO event=file.ingested file=\\x1b[2Jforged.csv" in line
    assert (inbox / "processed" / name).exists()
