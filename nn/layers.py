"""Units, layers and multi-layer perceptrons, as in Rumelhart, Hinton & Williams (1986).

A unit j takes the outputs y_i of the units below, forms its total input
x_j = Σ_i w_ji·y_i + b_j as ONE graph node (`autograd.linear`, op "Σ"), and
outputs y_j = f(x_j), with f the logistic sigmoid in the paper.

`Neuron`, `Layer` and `MLP` are all usable on their own. A layer maps a list of
inputs (floats or Values) to a list of Values, so custom wiring is plain list
code. A 2-1-1 net whose output also sees the inputs directly::

    class Shortcut(Module):
        def __init__(self, seed=None):
            rng = random.Random(seed)
            self.hidden = Layer(2, 1, rng=rng)
            self.out = Layer(3, 1, rng=rng)

        def __call__(self, x):
            return self.out([*x, *self.hidden(x)])[0]

Its parameters are named "hidden.neurons.0.w.1", "out.neurons.0.b", ...
"""

from __future__ import annotations

import itertools
import numbers
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeGuard

from autograd import Value, linear
from nn.init import DEFAULTS, Initializer
from nn.module import Module

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Neuron"]

Input = Value | float | int

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": None,  # y = x: the total input itself
}
"""Activation functions by name; "linear" means none."""


def _activation(name: object, where: str) -> Callable[[Value], Value] | None:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        choices = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"{where}: unknown activation {name!r}; choose one of {choices}")
    return ACTIVATIONS[name]


