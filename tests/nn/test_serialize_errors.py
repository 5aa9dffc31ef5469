"""Errors about model files name the path and quote the file briefly (issue 26, item 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nn
from nn.serialize import ModelFileError


def test_loading_a_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError) as caught:
        nn.MLP.load(tmp_path)
    assert str(caught.value) == f"{tmp_path}: not a model file (a folder)"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("class", "x" * 5_000_000, "which is not a Module class"),
        ("class", ["x"] * 1_000_000, '"class" must be a string'),
        ("version", [1] * 1_000_000, "this library reads version 1"),
        ("parameters", {"w" * 1_000_000: 1.0}, "the state does not fit this MLP"),
        ("parameters", {"w" * 1_000_000: "x" * 1_000_000}, "not a number"),
    ],
)
def test_a_huge_field_is_quoted_short(tmp_path: Path, field: str, value: object, says: str) -> None:
    path = tmp_path / "model.json"
    nn.MLP(2, [1]).save(path)
    doc = json.loads(path.read_text())
    doc[field] = {**doc[field], **value} if isinstance(value, dict) else value
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFileError) as caught:
        nn.MLP.load(path)
    message = str(caught.value)
    assert says in message and len(message) < 400 and "characters)" in message
