"""Headless Chromium for the screenshots, the browser tests and the wheel's smoke test, found
on PATH and driven by playwright.

Found on PATH (not at a fixed place), as the browser tests find it, so that
``PATH=$(../shared/bare-path) make figures`` shows what a machine without it does.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

INSTALL = "apt install chromium (Debian's; playwright drives it)"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find() -> str | None:
    """The Chromium program on PATH, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (playwright's ``Browser``), closed afterwards."""
    from playwright.sync_api import sync_playwright  # the dev extra; only the screenshots need it

    program = find()
    if program is None:
        raise FileNotFoundError(f"Chromium is not on PATH: {INSTALL}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=program, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(
    browser: Any, path: Path, width: int = 1200, height: int = 800, fake_clock: bool = False
) -> tuple[Any, list[str]]:
    """A new page at ``path``, with every console error, page error, dialog and request
    that leaves file:// collected (the caller asserts there are none)."""
    pg = browser.new_page(viewport={"width": width, "height": height})
    if fake_clock:
        pg.clock.install()  # timers run only when the test says: autoplay without waiting
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    def dialog(d: Any) -> None:
        problems.append(f"dialog: {d.message}")
        d.dismiss()

    pg.on("dialog", dialog)
    pg.on(
        "request",
        lambda r: None if r.url.startswith("file://") else problems.append(f"request {r.url}"),
    )
    pg.goto(path.as_uri())
    return pg, problems


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # a line per request would bury the output of the tests and tools


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 at a free port, as ``python -m http.server -d folder``
    serves it (quietly, from a thread), for pages that a ``file://`` URL cannot run (Web
    Workers, fetch); yields the base URL, ending in ``/``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
