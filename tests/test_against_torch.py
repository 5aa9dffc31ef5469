"""Random expressions' first and second derivatives against PyTorch's autograd.

PyTorch is not a dependency: this module runs where ``torch`` is installed
(``pip install torch``) and is skipped elsewhere.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given, settings

from autograd import Value, grad, topological_order
from tests.strategies import (
    ARITH_ERRORS,
    N_VARS,
    evaluate,
    expressions,
    points,
    uses_variable,
)

torch = pytest.importorskip("torch")


def _value(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def torch_eval(expr: Any, xs: list[Any]) -> Any:
    kind = expr[0]
    if kind == "x":
        return xs[expr[1]]
    if kind == "c":
        return torch.tensor(float(expr[1]), dtype=torch.float64)
    args = [torch_eval(child, xs) for child in expr[1:]]
    if kind == "+":
        return args[0] + args[1]
    if kind == "-":
        return args[0] - args[1]
    if kind == "*":
        return args[0] * args[1]
    if kind == "/":
        return args[0] / args[1]
    if kind == "**":
        return args[0] ** args[1]
    if kind == "neg":
        return -args[0]
    return getattr(torch, kind)(args[0])


@settings(max_examples=200, deadline=None)
@given(expr=expressions(max_leaves=6), point=points)
def test_first_and_second_derivatives_match_pytorch(expr, point) -> None:
    assume(uses_variable(expr))
    xs = [Value(p) for p in point]
    try:
        out = evaluate(expr, xs)  # a Value: expr uses a variable
        first = grad(out, xs, create_graph=True)
        second = [[h.data for h in grad(g, xs)] for g in first]
    except ARITH_ERRORS:
        assume(False)
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    # PyTorch masks ∂(a**b)/∂a to a constant 0 where b == 0, which also zeroes the
    # mixed partial ∂²(a**b)/∂a∂b = 1/a there; this engine gives 1/a (see the
    # finite-difference Hessian test), so such points are not compared.
    assume(not any(v.op == "**" and _value(v.operands[1]) == 0.0 for v in topological_order(out)))

    ts = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
    t_out = torch_eval(expr, ts)
    t_first = torch.autograd.grad(t_out, ts, create_graph=True, allow_unused=True)
    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    for i in range(N_VARS):
        t_g = t_first[i]
        expected = 0.0 if t_g is None else t_g.item()
        if not math.isfinite(expected) or not math.isfinite(first[i].data):
            continue  # inf/nan conventions at singular points are not compared
        assert first[i].data == pytest.approx(expected, rel=1e-9, abs=1e-12), (expr, point, i)
        if t_g is None or not t_g.requires_grad:
            t_row = [None] * N_VARS
        else:
            t_row = torch.autograd.grad(t_g, ts, allow_unused=True, retain_graph=True)
        for j in range(N_VARS):
            h = 0.0 if t_row[j] is None else t_row[j].item()
            if math.isfinite(h) and math.isfinite(second[i][j]):
                assert second[i][j] == pytest.approx(h, rel=1e-9, abs=1e-12), (expr, point, i, j)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda v: v.sqrt(), lambda t: torch.sqrt(t)),
        (lambda v: v**0.5, lambda t: t**0.5),
        (lambda v: v**0.25, lambda t: t**0.25),
        (lambda v: v**1.5, lambda t: t**1.5),
    ],
)
def test_first_and_second_derivatives_at_zero_are_pytorchs(ours: Any, theirs: Any) -> None:
    # Where the slope is infinite (sqrt at 0) both give the limits: inf, then −inf.
    z = Value(0.0)
    (d1,) = grad(ours(z), [z], create_graph=True)
    (d2,) = grad(d1, [z])
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (t1,) = torch.autograd.grad(theirs(t), [t], create_graph=True)
    (t2,) = torch.autograd.grad(t1, [t])
    assert (d1.data, d2.data) == (t1.item(), t2.item())
