"""The road to PyTorch: the same network, the same training, the same gradients.

Everything here needs PyTorch (``pip install torch``, or this package's ``torch`` extra);
``import nn`` never imports it, and without it each function raises one line saying
what to install.

- `to_torch` turns an `MLP` (or a `Layer`, a `Neuron`) into a ``torch.nn.Sequential`` of
  ``Linear`` layers and activations, with the same weights; `from_torch` takes such a
  module back. In float64 the two compute the same outputs and gradients to about 1e-15.
- `torch_names` is the mapping of parameter names between the two, `torch_loss` the
  PyTorch code of each loss of `nn.losses`, `torch_optimizer` the ``torch.optim``
  optimizer that makes exactly the updates of an `SGD` or `Adam` of this library.
- `compare` prints, per parameter, how far this library's gradient (or your own,
  computed by hand) is from PyTorch's: for a model, or for any graph of Values.

<!-- doctest: needs torch -->
```pycon
>>> import torch
>>> import nn
>>> model = nn.MLP(2, [2, 1], seed=0)              # the XOR net: 2 inputs, 2 hidden, 1 output
>>> module = nn.to_torch(model)
>>> [type(m).__name__ for m in module]
['Linear', 'Sigmoid', 'Linear', 'Sigmoid']
>>> y = module(torch.tensor([[1.0, 0.0]], dtype=torch.float64))
>>> abs(y.item() - model([1.0, 0.0]).data) < 1e-15
True
>>> nn.from_torch(module).state_dict() == model.state_dict()    # every float, exactly
True

```

The names. Layer ``l`` of an `MLP` is entry ``2l`` of the Sequential (a ``Linear``) and
its activation entry ``2l + 1`` (``Sigmoid``, ``Tanh``, ``ReLU``, or ``Identity`` for
"linear"); unit ``j``'s weight from input ``i`` is row ``j``, column ``i`` of that
Linear's weight matrix:

| this library               | PyTorch (``module.state_dict()``) |
| -------------------------- | --------------------------------- |
| ``layers.l.neurons.j.w.i`` | ``{2l}.weight[j, i]``             |
| ``layers.l.neurons.j.b``   | ``{2l}.bias[j]``                  |
| ``neurons.j.w.i`` (Layer)  | ``0.weight[j, i]``                |
| ``w.i``, ``b`` (Neuron)    | ``0.weight[0, i]``, ``0.bias[0]`` |

So ``layers.0.neurons.3.w.1`` is ``0.weight[3, 1]``, and ``layers.1.neurons.0.b`` is
``2.bias[0]``.

The training. This library's `SGD` makes the 1986 paper's update,
Δw(t) = −ε·∂E/∂w + α·Δw(t−1), w ← w + Δw(t). ``torch.optim.SGD`` keeps a velocity
b(t) = μ·b(t−1) + ∂E/∂w and makes w ← w − lr·b(t). With lr = ε and μ = α (and
``dampening=0``, ``nesterov=False``, the defaults) the two are the same update,
Δw(t) = −ε·b(t), step for step from the first (b(1) = ∂E/∂w(1), Δw(0) = 0), as long as
ε stays the same: PyTorch remembers the velocity, in units of the gradient, the paper
the last change, in units of the weight, so after a change of the learning rate
(a schedule) PyTorch's next step carries α·(ε_new/ε_old)·Δw(t−1) where the paper's
carries α·Δw(t−1). Weight decay λ is the same in both (λ·w added to the gradient);
PyTorch's ``dampening``, ``nesterov=True`` and a momentum of 1 or more have no
counterpart here. `Adam` is ``torch.optim.Adam`` (not AdamW): the same formulas.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd import Value, topological_order
from autograd.core.notation import node_names
from nn import losses
from nn.layers import MLP, Layer, Neuron
from nn.losses import EPSILON, MARGIN, Loss, Target, sum_squared_error
from nn.module import Module
from nn.optim import SGD, Adam, Optimizer
from nn.train import _numbers, accumulate

if TYPE_CHECKING:
    import torch

__all__ = [
    "Comparison",
    "compare",
    "from_torch",
    "to_torch",
    "torch_loss",
    "torch_names",
    "torch_optimizer",
]

# What to install: said by every function here when PyTorch is missing.
_INSTALL = "pip install torch (or pip install 'autograd-1986[torch]')"


def _need_torch(where: str) -> None:
    """Raise one line naming what to install when PyTorch cannot be imported."""
    try:
        import torch  # noqa: F401
    except ImportError:
        raise ImportError(f"{where} needs PyTorch, which is not installed: {_INSTALL}") from None


# -- the layers of a model, and the names of their parameters --


@dataclass(frozen=True)
class _Stage:
    """One layer of a model as PyTorch sees it: a Linear and its activation."""

    activation: str
    units: list[tuple[str, Neuron]]  # each unit with the prefix of its parameter names
    prefix: str  # that prefix for unit j: "layers.0.neurons.j.", "neurons.j." or ""


def _layer(prefix: str, layer: Layer) -> _Stage:
    units = [(f"{prefix}neurons.{j}.", n) for j, n in enumerate(layer.neurons)]
    return _Stage(layer.activation, units, f"{prefix}neurons.j.")


def _stages(model: object, where: str) -> list[_Stage]:
    if type(model) is MLP:
        return [_layer(f"layers.{k}.", layer) for k, layer in enumerate(model.layers)]
    if type(model) is Layer:
        return [_layer("", model)]
    if type(model) is Neuron:
        return [_Stage(model.activation, [("", model)], "")]
    kind = type(model).__name__
    hint = (
        "; for a Module of your own, compare the graph of its loss: compare(loss_value)"
        if isinstance(model, Module)
        else ""
    )
    raise TypeError(f"{where}: expected an nn.MLP, Layer or Neuron, got a {kind}{hint}")


def torch_names(model: MLP | Layer | Neuron) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Where each parameter of ``model`` is in the module `to_torch` makes of it.

    The mapping of the module's docstring: ``layers.l.neurons.j.w.i`` is entry
    ``[j, i]`` of ``{2l}.weight`` and ``layers.l.neurons.j.b`` entry ``[j]`` of
    ``{2l}.bias``. With it a state dict goes either way::

        names = nn.torch_names(model)
        state = module.state_dict()
        model.load_state_dict({n: state[key][index].item() for n, (key, index) in names.items()})

    Needs no PyTorch.

    Args:
        model: an `MLP`, `Layer` or `Neuron`.

    Returns:
        ``{name: (key, index)}`` for every parameter, in the order of
        ``model.named_parameters()``: ``key`` a key of the module's ``state_dict()``,
        ``index`` the entry in that tensor.

    Raises:
        TypeError: for any other model.
    """
    names: dict[str, tuple[str, tuple[int, ...]]] = {}
    for s, stage in enumerate(_stages(model, "torch_names")):
        for j, (prefix, unit) in enumerate(stage.units):
            for i in range(unit.nin):
                names[f"{prefix}w.{i}"] = (f"{2 * s}.weight", (j, i))
            names[f"{prefix}b"] = (f"{2 * s}.bias", (j,))
    return names


