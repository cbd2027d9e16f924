"""A digest tells its worst shortfalls in full and the others in one table; its parts are encoded
as the standard library encodes them, each chart once however many digests carry it."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal
from email import message_from_bytes, policy
from email.mime.image import MIMEImage
from email.mime.text import MIMEText

import pytest

from notifiers import Templates, render_digest
from notifiers import render as rendering
from tests.notifiers.test_render import AT, PNG, SAMPLE, _item, digest

SENDER = "plan-monitor@bacgiang.example"


def _parts(d: object) -> tuple[str, str]:
    raw = render_digest(d, Templates(), {"chart.1@x": PNG}, sender=SENDER, message_id="<1@x>", composed_at=AT)  # type: ignore[arg-type]
    message = message_from_bytes(raw.as_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html


def test_the_shortfalls_after_the_detailed_ones_are_told_in_a_table() -> None:
    items = [_item(target_id=f"t{n}", number=f"({n:02d})", name=f"Chỉ tiêu {n}", actual=Decimal(1000 + n),
                   gap=Decimal(500 - n), chart_id="chart.1@x" if n < 2 else None)
             for n in range(10)]  # fmt: skip
    full = digest(*items)
    text, html = _parts(replace(full, detailed=3))
    assert text.count("Lý do nhận thư") == 3  # three in full
    assert "Các chỉ tiêu khác (chỉ tiêu | tình trạng | thực hiện / yêu cầu | chênh lệch):" in text
    for n in range(3, 10):  # the others, one line each: the figure, the requirement, the gap
        line = f"(0{n}) Chỉ tiêu {n} | Chậm tiến độ | 1.00{n} tỷ đồng / 3.432,76 tỷ đồng | thiếu {500 - n} tỷ đồng"
        assert line in text
    assert text.index("Chỉ tiêu 2\n") < text.index("Các chỉ tiêu khác") < text.index("(09) Chỉ tiêu 9 |")
    assert html.count('class="chart"') == 2
    assert html.count("<tr><td") >= 7
    assert "Các chỉ tiêu khác" in html
    whole_text, _ = _parts(full)  # without a limit, every item in full, no table
    assert whole_text.count("Lý do nhận thư") == 10
    assert "Các chỉ tiêu khác" not in whole_text


def test_a_digest_within_its_detailed_count_has_no_table() -> None:
    text, html = _parts(replace(SAMPLE, detailed=6))
    assert "Các chỉ tiêu khác" not in text
    assert "Các chỉ tiêu khác" not in html
    assert (text, html) == _parts(SAMPLE)


@pytest.mark.parametrize("text", ["", "a", "Xin chào Việt Nam\n" * 500, "x" * 57, "đ" * 19, "dòng\r\ndòng\n"])
def test_a_text_part_is_encoded_as_mimetext_encodes_it(text: str) -> None:
    expected = MIMEText(text, "html", "utf-8")
    del expected["MIME-Version"]
    assert rendering._part(text, "html").as_bytes() == expected.as_bytes()


def test_a_chart_is_encoded_as_the_standard_library_does_and_once() -> None:
    png = os.urandom(20_000)
    ours = MIMEImage(png, "png", _encoder=lambda part: rendering._base64_of(part, png))
    assert ours.as_bytes() == MIMEImage(png, "png").as_bytes()
    before = rendering._base64.cache_info().hits
    for _ in range(3):
        MIMEImage(png, "png", _encoder=lambda part: rendering._base64_of(part, png))
    assert rendering._base64.cache_info().hits == before + 3