def _count(n: object, where: str, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: {what} must be an integer >= 1, got {n!r}")
    return n


def _generator(rng: random.Random | None, seed: int | None, where: str) -> random.Random:
    if rng is not None:
        if seed is not None:
            raise ValueError(f"{where}: give rng or seed, not both")
        if not isinstance(rng, random.Random):
            raise TypeError(f"{where}: rng must be a random.Random, got {rng!r}")
        return rng
    return random.Random(seed)


def _initial(
    init: Initializer | None,
    activation: str,
    nin: int,
    fan_out: int,
    rng: random.Random,
    where: str,
) -> tuple[list[float], float]:
    chosen = DEFAULTS[activation] if init is None else init
    if not callable(chosen):
        raise TypeError(f"{where}: init must be an initializer from nn.init, got {init!r}")
    weights, bias = chosen(nin, fan_out, rng)
    if len(weights) != nin:
        raise ValueError(f"{where}: init {init!r} gave {len(weights)} weights for {nin} inputs")
    return weights, bias


def _inputs(x: object, n: int, where: str) -> Sequence[Input]:
    """``x`` as a sequence of ``n`` inputs (a lone number or Value counts as one)."""
    if type(x) is list and len(x) == n:  # the common case, without the ABC checks below
        return x
    if isinstance(x, Value | numbers.Real) and not isinstance(x, bool):
        x = (x,)
    if not isinstance(x, Sequence) or isinstance(x, str):
        raise TypeError(f"{where}: expected a list of {n} inputs (floats or Values), got {x!r}")
    if len(x) != n:
        raise ValueError(f"{where}: expected {n} inputs, got {len(x)}: {_short(x)}")
    return x


_MAX_FAN_OUT = 2**53  # the largest int a float holds exactly


def _short_int(n: int) -> str:
    text = str(n) if n.bit_length() < 3000 else ""  # str() of a huge int is slow, or refused
    return text if 0 < len(text) <= 40 else f"an integer of {n.bit_length()} bits"


def _is_size(n: object) -> TypeGuard[int]:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 1


def _short(x: Sequence[Any]) -> str:
    return repr(list(x)) if len(x) <= 6 else f"[{x[0]!r}, {x[1]!r}, ..., {x[-1]!r}]"


class Neuron(Module):
    """One unit: y = f(Σ_i w_i·x_i + b).

    Args:
        nin: number of inputs.
        activation: "sigmoid" (the paper's), "tanh", "relu" or "linear" (none).
        init: an initializer from `nn.init`; by default the paper's ±0.3 for
            sigmoid units, `he_uniform` for relu, `xavier_uniform` otherwise.
        rng: the generator to draw the starting weights from (shared by a layer).
        seed: or a seed for a private generator. Neither: an unpredictable start.
        fan_out: units in this neuron's layer (only `xavier_uniform` uses it).

    Parameters: ``w`` (a list of ``nin`` Values) and ``b``.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "sigmoid",
        *,
        init: Initializer | None = None,
        rng: random.Random | None = None,
        seed: int | None = None,
        fan_out: int = 1,
    ) -> None:
        self.nin = _count(nin, "Neuron", "nin")
        _count(fan_out, "Neuron", "fan_out")
        if fan_out > _MAX_FAN_OUT:  # the initializers compute with it as a float
            raise ValueError(f"Neuron: fan_out must be at most 2**53, got {_short_int(fan_out)}")
        self._f = _activation(activation, "Neuron")
        self._activation = activation
        weights, bias = _initial(
            init, activation, nin, fan_out, _generator(rng, seed, "Neuron"), "Neuron"
        )
        self.w = [Value(x) for x in weights]
        self.b = Value(bias)

    @property
    def activation(self) -> str:
        return self._activation

    def __call__(self, x: Sequence[Input] | Input) -> Value:
        """f(Σ_i w_i·x_i + b) for the ``nin`` inputs ``x`` (floats or Values)."""
        return self._forward(_inputs(x, self.nin, "Neuron"))

    def _forward(self, x: Sequence[Input]) -> Value:
        total = linear(self.w, x, self.b)  # the paper's x_j: one "Σ" node
        f = self._f
        return total if f is None else f(total)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self._activation}

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int | None:
        nin = config.get("nin")
        return nin + 1 if _is_size(nin) else None


class Layer(Module):
    """``nout`` units that all see the same ``nin`` inputs; returns a list of ``nout`` Values.

    Arguments as for `Neuron`. Parameters: ``neurons.<j>.w.<i>`` and ``neurons.<j>.b``.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "sigmoid",
        *,
        init: Initializer | None = None,
        rng: random.Random | None = None,
        seed: int | None = None,
    ) -> None:
        self.nin = _count(nin, "Layer", "nin")
        self.nout = _count(nout, "Layer", "nout")
        _activation(activation, "Layer")
        self._activation = activation
        gen = _generator(rng, seed, "Layer")
        self.neurons = [
            Neuron(nin, activation, init=init, rng=gen, fan_out=nout) for _ in range(nout)
        ]

    @property
    def activation(self) -> str:
        return self._activation

    def __call__(self, x: Sequence[Input] | Input) -> list[Value]:
        """[y_1, ..., y_nout] for the ``nin`` inputs ``x`` (floats or Values)."""
        return self._forward(_inputs(x, self.nin, "Layer"))

    def _forward(self, x: Sequence[Input]) -> list[Value]:
        # Neuron._forward inlined: this loop is the hot path of training.
        f = ACTIVATIONS[self._activation]
        if f is None:
            return [linear(n.w, x, n.b) for n in self.neurons]
        return [f(linear(n.w, x, n.b)) for n in self.neurons]

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "activation": self._activation}

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int | None:
        nin, nout = config.get("nin"), config.get("nout")
        return nout * (nin + 1) if _is_size(nin) and _is_size(nout) else None


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` on ``nin`` inputs.

    ``MLP(2, [2, 1])`` is the paper's XOR net: 2 inputs, 2 hidden sigmoid units,
    1 sigmoid output unit.

    Args:
        nin: number of inputs.
        nouts: units per layer, the last being the output layer.
        activation: of the hidden layers ("sigmoid", "tanh", "relu", "linear").
        output_activation: of the output layer; None means the same as hidden.
        init: an initializer from `nn.init` for every layer; None picks one per
            layer by its activation (see `Neuron`).
        seed: seed of the private generator for the starting weights.

    Calling the model on ``nin`` inputs (floats or Values) returns one Value if
    the output layer has one unit, else a list. Parameters are named
    ``layers.<l>.neurons.<j>.w.<i>`` and ``layers.<l>.neurons.<j>.b``.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str | None = None,
        init: Initializer | None = None,
        seed: int | None = None,
    ) -> None:
        _count(nin, "MLP", "nin")
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or len(nouts) == 0:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [nin, *(_count(n, "MLP", "every layer size in nouts") for n in nouts)]
        _activation(activation, "MLP")
        out_act = activation if output_activation is None else output_activation
        _activation(out_act, "MLP output_activation")
        self.nin = nin
        self.nouts = sizes[1:]
        self._activation = activation
        self._output_activation = out_act
        rng = random.Random(seed)
        acts = [activation] * (len(nouts) - 1) + [out_act]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], acts[i], init=init, rng=rng) for i in range(len(nouts))
        ]

    @property
    def activation(self) -> str:
        return self._activation

    @property
    def output_activation(self) -> str:
        return self._output_activation

    def __call__(self, x: Sequence[Input] | Input) -> Value | list[Value]:
        """The output for the ``nin`` inputs ``x``: one Value, or a list if several outputs."""
        out: Sequence[Input] = _inputs(x, self.nin, "MLP")
        for layer in self.layers:
            out = layer._forward(out)
        return out[0] if len(out) == 1 else out  # type: ignore[return-value]

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self._activation,
            "output_activation": self._output_activation,
        }

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int | None:
        nin, nouts = config.get("nin"), config.get("nouts")
        if not (_is_size(nin) and isinstance(nouts, list) and all(map(_is_size, nouts))):
            return None
        sizes: list[int] = [nin, *nouts]
        return sum(n_out * (n_in + 1) for n_in, n_out in itertools.pairwise(sizes))
