"""Optimizers: they change parameter values using the gradients left by ``backward()``.

Updates are plain float arithmetic on ``p.data`` (no graph is recorded). Before
changing anything, ``step()`` checks that every gradient is finite and raises
FloatingPointError naming the parameter if not. It then computes every new
value and only afterwards assigns them, so a step that fails for any reason
never half-updates a model (or the optimizer's own state).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

__all__ = ["SGD", "Adam", "Optimizer"]

_FLOAT = frozenset((float,))


def _assign(params: list[Value], values: list[float]) -> None:
    """``p.data = x`` for each pair. Floats go straight into the slot that `Value.data`
    reads (its setter would only check that they are floats; one pass at C speed checks
    them all); anything else goes through the setter, which converts it or raises."""
    if _FLOAT.issuperset(map(type, values)):
        for p, x in zip(params, values):
            p._data = x
    else:
        for p, x in zip(params, values):
            p.data = x


def _hyperparameter(
    x: object,
    where: str,
    what: str,
    low: float,
    high: float = math.inf,
    *,
    above: bool = False,
) -> float:
    """``x`` as a float in [low, high), or in (low, high) if ``above``; else a ValueError."""
    value = math.nan  # fails every comparison below
    if isinstance(x, int | float) and not isinstance(x, bool):
        try:
            value = float(x)
        except OverflowError:  # an int beyond the floats
            value = math.inf
    if not ((low < value if above else low <= value) and value < high):
        if high == math.inf:
            rule = f"a finite number {'>' if above else '>='} {low:g}"
        else:
            rule = f"a number in {'(' if above else '['}{low}, {high})"
        raise ValueError(f"{where}: {what} must be {rule}, got {x!r}")
    return value


class Optimizer:
    """The parameters and the two things every optimizer does: ``zero_grad`` and ``step``."""

    def __init__(self, params: Iterable[Value], where: str) -> None:
        if isinstance(params, Value):
            raise TypeError(f"{where}: params must be a list of Values (model.parameters())")
        ps = list(params)
        if not ps:
            raise ValueError(f"{where}: no parameters to optimize")
        seen: set[int] = set()
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(f"{where}: params[{i}] is {p!r}, not a Value")
            if id(p) in seen:
                raise ValueError(f"{where}: params[{i}] ({p!r}) is listed twice")
            seen.add(id(p))
        self.params = ps
        self._where = where

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward accumulates into leaves)."""
        for p in self.params:
            p.grad = 0.0

    def _check_gradients(self) -> list[float]:
        """Every parameter's gradient, once all are known to be finite; else a
        FloatingPointError naming the first that is not."""
        grads = [p.grad for p in self.params]
        # The common case in two passes at C speed: floats whose sum is finite are all
        # finite (a nan or an infinity makes the sum one); a sum that overflows, or any
        # gradient that is not a float, is checked one by one.
        if _FLOAT.issuperset(map(type, grads)) and math.isfinite(sum(grads)):
            return grads
        for i, p in enumerate(self.params):
            if not math.isfinite(p.grad):
                name = p.label or f"params[{i}]"
                raise FloatingPointError(
                    f"{self._where}.step: gradient of {name} is {p.grad!r}; "
                    "no parameter was changed (lower the learning rate?)"
                )
        return grads

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent with the paper's momentum: Δw(t) = −ε·∂E/∂w(t) + α·Δw(t−1).

    Rumelhart, Hinton & Williams (1986), with ε = ``lr`` and α =
    ``momentum``; then w ← w + Δw(t). Δw(0) = 0. ``weight_decay`` λ adds λ·w to
    the gradient (L2 regularisation of E by ½λw²). With α = 0 this is plain
    w ← w − ε·∂E/∂w.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, "SGD")
        self.lr = _hyperparameter(lr, "SGD", "lr", 0.0, above=True)
        self.momentum = _hyperparameter(momentum, "SGD", "momentum", 0.0, 1.0)
        self.weight_decay = _hyperparameter(weight_decay, "SGD", "weight_decay", 0.0)
        self.deltas = [0.0] * len(self.params)
        """Δw(t−1) of each parameter: the previous change."""

    def step(self) -> None:
        """One update of every parameter from its current ``.grad``."""
        grads = self._check_gradients()
        # −ε·g is (−ε)·g, so ε is negated once here; p._data is what p.data reads.
        lr, alpha, decay = -self.lr, self.momentum, self.weight_decay
        params, deltas = self.params, self.deltas
        if decay:
            grads = [g + decay * p._data for g, p in zip(grads, params)]
        new_deltas = [lr * g + alpha * previous for g, previous in zip(grads, deltas)]
        new_values = [p._data + d for p, d in zip(params, new_deltas)]
        # Nothing above changed any state; from here on nothing can fail.
        _assign(params, new_values)
        deltas[:] = new_deltas


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps scaled by running moments of the gradient.

    With g = ∂E/∂w (+ λ·w if ``weight_decay``), at step t = 1, 2, ...:
    m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  w ← w − lr·m̂/(√v̂ + eps).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, "Adam")
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (β₁, β₂), got {betas!r}")
        self.lr = _hyperparameter(lr, "Adam", "lr", 0.0, above=True)
        self.beta1 = _hyperparameter(betas[0], "Adam", "betas[0]", 0.0, 1.0)
        self.beta2 = _hyperparameter(betas[1], "Adam", "betas[1]", 0.0, 1.0)
        # eps > 0 keeps √v̂ + eps > 0 for a parameter whose gradients were all 0.
        self.eps = _hyperparameter(eps, "Adam", "eps", 0.0, above=True)
        self.weight_decay = _hyperparameter(weight_decay, "Adam", "weight_decay", 0.0)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its current ``.grad``."""
        self._check_gradients()
        t = self.t + 1
        b1, b2, decay = self.beta1, self.beta2, self.weight_decay
        c1 = 1.0 - b1**t
        c2 = 1.0 - b2**t
        lr, eps = self.lr, self.eps
        params = self.params
        new_m, new_v, new_values = [], [], []
        for p, m, v in zip(params, self.m, self.v):
            g = p.grad + decay * p.data if decay else p.grad
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            new_m.append(m)
            new_v.append(v)
            new_values.append(p.data - lr * (m / c1) / (math.sqrt(v / c2) + eps))
        # Nothing above changed any state; from here on nothing can fail.
        for p, x in zip(params, new_values):
            p.data = x
        self.m[:] = new_m
        self.v[:] = new_v
        self.t = t
