"""`fit`: the training loop of Rumelhart, Hinton & Williams (1986), with options.

One sweep presents every case once. By default the gradient is accumulated
case by case over the whole sweep and the weights change once at its end, as
in the paper; each case's graph is built, differentiated and dropped before the
next, so memory stays at one case's graph however many cases there are.
``batch_size=k`` changes the weights after every k cases instead.
"""

from __future__ import annotations

import functools
import math
import numbers
import random
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from tqdm import tqdm  # type: ignore[import-untyped]  # tqdm ships no type hints

from autograd import Compiled, Value, compile, is_grad_enabled, no_grad
from autograd.core.compiler import same_shape
from nn.losses import Loss, Prediction, Target, sum_squared_error
from nn.optim import SGD, Optimizer

__all__ = ["accumulate", "accumulator", "fit", "within"]

Stop = float | Callable[[int, float], bool]


class Recording(Protocol):
    """What `fit` records a training with (an `nn.Recorder`, which imports this module)."""

    def start(
        self,
        model: Any,
        inputs: Sequence[Any],
        targets: Sequence[Target],
        loss: Loss,
        params: list[Value] | None,
    ) -> Any: ...

    def sweep(self, error: float) -> None: ...

    def finish(self) -> None: ...


class Model(Protocol):
    """What `fit` trains: something with parameters, called on one case's inputs."""

    def parameters(self) -> list[Value]: ...

    def __call__(self, x: Any, /) -> Prediction: ...


def accumulate(
    model: Callable[[Any], Prediction],
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss,
    cases: Sequence[int],
) -> float:
    """Add ∂L/∂w of the loss L over ``cases`` into every parameter's ``.grad``, case by case.

    L = Σ_c loss_c (reduction "sum") or (1/|cases|)·Σ_c loss_c ("mean"), which
    equals ``loss.batch`` over those cases, but only one case's graph exists at a
    time. Returns Σ_c loss_c (unscaled). Raises FloatingPointError if a case's
    loss is not finite.
    """
    scale = 1.0 if loss.reduction == "sum" else 1.0 / len(cases)
    total = 0.0
    for c in cases:
        case = loss(model(inputs[c]), targets[c])
        if not math.isfinite(case.data):
            raise FloatingPointError(
                f"fit: the {loss.name} of case {c} is {case.data!r} (inputs {inputs[c]!r}); "
                "training diverged: lower the learning rate"
            )
        total += case.data
        (case if scale == 1.0 else case * scale).backward()
    return total


def within(
    tolerance: float,
    model: Callable[[Any], Prediction],
    inputs: Sequence[Any],
    targets: Sequence[Target],
) -> Callable[[int, float], bool]:
    """A ``stop`` for `fit`: every output of every case within ``tolerance`` of its target.

    The paper's criterion for XOR and its other tasks (e.g. ``within(0.1, ...)``).
    The outputs are computed without recording a graph. A case whose number of
    outputs differs from its number of targets is a ValueError, as is a
    different number of inputs and targets.
    """
    if len(inputs) != len(targets):
        raise ValueError(f"within: {len(inputs)} inputs but {len(targets)} targets")

    def stop(sweep: int, loss: float) -> bool:
        with no_grad():
            for c, (x, d) in enumerate(zip(inputs, targets)):
                ys = _floats(model(x))
                ds = [float(d)] if isinstance(d, int | float) else [float(t) for t in d]
                if len(ys) != len(ds):
                    raise ValueError(
                        f"within: case {c} gives {len(ys)} outputs but has {len(ds)} targets "
                        f"({d!r})"
                    )
                if any(abs(y - t) >= tolerance for y, t in zip(ys, ds)):
                    return False
        return True

    return stop


def _floats(prediction: Prediction) -> list[float]:
    if isinstance(prediction, Value):
        return [prediction.data]
    if isinstance(prediction, int | float):
        return [float(prediction)]
    return [y.data if isinstance(y, Value) else float(y) for y in prediction]


