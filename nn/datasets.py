"""Small synthetic data sets for the demos, tests and benchmarks (no downloads)."""

from __future__ import annotations

import itertools
import math
import random

__all__ = ["mirror_symmetry", "two_moons", "xor"]


def xor() -> tuple[list[list[float]], list[float]]:
    """The four cases of exclusive-or: inputs 00, 01, 10, 11 and targets 0, 1, 1, 0."""
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    return xs, [float(a != b) for a, b in xs]


def mirror_symmetry(n: int = 6) -> tuple[list[list[float]], list[float]]:
    """All 2ⁿ n-bit vectors, target 1.0 for a palindrome (the 1986 paper's symmetry task)."""
    xs = [list(bits) for bits in itertools.product((0.0, 1.0), repeat=n)]
    return xs, [1.0 if x == x[::-1] else 0.0 for x in xs]


def two_moons(
    n: int = 100, noise: float = 0.1, seed: int = 1
) -> tuple[list[list[float]], list[float]]:
    """``n`` points of two interleaving half circles, labels -1.0 and +1.0 (as micrograd's demo)."""
    rng = random.Random(seed)
    xs: list[list[float]] = []
    ys: list[float] = []
    for i in range(n):
        upper = i % 2 == 0
        t = math.pi * rng.random()
        if upper:
            x, y = math.cos(t), math.sin(t)
        else:
            x, y = 1.0 - math.cos(t), 0.5 - math.sin(t)
        xs.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        ys.append(1.0 if upper else -1.0)
    return xs, ys
