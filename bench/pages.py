"""Page weight and first contentful paint of the public pages, in Chromium over loopback.

Every visit is a first visit: a new browser context, so nothing comes from the cache.
"""

from __future__ import annotations

import statistics

from playwright.sync_api import sync_playwright

from .environment import scaled

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VISITS = scaled(7, 2)
PHONE = {"width": 390, "height": 844}
FIRST_PAINT = "() => performance.getEntriesByName('first-contentful-paint').length > 0"


def _visit(browser, url: str) -> dict:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(url, wait_until="load")
    page.wait_for_function(FIRST_PAINT)
    paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    page.wait_for_load_state("networkidle")
    transferred = [(request.url.rsplit("/", 1)[-1] or "/", _transferred(request)) for request in finished]
    context.close()
    return {
        "status": response.status,
        "requests": len(finished),
        "bytes": sum(size for _name, size in transferred),
        "fcp_ms": paint,
        "resources": sorted(transferred, key=lambda item: -item[1]),
    }


def _transferred(request) -> int:
    """Bytes on the wire for one response: its headers and its (compressed) body."""
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def measure(base_url: str, pages: dict[str, str]) -> list[dict]:
    """Per page: transferred bytes (compressed bodies and headers), requests, FCP median and worst."""
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path in pages.items():
            _visit(browser, base_url + path)  # the server's first render of this page warms its caches
            visits = [_visit(browser, base_url + path) for _ in range(VISITS)]
            paints = [visit["fcp_ms"] for visit in visits]
            rows.append({
                "page": name,
                "path": path,
                "status": visits[-1]["status"],
                "bytes": visits[-1]["bytes"],
                "requests": visits[-1]["requests"],
                "resources": visits[-1]["resources"],
                "fcp_median_ms": statistics.median(paints),
                "fcp_max_ms": max(paints),
            })
        browser.close()
    return rows
