"""The portal takes up edits of the rule files while it runs, as the daemon does: a valid edit
within `reload_seconds`, an invalid one refused with the last good plan kept."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from monitor.rulewatch import RuleWatch
from monitor.settings import Settings
from monitor.store.database import open_database
from monitor.web import create_app
from rules import load_plan
from tests.conftest import revenue_target
from tests.monitor.web.conftest import AS_OF, PLAN_EXTRA, SECRET, Clock, Site

NEW_TARGET = (
    revenue_target()
    .replace("id: revenue", "id: tourists")
    .replace("name: Thu ngân sách", "name: Khách du lịch")
    .replace("number: 5", "number: 7")
)


class Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watched(rule_dir: Callable[..., Path], tmp_path: Path) -> Iterator[tuple[Site, Path, Seconds]]:
    rules = rule_dir(revenue=revenue_target(), extra=PLAN_EXTRA)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    settings = Settings(data_dir=tmp_path / "var", database_url=url, targets=rules, secret_key=SECRET,
                        public_url="http://testserver", reload_seconds=10)  # fmt: skip
    engine = open_database(url)
    seconds = Seconds()
    plan = load_plan([rules])
    watch = RuleWatch(rules, plan, cache_dir=tmp_path / "cache", every=settings.reload_seconds, clock=seconds)
    app = create_app(settings, engine=engine, plan=plan, as_of=AS_OF, clock=Clock(), watch=watch)
    with TestClient(app) as client:
        yield Site(client, settings, engine, Clock()), rules, seconds
    engine.dispose()


def test_a_target_added_while_the_portal_runs_takes_figures_after_the_reload_interval(
    watched: tuple[Site, Path, Seconds],
) -> None:
    site, rules, seconds = watched
    site.sign_in("finance@bacgiang.example")
    assert site.client.get("/chi-tieu/tourists").status_code == 404
    (rules / "tourists.yaml").write_text(NEW_TARGET, encoding="utf-8")
    seconds.now += 5  # not yet looked at again
    assert site.client.get("/chi-tieu/tourists").status_code == 404
    seconds.now += 5
    page = site.client.get("/chi-tieu/tourists")
    assert page.status_code == 200
    assert "Khách du lịch" in page.text
    sent = site.client.post(
        "/gui-so-lieu",
        data={"csrf": site.csrf("/gui-so-lieu")},
        files={"file": ("khach.csv", b"target,period,value\ntourists,2022-06,5000\n", "text/csv")},
    )
    assert "Đã nhận 1 dòng" in sent.text


def test_an_invalid_edit_keeps_the_last_good_plan(
    watched: tuple[Site, Path, Seconds], caplog: pytest.LogCaptureFixture
) -> None:
    site, rules, seconds = watched
    site.sign_in("finance@bacgiang.example")
    (rules / "revenue.yaml").write_text(revenue_target().replace("kind: cumulative", "kind: sideways"), "utf-8")
    seconds.now += 10
    with caplog.at_level(logging.INFO):
        page = site.client.get("/chi-tieu/revenue")
    assert page.status_code == 200
    assert "Thu ngân sách" in page.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "event=rules.invalid" in logged
    assert "revenue.yaml" in logged
    assert "event=rules.kept" in logged
    # Mended, the file is taken up at the next look.
    (rules / "revenue.yaml").write_text(revenue_target().replace("Thu ngân sách", "Thu ngân sách nhà nước"), "utf-8")
    seconds.now += 10
    assert "Thu ngân sách nhà nước" in site.client.get("/chi-tieu/revenue").text
