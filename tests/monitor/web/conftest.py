"""The portal in-process (Starlette's TestClient over the real app and a real store), its emails
as .eml files, and helpers to sign in the way a department does."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from monitor.settings import Settings
from monitor.store.database import open_database
from monitor.web import create_app
from rules import load_plan
from tests.conftest import revenue_target

SECRET = "a-test-secret-key-that-is-long-enough-0123456789"
AS_OF = dt.date(2022, 7, 31)
PLAN_EXTRA = """\
departments:
  - {id: health, name: Sở Y tế, email: health@bacgiang.example, escalation: leader}
"""
# A target whose name holds markup: a page must show it as text.
SCRIPT_TARGET = (
    revenue_target()
    .replace("id: revenue", "id: visitors")
    .replace("name: Thu ngân sách", "name: '<script>alert(1)</script> Khách du lịch'")
    .replace("number: 5", "number: 9")
)


class Clock:
    """The portal's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = dt.datetime(2022, 7, 31, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


class Site:
    """The portal under test: its client, settings, store and clock."""

    def __init__(self, client: TestClient, settings: Settings, engine: sa.Engine, clock: Clock) -> None:
        self.client, self.settings, self.engine, self.clock = client, settings, engine, clock

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(path).text)
        assert found, f"no form on {path}"
        return found.group(1)

    def emails_to(self, address: str) -> list[str]:
        texts = []
        for path in sorted(self.settings.effective_mail_dir().glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(message["To"]):
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                texts.append(str(body.get_content()))
        return texts

    def links_to(self, address: str) -> set[str]:
        return {str(m) for text in self.emails_to(address) for m in re.findall(r"https?://\S+/dang-nhap/\S+", text)}

    def request_link(self, address: str) -> str:
        before = self.links_to(address)
        answer = self.client.post("/dang-nhap", data={"address": address, "csrf": self.csrf("/dang-nhap")})
        assert answer.status_code == 200, answer.text
        new = self.links_to(address) - before
        assert len(new) == 1, f"no new link was emailed to {address}"
        return new.pop().removeprefix("http://testserver")

    def follow(self, link: str) -> object:
        path = link.split("://", 1)[-1].partition("/")[2]
        return self.client.post("/" + path, data={"csrf": self.csrf("/" + path)}, follow_redirects=False)

    def sign_in(self, address: str) -> None:
        answer = self.follow(self.request_link(address))
        assert getattr(answer, "status_code", None) == 303


@pytest.fixture
def site(rule_dir: Callable[..., Path], database_url: str, tmp_path: Path) -> Iterator[Site]:
    rules = rule_dir(revenue=revenue_target(), extra=PLAN_EXTRA, visitors=SCRIPT_TARGET)
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, targets=rules, secret_key=SECRET,
        public_url="http://testserver", max_upload_mb=1,
    )  # fmt: skip
    engine = open_database(database_url) if database_url.startswith("sqlite") else _migrated(database_url)
    clock = Clock()
    app = create_app(settings, engine=engine, plan=load_plan([rules]), as_of=AS_OF, clock=clock)
    with TestClient(app) as client:
        yield Site(client, settings, engine, clock)
    engine.dispose()


def _migrated(url: str) -> sa.Engine:
    from monitor.store.database import create_engine, upgrade

    engine = create_engine(url)
    upgrade(engine)
    return engine
