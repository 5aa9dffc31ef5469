"""Loss functions, built from Values so that their gradients come from the graph.

Every loss is a `Loss`: calling it on ONE case, ``loss(prediction, target)``,
gives that case's loss as a Value; ``loss.batch(predictions, targets)`` combines
many cases by the loss's ``reduction``, "sum" or "mean" over cases. A prediction
is a Value (one output unit) or a list of them; a target is a number or a list
of numbers of the same length.

```pycon
>>> from autograd import Value
>>> round(sum_squared_error(Value(0.8), 1.0).data, 12)     # ½ (0.8 − 1)²
0.02

```
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

from autograd import Value, apply
from autograd.core.ops import OPS

__all__ = [
    "Loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge",
    "margin_squared_error",
    "mse",
    "sum_squared_error",
]

Prediction = Value | float | Sequence[Value | float]
Target = float | Sequence[float]

EPSILON = 1e-7
"""`binary_cross_entropy` clamps probabilities to [EPSILON, 1 − EPSILON]."""


class Loss:
    """A loss: ``case(outputs, targets)`` for one case, combined over cases by ``reduction``.

    Args:
        name: shown in errors and progress bars.
        reduction: "sum" (the paper's E adds up the cases) or "mean".
        case: the loss of one case from its output Values and float targets
            (lists of equal length, already checked).
        check_target: raises ValueError for a target the loss is not defined for.
    """

    def __init__(
        self,
        name: str,
        reduction: str,
        case: Callable[[list[Value], list[float]], Value],
        check_target: Callable[[float], bool] | None = None,
        target_rule: str = "",
        compiles: bool = True,
    ) -> None:
        if reduction not in ("sum", "mean"):
            raise ValueError(f"Loss {name}: reduction must be 'sum' or 'mean', got {reduction!r}")
        self.name = name
        self.reduction = reduction
        self._case = case
        self._check_target = check_target
        self._target_rule = target_rule
        # False where the case's graph depends on the values (a clamp or a branch in
        # Python): `fit(compile=True)` refuses those instead of baking in one branch.
        self.compiles = compiles

    def __call__(self, prediction: Prediction, target: Target) -> Value:
        """The loss of one case: ``prediction`` (Value or list) against ``target``."""
        # One output unit and a float target is the common case: skip the general checks.
        outputs = [prediction] if type(prediction) is Value else _as_values(prediction, self.name)
        if type(target) is float and math.isfinite(target):
            targets = [target]
        else:
            targets = _as_floats(target, self.name)
        self._check(outputs, targets, target)
        return self._case(outputs, targets)

    def _check(self, outputs: Sequence[object], targets: list[float], target: object) -> None:
        if len(outputs) != len(targets):
            raise ValueError(
                f"{self.name}: {len(outputs)} outputs but {len(targets)} targets ({target!r})"
            )
        check = self._check_target
        if check is not None:
            for d in targets:
                if not check(d):
                    raise ValueError(f"{self.name}: target {d!r} {self._target_rule}")

    def traced(self, prediction: Prediction, targets: list[Value]) -> Value:
        """The case's loss with the targets as Values, for `autograd.compile` to trace."""
        if not self.compiles:
            raise ValueError(
                f"{self.name}: its graph depends on the data (a branch on values), so it "
                "cannot be compiled; use compile=False"
            )
        outputs = _as_values(prediction, self.name)
        self._check(outputs, [d.data for d in targets], [d.data for d in targets])
        return self._case(outputs, targets)  # type: ignore[arg-type]

    def target_numbers(self, target: Target) -> list[float]:
        """``target`` as a list of floats, checked as a call of this loss checks it."""
        if type(target) is float and math.isfinite(target):
            targets = [target]
        else:
            targets = _as_floats(target, self.name)
        self._check(targets, targets, target)
        return targets

    def batch(self, predictions: Sequence[Prediction], targets: Sequence[Target]) -> Value:
        """The loss over many cases: Σ_c or mean_c of ``self(predictions[c], targets[c])``."""
        if len(predictions) != len(targets):
            raise ValueError(
                f"{self.name}: {len(predictions)} predictions but {len(targets)} targets"
            )
        if len(predictions) == 0:
            raise ValueError(f"{self.name}: no cases")
        cases = [self(p, t) for p, t in zip(predictions, targets)]
        return _sum(cases) if self.reduction == "sum" else _mean(cases)

    def __repr__(self) -> str:
        return f"nn.losses.{self.name}"


def _as_values(prediction: object, where: str) -> list[Value]:
    if isinstance(prediction, Value):
        return [prediction]
    items = prediction if isinstance(prediction, Sequence) else [prediction]
    out = []
    for y in items:
        if isinstance(y, Value):
            out.append(y)
        elif isinstance(y, numbers.Real) and not isinstance(y, bool):
            out.append(Value(float(y)))
        else:
            raise TypeError(f"{where}: a prediction must be a Value or a number, got {y!r}")
    return out


def _as_floats(target: object, where: str) -> list[float]:
    items = target if isinstance(target, Sequence) and not isinstance(target, str) else [target]
    out = []
    for d in items:
        if isinstance(d, bool) or not isinstance(d, numbers.Real):
            raise TypeError(f"{where}: a target must be a real number, got {d!r}")
        d = float(d)
        if not math.isfinite(d):
            raise ValueError(f"{where}: target {d!r} is not finite")
        out.append(d)
    return out


def _sum(terms: list[Value]) -> Value:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _mean(terms: list[Value]) -> Value:
    """(1/n)·Σ terms; one term is returned as it is (no extra node)."""
    total = _sum(terms)
    return total if len(terms) == 1 else total * (1.0 / len(terms))


def _sse(outputs: list[Value], targets: list[float]) -> Value:
    return 0.5 * _sum([(y - d) ** 2 for y, d in zip(outputs, targets)])


def _mse(outputs: list[Value], targets: list[float]) -> Value:
    return _mean([(y - d) ** 2 for y, d in zip(outputs, targets)])


def _clamped_log(p: Value) -> Value:
    # Below EPSILON the log is held at ln(EPSILON): a constant, so no gradient
    # flows there (as with a clamp), and never log(0).
    return p.log() if p.data >= EPSILON else Value(math.log(EPSILON))


def _bce(outputs: list[Value], targets: list[float]) -> Value:
    terms = []
    for p, d in zip(outputs, targets):
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"binary_cross_entropy: prediction {p.data!r} is not a probability in [0, 1]; "
                "for raw scores use binary_cross_entropy_with_logits"
            )
        term = None
        if d != 0.0:
            term = d * _clamped_log(p)
        if d != 1.0:
            t = (1.0 - d) * _clamped_log(1.0 - p)
            term = t if term is None else term + t
        assert term is not None
        terms.append(-term)
    return _mean(terms)


