"""Signing in by an emailed link: the link goes out as an email, opens a session once, and the
session can be ended."""

from __future__ import annotations

from tests.monitor.web.conftest import Site


def test_a_department_signs_in_by_the_emailed_link_and_sees_its_targets(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    home = site.client.get("/")
    assert home.status_code == 200
    assert "Sở Tài chính" in home.text
    assert "Thu ngân sách" in home.text


def test_every_page_but_sign_in_sends_a_visitor_without_a_session_to_sign_in(site: Site) -> None:
    answer = site.client.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dang-nhap"