def _activation_modules() -> dict[str, Callable[[], torch.nn.Module]]:
    import torch

    return {
        "sigmoid": torch.nn.Sigmoid,
        "tanh": torch.nn.Tanh,
        "relu": torch.nn.ReLU,
        "linear": torch.nn.Identity,
    }


def to_torch(model: MLP | Layer | Neuron, dtype: torch.dtype | None = None) -> torch.nn.Sequential:
    """The same network in PyTorch: a ``torch.nn.Sequential`` with the same weights.

    Each layer becomes a ``torch.nn.Linear`` followed by its activation
    (``Sigmoid``, ``Tanh``, ``ReLU``, or ``Identity`` for "linear"), so layer ``l`` is
    entry ``2l`` (see `torch_names` for every name). The module takes a batch, a
    tensor of shape ``(cases, nin)``, and returns ``(cases, nout)``: where the model
    returns one Value per case, the module returns a column. The weights are copied
    (training one does not change the other), and PyTorch's random number
    generator is not used.

    ```python
    model = nn.MLP(2, [2, 1], seed=0)
    module = nn.to_torch(model)   # Sequential(Linear(2, 2), Sigmoid(), Linear(2, 1), Sigmoid())
    module(torch.tensor([[1.0, 0.0]], dtype=torch.float64))   # model([1.0, 0.0]) as a 1×1 tensor
    ```

    Args:
        model: an `MLP`, `Layer` or `Neuron` (a `Layer` or `Neuron` gives one Linear).
        dtype: of the weights; default ``torch.float64``, the float of this library,
            in which outputs and gradients agree to about 1e-15 (float32 to about 1e-7).

    Returns:
        The module, in training mode, its parameters requiring gradients.

    Raises:
        TypeError: for any other model (a Module of your own: compare its graph).
        ImportError: without PyTorch.
    """
    stages = _stages(model, "to_torch")
    _need_torch("nn.to_torch")
    import torch

    dtype = torch.float64 if dtype is None else dtype
    if not dtype.is_floating_point:
        raise TypeError(f"to_torch: dtype must be a floating-point dtype, got {dtype}")
    activations = _activation_modules()
    parts: list[torch.nn.Module] = []
    for stage in stages:
        units = [unit for _, unit in stage.units]
        # Made on the "meta" device, so no random initial weights are drawn: they are
        # overwritten here, and PyTorch's random number generator is left alone.
        linear = torch.nn.Linear(units[0].nin, len(units), device="meta", dtype=dtype)
        linear = linear.to_empty(device="cpu")
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in u.w] for u in units], dtype=dtype))
            linear.bias.copy_(torch.tensor([u.b.data for u in units], dtype=dtype))
        parts += [linear, activations[stage.activation]()]
    return torch.nn.Sequential(*parts)


