"""A scalar autograd engine for learning, teaching and using backpropagation.

```pycon
>>> from autograd import Value
>>> x = Value(2.0)
>>> y = (x * x).sigmoid()
>>> y.backward()
>>> round(x.grad, 4)
0.0707

```

The package is in four layers, each importing only the ones before it:

- `autograd.core`: the op table, `Value` and its backward pass, `grad`, the compiler;
- `autograd.teach`: `explain`, the checks, practice and notebook exercises, the expression
  parser;
- `autograd.pages`: pictures (Graphviz) and self-contained HTML pages;
- `autograd.cli`: the ``autograd`` command.

``import autograd`` loads the engine alone. Every other name below is imported the first
time it is used, so a learner who only makes Values never pays for Graphviz or the pages.
"""

from __future__ import annotations

# The one place of the version: pyproject.toml reads it (without importing the package).
__version__ = "0.1.0"
# Set before anything is imported: autograd.core, nn and the `autograd` command check it to
# know that `import autograd` found this library, not another of the same import name (HIPS
# autograd, pip's `autograd`, which installs into the same folder).
__distribution__ = "autograd-1986"

import importlib
from typing import TYPE_CHECKING, Any

from autograd.core.engine import (
    Value,
    apply,
    enable_grad,
    is_grad_enabled,
    linear,
    no_grad,
    topological_order,
)
from autograd.core.ops import Op

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from autograd.core.compiler import Compiled, compile
    from autograd.core.derivatives import GradcheckError, grad, gradcheck
    from autograd.pages.draw import draw_graph
    from autograd.pages.stepper import show_steps, write_stepper
    from autograd.pages.timeline import Timeline
    from autograd.pages.worksheet import write_worksheet
    from autograd.teach.check import mistake, nudge_test
    from autograd.teach.exercise import Exercises, check_number, check_slope
    from autograd.teach.explain import explain

# name → the module that defines it, imported on first use (PEP 562).
_LAZY = {
    "Compiled": "autograd.core.compiler",
    "compile": "autograd.core.compiler",
    "GradcheckError": "autograd.core.derivatives",
    "grad": "autograd.core.derivatives",
    "gradcheck": "autograd.core.derivatives",
    "explain": "autograd.teach.explain",
    "Exercises": "autograd.teach.exercise",
    "check_number": "autograd.teach.exercise",
    "check_slope": "autograd.teach.exercise",
    "mistake": "autograd.teach.check",
    "nudge_test": "autograd.teach.check",
    "draw_graph": "autograd.pages.draw",
    "show_steps": "autograd.pages.stepper",
    "write_stepper": "autograd.pages.stepper",
    "Timeline": "autograd.pages.timeline",
    "write_worksheet": "autograd.pages.worksheet",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Compiled",
    "Exercises",
    "GradcheckError",
    "Op",
    "Timeline",
    "Value",
    "apply",
    "check_number",
    "check_slope",
    "compile",
    "draw_graph",
    "enable_grad",
    "explain",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "linear",
    "mistake",
    "no_grad",
    "nudge_test",
    "show_steps",
    "topological_order",
    "write_stepper",
    "write_worksheet",
]
