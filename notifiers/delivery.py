"""Delivering rendered messages: by SMTP (aiosmtplib), or as .eml files when no server is set."""

from __future__ import annotations

import os
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiosmtplib

from notifiers.errors import PermanentError, RecoverableError, ServerUnavailableError


class Notifier(Protocol):
    """Delivers messages one by one, raising a `DeliveryError` that says whether to retry.

    Used as an async context manager around a batch, so an SMTP connection serves many messages.
    """

    async def __aenter__(self) -> Notifier: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def deliver(self, message: bytes, sender: str, recipients: list[str], message_id: str) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls, tls (implicit), none
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    verify: bool = True  # check the server's certificate


class EmailNotifier:
    """Sends through an SMTP server, one connection per batch (reopened after a failure), and
    classifies every failure as recoverable or permanent."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> EmailNotifier:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close()

    async def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host, port=s.port, timeout=s.timeout, use_tls=s.security == "tls",
            start_tls=True if s.security == "starttls" else False if s.security == "none" else None,
            tls_context=None if s.security == "none" else _context(s.verify),
        )  # fmt: skip
        await client.connect()
        if s.username:
            await client.login(s.username, s.password or "")
        self._client = client
        return client

    async def deliver(self, message: bytes, sender: str, recipients: list[str], message_id: str) -> None:
        s = self.settings
        try:
            client = await self._connected()
            await client.sendmail(sender, recipients, message)
        except aiosmtplib.SMTPAuthenticationError as exc:
            await self._close()
            raise PermanentError(f"authentication refused: {exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            kind = RecoverableError if codes and all(400 <= c < 500 for c in codes) else PermanentError
            refused = "; ".join(f"{r.recipient} {r.code} {r.message}" for r in exc.recipients)
            raise kind(f"recipients refused: {refused}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            kind = RecoverableError if 400 <= exc.code < 500 else PermanentError
            await self._close()
            raise kind(f"server replied {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self._close()
            raise ServerUnavailableError(f"cannot reach {s.host}:{s.port}: {exc}") from exc


def _context(verify: bool) -> ssl.SSLContext:
    """A TLS context (made only for a server that speaks TLS: making one costs about 30 ms)."""
    return ssl.create_default_context() if verify else _unverified()


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class FileNotifier:
    """Writes each message as an .eml file in a folder: the default with no SMTP server, so every
    email can be opened at once. Writing the same message again replaces it: nothing doubles."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def __aenter__(self) -> FileNotifier:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def deliver(self, message: bytes, sender: str, recipients: list[str], message_id: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9._-]+", "_", message_id.strip("<>"))
            path = self.folder / f"{name}.eml"
            partial = path.with_suffix(".eml.tmp")
            partial.write_bytes(message)
            os.replace(partial, path)
        except OSError as exc:
            raise RecoverableError(f"cannot write to {self.folder}: {exc}") from exc
