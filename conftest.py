"""Doctests (the README's and the docs pages' examples included) run in a temporary folder,
so files they write, such as rendered graphs, never land in the working tree.

A page whose examples need an optional package says so in an HTML comment, which the
rendered page does not show: ``<!-- doctest: needs torch -->``. Without that package the
page's doctest is skipped, saying which package and how to get it; ``make test-torch``
installs PyTorch and runs them, ``make test-native`` Numba (the ``fast`` extra).
"""

from __future__ import annotations

import importlib.util
import re

import pytest
from _pytest.doctest import DoctestItem

NEEDS = re.compile(r"<!-- doctest: needs ([\w, ]+) -->")
HOW = {"torch": "make test-torch installs it", "numba": "make test-native installs it"}


@pytest.fixture(autouse=True)
def _doctests_in_a_temporary_folder(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> None:
    if isinstance(request.node, DoctestItem):
        text = request.node.dtest.docstring or ""
        for names in NEEDS.findall(text):
            for name in (n.strip() for n in names.split(",")):
                if importlib.util.find_spec(name) is None:
                    pytest.skip(
                        f"these examples need {name} ({HOW.get(name, 'pip install ' + name)})"
                    )
        monkeypatch.chdir(tmp_path)
