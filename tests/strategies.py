"""Random expression graphs over every engine op, for property tests.

An expression is a nested tuple: ``("x", i)`` is variable i, ``("c", value)`` a
constant, ``(op, child, ...)`` an operation. `evaluate` builds it from Values for
the engine's gradient; `value_at` computes it with plain floats and `math`, and
its re-evaluation at shifted points gives an independent finite-difference estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from autograd import Value

N_VARS = 3
UNARY = ["neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu"]
BINARY = ["+", "-", "*", "/", "**"]

Expr = tuple[Any, ...]


def expressions(max_leaves: int = 8) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.tuples(st.just("x"), st.integers(0, N_VARS - 1)),
        st.tuples(st.just("c"), st.floats(-3.0, 3.0, allow_nan=False).map(lambda c: round(c, 2))),
    )

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), children),
            st.tuples(st.sampled_from(BINARY), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


# Points on a grid of 1/64: exact in binary, and away from the tiny magnitudes where
# local derivatives like 1/x reach 1e160 and cancel catastrophically in any float engine.
points = st.lists(st.integers(-128, 128).map(lambda k: k / 64), min_size=N_VARS, max_size=N_VARS)


def uses_variable(expr: Expr) -> bool:
    if expr[0] == "x":
        return True
    if expr[0] == "c":
        return False
    return any(uses_variable(child) for child in expr[1:])


def evaluate(expr: Expr, xs: Sequence[Value]) -> Value | float:
    """The expression on Values ``xs`` (constants stay plain floats, as users write them)."""
    kind = expr[0]
    if kind == "x":
        return xs[expr[1]]
    if kind == "c":
        return float(expr[1])
    args = [evaluate(child, xs) for child in expr[1:]]
    if kind in BINARY:
        a, b = args
        if not isinstance(a, Value) and not isinstance(b, Value):
            a = Value(a)  # keep the graph rooted in Values
        return _BINARY[kind](a, b)
    (a,) = args
    if not isinstance(a, Value):
        a = Value(a)
    return -a if kind == "neg" else getattr(a, kind)()


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}

ARITH_ERRORS = (ValueError, ZeroDivisionError, OverflowError)


def build(expr: Expr, point: Sequence[float]) -> tuple[list[Value], Value]:
    """The expression's graph at ``point``; examples outside its domain are rejected."""
    assume(uses_variable(expr))
    xs = [Value(p) for p in point]
    try:
        out = evaluate(expr, xs)  # a Value: expr uses a variable
    except ARITH_ERRORS:
        assume(False)
    return xs, out  # type: ignore[return-value]


def value_at(expr: Expr, point: Sequence[float]) -> float:
    """The expression at ``point`` in plain float arithmetic and `math`, without the engine.

    This is the reference the engine's gradients are checked against, so it must not
    share the engine's forward rules: a wrong rule would otherwise agree with itself.
    Outside an op's domain it raises one of ARITH_ERRORS, as the engine does.
    """
    kind = expr[0]
    if kind == "x":
        return float(point[expr[1]])
    if kind == "c":
        return float(expr[1])
    args = [value_at(child, point) for child in expr[1:]]
    if kind in BINARY:
        return _FLOAT_BINARY[kind](*args)
    return _FLOAT_UNARY[kind](*args)


_FLOAT_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,  # ZeroDivisionError at b = 0
    # math.pow raises ValueError for 0 ** negative and a negative base to a
    # non-integer power, OverflowError past the float range.
    "**": math.pow,
}
_FLOAT_UNARY: dict[str, Callable[[float], float]] = {
    "neg": lambda a: -a,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    # σ(a) = (1 + tanh(a/2))/2: another formula than the engine's, and exact for all a.
    "sigmoid": lambda a: 0.5 + 0.5 * math.tanh(0.5 * a),
    "relu": lambda a: max(a, 0.0),
}


def central_difference(
    f: Callable[[list[float]], float], point: Sequence[float], i: int, h: float
) -> float:
    up = list(point)
    down = list(point)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


def smooth_derivative(
    f: Callable[[list[float]], float], point: Sequence[float], i: int
) -> float | None:
    """A finite-difference ∂f/∂x_i, or None where f is not smooth enough to estimate it.

    Two step sizes, and the one-sided slopes on either side, must agree: near a
    kink (relu at 0), a pole or a domain edge they do not, and the point is
    skipped rather than compared.
    """
    h = 1e-6
    try:
        d1 = central_difference(f, point, i, 1e-5)
        d2 = central_difference(f, point, i, h)
        here = f(list(point))
        right = (f([*point[:i], point[i] + h, *point[i + 1 :]]) - here) / h
        left = (here - f([*point[:i], point[i] - h, *point[i + 1 :]])) / h
    except ARITH_ERRORS:
        return None
    estimates = (d1, d2, left, right)
    if not all(math.isfinite(d) for d in estimates):
        return None
    if max(estimates) - min(estimates) > 1e-3 * max(1.0, abs(d2)):
        return None
    return d2


# -- programs of micrograd 0.1.0's own operations, run on either engine --

# A step of a program, with operands as indices into the nodes made so far (taken modulo
# their number when run, so that any list of steps is a program):
#   ("op", symbol, i, j)   node i <symbol> node j
#   ("const", symbol, i, c, flip)   node i <symbol> c, or c <symbol> node i when flip
#   ("**", i, e)   node i ** e, e a number (micrograd takes no Value exponent)
#   ("neg", i), ("relu", i)
Program = list[tuple[Any, ...]]
MICROGRAD_BINARY = ["+", "-", "*", "/"]


def micrograd_programs(max_steps: int = 8) -> st.SearchStrategy[Program]:
    """Straight-line programs of the operations micrograd 0.1.0 has (+ − * /, ** a number,
    negation, relu), on the N_VARS variables. Any earlier node can be an operand, so
    computed nodes are shared, as a network shares them; constants come on either side,
    so micrograd's reflected operators (2 - x, 2 / x) are among them."""
    index = st.integers(0, 2 * max_steps)
    constant = st.floats(-3.0, 3.0, allow_nan=False).map(lambda c: round(c, 2))
    step = st.one_of(
        st.tuples(st.just("op"), st.sampled_from(MICROGRAD_BINARY), index, index),
        st.tuples(
            st.just("const"), st.sampled_from(MICROGRAD_BINARY), index, constant, st.booleans()
        ),
        st.tuples(st.just("**"), index, st.sampled_from([2, 3, -1, -2, 0.5, 1.5])),
        st.tuples(st.sampled_from(["neg", "relu"]), index),
    )
    return st.lists(step, min_size=1, max_size=max_steps)


def run_program(program: Program, leaves: Sequence[Any]) -> list[Any]:
    """Every node of ``program`` (the leaves first), made with Python's operators on
    ``leaves``: Values of this engine or of micrograd, which build each step their own way."""
    nodes = list(leaves)
    for kind, *args in program:
        if kind == "op":
            symbol, i, j = args
            nodes.append(_BINARY[symbol](nodes[i % len(nodes)], nodes[j % len(nodes)]))
        elif kind == "const":
            symbol, i, c, flip = args
            a = nodes[i % len(nodes)]
            nodes.append(_BINARY[symbol](c, a) if flip else _BINARY[symbol](a, c))
        elif kind == "**":
            i, e = args
            nodes.append(nodes[i % len(nodes)] ** e)
        else:
            (i,) = args
            a = nodes[i % len(nodes)]
            nodes.append(-a if kind == "neg" else a.relu())
    return nodes
