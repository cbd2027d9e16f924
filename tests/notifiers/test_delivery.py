"""Delivery against a real SMTP server in-process, and to .eml files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from notifiers.delivery import EmailNotifier, FileNotifier, SmtpSettings
from notifiers.errors import PermanentError, RecoverableError
from tests.notifiers.smtp import PATIENCE, free_port, smtp_server

MESSAGE = b"Subject: test\r\nMessage-ID: <a@b>\r\n\r\nhello\r\n"


def _deliver(notifier: EmailNotifier | FileNotifier, message: bytes = MESSAGE) -> None:
    async def run() -> None:
        async with notifier:
            await notifier.deliver(message, "pm@bacgiang.example", ["so-khdt@bacgiang.example"], "<a@b>")

    asyncio.run(run())


def _plain(port: int, **extra: object) -> EmailNotifier:
    return EmailNotifier(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=PATIENCE, **extra))  # type: ignore[arg-type]


def test_a_message_is_delivered_as_given() -> None:
    with smtp_server() as (mailbox, port):
        _deliver(_plain(port))
    [(sender, recipients, data)] = mailbox.received
    assert (sender, recipients) == ("pm@bacgiang.example", ["so-khdt@bacgiang.example"])
    assert data.replace(b"\r\n", b"\n") == MESSAGE.replace(b"\r\n", b"\n")


def test_a_4xx_reply_is_recoverable_and_a_5xx_permanent() -> None:
    with smtp_server() as (mailbox, port):
        mailbox.refuse = ["451 4.3.0 try again later"]
        with pytest.raises(RecoverableError, match="451"):
            _deliver(_plain(port))
        mailbox.refuse = ["550 5.7.1 rejected"]
        with pytest.raises(PermanentError, match="550"):
            _deliver(_plain(port))
        _deliver(_plain(port))
    assert len(mailbox.received) == 1


def test_refused_authentication_is_permanent_and_the_right_password_works() -> None:
    with smtp_server(password="đúng-2022") as (mailbox, port):
        with pytest.raises(PermanentError, match="authentication refused"):
            _deliver(_plain(port, username="plan-monitor", password="sai"))
        _deliver(_plain(port, username="plan-monitor", password="đúng-2022"))
    assert len(mailbox.received) == 1


def test_no_server_is_recoverable() -> None:
    with pytest.raises(RecoverableError, match=r"cannot reach 127\.0\.0\.1"):
        _deliver(_plain(free_port()))


def test_file_delivery_writes_one_eml_per_message(tmp_path: Path) -> None:
    notifier = FileNotifier(tmp_path / "mail")
    _deliver(notifier)
    _deliver(notifier)  # the same message again replaces the file: nothing doubles
    [path] = (tmp_path / "mail").iterdir()
    assert path.name == "a_b.eml"
    assert path.read_bytes() == MESSAGE
