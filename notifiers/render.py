"""Rendering digests into email messages: jinja2 templates (HTML and plain text), inline charts.

Templates are looked up first in the operator's folder (settings), then in the package's own
``notifiers/templates``. HTML is autoescaped and every undefined name is an error; text that
comes from rule files (target names, reasons) is passed in as data, never compiled as a template.
CSS is inlined for mail clients by css-inline.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import css_inline
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)

from notifiers import formatting
from notifiers.digest import Digest, Item


def _number(value: Decimal | None, places: int = 2) -> str:
    return formatting.rounded(value, places, missing="—")


def _day(value: dt.date | None) -> str:
    return formatting.day(value) if value else "—"


def _period(code: str | None) -> str:
    return formatting.period(code) if code else "—"


class Templates:
    """The digest templates: the operator's folder first, then the package's."""

    def __init__(self, override: Path | None = None) -> None:
        loaders: list[FileSystemLoader | PackageLoader] = [PackageLoader("notifiers", "templates")]
        if override is not None:
            loaders.insert(0, FileSystemLoader(override))
        self.environment = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.filters["num"] = _number
        self.environment.filters["day"] = _day
        self.environment.filters["period"] = _period
        self.environment.filters["amount"] = formatting.amount

    def render(self, template: str, /, **context: object) -> str:
        try:
            loaded = self.environment.get_template(template)
        except UnicodeDecodeError as exc:  # an override saved in another encoding
            raise TemplateError(f"{template} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        return loaded.render(**context)


_SEVERITY_WORDS = (("missed", "không đạt"), ("critical", "nghiêm trọng"), ("behind", "chậm tiến độ"),
                   ("at_risk", "có nguy cơ chậm"))  # fmt: skip


def subject(digest: Digest) -> str:
    """Says at once how bad it is: "1 chỉ tiêu nghiêm trọng, 2 chậm tiến độ, 1 báo cáo chưa gửi"."""
    day = formatting.day(digest.as_of)
    worst: dict[str, Item] = {}
    for item in digest.items:
        if item.alert == "performance" and item.message != "resolved":
            held = worst.get(item.target_id)
            if held is None or item.rank > held.rank:
                worst[item.target_id] = item
    counts = {status: sum(1 for i in worst.values() if i.status == status) for status, _ in _SEVERITY_WORDS}
    overdue = len({i.target_id for i in digest.items if i.report and i.message != "resolved"})
    received = len({i.target_id for i in digest.items if i.report and i.message == "resolved"})
    resolved = len({i.target_id for i in digest.items if not i.report and i.message == "resolved"})
    parts = [f"{counts[status]} {word}" for status, word in _SEVERITY_WORDS if counts[status]]
    if parts:
        parts[0] = parts[0].replace(" ", " chỉ tiêu ", 1)
    if overdue:
        parts.append(f"{overdue} báo cáo chưa gửi")
    if received:
        parts.append(f"{received} báo cáo đã nhận")
    if resolved:
        parts.append(f"{resolved} chỉ tiêu đã khắc phục")
    return f"[{digest.province}] {', '.join(parts) or 'Tình hình thực hiện kế hoạch'} — ngày {day}"


def _header(value: str) -> str:
    """A header value, refused if it could inject another header."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"a header may not contain CR or LF: {value!r}")
    return value


def _address(name: str, address: str) -> str:
    return formataddr((_header(name), _header(address)), charset="utf-8")


def _envelope(
    subject_text: str,
    sender: tuple[str, str],
    recipient: tuple[str, str],
    message_id: str,
    at: dt.datetime,
    reply_to: str | None = None,
) -> MIMEMultipart:
    """The outer message: encoded headers (RFC 2047), built with the fast compat32 API. Every
    message says it is automatic (RFC 3834), so that out-of-office replies are not sent back."""
    message = MIMEMultipart("alternative")
    message["Subject"] = Header(_header(subject_text), "utf-8")  # type: ignore[assignment]  # compat32 takes a Header
    message["From"] = _address(*sender)
    message["To"] = _address(*recipient)
    message["Date"] = format_datetime(at)
    message["Message-ID"] = _header(message_id)
    message["Content-Language"] = "vi"
    message["Auto-Submitted"] = "auto-generated"
    if reply_to:
        message["Reply-To"] = _header(reply_to)
    return message


