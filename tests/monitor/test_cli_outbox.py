"""The mail commands as an operator runs them, against .eml files and a real SMTP server."""

from __future__ import annotations

from email import message_from_bytes, policy
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
from tests.notifiers.smtp import free_port, smtp_server


@pytest.fixture
def runner(evaluated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A data folder of the test's own, holding the example figures and the digests of a run as of 31 July."""
    use_data_dir(monkeypatch, copy_data_dir(evaluated_data, tmp_path / "var"))
    return CliRunner()


def _outbox(state: str) -> int:
    """How many messages of the configured database's outbox are in `state`."""
    engine = create_engine(Settings().effective_database_url())
    with engine.connect() as connection:
        count = connection.execute(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(col(OutboxMessage.state) == state)
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_without_smtp_the_emails_are_eml_files(runner: CliRunner, tmp_path: Path) -> None:
    queued = _outbox("queued")
    assert queued > 5  # a digest for each department told about the examples
    listed = runner.invoke(cli, ["outbox", "list", "--state", "queued"])
    assert listed.output.strip().endswith(f"{queued} queued")
    sent = runner.invoke(cli, ["outbox", "send"])
    assert sent.exit_code == 0, sent.output
    assert sent.output.startswith(f"{queued} sent to {tmp_path / 'var' / 'mail'}")
    files = sorted((tmp_path / "var" / "mail").glob("*.eml"))
    assert len(files) == queued
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("[Bắc Giang] ")
    assert (_outbox("queued"), _outbox("sent")) == (0, queued)
    assert runner.invoke(cli, ["outbox", "list", "--state", "sent"]).output.strip().endswith(f"{queued} sent")
    assert (
        runner.invoke(cli, ["outbox", "purge-sent", "--older-than", "0"]).output.strip()
        == f"{queued} sent messages purged"
    )
    assert runner.invoke(cli, ["outbox", "list"]).output.strip().endswith("the outbox is empty")
    assert _outbox("sent") == 0


def test_smtp_from_the_environment_and_a_test_email(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("PLAN_MONITOR_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PLAN_MONITOR_SMTP_PORT", str(port))
        monkeypatch.setenv("PLAN_MONITOR_SMTP_SECURITY", "none")
        sent = runner.invoke(cli, ["outbox", "send"])
        assert sent.exit_code == 0, sent.output
        count = len(mailbox.received)
        assert count > 5
        assert sent.output.startswith(f"{count} sent to 127.0.0.1")
        test = runner.invoke(cli, ["notify", "--test", "so-khdt"])
        assert test.exit_code == 0, test.output
    [message] = mailbox.messages()[count:]
    assert message["To"] == "Sở Kế hoạch và Đầu tư <so-khdt@bacgiang.example>"
    assert "Đây là thư thử nghiệm" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_test_email_to_an_unreachable_server_says_so(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLAN_MONITOR_SMTP_PORT", str(free_port()))
    result = runner.invoke(cli, ["notify", "--test", "so-khdt"])
    assert result.exit_code == 1
    assert "the test email to so-khdt@bacgiang.example was not delivered: cannot reach 127.0.0.1" in result.stderr
    unknown = runner.invoke(cli, ["notify", "--test", "so-abc"])
    assert (unknown.exit_code, "unknown department 'so-abc'" in unknown.stderr) == (2, True)


def test_failed_messages_are_retried_on_request(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server() as (mailbox, port):
        monkeypatch.setenv("PLAN_MONITOR_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PLAN_MONITOR_SMTP_PORT", str(port))
        monkeypatch.setenv("PLAN_MONITOR_SMTP_SECURITY", "none")
        mailbox.refuse = ["550 5.1.1 mailbox unavailable"]
        first = runner.invoke(cli, ["outbox", "send"])
        assert "1 failed" in first.output
        assert "550" in first.stderr
        assert runner.invoke(cli, ["outbox", "retry"]).output.strip() == "1 messages queued again"
        second = runner.invoke(cli, ["outbox", "send"])
        assert second.output.startswith("1 sent")


def test_a_bad_setting_is_a_clear_error(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_SMTP_SECURITY", "ssl3")
    result = runner.invoke(cli, ["outbox", "send"])
    assert result.exit_code == 2
    assert result.stderr.startswith("plan-monitor: invalid settings: smtp_security:")
