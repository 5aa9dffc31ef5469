"""Shared pieces of the benchmarks: the two-moons data, a timer and a memory meter.

Every contender gets the same data, the same initial weights, and a
``gc.collect()`` before each timed step, so no engine pays for another's garbage.
"""

from __future__ import annotations

import functools
import gc
import itertools
import random
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from nn.datasets import two_moons  # the demo's data, kept with nn so neither depends on bench

__all__ = ["best_times", "init_weights", "measure", "two_moons"]


def init_weights(sizes: list[int], seed: int = 0) -> list[list[list[float]]]:
    """Per layer, per neuron: ``nin`` weights uniform in [-1, 1] then a bias of 0."""
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1.0, 1.0) for _ in range(nin)] + [0.0] for _ in range(nout)]
        for nin, nout in itertools.pairwise(sizes)
    ]


def best_times(
    steps: dict[str, Callable[[], Any]],
    repeats: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """The fastest of ``repeats`` runs of each step (seconds of ``clock``, wall time unless
    told: ``time.process_time`` is this process's CPU time).

    Rounds are interleaved (every contender once per round), so a slow spell of
    a shared machine hits all contenders alike, and garbage is collected before
    each timed run.
    """
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            gc.collect()
            t0 = clock()
            step()
            times[name].append(clock() - t0)
    return {name: min(ts) for name, ts in times.items()}


def peak_memory(build: Callable[[], Any]) -> int:
    """Peak bytes allocated while ``build()`` runs, with its result kept alive."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return peak


def measure(
    models: dict[str, Any],
    xs: list[list[float]],
    ys: list[float],
    repeats: int,
    checked_steps: int = 1,
) -> tuple[dict[str, float], dict[str, int]]:
    """Best step times of every model and graph memory of all but "float", in one run.

    Each model has ``step(xs, ys) -> loss`` and (except "float") ``loss(xs, ys)``
    building the graph. First ``checked_steps`` steps must give the same loss for
    every model as for "float": the same graph, or no timing counts.
    """
    for _ in range(checked_steps):
        losses = {name: m.step(xs, ys) for name, m in models.items()}
        ref = losses["float"]
        for name, loss in losses.items():
            assert abs(loss - ref) <= 1e-9 * max(1.0, abs(ref)), f"{name} loss {loss} != {ref}"
    steps: dict[str, Callable[[], Any]] = {
        name: functools.partial(m.step, xs, ys) for name, m in models.items()
    }
    times = best_times(steps, repeats)
    memory = {
        name: peak_memory(functools.partial(m.loss, xs, ys))
        for name, m in models.items()
        if name != "float"
    }
    return times, memory