def _part(text: str, subtype: str) -> MIMENonMultipart:
    """A UTF-8 text part in base64, as `MIMEText(text, subtype, "utf-8")` writes it, encoded at
    C speed (the same 76-character lines)."""
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    del part["MIME-Version"]
    part.set_payload(str(base64.encodebytes(text.encode("utf-8")), "ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    return part


def render_digest(
    digest: Digest,
    templates: Templates,
    charts: dict[str, bytes],
    *,
    sender: str,
    message_id: str,
    composed_at: dt.datetime,
    size_budget: int | None = None,
    reply_to: str | None = None,
) -> Message:
    """The email for `digest`: plain text, HTML with CSS inlined, each item's chart inline by Content-ID.

    `charts` maps Content-IDs to PNG bytes, rendered once per target and shared by every digest.
    A message over `size_budget` bytes keeps as many of its worst items as fit, and says how many
    more there are: a digest is trimmed, never refused by a mail server for its size.
    """
    title = subject(digest)
    items = digest.ordered

    def texts(kept: int) -> tuple[str, str]:
        return _digest_texts(digest, items[:kept], len(items) - kept, title, templates)

    def message(kept: int, texts: tuple[str, str]) -> Message:
        return _assembled(digest, items[:kept], title, texts, charts, sender, message_id, composed_at, reply_to)

    if size_budget is None:
        return message(len(items), texts(len(items)))
    sizes = _Sizes(_carried(items, charts), texts, message, size_budget)
    kept = _largest_within(len(items), sizes.size, size_budget)
    return message(kept, sizes.within[1] if sizes.within[0] == kept else texts(kept))


def message_bytes(message: Message) -> bytes:
    """`message.as_bytes()`, the same bytes, written without splitting its encoded parts into
    lines only to join them again (a national digest is 5 MB of base64 lines)."""
    out = BytesIO()
    _Generator(out, mangle_from_=False, policy=message.policy).flatten(message)
    return out.getvalue()


class _Generator(BytesGenerator):
    @classmethod
    def _make_boundary(cls, text: bytes | None = None) -> str:
        """The email package's boundary, drawn the same way, looked for in the parts' `text` by a
        substring search first: a line of the boundary cannot be in a text that does not hold it."""
        boundary: str = super()._make_boundary(None)  # type: ignore[misc]
        found, counter = boundary, 0
        while text is not None and f"--{found}".encode() in text and _boundary_line(found).search(text):
            found, counter = f"{boundary}.{counter}", counter + 1
        return found

    def _write_lines(self, lines: str) -> None:
        if self._NL == "\n" and "\r" not in lines:  # type: ignore[attr-defined]
            self.write(lines)  # each line already ends as it would be written
        else:
            super()._write_lines(lines)  # type: ignore[misc]


def _boundary_line(boundary: str) -> re.Pattern[bytes]:
    return re.compile(f"^--{re.escape(boundary)}(--)?$".encode("ascii"), re.MULTILINE)


def _encoded(size: int) -> int:
    """The length of `base64.encodebytes` of `size` bytes: 76 characters and a newline a line."""
    return 4 * -(-size // 3) + -(-size // 57)


def _carried(items: list[Item], charts: dict[str, bytes]) -> list[int]:
    """Where each chart the items carry first appears: a message of `kept` items carries those
    before `kept`."""
    first: dict[str, int] = {}
    for position, item in enumerate(items):
        if item.chart_id and item.chart_id in charts and item.chart_id not in first:
            first[item.chart_id] = position
    return list(first.values())


class _Sizes:
    """The size of the message of the `kept` worst items, from its two rendered texts: the rest of
    a message (headers, charts, MIME) is the same for every message carrying the same charts, so
    it is measured once for each number of charts carried, from a whole message. `within` keeps
    the texts of the most items found within the budget so far."""

    def __init__(self, carried: list[int], texts: Callable[[int], tuple[str, str]],
                 message: Callable[[int, tuple[str, str]], Message], budget: int) -> None:  # fmt: skip
        self.carried, self.texts, self.message, self.budget = carried, texts, message, budget
        self.rest: dict[int, int] = {}  # bytes besides the two texts' parts, by charts carried
        self.within: tuple[int, tuple[str, str]] = (0, ("", ""))

    def size(self, kept: int) -> int:
        texts = self.texts(kept)
        parts = sum(_encoded(len(text.encode("utf-8"))) for text in texts)
        charts = bisect.bisect_left(self.carried, kept)
        if charts not in self.rest:
            self.rest[charts] = len(message_bytes(self.message(kept, texts))) - parts
        size = self.rest[charts] + parts
        if size <= self.budget and kept > self.within[0]:
            self.within = (kept, texts)
        return size


PROBE = 32  # items rendered first, to learn what an item weighs


def _largest_within(count: int, measured: Callable[[int], int], budget: int) -> int:
    """The most items (at least one) whose message is within `budget` bytes; a message grows with
    its items. A few renders: one of `PROBE` items and one of twice as many, then guesses from the
    bytes the items between the nearest two known sizes add (interpolated when one of them is over
    the budget); bisection if guessing stalls."""
    sizes: dict[int, int] = {}

    def size(kept: int) -> int:
        if kept not in sizes:
            sizes[kept] = measured(kept)
        return sizes[kept]

    first = min(count, PROBE)
    second = min(count, 2 * PROBE)  # two probes: an item's weight past the first, heavier ones
    if size(first) > budget:
        fits, over = 1, first  # one item always goes, whatever its size
    elif first == count:
        return count
    elif size(second) > budget:
        fits, over = first, second
    elif second == count:
        return count
    else:
        fits, over = second, count + 1  # count + 1: not known to be over
        for _ in range(12):
            if over - fits <= 1:
                break
            if over <= count:
                weight = (sizes[over] - sizes[fits]) / (over - fits)
            else:
                below = max(kept for kept in sizes if kept < fits)
                weight = (sizes[fits] - sizes[below]) / (fits - below)
            guess = fits + int((budget - sizes[fits]) / max(weight, 1.0))
            guess = max(fits + 1, min(over - 1, count, guess))
            if size(guess) <= budget:
                fits = guess
            else:
                over = guess
        over = min(over, count + 1)
    while over - fits > 1:
        middle = (fits + over) // 2
        if middle <= count and size(middle) <= budget:
            fits = middle
        else:
            over = middle
    return fits


def _digest_message(
    digest: Digest,
    items: list[Item],
    omitted: int,
    title: str,
    templates: Templates,
    charts: dict[str, bytes],
    sender: str,
    message_id: str,
    composed_at: dt.datetime,
    reply_to: str | None = None,
) -> Message:
    texts = _digest_texts(digest, items, omitted, title, templates)
    return _assembled(digest, items, title, texts, charts, sender, message_id, composed_at, reply_to)


def _digest_texts(digest: Digest, items: list[Item], omitted: int, title: str, templates: Templates) -> tuple[str, str]:
    """The digest of `items` (`omitted` others counted) as plain text and as HTML with CSS inlined."""
    kept = set(map(id, items))
    shortfalls = [i for i in digest.shortfalls if id(i) in kept]
    detailed = len(shortfalls) if digest.detailed is None else digest.detailed
    context = {
        "digest": digest, "items": items, "subject": title, "omitted": omitted,
        "shortfalls": shortfalls[:detailed], "rows": shortfalls[detailed:],
        "reports": [i for i in digest.reports if id(i) in kept],
    }  # fmt: skip
    return templates.render("digest.txt", **context), css_inline.inline(templates.render("digest.html", **context))


def _assembled(
    digest: Digest,
    items: list[Item],
    title: str,
    texts: tuple[str, str],
    charts: dict[str, bytes],
    sender: str,
    message_id: str,
    composed_at: dt.datetime,
    reply_to: str | None,
) -> Message:
    """The message of the digest's rendered `texts`, with the charts its `items` carry."""
    text, html = texts
    message = _envelope(
        title, (digest.sender_name, sender), (digest.recipient_name, digest.address), message_id,
        composed_at, reply_to,
    )  # fmt: skip
    message.attach(_part(text, "plain"))
    related = MIMEMultipart("related")
    del related["MIME-Version"]
    related.attach(_part(html, "html"))
    for cid in dict.fromkeys(i.chart_id for i in items if i.chart_id):
        if cid in charts:
            png = charts[cid]
            image = MIMEImage(png, "png", _encoder=lambda part, png=png: _base64_of(part, png))  # type: ignore[misc]
            del image["MIME-Version"]  # said once, by the outer message
            image["Content-ID"] = f"<{_header(cid)}>"
            image.add_header("Content-Disposition", "inline", filename=f"{cid.split('@')[0]}.png")
            related.attach(image)
    message.attach(related)
    return message


@lru_cache(maxsize=1024)
def _base64(png: bytes) -> str:
    """A chart's base64 text, as `email.encoders.encode_base64` writes it: encoded once, however
    many digests carry the chart (the cache knows the bytes by their hash, which Python keeps)."""
    return str(base64.encodebytes(png), "ascii")


def _base64_of(part: Message, png: bytes) -> None:
    part.set_payload(_base64(png))
    part["Content-Transfer-Encoding"] = "base64"


def render_test(
    templates: Templates, *, name: str, address: str, plan_title: str, sender: str, message_id: str, at: dt.datetime
) -> Message:
    """A short test message to check that a department's address works."""
    context = {"name": name, "address": address, "plan_title": plan_title, "sent_at": at.strftime("%H:%M %d/%m/%Y")}
    message = _envelope(
        f"Thư thử nghiệm — {plan_title}", ("Hệ thống theo dõi kế hoạch", sender), (name, address), message_id, at
    )
    message.attach(MIMEText(templates.render("test.txt", **context), "plain", "utf-8"))
    message.attach(MIMEText(css_inline.inline(templates.render("test.html", **context)), "html", "utf-8"))
    return message


def render_notice(
    *, subject: str, lines: list[str], name: str, address: str, sender: str, message_id: str, at: dt.datetime
) -> Message:
    """A plain-text notice to the operator (an invalid rule edit, for instance)."""
    message = _envelope(subject, ("Hệ thống theo dõi kế hoạch", sender), (name, address), message_id, at)
    message.attach(MIMEText("\n".join(lines) + "\n", "plain", "utf-8"))
    return message
