"""The 8-3-8 encoder demo: eight distinct codes."""

from __future__ import annotations

from pathlib import Path

import pytest

import nn
from demos import encoder


def test_encoder_invents_eight_distinct_codes() -> None:
    run = encoder.train(seed=5, lr=encoder.LR, momentum=encoder.MOMENTUM, max_sweeps=3000)
    assert run.sweeps is not None
    codes = encoder.hidden_codes(run.model)
    summary = encoder.summarize(codes)
    assert summary.distinct == 8
    outputs = encoder.outputs(run.model)
    for i, row in enumerate(outputs):
        assert max(range(8), key=row.__getitem__) == i


def test_explain_prints_the_first_pattern_unit_by_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert encoder.main(["--sweeps", "3", "--quiet", "--no-plots", "--explain"]) == 0
    out = capsys.readouterr().out
    listing = out[out.index("After training, the first pattern") :]
    assert "Case 1 of 1: y1 = 1, the other 7 input units 0; targets d12 = 1" in listing
    assert [line.split(" (")[0] for line in listing.splitlines() if ". Unit " in line] == [
        f"{k}. Unit {19 - k + 1}" for k in range(1, 12)
    ]


def test_encoder_timeline_records_the_hidden_codes(tmp_path: Path) -> None:
    rec = nn.Recorder()
    run = encoder.train(seed=5, lr=encoder.LR, momentum=encoder.MOMENTUM, max_sweeps=40, record=rec)
    assert rec.errors == run.errors
    last = rec.frames[-1]
    # Units 9-11 are the three hidden units: their outputs for the eight patterns, at the
    # weights the last sweep ran on (the model's before that sweep's change).
    model = encoder.build(5)
    for p, w in zip(model.parameters(), last.weights):
        p.data = w
    assert last.outputs is not None
    assert [list(col) for col in zip(*last.outputs[:3])] == encoder.hidden_codes(model)
    path = tmp_path / "encoder.html"
    assert encoder.main(["--sweeps", "5", "--quiet", "--no-plots", "--timeline", str(path)]) == 0
    assert path.stat().st_size > 0
