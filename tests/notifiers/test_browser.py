"""The snapshot digests in a real browser (Debian's headless Chromium, driven by Playwright): at a
phone's width and a desktop's, nothing may be wider than the window. Screenshots are written
under tests/notifiers/screenshots/ (kept out of git) for a person to look at."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from notifiers import ChartData, render_chart

CHROMIUM = Path("/usr/bin/chromium")
SNAPSHOTS = Path(__file__).parent / "snapshots"
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = (375, 900)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def _with_charts(html: str) -> str:
    """The digest as a mail client shows it: each cid: image replaced by a real chart."""
    days = tuple((dt.date(2022, m, 28), Decimal(300 * m)) for m in range(1, 8))
    png = render_chart(ChartData(days, days, "tỷ đồng", target=Decimal(7000)), "Giải ngân")
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    return re.sub(r'src="cid:[^"]+"', f'src="{uri}"', html)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("snapshot", sorted(p.name for p in SNAPSHOTS.glob("*.html")))
def test_a_digest_fits_the_window(browser: object, snapshot: str, width: int) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.set_content(_with_charts((SNAPSHOTS / snapshot).read_text(encoding="utf-8")))
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(snapshot).stem}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                 .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        images = page.evaluate("[...document.images].map(i => i.getBoundingClientRect().width)")
    finally:
        page.close()
    assert overflow <= 0, f"{snapshot} at {width} px is {overflow} px too wide: {wide}"
    assert all(0 < w <= min(width, 520) for w in images), images  # charts scale down to the width
