"""The 8-3-8 encoder demo: eight distinct codes."""

from __future__ import annotations

import pytest

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