_ACTIVATION_NAMES = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "Identity": "linear"}
_REPRESENTABLE = (
    "an nn.MLP has Linear layers (with bias), each followed by Sigmoid, Tanh, ReLU, "
    "Identity or nothing"
)


def _describe(module: torch.nn.Module) -> str:
    text = f"{type(module).__name__}({module.extra_repr()})"
    return " ".join(text.split())  # one line, however the module writes itself


def from_torch(module: torch.nn.Module) -> MLP:
    """The PyTorch network ``module`` as an `MLP` of this library, with the same weights.

    ``module`` is a ``torch.nn.Sequential`` of ``torch.nn.Linear`` layers, each followed
    by ``Sigmoid``, ``Tanh``, ``ReLU``, ``Identity`` or nothing (a linear layer), as
    `to_torch` makes; or one ``Linear``. The i-th Linear becomes ``layers.i`` of the
    MLP whatever its key in the Sequential (see `torch_names` for the names). Anything
    else is refused in one line naming the layer: a convolution, dropout, a
    normalisation, a nested Sequential, a Linear without bias (every unit here has a
    bias, trained as its weights are: a zero one would not stay zero), two activations
    in a row, or hidden layers with different activations (an MLP has one hidden
    activation and one of the output layer).

    Args:
        module: the PyTorch network; its weights are read, never changed.

    Returns:
        A new `MLP` whose ``layers.l.neurons.j.w.i`` is the l-th Linear's ``weight[j, i]``
        (as a float, exactly: every float32 and float64 is a Python float).

    Raises:
        ValueError: for a layer an MLP cannot represent, naming it.
        ImportError: without PyTorch.
    """
    _need_torch("nn.from_torch")
    import torch

    if type(module) is torch.nn.Linear:
        children: list[tuple[str, torch.nn.Module]] = [("(the module)", module)]
    elif isinstance(module, torch.nn.Sequential):
        children = list(module.named_children())
    else:
        raise ValueError(
            f"from_torch: expected a torch.nn.Sequential or a Linear, got {_describe(module)}; "
            + _REPRESENTABLE
        )
    linears: list[tuple[str, torch.nn.Linear]] = []
    activations: list[str] = []
    for name, child in children:
        where = f"from_torch: layer {name}, {_describe(child)},"
        kind = type(child).__name__ if type(child).__module__.startswith("torch.nn") else ""
        if type(child) is torch.nn.Linear:
            if child.bias is None:
                raise ValueError(
                    f"{where} has no bias; every unit of an nn.MLP has one, trained like its "
                    "weights (a zero bias would not stay zero): build it with bias=True"
                )
            if not child.weight.is_floating_point():
                raise ValueError(f"{where} has {child.weight.dtype} weights, not real numbers")
            if linears and child.in_features != linears[-1][1].out_features:
                raise ValueError(
                    f"{where} takes {child.in_features} inputs but the Linear before it "
                    f"gives {linears[-1][1].out_features}"
                )
            if len(activations) < len(linears):
                activations.append("linear")
            linears.append((name, child))
        elif kind in _ACTIVATION_NAMES:
            if not linears:
                raise ValueError(f"{where} comes before any Linear layer; {_REPRESENTABLE}")
            if len(activations) == len(linears):
                raise ValueError(f"{where} follows another activation; {_REPRESENTABLE}")
            activations.append(_ACTIVATION_NAMES[kind])
        else:
            raise ValueError(f"{where} has no counterpart here: {_REPRESENTABLE}")
    if not linears:
        raise ValueError(f"from_torch: the module has no Linear layer; {_REPRESENTABLE}")
    if len(activations) < len(linears):
        activations.append("linear")
    hidden = activations[0] if len(activations) > 1 else activations[-1]
    for (name, child), activation in zip(linears[:-1], activations[:-1]):
        if activation != hidden:
            raise ValueError(
                f"from_torch: layer {name}, {_describe(child)}, is followed by {activation} but "
                f"the first by {hidden}; an nn.MLP has one activation for its hidden layers"
            )
    nouts = [child.out_features for _, child in linears]
    model = MLP(linears[0][1].in_features, nouts, hidden, activations[-1], seed=0)
    state: dict[str, float] = {}
    for k, (_, child) in enumerate(linears):
        weights = child.weight.detach().cpu().double().tolist()
        biases = child.bias.detach().cpu().double().tolist()
        for j, (row, b) in enumerate(zip(weights, biases)):
            for i, w in enumerate(row):
                state[f"layers.{k}.neurons.{j}.w.{i}"] = w
            state[f"layers.{k}.neurons.{j}.b"] = b
    model.load_state_dict(state)
    return model


