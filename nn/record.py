"""`Recorder`: what a network looked like while it learned, kept at chosen sweeps.

``nn.fit(..., record=rec)`` calls the recorder once per sweep; a training loop of your
own does the same: after the sweep's gradient is in every ``.grad`` and before the
weights change, call ``rec.sweep(error)``; after the last sweep, ``rec.finish()``::

    rec = nn.Recorder().start(model, inputs, targets, loss)
    for _ in range(sweeps):
        opt.zero_grad()
        error = run(all_cases)      # e.g. nn.train.accumulator(...)
        rec.sweep(error)            # the weights this sweep used, and its gradient
        opt.step()
    rec.finish()                    # after the last weight change, before .grad changes
    rec.write("timeline.html")      # or nn.show_training(rec) in a notebook

So sweep k's frame holds the weights sweep k ran on, the gradient and the error it
computed with them (the error `fit` prints for sweep k), each unit's output for every
case at those weights, and how much the weights then changed.

Keyframes: every sweep up to ``early``, then evenly spaced: when more than ``frames``
are kept, every other one after the early ones is dropped and the spacing doubles, so a
long run keeps from ``early + (frames - early) / 2`` to ``frames`` of them, and the last
sweep besides. The error is kept for every sweep. Per sweep the recorder copies the
weights (at a keyframe the gradients too: under a microsecond for the paper's nets); the
outputs of the units, the health figures and the update-to-weight ratios are computed at
the end (`finish`), for the keyframes kept only, by a pass at each one's weights through
generated code (`autograd.core.compiler.Reader`: the forward pass of `autograd.compile`'s
code with ``watch``; the interpreter's numbers bit for bit), and the unit views when the
page is made (`Recorder.data`).
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, is_grad_enabled, topological_order
from autograd.core.compiler import Reader
from autograd.core.network import Network, NotANetwork, find_network
from autograd.core.notation import parameter_names
from autograd.core.ops import Op
from nn.losses import Loss, Prediction, Target, sum_squared_error
from nn.train import _numbers

__all__ = ["Frame", "Recorder", "show_training"]

_FLOATS = frozenset((float,))

# A unit counts as saturated where its slope f′(x) is below a tenth of its largest, f′(0)
# (σ′ ≤ 0.25 everywhere; below 0.025 once |x| > 3.6): its weights then barely learn.
SATURATED = 0.1
# The outputs of every unit in every case are kept only up to this many numbers per
# keyframe (family trees: 54 units × 100 cases = 5,400), so a recording stays a few MB.
MAX_OUTPUTS = 6_000
# The unit view (the backward pass of a few cases) is kept at as many keyframes as fit in
# this many characters: every keyframe of XOR's (4 cases of 2-2-1, 2.5 kB a case), a few
# dozen of a 2-16-16-1 net's (2 cases of about 25 kB).
MAX_LISTINGS = 400_000


@dataclass
class Frame:
    """One keyframe: the net as sweep ``sweep`` saw it (see the module docstring)."""

    sweep: int
    error: float
    weights: list[float]  # every parameter, in ``model.parameters()`` order
    grads: list[float]  # ∂E/∂w of the sweep, in the same order
    # ‖Δw‖/‖w‖ of each layer's weights and biases over the sweep's change; None until known
    ratios: list[float] | None = None
    # outputs[u][c]: unit u's output y_j (units as `Recorder.units`) in case c
    outputs: list[list[float]] | None = None
    totals: list[list[float]] | None = None  # x_j likewise
    saturated: float | None = None  # share of (sigmoid or tanh unit, case) pairs saturated
    dead: float | None = None  # share of hidden ReLU units at 0 in every case
    # case (0-based) → the unit view's listing of that case at these weights
    explained: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitInfo:
    """A unit of the recorded net, in the paper's numbering (`autograd.core.network`)."""

    number: int
    name: str  # y3
    layer: int
    activation: str
    sources: tuple[int, ...]  # unit i of each weight w_ji
    weights: tuple[int, ...]  # index of each w_ji in the parameter list
    weight_names: tuple[str, ...]  # w31
    bias: int
    output: bool


