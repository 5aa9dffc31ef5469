"""nn.init: the initializers stay in their ranges."""

from __future__ import annotations

import math
import random

import nn
from nn import MLP


def test_initializers_stay_in_their_ranges() -> None:
    rng = random.Random(0)
    w, b = nn.init.uniform(0.3)(50, 1, rng)
    assert all(-0.3 <= x <= 0.3 for x in [*w, b]) and b != 0.0
    limit = math.sqrt(6 / (50 + 10))
    w, b = nn.init.xavier_uniform(50, 10, rng)
    assert all(abs(x) <= limit for x in w) and max(map(abs, w)) > 0.8 * limit and b == 0.0
    w, b = nn.init.he_uniform(50, 10, rng)
    assert all(abs(x) <= math.sqrt(6 / 50) for x in w) and b == 0.0
    assert MLP(4, [3], init=nn.init.uniform(0.01), seed=0).parameters()[0].data != 0.0
    assert all(abs(p.data) <= 0.01 for p in MLP(4, [3], init=nn.init.uniform(0.01)).parameters())
