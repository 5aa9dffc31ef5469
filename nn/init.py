"""Starting weights for one unit: its incoming weights and its bias.

An initializer is a callable ``init(fan_in, fan_out, rng) -> (weights, bias)``:
``fan_in`` incoming weights of one unit, ``fan_out`` the number of units in its
layer (used by `xavier_uniform` only), and ``rng`` a seeded `random.Random`, so
that a model built with the same seed starts from the same weights. The global
generator of the `random` module is never used.

```pycon
>>> import random
>>> w, b = uniform(0.3)(2, 1, random.Random(0))
>>> all(-0.3 <= x <= 0.3 for x in [*w, b])
True

```
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

__all__ = ["Initializer", "he_uniform", "uniform", "xavier_uniform"]

Initializer = Callable[[int, int, random.Random], tuple[list[float], float]]
"""``init(fan_in, fan_out, rng) -> (weights, bias)`` for one unit."""


def uniform(a: float) -> Initializer:
    """Every weight AND the bias uniform in [−a, a]: the paper's "small random weights".

    Rumelhart, Hinton & Williams (1986) treat the bias as a weight from a unit
    that is always on, so it starts small and random like the others (they used
    a = 0.3 for XOR). ``uniform(a)`` returns the initializer.
    """
    if isinstance(a, bool) or not isinstance(a, int | float) or not (0.0 < a < math.inf):
        raise ValueError(f"uniform: the range a must be a finite number > 0, got {a!r}")
    a = float(a)

    def init(fan_in: int, fan_out: int, rng: random.Random) -> tuple[list[float], float]:
        return [rng.uniform(-a, a) for _ in range(fan_in)], rng.uniform(-a, a)

    init.__name__ = init.__qualname__ = f"uniform({a!r})"
    return init


def xavier_uniform(fan_in: int, fan_out: int, rng: random.Random) -> tuple[list[float], float]:
    """Weights uniform in [−l, l] with l = √(6 / (fan_in + fan_out)); bias 0.

    Glorot & Bengio (2010): keeps the variance of activations and of gradients
    roughly equal across layers of tanh / sigmoid / linear units.
    """
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return [rng.uniform(-limit, limit) for _ in range(fan_in)], 0.0


def he_uniform(fan_in: int, fan_out: int, rng: random.Random) -> tuple[list[float], float]:
    """Weights uniform in [−l, l] with l = √(6 / fan_in); bias 0.

    He et al. (2015): the variance 2/fan_in suits ReLU units, which zero half
    of their inputs' signal.
    """
    limit = math.sqrt(6.0 / fan_in)
    return [rng.uniform(-limit, limit) for _ in range(fan_in)], 0.0


PAPER = uniform(0.3)
"""The paper's starting weights, ±0.3."""

DEFAULTS: dict[str, Initializer] = {
    "sigmoid": PAPER,
    "tanh": xavier_uniform,
    "linear": xavier_uniform,
    "relu": he_uniform,
}
"""The initializer a layer uses when none is given, by its activation."""
