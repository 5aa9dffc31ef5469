"""What recording a training (`nn.Recorder`, ``nn.fit(..., record=...)``) costs, in CPU time.

Each run trains a fresh net from the same seed twice, without and with a recorder (the
recording finished: the units' outputs, health figures and unit views of the keyframes
kept), on the interpreter and on the compiled path (``compile=True``), and prints the
extra time as a share of the training's. Runs are interleaved and the best of
``--repeats`` kept, so a slow spell of a shared machine hits both alike. The nets:

* XOR 2-2-1, 4 cases, 2,000 sweeps;
* mirror symmetry 6-2-1, 64 cases, 1,425 sweeps (the paper's count);
* a net of family trees' size, 36 → 12 → 12 → 6 → 24 on 100 one-hot cases, 1,500 sweeps
  (compiled; interpreted, 500 sweeps, as a full run would take minutes).

    python -m bench.record_overhead [--repeats N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import nn
from bench.common import best_times
from demos.symmetry import patterns


@dataclass
class Task:
    name: str
    model: Callable[[], nn.MLP]
    inputs: list[list[float]]
    targets: list[float] | list[list[float]]
    sweeps: int
    interpreted_sweeps: int
    lr: float


def tasks() -> list[Task]:
    xor_in = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    sym = patterns()
    people = [[float(i == c % 24 or i == 24 + c % 12) for i in range(36)] for c in range(100)]
    answers = [[float(j == (c * 7) % 24) for j in range(24)] for c in range(100)]
    return [
        Task(
            "XOR 2-2-1", lambda: nn.MLP(2, [2, 1], seed=1),
            xor_in, [0.0, 1.0, 1.0, 0.0], 2000, 2000, 0.5,
        ),
        Task(
            "symmetry 6-2-1", lambda: nn.MLP(6, [2, 1], init=nn.init.uniform(0.3), seed=1),
            [x for x, _ in sym], [d for _, d in sym], 1425, 1425, 0.1,
        ),
        Task(
            "family-trees size", lambda: nn.MLP(36, [12, 12, 6, 24], seed=0),
            people, answers, 1500, 500, 0.01,
        ),
    ]  # fmt: skip


def run(task: Task, compile: bool, record: bool) -> Callable[[], object]:
    def step() -> object:
        model = task.model()
        rec = nn.Recorder() if record else None
        nn.fit(
            model,
            task.inputs,
            task.targets,
            optimizer=nn.SGD(model.parameters(), lr=task.lr, momentum=0.9),
            epochs=task.sweeps if compile else task.interpreted_sweeps,
            progress=False,
            compile=compile,
            record=rec,
        )
        return rec

    return step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.record_overhead", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each, the best kept")
    args = parser.parse_args(argv)
    print(
        "Recording a training (nn.Recorder, 60 keyframes at most): CPU time, best of", args.repeats
    )
    print(f"{'net':<20} {'path':<12} {'sweeps':>6} {'train':>9} {'recorded':>9} {'extra':>7}")
    for task in tasks():
        for compile in (False, True):
            steps = {"plain": run(task, compile, False), "recorded": run(task, compile, True)}
            best = best_times(steps, args.repeats, time.process_time)
            extra = best["recorded"] / best["plain"] - 1.0
            sweeps = task.sweeps if compile else task.interpreted_sweeps
            print(
                f"{task.name:<20} {'compiled' if compile else 'interpreted':<12} {sweeps:>6} "
                f"{best['plain']:>8.2f}s {best['recorded']:>8.2f}s {extra:>6.1%}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