class Recorder:
    """Keeps a network's training at keyframes; see the module docstring.

    Args:
        frames: the most keyframes kept besides the last sweep (at least 4).
        early: the first sweeps all kept as keyframes (the first changes are the fastest).
        cases: the cases (0-based) whose backward pass is kept in the unit view; default
            the first two (all, when there are at most four).
        title: shown at the top of the page.
    """

    def __init__(
        self,
        frames: int = 60,
        early: int = 10,
        cases: Sequence[int] | None = None,
        title: str = "",
    ) -> None:
        if isinstance(frames, bool) or not isinstance(frames, int) or frames < 4:
            raise ValueError(f"Recorder: frames must be an integer >= 4, got {frames!r}")
        if isinstance(early, bool) or not isinstance(early, int) or not 0 <= early < frames:
            raise ValueError(
                f"Recorder: early must be an integer from 0 to frames - 1 ({frames - 1}), "
                f"got {early!r}"
            )
        if cases is not None and (
            isinstance(cases, str)
            or not isinstance(cases, Sequence)
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in cases)
        ):
            raise TypeError(f"Recorder: cases must be a list of case numbers, got {cases!r}")
        if not isinstance(title, str):
            raise TypeError(f"Recorder: title must be a string, got {title!r}")
        self.limit, self.early, self.title = frames, early, title
        self._cases = None if cases is None else list(cases)
        self.errors: list[float] = []
        self._frames: dict[int, Frame] = {}
        self._stride = 1
        self._next = 1  # the next sweep that is a keyframe
        self._last: tuple[int, list[float]] | None = None  # the last sweep and its weights
        self._pending: list[Frame] = []  # frames waiting for their weight change
        # A keyframe's sweep → the weights after its change (the next sweep's, no copy): its
        # ratios are computed at the end, for the keyframes still kept then.
        self._after: dict[int, list[float]] = {}
        self._done = False
        self._explained = False
        self._model: Any = None

    # -- setting up --

    def start(
        self,
        model: Callable[[Any], Prediction],
        inputs: Sequence[Any],
        targets: Sequence[Target],
        loss: Loss = sum_squared_error,
        params: list[Value] | None = None,
    ) -> Recorder:
        """Record the training of ``model`` on ``inputs`` → ``targets`` (as `nn.fit` takes
        them; each case's inputs a number or a list of numbers); ``params`` is
        ``model.parameters()``, when the caller has it. Whether the training is compiled or
        not, the units' outputs are read by compiled code where the graph allows it (the
        same numbers). Returns the recorder.

        The net is found in the graph of the first case (`autograd.core.network`): its
        units, layers and the paper's short names. A graph that is no net of units is a
        ValueError saying why.
        """
        if self._model is not None:
            if model is self._model:
                return self  # fit called again on the same model: the sweeps go on
            raise ValueError("Recorder.start: this recorder records another model already")
        if not isinstance(loss, Loss):
            raise TypeError(f"Recorder.start: loss must be one of nn.losses, got {loss!r}")
        if len(inputs) != len(targets) or not inputs:
            raise ValueError(
                f"Recorder.start: {len(inputs)} inputs and {len(targets)} targets; "
                "give as many of each, at least one"
            )
        if not is_grad_enabled():
            raise RuntimeError("Recorder.start: called inside no_grad(); call it outside")
        if params is None:
            params = model.parameters()  # type: ignore[attr-defined]
        self._model, self._params = model, list(params)
        self._inputs, self._targets, self._loss = list(inputs), list(targets), loss
        self._rows = [
            [*_numbers(x, "Recorder.start"), *loss.target_numbers(d)]
            for x, d in zip(inputs, targets)
        ]
        self._scalar = isinstance(inputs[0], numbers.Real)
        width = len(self._rows[0])
        self._floats = all(
            len(row) == width and _FLOATS.issuperset(map(type, row)) for row in self._rows
        )
        self.explained_cases()  # a case number out of range: said now, not after training
        root, xs, ds = self._trace(0)
        order = topological_order(root)
        named = parameter_names(self._named(), order)
        try:
            net = find_network(root, order, named, "Recorder.start")
        except NotANetwork as e:
            raise ValueError(str(e)) from None
        self._net_units(net)
        watched: list[Value] = []  # each unit's y_j, then its x_j, in the first case
        self._ops: list[Op | None] = []  # each unit's activation (None: a linear unit)
        for u in net.units:
            if u.is_input:
                continue
            y, x = u.outputs[0], u.totals[0]
            assert isinstance(y, Value)  # only an input unit's outputs are plain data
            watched += [y, x]
            self._ops.append(None if y is x else y._rule)
        place = {id(v): k for k, v in enumerate(order)}
        self._positions = [place[id(v)] for v in watched]
        # The units' outputs are read by compiled code on either path, by the forward pass
        # alone (the weights are its inputs: no gradient is computed), the interpreter's
        # floats at a fraction of a sweep's cost. A net whose constants differ from case to
        # case is read by the interpreter instead (found at the end: see `finish`); one
        # whose nodes differ cannot be followed at all, which two cases tell at once.
        self._reader: Reader | None = Reader(root, [*self._params, *xs, *ds], watched)
        # The shape check: another case's graph, against the first case's (traced above).
        other = next((c for c in range(1, len(inputs)) if self._rows[c] != self._rows[0]), None)
        if other is not None:
            size = len(topological_order(self._trace(other)[0]))
            if size != len(order):
                raise _shape_error(other, size, len(order))
        return self

    def _named(self) -> object:
        return self._model if hasattr(self._model, "named_parameters") else self._params

    def _trace(self, c: int) -> tuple[Value, list[Value], list[Value]]:
        """Case ``c``'s loss as a graph on Value inputs and targets (as `fit` compiles it)."""
        row = self._rows[c]
        n = len(row) - len(self._loss.target_numbers(self._targets[c]))
        xs, ds = [Value(v) for v in row[:n]], [Value(v) for v in row[n:]]
        out = self._model(xs[0] if self._scalar else xs)
        return self._loss.traced(out, ds), xs, ds

    def _net_units(self, net: Network) -> None:
        index = {id(p): k for k, p in enumerate(self._params)}
        self.inputs = [(u.number, u.name) for u in net.units if u.is_input]
        units = []
        for u in net.units:
            if u.is_input:
                continue
            assert u.bias is not None
            if id(u.bias) not in index or any(id(w) not in index for w in u.weights):
                raise ValueError(
                    f"Recorder.start: unit {u.number}'s weights are not among the model's "
                    "parameters; pass params= with every weight the net uses"
                )
            y = u.outputs[0]
            assert isinstance(y, Value)
            units.append(
                UnitInfo(
                    number=u.number,
                    name=net.names.get(y, f"y{u.number}"),
                    layer=u.layer,
                    activation=u.activation,
                    sources=u.sources,
                    weights=tuple(index[id(w)] for w in u.weights),
                    weight_names=tuple(net.names.get(w, "") for w in u.weights),
                    bias=index[id(u.bias)],
                    output=u.output,
                )
            )
        self.units = units
        self.layers = sorted({u.layer for u in units})
        # Each layer's weights and biases, by index: what an update-to-weight ratio is of.
        self._layer_params = [
            [k for u in units if u.layer == layer for k in (*u.weights, u.bias)]
            for layer in self.layers
        ]

    # -- once per sweep --

    def sweep(self, error: float) -> None:
        """Record one sweep: call it once per sweep, after its gradient is in every
        ``.grad`` and before the weights change, with the sweep's error."""
        if type(error) is not float and (
            isinstance(error, bool) or not isinstance(error, numbers.Real)
        ):
            raise TypeError(f"Recorder.sweep: error must be a number, got {error!r}")
        if self._done or self._model is None:
            raise RuntimeError(
                "Recorder.sweep: the recording is finished"
                if self._done
                else "Recorder.sweep: call start(model, inputs, targets) first"
            )
        params = self._params
        # The slot that ``p.data`` reads (at a third of the property's cost: this runs
        # every sweep, and a sweep of a small net is a few microseconds).
        weights = [p._data for p in params]
        if self._pending:
            self._settle(weights)
        errors = self.errors
        errors.append(error if type(error) is float else float(error))
        k = len(errors)
        # Copied every sweep, as any sweep may turn out to be the last (a keyframe always);
        # its gradient is still in .grad when the recording ends.
        self._last = (k, weights)
        if k == self._next:
            frame = Frame(k, errors[-1], weights, [p.grad for p in params])
            self._frames[k] = frame
            self._pending.append(frame)
            if len(self._frames) > self.limit:
                self._thin()
            # Every sweep up to `early`, then those a whole number of strides past it.
            early, stride = self.early, self._stride
            self._next = k + 1 if k < early else early + ((k - early) // stride + 1) * stride

    def _thin(self) -> None:
        """Keep every other keyframe after the early ones, and space the next ones twice as far."""
        self._stride *= 2
        self._frames = {
            k: f
            for k, f in self._frames.items()
            if k <= self.early or (k - self.early) % self._stride == 0
        }
        self._after = {k: w for k, w in self._after.items() if k in self._frames}

    def _settle(self, weights: list[float]) -> None:
        """Give the frames waiting for it their weight change: ``weights`` are those after it
        (the ratios are computed from them at the end, for the frames kept)."""
        for frame in self._pending:
            self._after[frame.sweep] = weights
        self._pending = []

    def _ratios(self, before: list[float], after: list[float]) -> list[float]:
        out = []
        for ks in self._layer_params:
            b = [before[k] for k in ks]
            size = math.sqrt(sum([x**2 for x in b]))
            change = math.sqrt(sum([(after[k] - x) ** 2 for k, x in zip(ks, b)]))
            out.append(change / size if size > 0.0 else math.inf if change else 0.0)
        return out

    def finish(self) -> None:
        """End the recording (`fit` calls it): the last sweep's weight change, and the
        units' outputs and health figures of the keyframes kept. (The unit views are
        made with the page, `data`.) Call it after the last weight change and before
        anything else changes ``.grad``: the last sweep's gradient is read there."""
        if self._model is None:
            raise RuntimeError("Recorder.finish: nothing was recorded (call start first)")
        if self._done:
            return
        now = [p.data for p in self._params]
        self._settle(now)
        if self._last is not None and self._last[0] not in self._frames:
            k, weights = self._last
            grads = [p.grad for p in self._params]  # the last sweep's: nothing changed them
            self._frames[k] = Frame(k, self.errors[-1], weights, grads)
            self._after[k] = now
        for k, frame in self._frames.items():
            frame.ratios = self._ratios(frame.weights, self._after[k])
        self._after = {}
        self._done = True
        if not self._frames:
            return
        last = max(self._frames)
        # Each sigmoid or tanh unit's slope rule, and the slope under which it is saturated.
        self._slopes = {
            u: (_slope(op), SATURATED * float(op.partial(0, [0.0], op.forward(0.0))))
            for u, op in enumerate(self._ops)
            if op is not None and self.units[u].activation in ("sigmoid", "tanh")
        }
        checked: list[list[float]] | None = None
        if self._reader is not None:
            # The compiled reader was checked on two cases; a net whose constants depend on
            # a later case would be misread: the last keyframe is read both ways, all cases.
            weights = self._frames[last].weights
            read = self._values(weights)
            checked = self._interpreted(weights)
            if read != checked:
                self._reader = None
        for k, frame in self._frames.items():
            self._read(frame, checked if k == last else None)

    # -- at the keyframes kept --

    @property
    def frames(self) -> list[Frame]:
        """The keyframes, by sweep (the recording is finished first, if it was not)."""
        if not self._done and self._model is not None:
            self.finish()
        return [self._frames[k] for k in sorted(self._frames)]

    def frame(self, sweep: int) -> Frame:
        """The keyframe of ``sweep``; a KeyError names the sweeps kept when it is not one."""
        kept = {f.sweep: f for f in self.frames}
        if sweep not in kept:
            raise KeyError(
                f"Recorder.frame: sweep {sweep!r} is not a keyframe; kept: {_ranges(list(kept))}"
            )
        return kept[sweep]

    @property
    def shows_outputs(self) -> bool:
        """Whether the units' outputs are kept: at most `MAX_OUTPUTS` numbers per keyframe."""
        return len(self.units) * len(self._rows) <= MAX_OUTPUTS

    @contextmanager
    def _at(self, weights: list[float]) -> Iterator[None]:
        """The model's parameters set to ``weights`` for a while, then put back."""
        now = [p.data for p in self._params]
        for p, w in zip(self._params, weights):
            p.data = w
        try:
            yield
        finally:
            for p, w in zip(self._params, now):
                p.data = w

    def _values(self, weights: list[float]) -> list[list[float]]:
        """Per case, the watched nodes' values (each unit's y_j then x_j) at ``weights``."""
        # The reader takes rows of floats of one length: the cases' numbers are checked
        # once, at start, the weights here (anything else is read by the interpreter).
        if self._reader is None or not (self._floats and _FLOATS.issuperset(map(type, weights))):
            return self._interpreted(weights)
        return self._reader([weights + row for row in self._rows])

    def _interpreted(
        self, weights: list[float], cases: Sequence[int] | None = None
    ) -> list[list[float]]:
        """`_values` by the interpreter (of ``cases``; default all): each case's graph, its
        units found by their places in it."""
        out = []
        size: int | None = None
        with self._at(weights):
            for c in range(len(self._rows)) if cases is None else cases:
                order = topological_order(self._trace(c)[0])
                if size is None:
                    size = len(order)
                elif len(order) != size:
                    raise _shape_error(c, len(order), size)
                out.append([order[k].data for k in self._positions])
        return out

    def _read(self, frame: Frame, values: list[list[float]] | None = None) -> None:
        """Fill in ``frame``'s outputs and health figures; ``values``: its `_values`, when
        they are known already."""
        if values is None:
            values = self._values(frame.weights)
        columns = list(zip(*values))  # each watched node's value in every case
        ys = [list(column) for column in columns[0::2]]
        xs = [list(column) for column in columns[1::2]]
        if self.shows_outputs:
            frame.outputs, frame.totals = ys, xs
        saturated = total = 0
        dead = relus = 0
        for u, op in enumerate(self._ops):
            act = self.units[u].activation
            if op is not None and act in ("sigmoid", "tanh"):
                # Saturated: f′(x), the op's own partial rule at (x, y), under a tenth of f′(0).
                slope, limit = self._slopes[u]
                saturated += sum(map(limit.__gt__, map(float, map(slope, xs[u], ys[u]))))
                total += len(xs[u])
            if act == "relu" and not self.units[u].output:
                relus += 1
                dead += all(y == 0.0 for y in ys[u])
        frame.saturated = saturated / total if total else None
        frame.dead = dead / relus if relus else None

    def explained_cases(self) -> list[int]:
        """The cases whose unit view is kept (0-based)."""
        n = len(self._rows)
        chosen = self._cases if self._cases is not None else list(range(n if n <= 4 else 2))
        for c in chosen:
            if not 0 <= c < n:
                raise ValueError(f"Recorder: case {c} is not one of the {n} cases (0 to {n - 1})")
        return chosen

    def explained_sweeps(self) -> list[int]:
        """The keyframes whose unit view is kept: all, or evenly spaced ones (the first and
        the last among them) so that the listings take at most `MAX_LISTINGS` characters."""
        frames = self.frames
        if not self._explained:
            self._explain()
            self._explained = True
        return [f.sweep for f in frames if f.explained]

    def _listing(self, frame: Frame, c: int) -> list[str]:
        """Case ``c``'s backward pass in the unit view, at ``frame``'s weights."""
        from autograd import explain  # the teaching layer, loaded only when a recording ends

        n = len(self._rows)
        # Written while the weights are the frame's: the listing reads the parameters' values.
        with self._at(frame.weights):
            error = self._loss(self._model(self._inputs[c]), self._targets[c])
            units = explain(error, params=self._named(), view="neurons")
            # The graph holds this case alone; the listing says which of all it is.
            case = units.case_line().replace("Case 1 of 1", f"Case {c + 1} of {n}", 1)
            steps = [line for step in units for line in str(step).splitlines()]
            return [case, *units.forward_lines(), "", *units.steps_intro(), "", *steps]

    def _explain(self) -> None:
        cases = self.explained_cases()
        kept = sorted(self._frames)
        last = self._frames[kept[-1]]
        for c in cases:
            last.explained[c] = self._listing(last, c)
        # A keyframe's listings take about as many characters as the last one's.
        size = sum(len(line) + 1 for lines in last.explained.values() for line in lines)
        room = max(2, MAX_LISTINGS // max(1, size))
        if len(kept) > room:
            kept = [kept[round(i * (len(kept) - 1) / (room - 1))] for i in range(room)]
        for k in kept[:-1]:
            frame = self._frames[k]
            for c in cases:
                frame.explained[c] = self._listing(frame, c)

    # -- the page --

    def data(self) -> dict[str, Any]:
        """The recording as plain data (JSON-ready): what `autograd.pages.timeline` draws."""
        self.explained_sweeps()
        frames = self.frames
        cases = self.explained_cases()
        weight_names = [""] * len(self._params)
        for u in self.units:
            for k, name in zip(u.weights, u.weight_names):
                weight_names[k] = name
            weight_names[u.bias] = f"b{u.number}"
        return {
            "title": self.title,
            "loss": self._loss.name,
            "errors": self.errors,
            "inputs": [{"number": n, "name": name} for n, name in self.inputs],
            "units": [
                {
                    "number": u.number,
                    "name": u.name,
                    "layer": u.layer,
                    "activation": u.activation,
                    "sources": list(u.sources),
                    "weights": list(u.weights),
                    "bias": u.bias,
                    "output": u.output,
                }
                for u in self.units
            ],
            "names": weight_names,
            "cases": [row[: len(self.inputs)] for row in self._rows],
            "targets": [row[len(self.inputs) :] for row in self._rows],
            "explained": [c for c in cases],
            "frames": [
                {
                    "sweep": f.sweep,
                    "error": f.error,
                    "w": f.weights,
                    "g": f.grads,
                    "y": f.outputs,
                    "ratios": f.ratios,
                    "saturated": f.saturated,
                    "dead": f.dead,
                    "explained": {str(c): lines for c, lines in f.explained.items()},
                }
                for f in frames
            ],
        }

    def timeline(self) -> Any:
        """The page as an object a notebook shows (`autograd.pages.timeline.Timeline`)."""
        from autograd import Timeline

        return Timeline(self.data())

    def write(self, path: str | os.PathLike[str], *more: Recorder) -> None:
        """Write the timeline page to ``path`` atomically: one file, no network; the
        timelines of ``more`` recorders follow on the same page."""
        from autograd import Timeline

        for other in more:
            if not isinstance(other, Recorder):
                raise TypeError(f"Recorder.write: expected more nn.Recorders, got {other!r}")
        Timeline(self.data(), *(other.data() for other in more)).save(path)

    def __repr__(self) -> str:
        kept = len(self._frames) + (self._last is not None and self._last[0] not in self._frames)
        return f"<Recorder of {len(self.errors)} sweeps, {kept} keyframes>"


def show_training(recorder: Recorder) -> Any:
    """The training timeline of ``recorder`` for a notebook: a cell ending in
    ``nn.show_training(rec)`` shows it inline (``.save(path)`` writes the page)."""
    if not isinstance(recorder, Recorder):
        raise TypeError(f"show_training: expected an nn.Recorder, got {recorder!r}")
    if not recorder.errors:
        raise ValueError("show_training: the recorder has no sweep recorded yet")
    return recorder.timeline()


def _shape_error(c: int, size: int, first: int) -> ValueError:
    """Case ``c``'s graph has ``size`` nodes where the first case's has ``first``."""
    return ValueError(
        f"Recorder: case {c + 1}'s graph has {size} nodes, case 1's {first}: the net's shape "
        "depends on the data, so its units cannot be followed from case to case"
    )


def _slope(op: Op) -> Callable[[float, float], Any]:
    """``op.partial(0, [x], y)`` as a function of (x, y): the op's partial rule itself
    when the op has one per operand (the same call, without the list)."""
    if type(op).partial is Op.partial:
        return op.partials[0]
    return lambda x, y: op.partial(0, [x], y)


def _ranges(sweeps: list[int]) -> str:
    if len(sweeps) <= 8:
        return ", ".join(map(str, sweeps))
    return f"{', '.join(map(str, sweeps[:4]))}, …, {', '.join(map(str, sweeps[-3:]))}"
