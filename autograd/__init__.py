"""A scalar autograd engine for learning, teaching and using backpropagation.

>>> from autograd import Value
>>> x = Value(2.0)
>>> y = (x * x).sigmoid()
>>> y.backward()
>>> round(x.grad, 4)
0.0707
"""

from autograd.draw import draw_graph  # graphs and the chain rule, step by step (teaching)
from autograd.engine import (
    Value,
    enable_grad,
    is_grad_enabled,
    linear,
    no_grad,
    topological_order,
)
from autograd.explain import explain

__all__ = ["Value", "enable_grad", "is_grad_enabled", "linear", "no_grad", "topological_order"]
__all__ += ["draw_graph", "explain"]
__version__ = "0.1.0"
