"""CPU time of the compiled nn step: the generated sweep alone, through `nn.fit`, and float code.

The same 2-16-16-1 ReLU workload as `bench.nn_step`, measured in CPU time
(`time.process_time`, best of N interleaved rounds), which other jobs on a
shared machine disturb less than the wall-clock time of `bench.nn_step`.

    python -m bench.compiled_step [--repeats N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import nn
from bench.common import init_weights, two_moons
from bench.engine_step import FloatMLP
from bench.nn_step import SIZES, NNCompiled
from nn import train

SWEEPS = 20  # sweeps per fit() call for the per-sweep figure


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    xs, ys = two_moons(100)
    weights = init_weights(SIZES)
    compiled, floats = NNCompiled(weights), FloatMLP(weights)
    compiled.step(xs, ys)  # traces and compiles once (cached per model)
    step = train._COMPILED[compiled.model][1]
    params = compiled.model.parameters()
    rows = [[*x, y] for x, y in zip(xs, ys)]

    def fit_sweeps() -> None:
        nn.fit(compiled.model, xs, ys, loss=nn.losses.mse, optimizer=compiled.opt,
               epochs=SWEEPS, progress=False, compile=True)  # fmt: skip

    contenders: dict[str, Callable[[], object]] = {
        "generated sweep": lambda: step.sweep([p.data for p in params], rows, 1.0 / len(rows)),
        "nn.fit compiled": lambda: compiled.step(xs, ys),
        f"  per sweep of {SWEEPS}": fit_sweeps,
        "float": lambda: floats.step(xs, ys),
    }
    # fit(epochs=1) pays its set-up (checks, the cache look-up, the rows) on every
    # step; a training run pays it once: the per-sweep line divides a run of SWEEPS.
    sweeps = {name: SWEEPS if name.startswith("  per sweep") else 1 for name in contenders}
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(args.repeats):
        for name, run in contenders.items():
            t0 = time.process_time()
            run()
            best[name] = min(best[name], (time.process_time() - t0) / sweeps[name])
    print(f"CPU time, best of {args.repeats}, MLP {'-'.join(map(str, SIZES))}, 100 points")
    for name, t in best.items():
        print(f"  {name:16s} {t * 1e3:6.2f} ms  ({t / best['float']:.2f}x the float code)")
    return {name: t / best["float"] for name, t in best.items()}


if __name__ == "__main__":
    main()
