"""The operation table: every operation's forward rule and its local derivatives.

Each `Op` states, once, how to compute its result from plain floats (``forward``)
and the partial derivative of that result with respect to each operand
(``partials``). The partial rules are written with ordinary arithmetic and the
helpers below, so the *same* rule evaluates on floats (the fast ``backward``
path) and on `Value` objects (``grad(..., create_graph=True)``, which needs
gradients that are themselves differentiable). The two paths cannot drift apart
because there is only one rule.

Every partial rule receives the operands followed by the result ``out``, so a
rule such as sigmoid's ``out * (1 - out)`` reuses the forward value instead of
recomputing it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["LINEAR", "OPS", "Op"]

# A number here is a float on the fast path and a Value on the create_graph path.
Num = Any


def _real(x: Num) -> float:
    """The float inside ``x`` (a Value's data, or ``x`` itself)."""
    return x if isinstance(x, float | int) else x.data


def _call(name: str, x: Num) -> Num:
    """``math.<name>(x)`` for a float, ``x.<name>()`` for a Value."""
    return getattr(math, name)(x) if isinstance(x, float | int) else getattr(x, name)()


def _fmt(x: float) -> str:
    return repr(float(x))


# -- forward rules on floats; each raises a clear error naming the op and value --


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero in '/': {_fmt(a)} / {_fmt(b)}")
    return a / b


def _pow(a: float, b: float) -> float:
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"'**': {_fmt(a)} ** {_fmt(b)} divides by zero")
    if a < 0.0 and not float(b).is_integer():
        raise ValueError(
            f"'**': negative base {_fmt(a)} to the non-integer power {_fmt(b)} is not a real number"
        )
    try:
        return float(a**b)
    except OverflowError:
        raise OverflowError(f"'**': {_fmt(a)} ** {_fmt(b)} overflows the float range") from None


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp: exp({_fmt(a)}) overflows the float range (largest input is about 709.78)"
        ) from None


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError(f"log: log({_fmt(a)}) is undefined; log needs x > 0")
    return math.log(a)


def _sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError(f"sqrt: sqrt({_fmt(a)}) is undefined; sqrt needs x >= 0")
    return math.sqrt(a)


def _trig(name: str) -> Callable[[float], float]:
    fn = getattr(math, name)

    def forward(a: float) -> float:
        if math.isinf(a):
            raise ValueError(f"{name}: {name}({_fmt(a)}) is undefined")
        return float(fn(a))

    return forward


def _sigmoid(a: float) -> float:
    # Two branches so that exp never sees a large positive argument: both are
    # exact rewrites of 1/(1+e^-a), and the second keeps full relative precision
    # for very negative a (sigmoid(-30) ~ 9.36e-14), where 1 - tiny would not.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


# -- partial-derivative rules, valid on floats and on Values --


def _pow_dbase(a: Num, b: Num, out: Num) -> Num:
    """∂(a**b)/∂a = b·a^(b−1), with the limits at a = 0 that PyTorch uses."""
    ra = _real(a)
    if ra == 0.0:
        rb = _real(b)
        # a^(b−1) has no value at a = 0 for b < 1: 0**b is constant there for b = 0
        # and infinitely steep for 0 < b < 1 (b < 0 failed in the forward rule).
        if rb == 0.0:
            return 0.0
        if rb < 1.0:
            return math.inf
    if isinstance(a, float | int) and isinstance(b, float | int):
        return b * _float_pow(a, b - 1)
    return b * a ** (b - 1)


def _float_pow(a: float, e: float) -> float:
    """a**e on floats, ±inf where it overflows (as float * and / do) instead of raising."""
    try:
        return float(a**e)
    except OverflowError:
        negative = a < 0.0 and float(e).is_integer() and int(e) % 2 == 1
        return -math.inf if negative else math.inf


def _pow_dexp(a: Num, b: Num, out: Num) -> Num:
    """∂(a**b)/∂b = a^b·ln a; zero at a = 0, undefined (nan) for a < 0."""
    ra = _real(a)
    if ra > 0.0:
        return out * _call("log", a)
    return 0.0 if ra == 0.0 else math.nan


def _sqrt_d(a: Num, out: Num) -> Num:
    return 0.5 / out if _real(out) != 0.0 else math.inf


def _abs_d(a: Num, out: Num) -> float:
    # sign(x), a step like relu's: a float on the Value path too. 0 at x = 0, as in PyTorch.
    ra = _real(a)
    return 1.0 if ra > 0.0 else -1.0 if ra < 0.0 else 0.0


