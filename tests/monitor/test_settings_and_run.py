"""Settings (environment and TOML, checked at start), `config`, `run --once`, and the demo."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.daemon import ScheduleError, cron_triggers, missed
from monitor.settings import Settings
from rules import Plan
from tests.conftest import PLAN, ROOT, TARGETS

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "SMTP_HOST", "SMTP_PASSWORD", "CONFIG", "EVALUATE_CRON"):
        monkeypatch.delenv(f"PLAN_MONITOR_{name}", raising=False)
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    return tmp_path


def test_a_missed_tick_is_caught_up_once_and_only_if_missed() -> None:
    daily = cron_triggers(Settings())["evaluate"]  # 07:00 every day
    now = dt.datetime(2022, 7, 20, 9, 0, tzinfo=ZONE)
    assert missed(daily, dt.datetime(2022, 7, 17, 7, 0, 5, tzinfo=ZONE), now)  # down for three days
    assert not missed(daily, dt.datetime(2022, 7, 20, 7, 0, 5, tzinfo=ZONE), now)  # today's run done
    assert not missed(daily, None, now)  # never ran: the schedule starts now


def test_a_bad_schedule_names_its_setting() -> None:
    with pytest.raises(
        ScheduleError, match=r"evaluate_cron: .7 o.clock. is not a crontab schedule \(Wrong number of fields"
    ):
        cron_triggers(Settings(evaluate_cron="7 o'clock"))


def test_config_prints_the_effective_settings_with_secrets_masked(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = clean_env / "plan-monitor.toml"
    toml.write_text(
        'smtp_host = "mail.bacgiang.example"\nsmtp_password = "bí-mật"\nrepeat_days = 3\n', encoding="utf-8"
    )
    monkeypatch.setenv("PLAN_MONITOR_CONFIG", str(toml))
    monkeypatch.setenv("PLAN_MONITOR_REPEAT_DAYS", "5")  # the environment wins over the file
    monkeypatch.setenv("PLAN_MONITOR_DATABASE_URL", "postgresql://pm:mật-khẩu@db.example/plan")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    assert "smtp_host = 'mail.bacgiang.example'" in result.output
    assert "repeat_days = 5" in result.output
    assert "smtp_password = '**********'" in result.output
    assert "database_url = 'postgresql://pm:**********@db.example/plan'" in result.output
    assert "bí-mật" not in result.output
    assert "mật-khẩu" not in result.output


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PLAN_MONITOR_EVALUATE_CRON", "sometimes", "invalid settings: evaluate_cron: 'sometimes' is not a crontab"),
        ("PLAN_MONITOR_SMTP_PORT", "smtp", "invalid settings: smtp_port:"),
        ("PLAN_MONITOR_TIMEZONE", "Asia/Hanoi-ish", "invalid settings: timezone: Value error, unknown time zone"),
    ],
)
def test_a_bad_setting_stops_the_daemon_at_start(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"plan-monitor: {message}")


def test_an_unknown_key_in_the_toml_file_is_refused(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = clean_env / "plan-monitor.toml"
    toml.write_text('smtp_hots = "x"\n', encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_CONFIG", str(toml))
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 2
    assert "smtp_hots: Extra inputs are not permitted" in result.stderr


def test_run_once_does_a_whole_cycle(clean_env: Path, shipped_plan: Plan) -> None:
    inbox = clean_env / "var" / "inbox"
    for path in (ROOT / "examples" / "2022").iterdir():
        # 07-so-khdt-…: each file in its department's folder
        [sender] = [d for d in shipped_plan.departments if path.name.partition("-")[2].startswith(f"{d}-")]
        (inbox / sender).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, inbox / sender / path.name)
    result = CliRunner().invoke(cli, ["run", "--once", "--as-of", "2022-07-31"])
    assert result.exit_code == 0, result.output
    examples = list((ROOT / "examples" / "2022").iterdir())
    assert len(list((inbox / "processed").iterdir())) == len(examples)  # every example file
    emails = list((clean_env / "var" / "mail").glob("*.eml"))
    assert len(emails) > 5
    assert "event=evaluation.run run=1 as_of=2022-07-31 trigger=once" in result.stderr


def test_the_demo_from_a_fresh_checkout(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "monitor", "demo"], cwd=ROOT, env=env | {"PLAN_MONITOR_DATA_DIR":
                          str(tmp_path / "var")}, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Tình hình thực hiện kế hoạch đến ngày 31/07/2022" in done.stdout
    mail = tmp_path / "var" / "demo" / "mail"
    emails = list(mail.glob("*.eml"))
    assert len(emails) > 5
    assert f"{len(emails)} emails written to {mail}/" in done.stdout
    assert "so-khdt@bacgiang.example" in done.stdout
    demo = tmp_path / "var" / "demo"
    assert f"The demo's database is {demo / 'plan-monitor.db'};" in done.stdout
    assert f"PLAN_MONITOR_DATA_DIR={demo} plan-monitor status" in done.stdout
    for fmt in ("pdf", "html"):  # the progress report, beside the emails
        report = demo / f"bao-cao-tien-do-2022-07-31.{fmt}"
        assert f"  {report}\n" in done.stdout
        assert report.stat().st_size > 10_000
    assert (demo / "bao-cao-tien-do-2022-07-31.pdf").read_bytes().startswith(b"%PDF-")
    assert "chỉ tiêu chủ yếu đạt và vượt kế hoạch" in (demo / "bao-cao-tien-do-2022-07-31.html").read_text("utf-8")


def test_a_failing_job_is_logged_with_its_cause_and_the_daemon_goes_on(
    clean_env: Path, shipped_plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    from monitor.daemon import Daemon
    from monitor.jobs import Jobs
    from monitor.logs import LOGGER
    from monitor.store.database import open_database
    from monitor.store.jobs import last_runs

    settings = Settings()
    engine = open_database(settings.effective_database_url())
    daemon = Daemon(settings, Jobs(engine, settings, shipped_plan))
    calls: list[str] = []

    def broken() -> None:
        calls.append("tried")
        raise ConnectionError("database went away")

    job = daemon._job("evaluate", broken, remember=True)
    with caplog.at_level("ERROR", logger=LOGGER.name):
        job()
        job()  # the next tick tries again
    assert calls == ["tried", "tried"]
    failures = [r for r in caplog.records if "event=job.failed job=evaluate" in r.getMessage()]
    assert len(failures) == 2
    assert failures[0].exc_info is not None
    assert "database went away" in str(failures[0].exc_info[1])
    assert "evaluate" not in last_runs(engine, plan=PLAN)  # a failed run is not remembered as done


def test_a_broken_template_override_is_a_message_and_records_nothing(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(ROOT / "examples" / "2022" / "07-so-khdt-giai-ngan-7-thang.xlsx")])
    templates = clean_env / "templates"
    templates.mkdir()
    (templates / "digest.txt").write_text("{{ no_such_field }}\n", encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_TEMPLATES", str(templates))
    result = runner.invoke(cli, ["evaluate", "--as-of", "2022-07-31"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"plan-monitor: the email templates in {templates} cannot be rendered: "
        "UndefinedError: 'no_such_field' is undefined\n"
    )
    monkeypatch.delenv("PLAN_MONITOR_TEMPLATES")
    evaluated = runner.invoke(cli, ["evaluate", "--as-of", "2022-07-31"])
    assert evaluated.output.strip().splitlines()[-1].startswith("run 1 as of 2022-07-31")  # the failed run left nothing


def test_a_templates_setting_that_is_no_folder_is_refused(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_TEMPLATES", str(clean_env / "nowhere"))
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 2
    assert f"templates: Value error, {clean_env / 'nowhere'} is not a folder" in result.stderr
