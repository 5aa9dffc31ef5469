"""The shared graph walks: `backward_uses` gives backward's floats, `on_paths` its pruning."""

from __future__ import annotations

import math

from hypothesis import given, settings

from autograd import Value, topological_order
from autograd.core.graph import backward_uses, on_paths
from tests.strategies import N_VARS, Expr, evaluate, expressions, points


def _bits(x: float) -> tuple[bool, float]:
    return (math.isnan(x), 0.0 if math.isnan(x) else x)


@settings(max_examples=150, deadline=None)
@given(expressions(), points)
def test_summing_the_uses_in_order_gives_backwards_floats(expr: Expr, at: list[float]) -> None:
    xs = [Value(a) for a in at[:N_VARS]]
    try:
        out = evaluate(expr, xs)
    except (ArithmeticError, ValueError):
        return  # outside an op's domain: no graph to walk
    if not isinstance(out, Value):
        return
    out.backward()
    order = topological_order(out)
    grads = dict.fromkeys(order, 0.0)
    grads[out] = 1.0
    for c, i, p, local in backward_uses(reversed(order)):
        assert c.operands[i] is p  # the position names the operand
        grads[p] += grads[c] * local
    for v in order:
        if v is not out:
            assert _bits(grads[v]) == _bits(v.grad), v


def test_each_use_of_a_node_is_yielded_and_constants_are_skipped() -> None:
    x = Value(3.0, label="x")
    y = x * x + 2.0
    uses = [(c._rule.name, i, p.label or "", d) for c, i, p, d in backward_uses([y, y.parents[0]])]
    assert uses == [("+", 0, "", 1.0), ("*", 0, "x", 3.0), ("*", 1, "x", 3.0)]
    assert list(backward_uses([x])) == []  # a leaf uses nothing


def test_on_paths_keeps_the_nodes_that_depend_on_a_target() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    ab = a * b
    bc = b + c
    out = ab * bc
    order = topological_order(out)
    assert on_paths(order, [a]) == {a, ab, out}
    assert on_paths(order, [c]) == {c, bc, out}
    assert on_paths(order, [b]) == {b, ab, bc, out}
    assert on_paths(order, []) == set()
