"""Input that once made the program print a traceback: each is a located one-line message, with
exit status 1 (2 for a settings file, like every other settings mistake), and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from monitor.ingest.readers import FileError, read_rows
from monitor.store.database import head_revision
from monitor.store.schema import Ingestion, ObservationRecord
from tests.conftest import BASE_PLAN, ROOT, TARGETS, revenue_target

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def plan_monitor(home: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it, on a fresh data folder under `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {"PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home / "var"), "PLAN_MONITOR_TARGETS": str(TARGETS)}
    env |= {f"PLAN_MONITOR_{k.upper()}": v for k, v in settings.items()}
    command = [sys.executable, "-m", "monitor", *args]
    return subprocess.run(command, env=env, cwd=home, capture_output=True, text=True, timeout=120, check=False)


def one_line(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr
    return done.stderr.splitlines()


def nothing_stored(home: Path) -> bool:
    database = home / "var" / "plan-monitor.db"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        counts = [
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (ObservationRecord, Ingestion)
        ]
    engine.dispose()
    return counts == [0, 0]


def test_a_json_file_nested_thousands_deep(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"rows": [\n' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(deep))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{deep}: rejected, nothing stored (1 problem)",
        f"{deep}: line 2 column 99: nested deeper than 100 levels; expected an array of rows of plain values",
    ]
    assert nothing_stored(tmp_path)


def test_a_deep_json_file_checked_in_the_worker_process(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 3_000_000 + "]" * 3_000_000, encoding="utf-8")  # over 4 MB: read in a worker
    with pytest.raises(FileError, match=r"^line 1 column 101: nested deeper than 100 levels"):
        list(read_rows(deep))
    done = plan_monitor(tmp_path, "ingest", str(deep))
    assert done.returncode == 1
    assert f"{deep}: line 1 column 101: nested deeper than 100 levels" in one_line(done)[1]


def test_a_csv_line_longer_than_the_csv_field_limit(tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text("target,period,value,note\nnew-jobs,2022-Q1,8000," + "x" * 200_000 + "\n", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(long))
    assert done.returncode == 1
    [summary, problem] = one_line(done)
    assert summary == f"{long}: rejected, nothing stored (1 problem)"
    assert problem.startswith(f"{long}: row 2: a cell longer than ")
    assert len(problem) < 300
    assert nothing_stored(tmp_path)


NOT_CLOSED = 'a quoted cell is not closed: the file ends inside it; expected a closing " (is the file cut short?)'
GOES_ON = 'a quoted cell goes on after its closing "; expected the delimiter next (a " inside a cell is written "")'


@pytest.mark.parametrize(
    ("last_row", "problem"), [('new-jobs,2022-Q2,"15', NOT_CLOSED), ('new-jobs,2022-Q2,"15"980', GOES_ON)]
)
def test_a_csv_file_cut_short_inside_a_quoted_cell(tmp_path: Path, last_row: str, problem: str) -> None:
    """Each was stored: 15 for the first (the file's first half of 15980), 15980 for the second."""
    cut = tmp_path / "cut.csv"
    cut.write_text(f"target,period,value\nnew-jobs,2022-Q1,7450\n{last_row}", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(cut))
    assert done.returncode == 1
    assert one_line(done) == [f"{cut}: rejected, nothing stored (1 problem)", f"{cut}: row 3: {problem}"]
    assert nothing_stored(tmp_path)


def test_a_csv_header_longer_than_the_csv_field_limit(tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text("target,period,value," + "x" * 200_000 + "\nnew-jobs,2022-Q1,8000,\n", encoding="utf-8")
    with pytest.raises(FileError, match=r"^row 1: a cell longer than "):
        list(read_rows(long))


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["target", "period", "value"])
    sheet.append(["new-jobs", "2022-Q1", 8000])
    book.save(path)
    return path


def _damaged(tmp_path: Path, replace: dict[str, bytes], drop: tuple[str, ...] = ()) -> Path:
    whole = _workbook(tmp_path / "whole.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as target:
        for member in source.infolist():
            if member.filename not in drop:
                target.writestr(member, replace.get(member.filename, source.read(member)))
    return damaged


def _sheet(cells: str) -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'.encode()


@pytest.mark.parametrize(
    ("replace", "drop", "message"),
    [
        ({SHEET: _sheet('<c r="A1"><v>1</v>')}, (), "not a readable .xlsx workbook: broken XML: mismatched tag"),
        ({"xl/workbook.xml": b"<workbook"}, (), "not a readable .xlsx workbook: broken XML: unclosed token"),
        ({"xl/styles.xml": b"\x00\x01"}, (), "not a readable .xlsx workbook: broken XML: not well-formed"),
        ({}, (SHEET,), "not a readable .xlsx workbook: it has no sheet"),
        ({"xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets/></workbook>'.encode()}, (), "not a readable .xlsx"),
        ({SHEET: _sheet('<c r="A1" t="n"><v>abc</v></c>')}, (), "sheet 'Sheet' row 1: the workbook is damaged: "),
        ({SHEET: _sheet('<c r="ZZZZZ1"><v>1</v></c>')}, (), "sheet 'Sheet' row 1: the workbook is damaged: "),
        ({SHEET: _sheet('<c r="A1" t="d"><v>2022-13-40</v></c>')}, (), "sheet 'Sheet' row 1: the workbook is damaged"),
    ],
    ids=["sheet-xml", "workbook-xml", "styles-xml", "no-sheet-part", "no-sheet", "number", "column", "date"],
)
def test_a_malformed_workbook(tmp_path: Path, replace: dict[str, bytes], drop: tuple[str, ...], message: str) -> None:
    damaged = _damaged(tmp_path, replace, drop)
    with pytest.raises(FileError) as raised:
        list(read_rows(damaged))
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_zip_that_is_no_workbook_and_a_damaged_sheet_from_the_command_line(tmp_path: Path) -> None:
    other = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    damaged = _damaged(tmp_path, {SHEET: b"<worksheet><sheetData><row"})
    done = plan_monitor(tmp_path, "ingest", str(other), str(damaged))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{other}: rejected, nothing stored (1 problem)",
        f"{other}: not a readable .xlsx workbook (empty, truncated or another format): "
        "\"There is no item named '[Content_Types].xml' in the archive\"",
        f"{damaged}: rejected, nothing stored (1 problem)",
        f"{damaged}: not a readable .xlsx workbook: broken XML: unclosed token: line 1, column 22",
    ]
    assert nothing_stored(tmp_path)


def test_a_settings_file_with_a_syntax_error(tmp_path: Path) -> None:
    toml = tmp_path / "plan-monitor.toml"
    toml.write_text('smtp_host = "mail.bacgiang.example"\nrepeat_days = \n', encoding="utf-8")
    done = plan_monitor(tmp_path, "config", config=str(toml))
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: invalid settings file {toml} (PLAN_MONITOR_CONFIG): line 2, column 15: Invalid value"
    ]


def test_a_settings_file_that_is_not_utf8(tmp_path: Path) -> None:
    toml = tmp_path / "plan-monitor.toml"
    toml.write_bytes('smtp_host = "máy-thư.example"\n'.encode("cp1258"))
    done = plan_monitor(tmp_path, "config", config=str(toml))
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: invalid settings file {toml} (PLAN_MONITOR_CONFIG): not UTF-8 text (invalid continuation "
        "byte at byte 14); expected a TOML settings file"
    ]


def test_a_rule_file_with_an_impossible_date(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "plan.yaml").write_text(BASE_PLAN, encoding="utf-8")
    target = revenue_target().replace("    source:", "    deadline: 2022-13-30\n    source:")
    (rules / "revenue.yaml").write_text(target, encoding="utf-8")
    done = plan_monitor(tmp_path, "validate", str(rules))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{rules / 'revenue.yaml'}:11:15: invalid date '2022-13-30' (month must be in 1..12); expected YYYY-MM-DD",
        "1 problem in 1 file",
    ]


def test_a_rule_file_nested_thousands_deep(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "plan.yaml").write_text(BASE_PLAN + "targets: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    done = plan_monitor(tmp_path, "validate", str(rules))
    assert done.returncode == 1
    problem, *_, count = one_line(done)
    assert problem == f"{rules / 'plan.yaml'}: the YAML is nested too deeply to be a rule file"
    assert count.endswith("in 1 file")


def test_an_unforeseen_failure_while_reading_is_a_message_too(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"  # a number of 5,001 digits, which Python will not read
    huge.write_text('[{"target": "revenue", "period": "2022-03", "value": 1' + "0" * 5000 + "}]", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(huge))
    assert done.returncode == 1
    [summary, problem] = one_line(done)
    assert summary == f"{huge}: rejected, nothing stored (1 problem)"
    assert problem.startswith(f"{huge}: could not be read or stored: ValueError: Exceeds the limit (4300 digits)")
    assert nothing_stored(tmp_path)


def test_the_largest_figures_are_judged_and_mailed(tmp_path: Path) -> None:
    """A target and a figure of 29 digits each, both within what the stores keep: the run is
    recorded and its digest written, the figure whole (it was a traceback, and no run, no email)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "plan.yaml").write_text(BASE_PLAN + revenue_target(value="5" + "0" * 28), encoding="utf-8")
    figures = tmp_path / "figures.csv"
    figures.write_text("target,period,value\nrevenue,2022-06," + "1" * 29 + "\n", encoding="utf-8")
    for args in (("ingest", str(figures)), ("evaluate", "--as-of", "2022-07-31"), ("outbox", "send")):
        done = plan_monitor(tmp_path, *args, targets=str(rules))
        assert (done.returncode, done.stderr) == (0, ""), args
    mails = sorted((tmp_path / "var" / "mail").glob("*.eml"))
    assert mails
    owner = next(mail for mail in mails if "finance" in mail.name)
    text = message_from_bytes(owner.read_bytes(), policy=policy.default).get_body(("plain",))
    assert text is not None
    assert "11" + ".111" * 9 + " tỷ đồng" in text.get_content()


def test_a_chart_the_library_cannot_draw_leaves_its_digest_without_it(tmp_path: Path) -> None:
    """The machine's matplotlibrc asks for TeX, which is not there: matplotlib fails on every
    chart. The run is recorded and every digest goes, without charts, and the log says why."""
    (tmp_path / "matplotlibrc").write_text("text.usetex: True\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "PLAN_MONITOR_DATA_DIR": str(tmp_path / "var"),
        "PLAN_MONITOR_TARGETS": str(TARGETS),
    }
    env |= {"MATPLOTLIBRC": str(tmp_path / "matplotlibrc"), "PATH": str(Path(sys.executable).parent)}  # no latex
    examples = sorted(str(p) for p in (ROOT / "examples" / "2022").iterdir())

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "monitor", *args]
        return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)

    assert run("ingest", *examples).returncode == 0
    evaluated = run("evaluate", "--as-of", "2022-07-31")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "Traceback" not in evaluated.stderr
    assert "event=chart.failed target=public-investment-disbursement" in evaluated.stderr
    assert "latex could not be found" in evaluated.stderr
    assert run("outbox", "send").returncode == 0
    mails = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in (tmp_path / "var" / "mail").glob("*.eml")
    ]
    owner = next(m for m in mails if m["To"].addresses[0].addr_spec == "so-khdt@bacgiang.example")
    body = owner.get_body(("plain",))
    assert body is not None
    assert "Giải ngân" in body.get_content()
    assert [part for m in mails for part in m.walk() if part.get_content_maintype() == "image"] == []


@pytest.mark.parametrize("number", ["1" + "0" * 5000, "0x" + "f" * 4999])  # read, and then not shown, in hexadecimal
def test_a_rule_file_number_of_more_digits_than_python_reads(tmp_path: Path, number: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "plan.yaml").write_text(BASE_PLAN, encoding="utf-8")
    (rules / "revenue.yaml").write_text(revenue_target(value=number), encoding="utf-8")
    done = plan_monitor(tmp_path, "validate", str(rules))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{rules / 'revenue.yaml'}:7:12: invalid YAML: a number of 5001 characters; expected at most 30 digits, "
        "as a figure may have",
        "1 problem in 1 file",
    ]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("max_file_mb", "inf", "max_file_mb: Input should be a finite number"),
        ("max_unzipped_mb", "1e308", "max_unzipped_mb: Input should be less than or equal to 1000000000"),
    ],
)
def test_a_size_setting_too_large_to_count_in_bytes(tmp_path: Path, setting: str, value: str, message: str) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text("target,period,value\nnew-jobs,2022-Q1,7450\n", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(figures), **{setting: value})
    assert done.returncode == 2
    assert one_line(done) == [f"plan-monitor: invalid settings: {message}"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "'9999-12-31' is out of range; expected a date from 1900 to 2999"),
        ("2022-02-30", "'2022-02-30' is no date (day is out of range for month); expected YYYY-MM-DD, e.g. 2022-07-31"),
        ("2022-13-01", "'2022-13-01' is no date (month must be in 1..12); expected YYYY-MM-DD, e.g. 2022-07-31"),
        ("", "'' is not a date; expected YYYY-MM-DD, e.g. 2022-07-31"),
    ],
)
def test_a_date_on_the_command_line_that_no_plan_is_judged_on(tmp_path: Path, day: str, message: str) -> None:
    done = plan_monitor(tmp_path, "evaluate", "--as-of", day)
    assert done.returncode == 2
    assert f"Error: Invalid value for '--as-of': {message}" in one_line(done)
    assert not (tmp_path / "var" / "plan-monitor.db").exists()  # nothing was evaluated


def test_sent_messages_older_than_the_calendar(tmp_path: Path) -> None:
    done = plan_monitor(tmp_path, "outbox", "purge-sent", "--older-than", "99999999999")
    assert done.returncode == 2
    assert "Error: Invalid value for '--older-than': 99999999999 is not in the range 0<=x<=36500." in one_line(done)


@pytest.mark.parametrize("command", [("init",), ("plan", "new", "--from", str(TARGETS), "--year", "2023", "--to")])
def test_a_new_plan_folder_under_a_file(tmp_path: Path, command: tuple[str, ...]) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    done = plan_monitor(tmp_path, *command, str(a_file / "ke-hoach"))
    assert done.returncode == 1
    assert one_line(done) == [f"plan-monitor: cannot write {a_file / 'ke-hoach'}: File exists ({a_file})"]
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


def test_a_report_written_over_what_is_not_a_file(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = plan_monitor(tmp_path, "report", "--as-of", "2022-07-31", "--format", "html", "--output", str(pipe))
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: cannot write {pipe} (--output): it is not a file; expected a file's path, "
        "or '-' for standard output"
    ]
    assert pipe.is_fifo()  # not replaced by the report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "var"]


def test_a_data_file_that_is_a_folder_or_is_not_there(tmp_path: Path) -> None:
    folder, missing = tmp_path / "figures.csv", tmp_path / "missing.xlsx"
    folder.mkdir()
    done = plan_monitor(tmp_path, "ingest", str(folder), str(missing))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{folder}: rejected, nothing stored (1 problem)",
        f"{folder}: cannot read the file: Is a directory",
        f"{missing}: rejected, nothing stored (1 problem)",
        f"{missing}: cannot read the file: No such file or directory",
    ]
    assert nothing_stored(tmp_path)


def test_a_date_for_the_daemon_without_once(tmp_path: Path) -> None:
    """--as-of is for one cycle: without --once it was dropped, and the daemon ran on today."""
    done = plan_monitor(tmp_path, "run", "--as-of", "2022-07-31")
    assert done.returncode == 2
    assert one_line(done) == ["plan-monitor: --as-of needs --once: the daemon judges each day as of that day"]
    assert not (tmp_path / "var").exists()


def test_an_explanation_for_a_period_outside_the_plan(tmp_path: Path) -> None:
    """It was recorded, and held back nothing: no figure of 2031 is ever judged in the 2022 plan."""
    args = ("ack", "add", "new-jobs", "--period", "2031-06", "--cause", "mưa lũ", "--remedy", "tăng ca")
    done = plan_monitor(tmp_path, *args)
    assert done.returncode == 2
    assert one_line(done) == [
        "plan-monitor: --period 2031-06: outside the plan; expected a period from 2022-01-01 to 2022-12-31"
    ]
    assert not (tmp_path / "var" / "plan-monitor.db").exists()


def test_retrying_messages_that_are_not_failed_ones(tmp_path: Path) -> None:
    done = plan_monitor(tmp_path, "outbox", "retry", "999", "7")
    assert done.returncode == 2  # it said "0 messages queued again", with exit status 0
    assert one_line(done) == [
        "plan-monitor: no failed message 7, 999; nothing queued again (see plan-monitor outbox list --state failed)"
    ]
    assert plan_monitor(tmp_path, "outbox", "retry").stdout == "0 messages queued again\n"  # none given: all failed


@pytest.mark.parametrize("setting", ["inbox", "data_dir", "mail_dir", "templates"])
def test_a_folder_setting_set_to_nothing(tmp_path: Path, setting: str) -> None:
    """It was the current folder: with `inbox`, the files of the folder the command ran in were
    taken as the departments' and moved away."""
    drop = tmp_path / "so-ldtbxh" / "lao-dong.csv"
    drop.parent.mkdir()
    drop.write_text("target,period,value\nnew-jobs,2022-Q1,7450\n", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", "--inbox", **{setting: ""})
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: invalid settings: {setting}: Value error, empty; expected a folder (unset it for the default)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["so-ldtbxh"]
    assert drop.exists()


PORT = "invalid database URL: its port is not a number; expected e.g. postgresql://user:password@host:5432/db"


@pytest.mark.parametrize("command", [("config",), ("status",), ("db", "upgrade")])
def test_a_database_url_whose_port_is_no_number(tmp_path: Path, command: tuple[str, ...]) -> None:
    done = plan_monitor(tmp_path, *command, database_url="postgresql://pm:s3cret@db.example:port/plan")
    assert done.returncode == 2
    assert one_line(done) == [f"plan-monitor: {'invalid settings: ' if command == ('config',) else ''}{PORT}"]


def test_config_checks_the_database_url_as_the_other_commands_do(tmp_path: Path) -> None:
    done = plan_monitor(tmp_path, "config", database_url="mysql://pm@db.example/plan")
    assert done.returncode == 2  # it was 0: only a command that opened the store said it
    assert one_line(done) == [
        "plan-monitor: invalid settings: unsupported database URL 'mysql://pm@db.example/plan'; "
        "expected sqlite:///path/to/file.db or postgresql://user:password@host/db"
    ]


def test_a_template_override_that_is_not_utf8(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "test.txt").write_bytes("Kính {{ department }}\n".encode("latin-1"))
    done = plan_monitor(tmp_path, "notify", "--test", "so-ldtbxh", templates=str(templates))
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: the email templates in {templates} cannot be rendered: TemplateError: test.txt is not "
        "UTF-8 text (invalid continuation byte at byte 1)"
    ]
    assert not list(tmp_path.glob("var/mail/*.eml"))


def test_a_plan_header_with_a_wrong_field_is_not_said_to_be_missing(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "plan.yaml").write_text(BASE_PLAN.replace("year: 2022", "year: 20222"), encoding="utf-8")
    (rules / "revenue.yaml").write_text(revenue_target(), encoding="utf-8")
    done = plan_monitor(tmp_path, "validate", str(rules))
    assert done.returncode == 1
    assert one_line(done) == [  # there was also "plan: no 'plan' header in any rule file; expected exactly one"
        f"{rules / 'plan.yaml'}:3:9: plan: year: expected less than or equal to 2100; found 20222",
        "1 problem in 1 file",
    ]


def test_a_json_row_holding_a_key_twice(tmp_path: Path) -> None:
    """It stored the last of the two values, and said nothing."""
    twice = tmp_path / "twice.json"
    twice.write_text(
        '[{"target": "new-jobs", "period": "2022-Q1", "value": 7450},\n'
        ' {"target": "new-jobs", "period": "2022-Q2", "value": 15980, "value": 1598}]',
        encoding="utf-8",
    )
    done = plan_monitor(tmp_path, "ingest", str(twice))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{twice}: rejected, nothing stored (1 problem)",
        f"{twice}: row 2: the key(s) 'value' appear more than once in the row",
    ]
    assert nothing_stored(tmp_path)


def test_upgrading_a_store_a_later_program_made(tmp_path: Path) -> None:
    store = tmp_path / "var" / "plan-monitor.db"
    store.parent.mkdir()
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999')")
    done = plan_monitor(tmp_path, "db", "upgrade")
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: upgrade refused, nothing changed: the database sqlite:///{store} is at schema revision "
        f"9999, newer than this program knows (latest {head_revision()}); upgrade plan-monitor"
    ]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [("9999",)]
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
    engine.dispose()


def test_a_data_file_named_in_another_encoding(tmp_path: Path) -> None:
    """Refused as the inbox refuses it (it was "could not be read or stored: UnicodeEncodeError …")."""
    named = tmp_path / os.fsdecode(b"thu-ng\xe2n-s\xe1ch.csv")  # Latin-1 bytes, as an old Windows share writes them
    named.write_text("target,period,value\nnew-jobs,2022-Q1,7450\n", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(named))
    assert done.returncode == 1
    shown = str(named).encode("utf-8", "backslashreplace").decode("utf-8")  # thu-ng\udce2n-s\udce1ch.csv
    assert one_line(done) == [
        f"{shown}: rejected, nothing stored (1 problem)",
        f"{shown}: the file name is not UTF-8 text; rename the file (letters, digits, '-', '.')",
    ]
    assert nothing_stored(tmp_path)


@pytest.mark.parametrize("args", [("schema",), ("targets", "--format", "json"), ("status", "--as-of", "2022-07-31")])
def test_standard_output_on_a_full_disk(tmp_path: Path, args: tuple[str, ...]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "PLAN_MONITOR_DATA_DIR": str(tmp_path / "var"),
        "PLAN_MONITOR_TARGETS": str(TARGETS),
    }
    with open("/dev/full", "w", encoding="utf-8") as full:  # every write to it fails: no space left on device
        done = subprocess.run([sys.executable, "-m", "monitor", *args], env=env, cwd=tmp_path, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == "plan-monitor: cannot write the output: No space left on device (is the disk full?)\n"


def test_a_rule_file_that_is_a_link_to_nothing(tmp_path: Path) -> None:
    """The plan went on without that file's targets, and said nothing (before and after it was cached)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "plan.yaml").write_text(BASE_PLAN, encoding="utf-8")
    (rules / "revenue.yaml").write_text(revenue_target(), encoding="utf-8")
    assert plan_monitor(tmp_path, "validate", str(rules)).returncode == 0
    (rules / "revenue.yaml").rename(tmp_path / "revenue.yaml")
    (rules / "revenue.yaml").symlink_to(tmp_path / "moved-away.yaml")
    done = plan_monitor(tmp_path, "validate", str(rules))
    assert done.returncode == 1
    assert one_line(done) == [
        f"{rules / 'revenue.yaml'}: cannot read the file: No such file or directory",
        "1 problem in 1 file",
    ]


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite:///:memory:"])
def test_a_sqlite_url_that_names_no_file(tmp_path: Path, url: str) -> None:
    """The figures were stored in memory, said to be ingested, exit status 0, and lost."""
    figures = tmp_path / "figures.csv"
    figures.write_text("target,period,value\nnew-jobs,2022-Q1,7450\n", encoding="utf-8")
    done = plan_monitor(tmp_path, "ingest", str(figures), database_url=url)
    assert done.returncode == 2
    assert one_line(done) == [
        f"plan-monitor: the database URL {url!r} names no file: what a command stored in memory would be lost "
        "when it ends; expected sqlite:///path/to/file.db"
    ]
