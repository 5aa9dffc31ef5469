"""The 8-3-8 encoder demo: eight distinct codes."""

from __future__ import annotations

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