def fit(
    model: Model,
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss = sum_squared_error,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    stop: Stop | None = None,
    progress: bool = True,
    shuffle: bool = False,
    seed: int | None = None,
    compile: bool | str = False,
    record: Recording | None = None,
) -> list[float]:
    """Train ``model`` on ``inputs`` → ``targets``; return the loss of each sweep.

    Args:
        model: a Module called on one case's inputs (e.g. an `MLP`).
        inputs: the cases' inputs, one per case.
        targets: the cases' targets; a target is a number or a list of numbers.
        loss: a `nn.losses.Loss`; default the paper's E = ½ Σ_c Σ_j (y − d)².
        optimizer: default ``SGD(model.parameters(), lr=0.1)``.
        epochs: the largest number of sweeps.
        batch_size: None (default) changes the weights once per sweep, with the
            gradient of all cases; k changes them after every k cases.
        stop: end early when the sweep's loss is <= this number, or when
            ``stop(sweep, loss)`` returns True (see `within`); checked after
            the sweep's weight change.
        progress: show a tqdm progress bar with the loss (on stderr).
        shuffle: present the cases in a fresh random order each sweep.
        seed: the seed of ``shuffle``'s private generator.
        compile: run each case through generated Python code (`autograd.compile`)
            instead of building its graph: the same numbers bit for bit, many
            times faster. Only for models whose graph shape does not depend on
            the data (checked on two cases); cached per model until its
            parameter list changes. ``"numba"``: the same code as machine code
            (`autograd.compile`'s ``backend="numba"``, the ``fast`` extra), the same
            numbers again; ``"python"`` is True.
        record: an `nn.Recorder`, which keeps the net at chosen sweeps (weights,
            gradients, each unit's output per case, health figures) for a page to
            scrub through (`nn.Recorder.write`); needs ``batch_size=None``.

    The loss of a sweep is that of its cases as they were presented (Σ or mean
    by ``loss.reduction``), i.e. before the sweep's final weight change.
    """
    n = _check(inputs, targets, loss, epochs, batch_size, stop)
    if record is not None:
        _check_record(record, batch_size)
    if not is_grad_enabled():
        raise RuntimeError(
            "fit: called inside no_grad(), where no graph is recorded and so nothing "
            "could be trained; call it outside the block (or inside enable_grad())"
        )
    # The parameter list is looked up once per call: walking a model is most of what a
    # compiled one-sweep fit() costs beyond its generated code.
    params = model.parameters()
    opt = SGD(params, lr=0.1) if optimizer is None else optimizer
    _check_optimizer(params, opt)
    size = n if batch_size is None else min(batch_size, n)
    order = list(range(n))
    rng = random.Random(seed)
    history: list[float] = []
    run = accumulator(model, inputs, targets, loss, compile, params)
    if record is not None:
        record.start(model, inputs, targets, loss, params)
    bar = tqdm(range(1, epochs + 1), desc="fit", unit="sweep", disable=not progress)
    try:
        for sweep in bar:
            if shuffle:
                rng.shuffle(order)
            total = 0.0
            for start in range(0, n, size):
                opt.zero_grad()
                total += run(order[start : start + size])
                if record is not None:  # one batch: the sweep's weights and gradient, unchanged
                    record.sweep(total if loss.reduction == "sum" else total / n)
                opt.step()
            history.append(total if loss.reduction == "sum" else total / n)
            bar.set_postfix(loss=f"{history[-1]:.6g}", refresh=False)
            if stop is not None and (
                history[-1] <= stop if isinstance(stop, int | float) else stop(sweep, history[-1])
            ):
                break
    finally:
        bar.close()
    if record is not None:
        record.finish()
    return history


# The compiled step of each model, with what it was compiled for (see `_compiled_step`).
_COMPILED: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], Compiled]] = (
    weakref.WeakKeyDictionary()
)


_FLOATS = frozenset((float,))


def _numbers(x: Any, where: str) -> list[float]:
    if type(x) is list and _FLOATS.issuperset(map(type, x)):
        return x  # the common case, checked at C speed
    items = [x] if isinstance(x, numbers.Real) else x
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise TypeError(
            f"{where}: inputs of a case must be a number or a list of numbers, got {x!r}"
        )
    out = []
    for v in items:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{where}: inputs must be real numbers, got {v!r}")
        out.append(float(v))
    return out


def _trace(
    model: Model, loss: Loss, x: Any, d: Target, params: list[Value], backend: str = "python"
) -> Compiled:
    """Compile the loss of one case, with its inputs and targets as the compiled inputs."""
    xs = [Value(v) for v in _numbers(x, "fit(compile=True)")]
    ds = [Value(v) for v in loss.target_numbers(d)]
    out = loss.traced(model(xs[0] if isinstance(x, numbers.Real) else xs), ds)
    if backend == "numba":
        return compile(out, params, [*xs, *ds], backend="numba")
    return compile(out, params, [*xs, *ds])


def _backend(compile: bool | str) -> str | None:
    """The backend `fit`'s ``compile`` asks for: None (the interpreter), "python", "numba"."""
    if compile is True or compile == "python":
        return "python"
    if compile is False:
        return None
    if compile == "numba":
        return "numba"
    raise ValueError(f"fit: compile must be True, False, 'python' or 'numba', got {compile!r}")


