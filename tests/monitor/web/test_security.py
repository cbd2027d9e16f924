"""The portal's security, tested: sessions on every page but sign-in, CSRF on every form, escaped
output, upload limits, file names kept off the file system, no secret in a page or the log,
single-use expiring links, rate limits, no enumeration, sign-out."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col
from starlette.routing import Route

from monitor.store.figures import figures
from monitor.store.muting import acknowledgements
from monitor.store.schema import SignInRequest
from monitor.store.submissions import comments, submissions
from monitor.web.app import all_routes
from monitor.web.operations import OPEN as OPERATIONS
from monitor.web.signin import PUBLIC, WINDOW
from monitor.web.uploads import safe_name
from tests.conftest import PLAN
from tests.monitor.web.conftest import SECRET, Site

# The operators' routes answer machines without a session, by design (tests/monitor/web/test_operations.py).
ROUTES = [r for r in all_routes() if isinstance(r, Route) and r.path not in OPERATIONS]
EXAMPLE_PATHS = {"/dang-nhap/{token}": "/dang-nhap/x", "/giai-trinh/{target_id}": "/giai-trinh/revenue?period=2022-06"}


def _path(route: Route) -> str:
    return EXAMPLE_PATHS.get(route.path, route.path)


@pytest.mark.parametrize("route", [r for r in ROUTES if "GET" in (r.methods or ())], ids=lambda r: r.path)
def test_every_page_but_sign_in_needs_a_session(site: Site, route: Route) -> None:
    answer = site.client.get(_path(route), follow_redirects=False)
    if route.path in PUBLIC:
        assert answer.status_code in (200, 400)
    else:
        assert answer.status_code == 303
        assert answer.headers["location"] == "/dang-nhap"


@pytest.mark.parametrize("route", [r for r in ROUTES if "POST" in (r.methods or ())], ids=lambda r: r.path)
def test_every_form_is_refused_without_its_csrf_token(site: Site, route: Route) -> None:
    site.sign_in("finance@bacgiang.example")
    site.client.get("/")  # the CSRF cookie is there; only the form's token is missing or wrong
    for data in ({}, {"csrf": "forged"}):
        answer = site.client.post(_path(route), data={**data, "address": "finance@bacgiang.example"})
        assert answer.status_code == 403, route.path
        assert "Không được phép" in answer.text
    assert figures(site.engine, plan=PLAN) == []


def test_a_token_from_another_visitor_s_cookie_does_not_pass(site: Site) -> None:
    token = site.csrf("/dang-nhap")
    site.client.cookies.clear()
    answer = site.client.post("/dang-nhap", data={"csrf": token, "address": "finance@bacgiang.example"})
    assert answer.status_code == 403


def test_a_target_name_holding_markup_stays_text(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    page = site.client.get("/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Khách du lịch" in page
    assert "<script>" not in page
    assert "script-src" not in page  # no inline script at all: the policy allows none
    assert "default-src 'none'" in site.client.get("/").headers["content-security-policy"]


def test_an_upload_over_the_limit_is_refused_unread(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    big = b"target,period,value\n" + b"revenue,2022-03,900\n" * 60_000  # 1.2 MB, over the 1 MB limit
    answer = site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                              files={"file": ("big.csv", big, "text/csv")})  # fmt: skip
    assert answer.status_code == 413
    assert "Tệp quá lớn" in answer.text
    assert "vượt quá giới hạn cho phép (1 MB)" in answer.text  # the limit said, so the sender knows what fits
    assert figures(site.engine, plan=PLAN) == []


def test_rows_beyond_the_row_limit_and_a_zip_bomb_are_refused(site: Site, tmp_path: Path) -> None:
    import zipfile

    site.sign_in("finance@bacgiang.example")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/worksheets/sheet1.xml", " " * (600 << 20))  # 600 MB of nothing, a few hundred KB packed
    answer = site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                              files={"file": ("bomb.xlsx", bomb.read_bytes(), "application/octet-stream")})  # fmt: skip
    assert answer.status_code == 422
    assert "max_unzipped_mb" in answer.text or "max_zip_ratio" in answer.text
    assert figures(site.engine, plan=PLAN) == []


def test_no_path_from_a_file_name_reaches_the_file_system(site: Site, tmp_path: Path) -> None:
    assert safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert safe_name("..\\..\\windows\\x.CSV") == "x.csv"
    assert safe_name("/abs/olute/.csv") is None  # a hidden name, no type
    assert safe_name("/abs/olute/-.csv") == "so-lieu.csv"
    assert safe_name("a\x00b/../c d.xlsx") == "c-d.xlsx"
    assert safe_name("payload.exe") is None
    site.sign_in("finance@bacgiang.example")
    name = f"../../{tmp_path.name}/escaped.csv"
    good = b"target,period,value\nrevenue,2022-03,900\n"
    answer = site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                              files={"file": (name, good, "text/csv")})  # fmt: skip
    assert answer.status_code == 200
    assert "escaped.csv" in answer.text
    assert not list(tmp_path.rglob("escaped.csv"))
    assert not list(Path("/tmp").glob("escaped.csv"))


def test_secrets_are_never_in_a_page_or_the_log(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="plan_monitor"):
        link = site.request_link("finance@bacgiang.example")
        site.follow(link)
        pages = [site.client.get(p).text for p in ("/", "/gui-so-lieu", "/nhap-so-lieu", "/dang-nhap")]
    token = link.rsplit("/", 1)[1]
    session = site.client.cookies["pm_session"]
    assert "web.request" in caplog.text
    for secret in (SECRET, token, session, session.partition(".")[0]):
        assert secret not in caplog.text
        assert all(secret not in page for page in pages)


def test_a_link_signs_in_once_and_not_after_it_expires(site: Site) -> None:
    link = site.request_link("finance@bacgiang.example")
    assert site.follow(link).status_code == 303  # type: ignore[attr-defined]
    site.client.cookies.clear()
    reused = site.follow(link)
    assert reused.status_code == 400  # type: ignore[attr-defined]
    assert "Liên kết đăng nhập này đã được dùng" in reused.text  # type: ignore[attr-defined]
    assert "pm_session" not in site.client.cookies

    late = site.request_link("finance@bacgiang.example")
    site.clock.now += dt.timedelta(minutes=15, seconds=1)
    expired = site.follow(late)
    assert "Liên kết đăng nhập này đã hết hạn" in expired.text  # type: ignore[attr-defined]
    forged = site.client.get(late[:-3] + "abc")  # a signature that does not match: refused at once
    assert forged.status_code == 400
    assert "Liên kết đăng nhập không hợp lệ" in forged.text
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_an_unknown_address_gets_the_same_answer_and_no_email(site: Site) -> None:
    def answer(address: str) -> str:
        text = site.client.post("/dang-nhap", data={"address": address, "csrf": site.csrf("/dang-nhap")}).text
        return re.sub(r'value="[^"]+"', "", text)

    assert answer("nobody@bacgiang.example") == answer("finance@bacgiang.example")
    assert site.emails_to("nobody@bacgiang.example") == []
    assert len(site.emails_to("finance@bacgiang.example")) == 1


def test_link_requests_are_limited_per_address_and_per_client(site: Site) -> None:
    def ask(address: str) -> int:
        sent = {"address": address, "csrf": site.csrf("/dang-nhap")}
        return int(site.client.post("/dang-nhap", data=sent).status_code)

    assert [ask("finance@bacgiang.example") for _ in range(6)] == [200] * 5 + [429]
    assert len(site.emails_to("finance@bacgiang.example")) == 5
    assert [ask(f"x{n}@bacgiang.example") for n in range(15)] == [200] * 15  # 20 from this client in all
    assert ask("health@bacgiang.example") == 429
    site.clock.now += dt.timedelta(minutes=16)
    assert ask("finance@bacgiang.example") == 200


def test_a_link_request_is_kept_only_while_the_rate_limits_count_it(site: Site) -> None:
    def kept() -> list[str]:
        with site.engine.connect() as connection:
            return list(connection.execute(sa.select(col(SignInRequest.address))).scalars())

    for address in ("nobody@bacgiang.example", "finance@bacgiang.example"):
        sent = {"address": address, "csrf": site.csrf("/dang-nhap")}
        assert site.client.post("/dang-nhap", data=sent).status_code == 200
    assert sorted(kept()) == ["finance@bacgiang.example", "nobody@bacgiang.example"]
    site.clock.now += WINDOW + dt.timedelta(seconds=1)
    sent = {"address": "health@bacgiang.example", "csrf": site.csrf("/dang-nhap")}
    assert site.client.post("/dang-nhap", data=sent).status_code == 200
    assert kept() == ["health@bacgiang.example"]  # the address a stranger typed is gone with the window


def test_signing_out_ends_the_session(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    cookie = site.client.cookies["pm_session"]
    out = site.client.post("/dang-xuat", data={"csrf": site.csrf("/")}, follow_redirects=False)
    assert out.status_code == 303
    site.client.cookies.set("pm_session", cookie)  # the old cookie, kept by someone
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(site: Site) -> None:
    link = site.request_link("finance@bacgiang.example")
    answer = site.follow(link)
    cookie = answer.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # http://testserver
    site.client.app.state.portal.settings.public_url = "https://portal.example"  # type: ignore[attr-defined]
    link = site.request_link("finance@bacgiang.example")
    secure = site.follow(link).headers["set-cookie"]  # type: ignore[attr-defined]
    assert "Secure" in secure


def test_a_session_ends_after_twelve_hours(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    assert site.client.get("/", follow_redirects=False).status_code == 200
    site.clock.now += dt.timedelta(hours=12, seconds=1)
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_a_file_of_another_type_or_none_is_refused_with_a_message(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    wrong = site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                             files={"file": ("report.pdf", b"%PDF-1.4", "application/pdf")})  # fmt: skip
    assert wrong.status_code == 400
    assert "Chỉ nhận tệp .xlsx, .xls, .ods, .csv hoặc .json." in wrong.text
    bad_value = site.client.post("/nhap-so-lieu", data={"csrf": site.csrf("/nhap-so-lieu"), "series": "revenue",
                                                        "period": "2022-06", "value": "7.088"})  # fmt: skip
    assert bad_value.status_code == 422
    assert (
        "Dòng 2, cột giá trị (&#39;7.088&#39;): không rõ nghĩa: 7088 (dấu chấm phân cách hàng nghìn) hay 7.088? "
        "Hãy viết 7088 hoặc 7,088" in bad_value.text
    )
    assert figures(site.engine, plan=PLAN) == []


def test_a_form_holding_a_nul_character_is_refused_before_anything_is_written(site: Site) -> None:
    # No browser sends a NUL, and PostgreSQL cannot store one: a submission would fail half way.
    address = {"csrf": site.csrf("/dang-nhap"), "address": "finance@bacgiang.example\x00"}
    assert site.client.post("/dang-nhap", data=address).status_code == 400
    assert site.emails_to("finance@bacgiang.example") == []
    site.sign_in("finance@bacgiang.example")
    site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                     files={"file": ("a.csv", b"target,period,value\nrevenue,2022-06,100\n", "text/csv")})  # fmt: skip
    before = (figures(site.engine, plan=PLAN), submissions(site.engine, plan=PLAN))
    token = site.csrf("/gui-so-lieu")
    body = (  # by hand: an HTTP client would percent-encode the NUL in the file's name
        f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n--b\r\n'
        'Content-Disposition: form-data; name="file"; filename="thu\x00.csv"\r\n\r\n'
        "target,period,value\nrevenue,2022-07,100\n\r\n--b--\r\n"
    ).encode()
    upload = site.client.post("/gui-so-lieu", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert upload.status_code == 400
    assert "Yêu cầu không hợp lệ" in upload.text
    assert (figures(site.engine, plan=PLAN), submissions(site.engine, plan=PLAN)) == before
    path = "/giai-trinh/revenue?period=2022-06"  # its alert fires: an explanation would be recorded
    sent = {"csrf": site.csrf(path), "kind": "explanation", "cause": "chậm\x00", "remedy": "đẩy nhanh"}
    assert site.client.post(path, data=sent).status_code == 400
    assert acknowledgements(site.engine, "revenue", plan=PLAN) == []
    site.client.cookies.clear()
    site.sign_in("leader@bacgiang.example")
    said = site.client.post(path, data={"csrf": site.csrf(path), "kind": "comment", "text": "\x00"})
    assert said.status_code == 400
    assert comments(site.engine, "revenue", plan=PLAN) == []


def test_a_form_token_made_for_no_session_does_not_pass_in_a_department_s_session(site: Site) -> None:
    # Someone who can set a cookie for the portal's site (a neighbouring subdomain, a network on
    # plain http) takes a CSRF cookie and its token from the sign-in page, sets that cookie in a
    # department's browser, and sends the token from a page of its own once the department is in.
    token = site.csrf("/dang-nhap")
    planted = site.client.cookies["pm_csrf"]
    site.client.cookies.clear()
    site.client.cookies.set("pm_csrf", planted)
    site.sign_in("finance@bacgiang.example")
    forged = {"csrf": token, "series": "revenue", "period": "2022-06", "value": "900"}
    assert site.client.post("/nhap-so-lieu", data=forged).status_code == 403
    assert figures(site.engine, plan=PLAN) == []
    own = {**forged, "csrf": site.csrf("/nhap-so-lieu")}  # the session's own page's token passes
    assert site.client.post("/nhap-so-lieu", data=own).status_code == 200


def test_signing_in_again_ends_the_session_the_browser_had(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    first = site.client.cookies["pm_session"]
    site.sign_in("health@bacgiang.example")  # another department's link, opened in the same browser
    assert "Sở Y tế" in site.client.get("/").text
    site.client.cookies.clear()
    site.client.cookies.set("pm_session", first)  # the first session's cookie, kept by someone
    assert site.client.get("/", follow_redirects=False).status_code == 303
