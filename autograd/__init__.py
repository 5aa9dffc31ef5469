"""A scalar autograd engine for learning, teaching and using backpropagation.

>>> from autograd import Value
>>> x = Value(2.0)
>>> y = (x * x).sigmoid()
>>> y.backward()
>>> round(x.grad, 4)
0.0707
"""

from autograd.compiler import Compiled, compile
from autograd.derivatives import GradcheckError, grad, gradcheck
from autograd.draw import draw_graph
from autograd.engine import (
    Value,
    apply,
    enable_grad,
    is_grad_enabled,
    linear,
    no_grad,
    topological_order,
)
from autograd.explain import explain
from autograd.ops import Op
from autograd.stepper import show_steps  # last: the stepper is built on all of the above

__all__ = [
    "Compiled",
    "GradcheckError",
    "Op",
    "Value",
    "apply",
    "compile",
    "draw_graph",
    "enable_grad",
    "explain",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "linear",
    "no_grad",
    "show_steps",
    "topological_order",
]
__version__ = "0.1.0"
