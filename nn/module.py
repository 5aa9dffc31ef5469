"""`Module`: anything that owns parameters (weights and biases as `Value` leaves).

A module finds its parameters by looking at its own public attributes, in the
order they were set: a `Value` attribute is a parameter, a `Module` attribute is
a sub-module, and lists, tuples and dicts of them are followed too. The dotted
path to a parameter is its name::

    MLP.layers[0].neurons[1].w[2]   →   "layers.0.neurons.1.w.2"

After a module is constructed, every parameter's ``label`` is set to that name,
so graph drawings and error messages can say which weight they mean (the
outermost module constructed last wins, so a Layer inside an MLP gets the
MLP's full names). Attributes whose names start with ``_`` are private and
never searched.

To build your own network, subclass `Module`, keep layers (or Values) as
attributes and define ``__call__``; ``parameters()``, ``zero_grad()``,
``state_dict()`` and saving then work with no more code.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from autograd import Value
from nn import serialize
from nn.serialize import class_name, parameter_value, registered

__all__ = ["Module", "class_name", "parameter_value", "registered"]

M = TypeVar("M", bound="Module")


class _ModuleType(type):
    """Labels a module's parameters once its ``__init__`` has finished."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        module = super().__call__(*args, **kwargs)
        module.label_parameters()
        return module


class Module(metaclass=_ModuleType):
    """Base class of models and their parts: parameters, gradients, state, files."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        serialize.register(cls)

    # -- parameters --

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Each parameter with its dotted name, in attribute order, each Value once.

        A Value reachable by two paths (a shared weight) is reported under the
        first; a module, list, tuple or dict reachable twice (even through
        itself) is searched once. Two different Values whose paths give the same
        name (dict keys ``1`` and ``"1"``) are a ValueError naming both paths.
        The search is iterative (no recursion), like everything here.
        """
        seen: set[int] = set()
        # Each parameter's name → the path it was found by, as Python would spell it.
        found: dict[str, str] = {}
        stack: list[tuple[str, str, object]] = [("", type(self).__name__, self)]
        while stack:
            name, path, obj = stack.pop()
            if isinstance(obj, Value):
                if id(obj) not in seen:
                    seen.add(id(obj))
                    if name in found:
                        raise ValueError(
                            f"{type(self).__name__}: {found[name]} and {path} are different "
                            f"parameters with the same name {name!r}; give them distinct keys"
                        )
                    found[name] = path
                    yield name, obj
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            items: list[tuple[str, str, object]]
            if isinstance(obj, Module):
                items = [(k, f".{k}", v) for k, v in vars(obj).items() if not k.startswith("_")]
            elif isinstance(obj, list | tuple):
                items = [(str(i), f"[{i}]", v) for i, v in enumerate(obj)]
            elif isinstance(obj, dict):
                items = [(str(k), f"[{k!r}]", v) for k, v in obj.items()]
            else:
                continue
            prefix = f"{name}." if name else ""
            # Reversed onto the stack so that they come off in attribute order.
            stack.extend(
                (prefix + k, path + step, v)
                for k, step, v in reversed(items)
                if _may_hold_values(v)
            )

    def parameters(self) -> list[Value]:
        """All parameters, in the order of `named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward accumulates into leaves)."""
        for p in self.parameters():
            p.grad = 0.0

    def label_parameters(self, prefix: str = "") -> None:
        """Set each parameter's ``label`` to its dotted name (after ``prefix.``, if given).

        Called automatically when a module is constructed. Call it yourself to
        name a free-standing layer: ``Layer(2, 3).label_parameters("hidden")``.
        """
        head = f"{prefix}." if prefix else ""
        for name, p in self.named_parameters():
            p.label = head + name

    # -- state --

    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` of every parameter, in order (plain floats, a copy)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Set every parameter from ``state`` (as made by `state_dict`).

        ``state`` must name exactly this module's parameters, each with a finite
        real number (an int must fit in a float). Everything is checked before
        anything is set, so after a ValueError or TypeError the module is unchanged.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of name → number, got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        unexpected = [k for k in state if k not in params]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {_few(missing)}")
            if unexpected:
                parts.append(f"unexpected {_few(unexpected)}")
            raise ValueError(
                f"load_state_dict: the state does not fit this {type(self).__name__} "
                f"({len(params)} parameters): " + "; ".join(parts)
            )
        values: list[tuple[Value, float]] = []
        for name, p in params.items():
            values.append((p, parameter_value(state[name], f"load_state_dict: {name}")))
        for p, x in values:
            p.data = x

    # -- files --

    def config(self) -> dict[str, Any] | None:
        """The constructor arguments that rebuild this architecture (JSON values), or None.

        `save` stores them so that `load` can rebuild the model; a module that
        returns None can still be saved and its weights restored with
        ``model.load_state_dict(nn.serialize.read_parameters(path))``.
        """
        return None

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int | None:
        """How many parameters ``cls(**config)`` has, or None if unknown without building it.

        `load` compares it with the file's parameters BEFORE building, so a file
        whose config asks for a huge network is rejected instead of hanging.
        """
        return None

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write architecture and weights to ``path`` as JSON, atomically.

        See `nn.serialize` for the format. The file appears complete or not at all.
        """
        serialize.save(self, path)

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str]) -> M:
        """Rebuild a model saved with `save`, checking everything in the file.

        ``MLP.load(path)`` insists on an MLP file; ``Module.load(path)`` accepts any
        module class the file names that is defined (imported) in this program.
        Raises `nn.serialize.ModelFileError` (a ValueError) for a truncated,
        malformed or mismatching file.
        """
        return serialize.load(cls, path)

    def __repr__(self) -> str:
        cfg = self.config()
        if cfg is None:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in cfg.items())})"


def _may_hold_values(obj: object) -> bool:
    return isinstance(obj, Value | Module | list | tuple | dict)


def _few(names: list[str], n: int = 5) -> str:
    shown = ", ".join(serialize.shorten(name) for name in names[:n])
    return f"{len(names)} ({shown}{', ...' if len(names) > n else ''})"
