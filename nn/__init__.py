"""Neural networks on the autograd engine: the nets of Rumelhart, Hinton & Williams (1986).

```pycon
>>> import nn
>>> model = nn.MLP(2, [2, 1], seed=0)          # 2 inputs, 2 hidden sigmoid units, 1 output
>>> y = model([1.0, 0.0])                      # a Value
>>> loss = nn.losses.sum_squared_error(y, 1.0) # ½ (y − d)²
>>> loss.backward()
>>> len(model.parameters())
9

```

The road to PyTorch (`nn.torch_bridge`: `to_torch`, `from_torch`, `torch_names`,
`torch_loss`, `torch_optimizer`, `compare`) is loaded on first use, and PyTorch itself
only when one of them is called: ``import nn`` never imports it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# First of all, that `import autograd` found this library, not another of that import name.
import autograd

if getattr(autograd, "__distribution__", None) != "autograd-1986":  # e.g. HIPS autograd
    raise ImportError(
        "nn needs autograd-1986, but the 'autograd' imported "
        f"({autograd.__file__ or autograd.__path__}) is another package of that name (HIPS "
        "autograd?): uninstall or rename it and reinstall autograd-1986, or give autograd-1986 a "
        "virtual environment of its own"
    )

from nn import init, losses, optim, serialize, train
from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.optim import SGD, Adam
from nn.record import Recorder, show_training
from nn.train import fit

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from nn.torch_bridge import (
        Comparison,
        compare,
        from_torch,
        to_torch,
        torch_loss,
        torch_names,
        torch_optimizer,
    )


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'nn' has no attribute {name!r}")
    value = getattr(importlib.import_module("nn.torch_bridge"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Comparison",
    "Layer",
    "Module",
    "Neuron",
    "Recorder",
    "compare",
    "fit",
    "from_torch",
    "init",
    "losses",
    "optim",
    "serialize",
    "show_training",
    "to_torch",
    "torch_loss",
    "torch_names",
    "torch_optimizer",
    "train",
]
# The names above not yet defined are those of nn.torch_bridge, imported on first use (PEP 562).
_LAZY = frozenset(__all__) - set(globals())
