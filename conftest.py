"""Doctests (the README's examples included) run in a temporary folder, so files they
write, such as rendered graphs, never land in the working tree."""

from __future__ import annotations

import pytest
from _pytest.doctest import DoctestItem


@pytest.fixture(autouse=True)
def _doctests_in_a_temporary_folder(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> None:
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(tmp_path)
