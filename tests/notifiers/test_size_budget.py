"""A digest bigger than its size budget keeps its worst items and counts the others: it is
trimmed, never refused by a mail server for its size."""

from __future__ import annotations

import random
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import Message

from notifiers import Templates, render_digest, subject
from notifiers import render as rendering
from tests.notifiers.test_render import AT, PNG, _item, digest

SENDER = "plan-monitor@bacgiang.example"


def test_a_digest_over_its_budget_keeps_the_worst_items_and_says_how_many_more() -> None:
    items = [
        _item(target_id=f"t{n}", number=f"({n:03d})", name=f"Chỉ tiêu {n}", status="critical" if n < 5 else "behind",
              chart_id=f"chart.{n}@bacgiang.example")
        for n in range(300)
    ]  # fmt: skip
    whole = digest(*items)
    charts = {f"chart.{n}@bacgiang.example": PNG for n in range(300)}
    full = render_digest(whole, Templates(), charts, sender=SENDER, message_id="<1@x>", composed_at=AT).as_bytes()
    budget = len(full) // 4
    trimmed = render_digest(whole, Templates(), charts, sender=SENDER, message_id="<1@x>", composed_at=AT,
                            size_budget=budget).as_bytes()  # fmt: skip
    assert len(trimmed) <= budget
    message = message_from_bytes(trimmed, policy=policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    kept = sum(1 for n in range(300) if f"Chỉ tiêu {n}\n" in text or f"Chỉ tiêu {n} " in text)
    assert 5 <= kept < 300
    assert all(f"Chỉ tiêu {n}" in text for n in range(5))  # the critical ones first
    assert f"Còn {300 - kept} mục nữa" in text
    assert message["Subject"] == subject(whole)  # the subject still counts every target behind
    assert "5 chỉ tiêu nghiêm trọng, 295 chậm tiến độ" in subject(whole)  # all 300, by severity


def test_a_digest_within_its_budget_is_whole() -> None:
    whole = digest(_item(), _item(target_id="other", number="(7)"))
    plain = render_digest(whole, Templates(), {}, sender=SENDER, message_id="<1@x>", composed_at=AT)
    budgeted = render_digest(whole, Templates(), {}, sender=SENDER, message_id="<1@x>", composed_at=AT,
                             size_budget=10_000_000)  # fmt: skip

    def text(message: Message) -> str:
        return message_from_bytes(message.as_bytes(), policy=policy.default).get_body(("plain",)).get_content()  # type: ignore[union-attr,no-any-return]

    assert text(plain) == text(budgeted)
    assert "mục nữa" not in text(plain)


def test_a_trimmed_digest_keeps_exactly_as_many_items_as_fit() -> None:
    """The most items whose message is within the budget: one more would not be."""
    items = [
        _item(target_id=f"t{n}", number=f"({n:03d})", name=f"Chỉ tiêu {n}" + " dài" * (n % 7),
              chart_id=f"chart.{n % 9}@bacgiang.example")
        for n in range(90)
    ]  # fmt: skip
    whole = digest(*items)
    charts = {f"chart.{n}@bacgiang.example": PNG * (n + 1) for n in range(9)}

    def size(kept: int) -> int:  # the message of the `kept` worst items, counting the others
        message = rendering._digest_message(whole, whole.ordered[:kept], 90 - kept, subject(whole), Templates(),
                                            charts, SENDER, "<1@x>", AT)  # fmt: skip
        return len(message.as_bytes())

    full = size(90)
    for budget in (full // 9, full // 3, full // 2, full - 1, full, size(1) - 1, size(40)):
        trimmed = render_digest(whole, Templates(), charts, sender=SENDER, message_id="<1@x>", composed_at=AT,
                                size_budget=budget).as_bytes()  # fmt: skip
        text = message_from_bytes(trimmed, policy=policy.default).get_body(("plain",)).get_content()  # type: ignore[union-attr]
        omitted = int(text.split("Còn ")[1].split(" mục")[0]) if "mục nữa" in text else 0
        kept = 90 - omitted
        assert kept == 1 or len(trimmed) <= budget, budget
        if kept < 90:  # one more item would not have fitted
            assert size(kept + 1) > budget, (budget, kept)


def test_a_digests_bytes_are_written_as_the_email_package_writes_them() -> None:
    """`message_bytes` (what the outbox stores) is `as_bytes`, byte for byte, charts included;
    and a message with CR in a part, which the email package rewrites, is rewritten the same."""
    items = [_item(target_id=f"t{n}", number=f"({n})", chart_id=f"chart.{n}@bacgiang.example") for n in range(12)]
    charts = {f"chart.{n}@bacgiang.example": PNG * (n + 1) for n in range(12)}
    message = render_digest(digest(*items), Templates(), charts, sender=SENDER, message_id="<1@x>", composed_at=AT,
                            size_budget=10_000_000)  # fmt: skip
    assert rendering.message_bytes(message) == message.as_bytes()
    crlf = Message()
    crlf.set_payload("one\r\ntwo\rthree\n")
    assert rendering.message_bytes(crlf) == crlf.as_bytes()


def test_a_boundary_found_in_a_part_is_changed_as_the_email_package_changes_it() -> None:
    from email.generator import Generator
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    random.seed(16)
    drawn = Generator._make_boundary()  # type: ignore[attr-defined]

    def written(write: Callable[[Message], bytes]) -> bytes:
        message = MIMEMultipart()
        message.attach(MIMEText(f"--{drawn}\n--{drawn}.0--\n", "plain", "us-ascii"))
        random.seed(16)
        return write(message)

    ours = written(rendering.message_bytes)
    assert ours == written(lambda message: message.as_bytes())
    assert f'boundary="{drawn}.1"'.encode() in ours
