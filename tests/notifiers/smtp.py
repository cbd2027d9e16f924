"""A real SMTP server in-process (aiosmtpd), whose replies a test can script."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# How long, in seconds, a client waits on this server, and the server on its own start: only a
# broken test waits that long, and a machine whose cores are all busy must not make one look broken.
PATIENCE = 60.0


@dataclass
class Mailbox:
    """What the server received, and the replies it is told to give."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)  # replies to give instead of accepting, in turn

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(data, policy=policy.default) for _, _, data in self.received]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  (aiosmtpd's hook name)
        if self.refuse:
            return self.refuse.pop(0)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(*, password: str | None = None, mailbox: Mailbox | None = None) -> Iterator[tuple[Mailbox, int]]:
    """Run a server on 127.0.0.1; with `password`, it requires AUTH (user 'plan-monitor')."""
    mailbox = mailbox or Mailbox()
    options: dict[str, Any] = {}
    if password is not None:

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = (
                isinstance(data, LoginPassword) and data.login == b"plan-monitor" and data.password == password.encode()
            )
            return AuthResult(success=ok, handled=False)

        options = {"authenticator": authenticate, "auth_require_tls": False, "auth_required": True}
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=PATIENCE, **options)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@contextmanager
def hung_server() -> Iterator[int]:
    """A server on 127.0.0.1 that accepts connections and never says a word: a hung SMTP server.
    Yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        done.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()
