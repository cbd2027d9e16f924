"""Signing in to the portal, in the store: emailed links (single use, expiring), the requests for
them that the rate limits count, and sessions.

Only hashes of the secrets are kept (a link's nonce, a session's token): a copy of the database
lets no one sign in. Every moment is passed in, so that expiry is tested without a clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import as_utc, writing
from monitor.store.schema import SignInLink, SignInRequest, WebSession


def hashed(secret: str) -> str:
    """What the store keeps of a secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def add_request(engine: sa.Engine, address: str, client: str, now: dt.datetime) -> None:
    """Record a request for a link (whether the address is known or not)."""
    with writing(engine) as connection:
        connection.execute(
            sa.insert(SignInRequest).values(address=address.strip().casefold()[:255], client=client[:64], at=now)
        )


@dataclass(frozen=True)
class RequestCounts:
    """Requests for links since a moment: for this address, and from this client."""

    address: int
    client: int


def recent_requests(engine: sa.Engine, address: str, client: str, since: dt.datetime) -> RequestCounts:
    r = SignInRequest
    recent = col(r.at) >= since
    with engine.connect() as connection:
        by_address = connection.execute(
            sa.select(sa.func.count()).where(recent, col(r.address) == address.strip().casefold()[:255])
        ).scalar_one()
        by_client = connection.execute(sa.select(sa.func.count()).where(recent, col(r.client) == client[:64]))
        return RequestCounts(by_address, by_client.scalar_one())


def forget_requests(engine: sa.Engine, before: dt.datetime) -> int:
    """Delete requests older than the longest rate-limit window; how many went."""
    with writing(engine) as connection:
        return connection.execute(sa.delete(SignInRequest).where(col(SignInRequest.at) < before)).rowcount


def add_link(engine: sa.Engine, nonce: str, department_id: str, *, now: dt.datetime, expires: dt.datetime) -> None:
    """Record a link issued to a department, by its nonce."""
    with writing(engine) as connection:
        connection.execute(
            sa.insert(SignInLink).values(
                nonce_hash=hashed(nonce), department_id=department_id, created_at=now, expires_at=expires
            )
        )


class LinkState:
    """Why a link did not sign anyone in (or `OK`)."""

    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LinkUse:
    state: str
    department_id: str | None = None


def use_link(engine: sa.Engine, nonce: str, now: dt.datetime) -> LinkUse:
    """Spend a link: the department it signs in, once, before it expires; otherwise why not.

    One statement marks it used only if it is unused and unexpired, so two clicks at once sign in
    once.
    """
    link = SignInLink
    key = col(link.nonce_hash) == hashed(nonce)
    with writing(engine) as connection:
        spent = connection.execute(
            sa.update(link)
            .where(key, col(link.used_at).is_(None), col(link.expires_at) > now)
            .values(used_at=now)
            .returning(col(link.department_id))
        ).first()
        if spent is not None:
            return LinkUse(LinkState.OK, spent.department_id)
        found = connection.execute(sa.select(col(link.used_at), col(link.expires_at)).where(key)).first()
    if found is None:
        return LinkUse(LinkState.UNKNOWN)
    return LinkUse(LinkState.USED if found.used_at is not None else LinkState.EXPIRED)


def add_session(
    engine: sa.Engine, token: str, department_id: str, client: str, *, now: dt.datetime, expires: dt.datetime
) -> None:
    with writing(engine) as connection:
        connection.execute(
            sa.insert(WebSession).values(
                token_hash=hashed(token), department_id=department_id, client=client[:64], created_at=now,
                expires_at=expires,
            )
        )  # fmt: skip


def session_department(engine: sa.Engine, token: str, now: dt.datetime) -> str | None:
    """The department signed in by a session token, if the session is open and unexpired."""
    s = WebSession
    query = sa.select(col(s.department_id), col(s.expires_at)).where(
        col(s.token_hash) == hashed(token), col(s.ended_at).is_(None)
    )
    with engine.connect() as connection:
        found = connection.execute(query).first()
    if found is None or as_utc(found.expires_at) <= now:
        return None
    return str(found.department_id)


def end_session(engine: sa.Engine, token: str, now: dt.datetime) -> bool:
    """Sign a session out; False if it was not open."""
    s = WebSession
    with writing(engine) as connection:
        done = connection.execute(
            sa.update(s).where(col(s.token_hash) == hashed(token), col(s.ended_at).is_(None)).values(ended_at=now)
        )
    return done.rowcount > 0
