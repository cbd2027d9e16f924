"""`plan-monitor web` refuses to start without a secret key of its own, with a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import TARGETS


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "PLAN_MONITOR_SECRET_KEY is not set; the portal signs sign-in links and sessions with it"),
        ("short", "PLAN_MONITOR_SECRET_KEY has 5 characters; expected at least 32 random ones"),
    ],
)
def test_the_portal_refuses_to_start_without_a_long_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str | None, message: str
) -> None:
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    if key is None:
        monkeypatch.delenv("PLAN_MONITOR_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("PLAN_MONITOR_SECRET_KEY", key)
    result = CliRunner().invoke(cli, ["web"])
    assert result.exit_code == 2
    assert f"plan-monitor: {message}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_demo_s_portal_needs_the_demo_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["web", "--demo"])
    assert result.exit_code == 2
    assert "the demo's database is not there yet; run: plan-monitor demo" in result.output
