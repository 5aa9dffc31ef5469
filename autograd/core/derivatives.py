"""Gradients as values: `grad` (also of gradients, to any order) and `gradcheck`.

`Value.backward` is the fast path: it multiplies plain floats and writes ``.grad``.
`grad` computes the same chain rule but returns the gradients instead of storing
them, and with ``create_graph=True`` it builds them from ordinary Value
operations, so a gradient is itself a function in the graph that can be
differentiated again:

```pycon
>>> from autograd import Value, grad
>>> x = Value(3.0)
>>> y = x ** 3
>>> (dy,) = grad(y, [x], create_graph=True)     # 3x²  = 27
>>> (d2y,) = grad(dy, [x])                      # 6x   = 18
>>> dy.data, d2y.data
(27.0, 18.0)

```

Both paths take each op's local derivative from the one rule in `autograd.core.ops`
(evaluated on floats by the fast path, on Values here), so they cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.core.engine import Value, _as_float, enable_grad, no_grad, topological_order
from autograd.core.graph import backward_uses

__all__ = ["GradcheckError", "grad", "gradcheck"]


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Value]:
    """∂output/∂x for each x in ``inputs``, leaving every ``.grad`` field untouched.

    With ``create_graph=False`` the results are new leaf Values holding floats.
    With ``create_graph=True`` they are Values with a graph of their own, built
    from the ops' derivative rules, so they can be passed to `grad` again
    (second, third, ... derivatives, mixed partials). An input that ``output``
    does not depend on gets a zero gradient.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {output!r}")
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {x!r}")
    # A read-only walk (not backward's marking search): grad may run in several threads.
    order = [v for v in reversed(topological_order(output)) if not v.is_leaf]
    if create_graph:
        with enable_grad():
            grads = _accumulate_symbolic(output, order)
    else:
        grads = _accumulate_floats(output, order)
    results = []
    for x in inputs:
        g = grads.get(x, 0.0)
        results.append(g if isinstance(g, Value) else Value(g))
    return results


def _accumulate_floats(output: Value, order: list[Value]) -> dict[Value, Any]:
    """The backward pass on floats, into a dict instead of ``.grad``."""
    grads: dict[Value, float] = {output: 1.0}
    for c, _, p, d in backward_uses(order):
        grads[p] = grads.get(p, 0.0) + grads[c] * d
    return grads


def _accumulate_symbolic(output: Value, order: list[Value]) -> dict[Value, Any]:
    """The backward pass built from Value operations.

    Each node's local derivative is its op's partial rule evaluated on the
    operand Values and on the node itself as ``out`` (so that, e.g., sigmoid's
    y(1 − y) stays a function of the input when differentiated again).
    Gradients that are known constants stay plain floats until they meet a Value.
    """
    grads: dict[Value, Any] = {output: 1.0}
    for c, i, a, _ in backward_uses(order):
        op = c._rule
        assert op is not None  # backward_uses yields interior nodes only
        contribution = grads[c] * op.partial(i, c.operands, c)
        previous = grads.get(a)
        grads[a] = contribution if previous is None else previous + contribution
    return grads


class GradcheckError(RuntimeError):
    """An analytic gradient disagreed with its finite-difference estimate."""


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Check ``grad`` of ``fn(*inputs)`` against central finite differences.

    For each input i: numeric = (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps), and
    the check passes when |analytic − numeric| <= atol + rtol·|numeric|.
    Returns True, or raises `GradcheckError` naming the input, both numbers and
    their difference.
    """
    point = [x.data if isinstance(x, Value) else _as_float(x, "gradcheck input") for x in inputs]
    xs = [Value(p) for p in point]
    out = fn(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {out!r}")
    analytic = [g.data for g in grad(out, xs)]

    def f_at(values: list[float]) -> float:
        with no_grad():
            result = fn(*(Value(v) for v in values))
        return result.data

    for i, a in enumerate(analytic):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        numeric = (f_at(up) - f_at(down)) / (2 * eps)
        difference = a - numeric
        if not (math.isfinite(a) and abs(difference) <= atol + rtol * abs(numeric)):
            raise GradcheckError(
                f"gradcheck: gradient for input {i} (= {point[i]!r}) is wrong: "
                f"analytic {a!r}, numeric {numeric!r}, difference {difference!r} "
                f"(allowed {atol + rtol * abs(numeric):.3g} = atol + rtol·|numeric|)"
            )
    return True