def _bce_logits(outputs: list[Value], targets: list[float]) -> Value:
    terms = []
    for z, d in zip(outputs, targets):
        # −[d ln σ(z) + (1−d) ln(1−σ(z))] = max(z, 0) − z·d + ln(1 + e^(−|z|)):
        # e^(−|z|) <= 1, so nothing overflows and the log's argument is >= 1.
        # At z = 0 relu' is 0, so −|z| must take the z < 0 branch (derivative +1)
        # for the two kinks to cancel and give ∂/∂z = σ(0) − d = ½ − d.
        minus_abs = -z if z.data > 0.0 else z
        terms.append(z.relu() - z * d + (minus_abs.exp() + 1.0).log())
    return _mean(terms)


MARGIN = 0.2
"""`margin_squared_error` counts an output within MARGIN of its target as right."""
_MARGIN_SQ = OPS["margin_sq"]


def _margin_sse(outputs: list[Value], targets: list[float]) -> Value:
    return 0.5 * _sum([apply(_MARGIN_SQ, y, d, MARGIN) for y, d in zip(outputs, targets)])


def _hinge(outputs: list[Value], targets: list[float]) -> Value:
    return _mean([(1.0 - d * y).relu() for y, d in zip(outputs, targets)])


sum_squared_error = Loss("sum_squared_error", "sum", _sse)
"""E = ½ Σ_j (y_j − d_j)² for one case, summed over cases: the paper's error measure.

∂E/∂y_j = y_j − d_j.
"""

mse = Loss("mse", "mean", _mse)
"""Mean squared error: mean over output units and over cases of (y_j − d_j)²."""

binary_cross_entropy = Loss(
    "binary_cross_entropy",
    "mean",
    _bce,
    lambda d: 0.0 <= d <= 1.0,
    "must be in [0, 1]",
    compiles=False,
)
"""−[d ln p + (1 − d) ln(1 − p)] for probabilities p (e.g. sigmoid outputs), mean over units.

p is clamped to [EPSILON, 1 − EPSILON] inside the logs, so a saturated unit
never gives log(0); the clamped side passes no gradient. For raw scores use
`binary_cross_entropy_with_logits`, which is exact everywhere.
"""

binary_cross_entropy_with_logits = Loss(
    "binary_cross_entropy_with_logits",
    "mean",
    _bce_logits,
    lambda d: 0.0 <= d <= 1.0,
    "must be in [0, 1]",
    compiles=False,
)
"""Binary cross-entropy of σ(z) for raw scores z: max(z, 0) − z·d + ln(1 + e^(−|z|)).

Stable for every finite z; ∂/∂z = σ(z) − d.
"""

hinge = Loss("hinge", "mean", _hinge, lambda d: d in (-1.0, 1.0), "must be -1 or +1")
"""max(0, 1 − d·y) for labels d = ±1 (as in micrograd's demo), mean over units and cases."""

margin_squared_error = Loss("margin_squared_error", "sum", _margin_sse)
"""E = ½ Σ_j m²(y_j, d_j): the squared error of the units outside the margin, summed over cases.

An output within MARGIN (0.2) of its target, e.g. above 0.8 for a 1 or below 0.2
for a 0, adds nothing and gets no gradient: the family-trees error of the 1986
paper. The margin is inside the ``margin_sq`` op, so the graph's shape does not
depend on the outputs and the loss compiles.

```pycon
>>> from autograd import Value
>>> [margin_squared_error(Value(y), 1.0).data for y in (0.9, 0.5)]   # ½ (0.5 − 1)²
[0.0, 0.125]

```
"""
