"""Test configuration: a deterministic Hypothesis profile for CI, and headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, FOUND

# On CI the examples are derived from each test's name (derandomize), so a run can
# be reproduced exactly; locally every run explores new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Headless Chromium (playwright), one per test module, for tests marked ``browser``.

    Without Chromium on PATH the test is skipped; without Graphviz's dot the pages still
    render (autograd.pages.render's WebAssembly Graphviz).
    """
    if FOUND is None:
        pytest.skip(
            "Chromium is not on PATH: install it (apt install chromium) to run the browser "
            "tests; CI's .ci/run does"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _browser_tests_are_marked(request: pytest.FixtureRequest) -> None:
    """A test that uses the browser carries the ``browser`` marker, so -m "not browser"
    leaves out every one of them."""
    if "browser" in request.fixturenames and request.node.get_closest_marker("browser") is None:
        pytest.fail(f"{request.node.nodeid} uses the browser: mark it @pytest.mark.browser")
