"""Property tests: the engine's gradients of random expressions vs finite differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings

from autograd import topological_order
from tests.strategies import build, expressions, points, smooth_derivative, value_at


@settings(max_examples=300, deadline=None)
@given(expr=expressions(), point=points)
def test_gradient_matches_finite_differences(expr, point) -> None:
    xs, out = build(expr, point)
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    # An infinite local derivative (sqrt' at 0) makes the chain rule inf·0 = nan, as
    # in PyTorch; a finite-difference comparison says nothing there.
    assume(all(math.isfinite(d) for v in topological_order(out) for d in v.local_grads))
    # The forward pass too, against plain float arithmetic (a different sigmoid formula
    # and math.pow round differently in the last bits).
    assert out.data == pytest.approx(value_at(expr, point), rel=1e-9, abs=1e-12), (expr, point)
    out.backward()

    for i, x in enumerate(xs):
        numeric = smooth_derivative(lambda p: value_at(expr, p), point, i)
        if numeric is None or abs(numeric) > 1e6:
            continue
        assert x.grad == pytest.approx(numeric, rel=1e-3, abs=1e-5), (expr, point, i)


@settings(max_examples=100, deadline=None)
@given(expr=expressions(), point=points)
def test_backward_is_idempotent_on_interior_and_additive_on_leaves(expr, point) -> None:
    xs, out = build(expr, point)
    out.backward()
    first = [x.grad for x in xs]
    out.backward()
    for g1, x in zip(first, xs):
        if math.isfinite(g1):
            # Not bit-exact: with terms that cancel (x**x - x**x), adding them onto a
            # non-zero .grad rounds differently. Double counting would be off by ~|terms|.
            assert x.grad == pytest.approx(2 * g1, rel=1e-12, abs=1e-9)
