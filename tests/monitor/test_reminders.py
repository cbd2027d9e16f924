"""Reminders before a report falls due, through the real commands: to the owner, only while the
figure has not come, once per due date however often the plan is evaluated."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlmodel import col

from monitor.cli import cli
from monitor.settings import Settings
from monitor.store.database import create_engine
from monitor.store.schema import OutboxMessage
from tests.monitor.conftest import copy_data_dir, use_data_dir

SUBJECT = "Nhắc hạn báo cáo"


@pytest.fixture
def runner(ingested_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The example figures (the latest for grain and rice: June) in a data folder of the test's own."""
    use_data_dir(monkeypatch, copy_data_dir(ingested_data, tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_PUBLIC_URL", "https://theodoi.bacgiang.example")
    return CliRunner()


def _evaluate(runner: CliRunner, day: str) -> None:
    result = runner.invoke(cli, ["evaluate", "--as-of", day])
    assert result.exit_code == 0, result.output


def _reminders() -> list[tuple[str, EmailMessage]]:
    """The reminders in the outbox: recipient and message."""
    engine = create_engine(Settings().effective_database_url())
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(OutboxMessage.recipient), col(OutboxMessage.message))
            .where(col(OutboxMessage.subject).startswith(SUBJECT))
            .order_by(col(OutboxMessage.id))
        ).all()
    engine.dispose()
    found = []
    for recipient, raw in rows:
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append((recipient, message))
    return found


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_the_owner_is_reminded_once_before_the_report_falls_due(runner: CliRunner, tmp_path: Path) -> None:
    _evaluate(runner, "2022-08-06")  # July's reports are due on 10/08: four days ahead, too early
    assert _reminders() == []
    _evaluate(runner, "2022-08-07")
    [(recipient, message)] = _reminders()
    assert recipient == "so-nnptnt"
    assert message["To"].addresses[0].addr_spec == "so-nnptnt@bacgiang.example"
    assert message["Subject"] == f"{SUBJECT}: 2 báo cáo đến hạn ngày 10/08/2022"
    assert message["Auto-Submitted"] == "auto-generated"
    text = _text(message)
    assert "Kính gửi Sở Nông nghiệp và Phát triển nông thôn" in text
    assert "Sản lượng lương thực có hạt: tháng 7/2022" in text
    assert "Sản lượng lúa: tháng 7/2022" in text
    assert "https://theodoi.bacgiang.example/gui-so-lieu" in text
    assert f"{tmp_path / 'var' / 'inbox'}/so-nnptnt" in text
    # The days that follow remind no one again, and the department whose figures came is not reminded.
    _evaluate(runner, "2022-08-09")
    assert len(_reminders()) == 1


def test_a_report_whose_figure_has_come_is_left_out(runner: CliRunner, tmp_path: Path) -> None:
    figures = tmp_path / "grain.csv"
    figures.write_text(
        'chỉ tiêu,kỳ,giá trị,đơn vị\ngrain-output,2022-07,"380,5",nghìn tấn\ngrain-output,2022-08,"410,2",nghìn tấn\n'
    )
    ingested = runner.invoke(cli, ["ingest", str(figures)])
    assert ingested.exit_code == 0, ingested.output
    _evaluate(runner, "2022-08-08")
    [(_, july)] = _reminders()
    assert "Sản lượng lúa" in _text(july)
    assert "lương thực" not in _text(july)
    assert july["Subject"] == f"{SUBJECT}: 1 báo cáo đến hạn ngày 10/08/2022"
    _evaluate(runner, "2022-09-08")  # August: grain has come, rice has not
    assert [m["Subject"] for _, m in _reminders()][1] == f"{SUBJECT}: 1 báo cáo đến hạn ngày 10/09/2022"


def test_no_reminder_when_the_setting_is_zero(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_REMIND_DAYS", "0")
    _evaluate(runner, "2022-08-08")
    assert _reminders() == []


def test_reminders_are_delivered_like_every_message(runner: CliRunner, tmp_path: Path) -> None:
    _evaluate(runner, "2022-08-08")
    sent = runner.invoke(cli, ["outbox", "send"])
    assert sent.exit_code == 0, sent.output
    subjects = [
        message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]
        for path in (tmp_path / "var" / "mail").glob("*.eml")
    ]
    assert f"{SUBJECT}: 2 báo cáo đến hạn ngày 10/08/2022" in subjects
