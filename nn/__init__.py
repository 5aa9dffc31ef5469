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
"""

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
from nn.train import fit

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Layer",
    "Module",
    "Neuron",
    "fit",
    "init",
    "losses",
    "optim",
    "serialize",
    "train",
]