def _compiled_step(
    model: Model,
    params: list[Value],
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss,
    backend: str = "python",
) -> Compiled:
    """The model's compiled step for ``loss``, traced afresh only when something changed.

    Traced on the first case and again on a case with other inputs: if the two
    graphs differ (the shape depends on the data), a `ShapeError` names the node.
    """
    sizes = (len(_numbers(inputs[0], "fit")), len(loss.target_numbers(targets[0])))
    key = (loss, backend, *sizes, *params)
    cached = _COMPILED.get(model)
    if (
        cached is not None
        and len(cached[0]) == len(key)
        and all(a is b for a, b in zip(cached[0], key))
    ):
        return cached[1]
    first = _trace(model, loss, inputs[0], targets[0], params, backend)
    other = next((c for c in range(1, len(inputs)) if inputs[c] != inputs[0]), None)
    if other is not None:  # the second trace only compares shapes: the python backend's
        same_shape(first, _trace(model, loss, inputs[other], targets[other], params), "fit")
    _COMPILED[model] = (key, first)
    return first


def accumulator(
    model: Model,
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss,
    compile: bool | str = False,
    params: list[Value] | None = None,
) -> Callable[[Sequence[int]], float]:
    """`accumulate` over given cases as one function, interpreted or compiled.

    ``run(cases)`` adds ∂L/∂w into every ``.grad`` and returns Σ_c loss_c, with
    the same numbers either way (see `fit`'s ``compile``): for loops of your own
    that do more per sweep than `fit` does (a penalty, weight decay). ``params``
    is ``model.parameters()``, when the caller has it already.
    """
    backend = _backend(compile)
    if backend is not None:
        return _compiled_accumulate(model, inputs, targets, loss, params, backend)
    return functools.partial(accumulate, model, inputs, targets, loss)


def _compiled_accumulate(
    model: Model,
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss,
    params: list[Value] | None = None,
    backend: str = "python",
) -> Callable[[Sequence[int]], float]:
    """`accumulate`, by the model's compiled step: the same sums in the same order.

    ``params`` is ``model.parameters()``, when the caller has it already.
    """
    if params is None:
        params = model.parameters()
    step = _compiled_step(model, params, inputs, targets, loss, backend)
    rows = [[*_numbers(x, "fit"), *loss.target_numbers(d)] for x, d in zip(inputs, targets)]
    width = len(rows[0])
    for c, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(
                f"fit(compile=True): case {c} has {len(row)} inputs and targets, case 0 {width}"
            )

    # The numba backend takes the rows as one array, checked and made once (Native.table).
    native: Any = step  # a Native, for backend="numba"
    table = native.table(rows) if backend == "numba" else None

    def run(cases: Sequence[int]) -> float:
        scale = 1.0 if loss.reduction == "sum" else 1.0 / len(cases)
        values = [p.data for p in params]
        given = [rows[c] for c in cases] if table is None else table[cases]
        total, grads = step.sweep(values, given, seed=scale)
        if not math.isfinite(total):
            for c in cases:  # find the case, to name it as `accumulate` does
                value = step(values, rows[c])[0]
                if not math.isfinite(value):
                    raise FloatingPointError(
                        f"fit: the {loss.name} of case {c} is {value!r} (inputs {inputs[c]!r}); "
                        "training diverged: lower the learning rate"
                    )
        for p, g in zip(params, grads):
            p.grad += g
        return total

    return run


def _check_record(record: object, batch_size: int | None) -> None:
    if not all(callable(getattr(record, name, None)) for name in ("start", "sweep", "finish")):
        raise TypeError(f"fit: record must be an nn.Recorder, got {record!r}")
    if batch_size is not None:
        raise ValueError(
            f"fit: record needs batch_size=None (one weight change per sweep), got "
            f"{batch_size!r}: a keyframe's weights, gradient and error belong to one sweep"
        )


def _check_optimizer(params: list[Value], optimizer: Optimizer) -> None:
    """An optimizer that changes none of the model's parameters (``params``) would train nothing."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an nn.optim optimizer, got {optimizer!r}")
    own = {id(p) for p in params}
    if not any(id(p) in own for p in optimizer.params):
        first = optimizer.params[0]
        raise ValueError(
            f"fit: the optimizer changes none of the model's parameters (its first is "
            f"{first.label or repr(first)}); build it with this model's parameters(), "
            "e.g. SGD(model.parameters(), lr=0.1)"
        )


def _check(
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss,
    epochs: int,
    batch_size: int | None,
    stop: Stop | None,
) -> int:
    if not isinstance(inputs, Sequence) or not isinstance(targets, Sequence):
        raise TypeError("fit: inputs and targets must be sequences (lists) of cases")
    if len(inputs) != len(targets):
        raise ValueError(f"fit: {len(inputs)} inputs but {len(targets)} targets")
    if len(inputs) == 0:
        raise ValueError("fit: no cases to train on")
    if not isinstance(loss, Loss):
        raise TypeError(f"fit: loss must be one of nn.losses (a Loss), got {loss!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be an integer >= 1, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"fit: batch_size must be None or an integer >= 1, got {batch_size!r}")
    if stop is not None and not callable(stop):
        if isinstance(stop, bool) or not isinstance(stop, int | float) or math.isnan(stop):
            raise TypeError(f"fit: stop must be a number or a callable, got {stop!r}")
    return len(inputs)
