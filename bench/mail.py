"""Email benchmark: render and send 10,000 digests of 5 items to a local SMTP server (aiosmtpd).

Run: .venv/bin/python -m bench.mail [--digests 10000]
The server runs in its own process (bench/sink.py), as a real one would.
Prints the render time per digest, messages per second through the project's sender, and the
ratio to a bare aiosmtplib loop sending the same pre-rendered bytes in the same run.
Goal: all 10,000 in under 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

import aiosmtplib

from notifiers import ChartData, Digest, EmailNotifier, Item, SmtpSettings, Templates, render_chart, render_digest
from tests.notifiers.smtp import free_port

SENDER = "plan-monitor@bacgiang.example"
TARGETS = 50
AT = dt.datetime(2022, 8, 1, 7, tzinfo=dt.UTC)


def item(n: int) -> Item:
    return Item(
        target_id=f"t{n}", number=f"({n % 19 + 1})", name=f"Chỉ tiêu số {n}", part="", unit="tỷ đồng",
        status=("behind", "critical", "at_risk")[n % 3], rank=(5, 6, 3)[n % 3], message="firing", alert="performance",
        role="owner",
        reason="Thiếu 12,5% so với yêu cầu (ngưỡng chậm 10%, nghiêm trọng 25%): chậm tiến độ.",
        actual=Decimal("2580.386") + n, period="2022-07", period_end=dt.date(2022, 7, 31), source=f"f{n}.xlsx:{n}",
        required=Decimal("3432.758"), gap=Decimal("852.372"), gap_points=Decimal("12.02"),
        projected=Decimal("5328.74"), projected_pct=Decimal("75.17"), pace_per_month=Decimal("745.82"),
        changed="Cảnh báo mới phát sinh.", chart_id=f"chart.{n}@bacgiang.example",
    )  # fmt: skip


def digests(count: int) -> list[Digest]:
    """`count` digests of five items, each item shared by five recipients, as owners and leaders share targets."""
    return [
        Digest(f"d{d}", f"Đơn vị {d}", f"d{d}@bacgiang.example", "Bắc Giang", "Kế hoạch 2022", dt.date(2022, 7, 31),
               tuple(item((d + k) % TARGETS) for k in range(5)))
        for d in range(count)
    ]  # fmt: skip


def render_all(batch: list[Digest], templates: Templates, charts: dict[str, bytes]) -> list[tuple[bytes, str, str]]:
    out = []
    for digest in batch:
        message_id = f"<run1.{digest.recipient_id}@bacgiang.example>"
        message = render_digest(digest, templates, charts, sender=SENDER, message_id=message_id, composed_at=AT)
        out.append((message.as_bytes(), digest.address, message_id))
    return out


async def send_all(notifier: EmailNotifier, messages: list[tuple[bytes, str, str]]) -> None:
    async with notifier:
        for data, address, message_id in messages:
            await notifier.deliver(data, SENDER, [address], message_id)


async def bare_loop(port: int, messages: list[tuple[bytes, str, str]]) -> None:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=30)
    await client.connect()
    for data, address, _ in messages:
        await client.sendmail(SENDER, [address], data)
    await client.quit()


_WORKER: dict[str, object] = {}


def _start_worker(charts: dict[str, bytes]) -> None:
    _WORKER["charts"], _WORKER["templates"] = charts, Templates()


def _render_chunk(first: int, count: int) -> list[tuple[bytes, str, str]]:
    charts = _WORKER["charts"]
    templates = _WORKER["templates"]
    assert isinstance(charts, dict)
    assert isinstance(templates, Templates)
    return render_all(digests(first + count)[first:], templates, charts)


def pipeline(count: int, charts: dict[str, bytes], notifier: EmailNotifier) -> float:
    """Render and send at once, as a busy daemon would: a renderer process fills chunks of
    messages while this process sends the finished ones over one connection."""
    began = time.perf_counter()
    chunk = 250
    with ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(charts,)) as renderer:
        rendered = renderer.map(
            _render_chunk, range(0, count, chunk), [min(chunk, count - f) for f in range(0, count, chunk)]
        )

        async def send() -> None:
            async with notifier:
                for messages in rendered:
                    for data, address, message_id in messages:
                        await notifier.deliver(data, SENDER, [address], message_id)

        asyncio.run(send())
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=10_000)
    args = parser.parse_args()
    n = args.digests
    templates = Templates()
    start = time.perf_counter()
    curve = tuple((dt.date(2022, m, 28), Decimal(m * 100)) for m in range(1, 13))
    charts = {f"chart.{k}@bacgiang.example": render_chart(ChartData(curve[:7], curve, "tỷ đồng"), f"Chỉ tiêu {k}")
              for k in range(TARGETS)}  # fmt: skip
    chart_seconds = time.perf_counter() - start
    batch = digests(n)
    start = time.perf_counter()
    messages = render_all(batch[: min(n, 1000)], templates, charts)
    render_ms = (time.perf_counter() - start) / len(messages) * 1000
    size = sum(len(m) for m, _, _ in messages) / len(messages) / 1024

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench.sink", str(port)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    server.stdout.readline()  # "ready"
    try:
        notifier = EmailNotifier(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=30))
        total = pipeline(n, charts, notifier)
        start = time.perf_counter()
        asyncio.run(send_all(notifier, messages))
        ours = time.perf_counter() - start
        start = time.perf_counter()
        asyncio.run(bare_loop(port, messages))
        bare = time.perf_counter() - start
    finally:
        server.terminate()
        received = int(server.communicate(timeout=30)[0].strip() or 0)
    sample = len(messages)
    print(f"charts: {TARGETS} rendered once in {chart_seconds:.2f} s, shared by all digests")
    print(f"render: {render_ms:.2f} ms per digest ({size:.0f} KiB each)")
    print(f"send {sample:,} pre-rendered: {ours:.2f} s = {sample / ours:,.0f} messages/s; bare aiosmtplib loop: "
          f"{bare:.2f} s; ratio {ours / bare:.2f}x")  # fmt: skip
    print(f"server received {received:,} (expected {n + 2 * sample:,})")
    print(f"render and send {n:,} digests: {total:.1f} s = {n / total:,.0f} messages/s")
    print(f"all {n:,}, charts included: {chart_seconds + total:.1f} s (goal: < 60 s)")


if __name__ == "__main__":
    main()
