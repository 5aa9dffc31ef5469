"""Headless Chromium for the screenshots, found on PATH and driven by playwright.

Found on PATH (not at a fixed place), as the browser tests find it, so that
``PATH=$(../shared/bare-path) make figures`` shows what a machine without it does.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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