# -- losses --


def _sse(y: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((y - d) ** 2).sum()


def _mse(y: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    return ((y - d) ** 2).mean()


def _bce(y: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    import torch

    # This library's clamp: below EPSILON the log is held at ln(EPSILON), with no gradient.
    def log(p: torch.Tensor) -> torch.Tensor:
        return torch.log(torch.clamp(p, min=EPSILON))

    return (-(d * log(y) + (1.0 - d) * log(1.0 - y))).mean()


def _bce_logits(y: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.nn.functional.binary_cross_entropy_with_logits(y, d)


def _hinge(y: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.relu(1.0 - d * y).mean()


def _margin(y: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    import torch

    inside = (d - MARGIN < y) & (y < d + MARGIN)
    r = y - d
    return 0.5 * torch.where(inside, torch.zeros_like(r), r * r).sum()


# Each loss of nn.losses (by identity: a Loss of your own is not one of them) → its code.
_LOSSES: list[tuple[Loss, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]]] = [
    (losses.sum_squared_error, _sse),
    (losses.mse, _mse),
    (losses.binary_cross_entropy, _bce),
    (losses.binary_cross_entropy_with_logits, _bce_logits),
    (losses.hinge, _hinge),
    (losses.margin_squared_error, _margin),
]


def torch_loss(loss: Loss) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The PyTorch code of a loss of `nn.losses`: ``f(outputs, targets)`` over a batch.

    ``outputs`` and ``targets`` are tensors of shape ``(cases, units)``; the result is
    ``loss.batch`` over those cases, the same number (and gradient) to rounding:

    - `sum_squared_error`: ``0.5 * ((y - d) ** 2).sum()``
    - `mse`: ``((y - d) ** 2).mean()``
    - `binary_cross_entropy`: with ``log(p) = torch.log(torch.clamp(p, min=EPSILON))``,
      ``-(d * log(y) + (1 - d) * log(1 - y)).mean()``
    - `binary_cross_entropy_with_logits`: ``F.binary_cross_entropy_with_logits(y, d)``
    - `hinge`: ``torch.relu(1 - d * y).mean()``
    - `margin_squared_error`: ``0.5 * torch.where(inside, 0, (y - d) ** 2).sum()``, where
      ``inside = (d - 0.2 < y) & (y < d + 0.2)``

    (PyTorch's own ``binary_cross_entropy`` clamps the log at −100 rather than the
    probability at EPSILON: the two differ for saturated outputs.)

    Args:
        loss: one of the losses of `nn.losses`.

    Returns:
        The function.

    Raises:
        ValueError: for a `Loss` of your own, which has no PyTorch code here.
        ImportError: without PyTorch.
    """
    for known, code in _LOSSES:
        if loss is known:
            _need_torch("nn.torch_loss")
            return code
    names = ", ".join(known.name for known, _ in _LOSSES)
    raise ValueError(f"torch_loss: no PyTorch code for {loss!r}; the losses with some: {names}")


# -- optimizers --


def torch_optimizer(
    optimizer: Optimizer, model: MLP | Layer | Neuron, module: torch.nn.Module
) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimizer making the same updates as ``optimizer``, on ``module``.

    ``module`` is ``to_torch(model)`` (or anything with the same names and shapes), and
    ``optimizer`` changes every parameter of ``model``. Its state comes along, so
    training may change sides between two steps:

    - `SGD` (ε = ``lr``, α = ``momentum``, λ = ``weight_decay``) becomes
      ``torch.optim.SGD(params, lr=ε, momentum=α, weight_decay=λ)``
      (``dampening=0``, ``nesterov=False``), each momentum buffer −Δw(t−1)/ε: PyTorch
      keeps the velocity in units of the gradient, the paper the last change itself.
      The same update while ε is fixed (see the module's docstring).
    - `Adam` becomes ``torch.optim.Adam(params, lr, betas, eps, weight_decay)`` with its
      step count t and moments m, v: the same update, PyTorch's
      w − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + eps) being this library's
      w − lr·m̂/(√v̂ + eps) in another order (equal to rounding).

    Args:
        optimizer: an `SGD` or `Adam` of this library, over ``model.parameters()``.
        model: the model it trains.
        module: the model's PyTorch counterpart.

    Returns:
        A new ``torch.optim.SGD`` or ``torch.optim.Adam`` over ``module.parameters()``.

    Raises:
        TypeError: for another optimizer or model.
        ValueError: when ``optimizer`` does not change exactly ``model``'s parameters, or
            ``module`` lacks one of them.
        ImportError: without PyTorch.
    """
    names = torch_names(model)
    if not isinstance(optimizer, SGD | Adam):
        raise TypeError(
            f"torch_optimizer: expected an nn.SGD or nn.Adam, got {type(optimizer).__name__}"
        )
    _need_torch("nn.torch_optimizer")
    import torch

    by_id = {id(p): name for name, p in model.named_parameters()}
    if len(optimizer.params) != len(by_id) or any(id(p) not in by_id for p in optimizer.params):
        raise ValueError(
            "torch_optimizer: the optimizer must change every parameter of the model and no "
            "other (PyTorch's updates whole tensors): build it on model.parameters()"
        )
    tensors = dict(module.named_parameters())
    for key, index in names.values():
        tensor = tensors.get(key)
        if (
            tensor is None
            or tensor.dim() != len(index)
            or any(k >= n for k, n in zip(index, tensor.shape))
        ):
            raise ValueError(
                f"torch_optimizer: the module has no {key}{list(index)}; "
                "make it with to_torch(model)"
            )
    params = list(module.parameters())

    def state(values: Sequence[float]) -> dict[str, torch.Tensor]:
        """One tensor per key of the module, from one number per parameter of the model."""
        out = {key: torch.zeros_like(t) for key, t in tensors.items()}
        for p, x in zip(optimizer.params, values):
            key, index = names[by_id[id(p)]]
            out[key][index] = x
        return out

    if isinstance(optimizer, SGD):
        sgd = torch.optim.SGD(
            params,
            lr=optimizer.lr,
            momentum=optimizer.momentum,
            dampening=0.0,
            weight_decay=optimizer.weight_decay,
            nesterov=False,
        )
        if optimizer.momentum and any(optimizer.deltas):
            buffers = state([-d / optimizer.lr for d in optimizer.deltas])
            for key, t in tensors.items():
                sgd.state[t]["momentum_buffer"] = buffers[key]
        return sgd
    adam = torch.optim.Adam(
        params,
        lr=optimizer.lr,
        betas=(optimizer.beta1, optimizer.beta2),
        eps=optimizer.eps,
        weight_decay=optimizer.weight_decay,
    )
    if optimizer.t:
        m, v = state(optimizer.m), state(optimizer.v)
        for key, t in tensors.items():
            # The step as PyTorch keeps it: a tensor of the default float type.
            adam.state[t].update(
                step=torch.tensor(float(optimizer.t)), exp_avg=m[key], exp_avg_sq=v[key]
            )
    return adam


# -- compare --


@dataclass(frozen=True)
class Comparison:
    """One line of `compare`: a parameter (or a node, or a whole weight matrix).

    Attributes:
        name: what is compared, as printed.
        exact: every gradient equal to PyTorch's, to the last bit.
        approximate: every one within ``atol + rtol·|PyTorch's|`` (``torch.allclose``).
        max_difference: the largest |this library's − PyTorch's|.
        worst: the parameter or node where that largest difference is.
    """

    name: str
    exact: bool
    approximate: bool
    max_difference: float
    worst: str

    def line(self, width: int = 0) -> str:
        """The printed line, in the style of Karpathy's ``cmp()``."""
        text = (
            f"{self.name:<{width}} | exact: {self.exact!s:5} | approximate: "
            f"{self.approximate!s:5} | maxdiff: {self.max_difference:.3g}"
        )
        if not self.approximate and self.worst != self.name:
            text += f" (at {self.worst})"
        return text


def _row(
    name: str, pairs: Sequence[tuple[str, float, float]], rtol: float, atol: float
) -> Comparison:
    """``pairs`` of (name, this library's gradient, PyTorch's) as one `Comparison`."""
    worst, largest = pairs[0][0], -1.0
    exact = approximate = True
    for which, ours, theirs in pairs:
        difference = abs(ours - theirs)
        exact = exact and ours == theirs
        approximate = approximate and difference <= atol + rtol * abs(theirs)
        if math.isnan(difference) and not math.isnan(largest):
            worst, largest = which, difference
        elif difference > largest:
            worst, largest = which, difference
    return Comparison(name, exact, approximate, largest, worst)


def _compare_model(
    model: MLP | Layer | Neuron,
    inputs: Sequence[Any],
    targets: Sequence[Target],
    loss: Loss,
    backward: bool,
    rtol: float,
    atol: float,
) -> list[Comparison]:
    code = torch_loss(loss)
    if len(inputs) != len(targets) or not inputs:
        raise ValueError(f"compare: {len(inputs)} inputs and {len(targets)} targets")
    stages = _stages(model, "compare")
    nin, nout = stages[0].units[0][1].nin, len(stages[-1].units)
    rows = [_numbers(x, "compare") for x in inputs]
    wanted = [loss.target_numbers(d) for d in targets]
    for c, (xs, ds) in enumerate(zip(rows, wanted)):
        if (len(xs), len(ds)) != (nin, nout):
            raise ValueError(
                f"compare: case {c} has {len(xs)} inputs and {len(ds)} targets; the model "
                f"takes {nin} and gives {nout}"
            )
    module = to_torch(model)
    import torch

    if backward:
        model.zero_grad()
        accumulate(model, inputs, targets, loss, range(len(inputs)))
    x = torch.tensor(rows, dtype=torch.float64)
    d = torch.tensor(wanted, dtype=torch.float64)
    keys, tensors = zip(*module.named_parameters())
    grads = dict(zip(keys, torch.autograd.grad(code(module(x), d), tensors)))
    ours = dict(model.named_parameters())
    out = []
    for s, stage in enumerate(stages):
        weights: list[tuple[str, float, float]] = []
        biases: list[tuple[str, float, float]] = []
        for j, (prefix, unit) in enumerate(stage.units):
            for i in range(unit.nin):
                weights.append(_pair(f"{prefix}w.{i}", ours, grads[f"{2 * s}.weight"], (j, i)))
            biases.append(_pair(f"{prefix}b", ours, grads[f"{2 * s}.bias"], (j,)))
        row = "j" if stage.prefix else "0"  # the row of the weight matrix
        out.append(_row(f"{stage.prefix}w.i ({2 * s}.weight[{row}, i])", weights, rtol, atol))
        out.append(_row(f"{stage.prefix}b ({2 * s}.bias[{row}])", biases, rtol, atol))
    return out


def _pair(
    name: str, ours: dict[str, Value], theirs: torch.Tensor, index: tuple[int, ...]
) -> tuple[str, float, float]:
    """A parameter's name, its ``.grad`` here and its gradient in PyTorch's tensor."""
    return name, ours[name].grad, float(theirs[index])


@functools.cache
def _torch_ops() -> dict[str, Callable[[list[torch.Tensor]], torch.Tensor]]:
    """Each op of the table (`autograd.core.ops`) as PyTorch code over its operands."""
    import torch

    def linear(a: list[torch.Tensor]) -> torch.Tensor:
        n = (len(a) - 1) // 2
        total = a[-1]
        for w, y in zip(a[:n], a[n : 2 * n]):
            total = total + w * y
        return total

    def margin_sq(a: list[torch.Tensor]) -> torch.Tensor:
        y, d, m = a
        r = y - d
        return torch.where((d - m < y) & (y < d + m), torch.zeros_like(r), r * r)

    return {
        "+": lambda a: a[0] + a[1],
        "-": lambda a: a[0] - a[1],
        "*": lambda a: a[0] * a[1],
        "/": lambda a: a[0] / a[1],
        "**": lambda a: a[0] ** a[1],
        "neg": lambda a: -a[0],
        "exp": lambda a: torch.exp(a[0]),
        "log": lambda a: torch.log(a[0]),
        "sqrt": lambda a: torch.sqrt(a[0]),
        "sin": lambda a: torch.sin(a[0]),
        "cos": lambda a: torch.cos(a[0]),
        "tanh": lambda a: torch.tanh(a[0]),
        "sigmoid": lambda a: torch.sigmoid(a[0]),
        "relu": lambda a: torch.relu(a[0]),
        "abs": lambda a: torch.abs(a[0]),
        "recip": lambda a: torch.reciprocal(a[0]),
        "margin_sq": margin_sq,
        "Σ": linear,
    }


def _replay(order: Sequence[Value], names: dict[Value, str]) -> dict[Value, torch.Tensor]:
    """The graph ``order`` computed again by PyTorch, from its leaves' values, in float64."""
    import torch

    ops = _torch_ops()
    tensors: dict[Value, torch.Tensor] = {}
    for v in order:
        if v.is_leaf:
            tensors[v] = torch.tensor(v.data, dtype=torch.float64, requires_grad=True)
            continue
        code = ops.get(v.op)
        if code is None:
            raise ValueError(
                f"compare: node {names[v]} is made by the op {v.op!r}, which has no PyTorch code "
                f"here; compare knows the ops {', '.join(ops)}"
            )
        operands = [
            tensors[x] if isinstance(x, Value) else torch.tensor(float(x), dtype=torch.float64)
            for x in v.operands
        ]
        tensors[v] = code(operands)
    return tensors


def _compare_graph(
    root: Value, nodes: Sequence[Value] | Module | None, rtol: float, atol: float, backward: bool
) -> tuple[list[Comparison], list[Value]]:
    order = topological_order(root)
    given = {p: n for n, p in nodes.named_parameters()} if isinstance(nodes, Module) else {}
    names = node_names(order, given)
    if nodes is None:
        chosen = [v for v in reversed(order) if v.is_leaf or v.label or v is root]
    else:
        chosen = []
        for k, v in enumerate(list(given) if isinstance(nodes, Module) else list(nodes)):
            if not isinstance(v, Value):
                raise TypeError(f"compare: nodes[{k}] is {v!r}, not a Value")
            if v not in chosen:
                chosen.append(v)
    _need_torch("nn.compare")
    import torch

    tensors = _replay(order, names)
    if backward:
        for v in order:
            if v.is_leaf:
                v.grad = 0.0
        root.backward()
    # A node the root does not depend on has the gradient 0 (PyTorch's None).
    inside = [v for v in chosen if v in tensors]
    found = {}
    if inside:
        found = dict(zip(inside, torch.autograd.grad(tensors[root], [tensors[v] for v in inside])))
    rows = []
    for v in chosen:
        name = names.get(v) or given.get(v) or v.label or repr(v)
        g = found.get(v)
        rows.append(_row(name, [(name, v.grad, 0.0 if g is None else float(g))], rtol, atol))
    return rows, chosen


def compare(
    model_or_graph: MLP | Layer | Neuron | Value,
    inputs: Sequence[Any] | None = None,
    targets: Sequence[Target] | None = None,
    loss: Loss = sum_squared_error,
    *,
    nodes: Sequence[Value] | Module | None = None,
    backward: bool = False,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    echo: bool = True,
) -> list[Comparison]:
    """Check gradients against PyTorch's, printing one line per parameter (or node).

    In the style of the ``cmp()`` of Karpathy's "Backprop Ninja" lecture: whether the
    gradients are exactly PyTorch's, approximately (``torch.allclose``'s test), and the
    largest difference::

        layers.0.neurons.j.w.i (0.weight[j, i]) | exact: False | approximate: True  | maxdiff: 1e-17
        layers.0.neurons.j.b (0.bias[j])        | exact: True  | approximate: True  | maxdiff: 0

    The gradients of this library are the ``.grad`` fields as they are: run your own
    backward pass first (by hand, or ``loss.backward()``), or pass ``backward=True``.
    PyTorch's are computed afresh. Two uses:

    - a model (`MLP`, `Layer`, `Neuron`) with ``inputs``, ``targets`` and ``loss``:
      PyTorch takes the gradient of the loss over all the cases (Σ or mean, as
      ``loss.batch`` and `fit` do) with `to_torch` and `torch_loss`; one line per
      weight matrix and per bias vector, named both ways (see `torch_names`), with the
      parameter of the largest difference when they are not even approximately equal;
    - a Value (the root of a graph, e.g. a loss you built): PyTorch computes the graph
      again from its leaves, op by op, and takes ∂root/∂node for the root, every
      labelled node and every leaf, from the root back as backward goes (or for
      ``nodes``: a list of Values, or a Module for its parameters, by name). Works for
      any model of your own.

    Args:
        model_or_graph: a model, or the root of a graph.
        inputs: for a model, the cases' inputs.
        targets: for a model, the cases' targets.
        loss: for a model, one of `nn.losses`.
        nodes: for a graph, the nodes to compare (default: the root, labelled nodes
            and leaves). A node the root does not depend on has the gradient 0.
        backward: first compute this library's gradients: for a model, ``zero_grad``
            and the loss over the cases as `fit` does; for a graph, zero the leaves'
            ``.grad`` and ``root.backward()``.
        rtol: relative tolerance of "approximate".
        atol: absolute tolerance of "approximate".
        echo: print the lines (else only return them).

    Returns:
        The lines, as `Comparison` objects.

    Raises:
        TypeError: for anything else than a model or a Value.
        ValueError: for a model without inputs and targets, a graph with them, a loss or
            an op with no PyTorch code here.
        ImportError: without PyTorch.
    """
    if isinstance(model_or_graph, Value):
        if inputs is not None or targets is not None:
            raise ValueError(
                "compare: a graph is compared as it is, with no inputs or targets; "
                "give them with a model"
            )
        rows, compared = _compare_graph(model_or_graph, nodes, rtol, atol, backward)
    else:
        _stages(model_or_graph, "compare")
        if inputs is None or targets is None:
            raise ValueError(
                "compare: a model needs the inputs and targets of the loss whose gradient "
                "its .grad holds: compare(model, inputs, targets, loss)"
            )
        if nodes is not None:
            raise ValueError("compare: nodes are for a graph; a model compares its parameters")
        _need_torch("nn.compare")
        rows = _compare_model(model_or_graph, inputs, targets, loss, backward, rtol, atol)
        compared = model_or_graph.parameters()
    if echo:
        width = max((len(r.name) for r in rows), default=0)
        for r in rows:
            print(r.line(width))
        if not any(r.approximate for r in rows) and all(v.grad == 0.0 for v in compared):
            print("(every .grad is 0: run the backward pass first, or compare(..., backward=True))")
    return rows