def _relu_d(a: Num, out: Num) -> float:
    # A step: constant almost everywhere, so it is a float even on the Value path
    # (its own derivative is 0). relu'(0) = 0, as in PyTorch.
    return 1.0 if _real(a) > 0.0 else 0.0


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: its name, its float forward rule and one partial rule per operand.

    ``formulas`` holds each partial in words, used by `explain` when teaching.
    """

    name: str
    forward: Callable[..., float]
    partials: tuple[Callable[..., Num], ...]
    formulas: tuple[str, ...]

    def __post_init__(self) -> None:
        # `explain` shows formula i beside partial i: a missing one would fail there, late.
        fixed_arity = type(self).partial is Op.partial
        if fixed_arity and len(self.formulas) != len(self.partials):
            raise TypeError(
                f"Op {self.name!r}: {len(self.partials)} partial rule(s) but "
                f"{len(self.formulas)} formula(s); give one formula per partial, "
                "e.g. '∂(a²)/∂a = 2a'"
            )
        if not all(isinstance(f, str) for f in self.formulas):
            raise TypeError(f"Op {self.name!r}: formulas must be strings, got {self.formulas!r}")

    def partial(self, i: int, args: Sequence[Num], out: Num) -> Num:
        """∂out/∂args[i], evaluated on floats or on Values."""
        return self.partials[i](*args, out)


def linear_role(position: int, count: int) -> tuple[int, int | None]:
    """The role of operand ``position`` among the ``count`` operands of a Σ node.

    A Σ node (`autograd.linear`) holds Σ_i w_i·y_i + b as operands laid out
    (w_1..w_n, y_1..y_n, b). Returns the role, 0 for a weight, 1 for an input,
    2 for the bias (also the index of its formula in the op's ``formulas``), and
    the position of the operand it is multiplied by (y_i for w_i, w_i for y_i,
    None for b), which is its local derivative: ∂/∂w_i = y_i, ∂/∂y_i = w_i, ∂/∂b = 1.
    """
    n = (count - 1) // 2
    if position < n:
        return 0, n + position
    if position < 2 * n:
        return 1, position - n
    return 2, None


class _Linear(Op):
    """Σ_i w_i·x_i + b over operands laid out as (w_1..w_n, x_1..x_n, b).

    This is the paper's total input x_j of a unit, kept as ONE graph node:
    ∂/∂w_i = x_i, ∂/∂x_i = w_i, ∂/∂b = 1.
    """

    __slots__ = ()

    def partial(self, i: int, args: Sequence[Num], out: Num) -> Num:
        partner = linear_role(i, len(args))[1]
        return 1.0 if partner is None else args[partner]


def _linear_forward(*args: float) -> float:
    n = (len(args) - 1) // 2
    return sum(map(float.__mul__, args[:n], args[n : 2 * n]), args[-1])


LINEAR = _Linear(
    "Σ", _linear_forward, (), ("∂x_j/∂w_ji = y_i", "∂x_j/∂y_i = w_ji", "∂x_j/∂b_j = 1")
)

_ONE = lambda *_: 1.0  # noqa: E731 - the derivative of a sum with respect to each term

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("+", float.__add__, (_ONE, _ONE), ("∂(a+b)/∂a = 1", "∂(a+b)/∂b = 1")),
        Op("-", float.__sub__, (_ONE, lambda a, b, out: -1.0), ("∂(a−b)/∂a = 1", "∂(a−b)/∂b = −1")),
        Op(
            "*",
            float.__mul__,
            (lambda a, b, out: b, lambda a, b, out: a),
            ("∂(ab)/∂a = b", "∂(ab)/∂b = a"),
        ),
        Op(
            "/",
            _div,
            (lambda a, b, out: 1.0 / b, lambda a, b, out: -out / b),
            ("∂(a/b)/∂a = 1/b", "∂(a/b)/∂b = −a/b²"),
        ),
        Op("**", _pow, (_pow_dbase, _pow_dexp), ("∂(aᵇ)/∂a = b·aᵇ⁻¹", "∂(aᵇ)/∂b = aᵇ·ln a")),
        Op("neg", float.__neg__, (lambda a, out: -1.0,), ("∂(−a)/∂a = −1",)),
        Op("exp", _exp, (lambda a, out: out,), ("∂eˣ/∂x = eˣ",)),
        Op("log", _log, (lambda a, out: 1.0 / a,), ("∂ln x/∂x = 1/x",)),
        Op("sqrt", _sqrt, (_sqrt_d,), ("∂√x/∂x = 1/(2√x)",)),
        Op("sin", _trig("sin"), (lambda a, out: _call("cos", a),), ("∂sin x/∂x = cos x",)),
        Op("cos", _trig("cos"), (lambda a, out: -_call("sin", a),), ("∂cos x/∂x = −sin x",)),
        Op("tanh", math.tanh, (lambda a, out: 1.0 - out * out,), ("∂tanh x/∂x = 1 − y²",)),
        Op("sigmoid", _sigmoid, (lambda a, out: out * (1.0 - out),), ("∂σ(x)/∂x = y(1 − y)",)),
        # relu(nan) is nan, as in PyTorch: "0 if a <= 0", not "a if a > 0".
        Op("relu", lambda a: 0.0 if a <= 0.0 else a, (_relu_d,), ("∂relu(x)/∂x = [x > 0]",)),
        Op("abs", abs, (_abs_d,), ("∂|x|/∂x = sign x",)),
        LINEAR,
    )
}
