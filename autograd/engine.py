"""The `Value` node and reverse-mode differentiation.

A `Value` holds one float. Every operation on Values returns a new Value that
remembers its operands (``parents``) and the local derivative of the result with
respect to each of them. `Value.backward` visits the graph once, from the result
back to the leaves, multiplying and summing those local derivatives: the chain
rule, and nothing hand-derived per model.

The rules themselves (forward and partial derivatives) live in `autograd.ops`;
``+ - * /`` are spelled out here as well because they are most of every graph,
and a test checks them against the table.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from operator import mul
from typing import Any, Union

from autograd.ops import LINEAR, OPS, Op

__all__ = ["Value", "no_grad", "enable_grad", "is_grad_enabled", "linear"]

Operand = Union["Value", float, int]

# A ContextVar rather than a global flag: each thread (and each asyncio task)
# sees its own setting, so `no_grad` in one thread never leaks into another.
_grad_enabled: ContextVar[bool] = ContextVar("autograd_grad_enabled", default=True)
_recording = _grad_enabled.get

_ADD, _SUB, _MUL, _DIV, _POW, _NEG = (OPS[k] for k in ("+", "-", "*", "/", "**", "neg"))
# Shared local-derivative tuples for the ops whose derivatives are constants.
_D_ADD = (1.0, 1.0)
_D_SUB = (1.0, -1.0)
_D_ONE = (1.0,)
_D_NEG = (-1.0,)


def is_grad_enabled() -> bool:
    """Whether operations currently record the graph."""
    return _recording()


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations record no graph: their results are leaves.

    Use it for parameter updates and evaluation. Blocks nest, and the setting
    belongs to the current thread / context only. Also works as a decorator:
    ``@no_grad()``.
    """
    token = _grad_enabled.set(False)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record the graph again inside a `no_grad` block."""
    token = _grad_enabled.set(True)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def _as_float(x: object, where: str) -> float:
    """``x`` as a float if it is a real number, else a TypeError naming ``where``."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(
        f"{where}: expected a real number (int or float), got {x!r} ({type(x).__name__})"
    )


def _operand(x: object, symbol: str, left: object, right: object) -> float:
    """A non-Value operand of ``left <symbol> right`` as a float, or a clear TypeError."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(
        f"unsupported operand for '{symbol}': {left!r} {symbol} {right!r}; "
        "expected a Value or a real number"
    )


def _node(data: float, parents: tuple[Value, ...], local: tuple[Any, ...], op: Op, args: tuple[Any, ...]) -> Value:
    """A new interior node; ``local[i]`` is ∂data/∂parents[i]."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v.parents = parents
    v._op = op
    v._args = args
    v._local = local
    return v


def _leaf(data: float) -> Value:
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v.parents = ()
    v._op = None
    v._args = ()
    v._local = ()
    return v


def _apply(op: Op, args: tuple[Any, ...]) -> Value:
    """Apply ``op`` to Values and float constants, recording partials for the Values."""
    xs = [a.data if isinstance(a, Value) else a for a in args]
    out = op.forward(*xs)
    if not _recording():
        return _leaf(out)
    parents: list[Value] = []
    local: list[Any] = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            parents.append(a)
            local.append(op.partial(i, xs, out))
    return _node(out, tuple(parents), tuple(local), op, args)


def _unary(op: Op, x: Value) -> Value:
    a = x.data
    out = op.forward(a)
    if not _recording():
        return _leaf(out)
    args = (x,)
    return _node(out, args, (op.partials[0](a, out),), op, args)


def _binary(symbol: str) -> tuple[Any, Any]:
    """The forward and reflected operator for a table op, written once.

    (The same idea as ``fractions.Fraction._operator_fallbacks``.)
    """
    op = OPS[symbol]

    def forward(self: Value, other: Operand) -> Value:
        if isinstance(other, Value):
            return _apply(op, (self, other))
        return _apply(op, (self, _operand(other, symbol, self, other)))

    def reverse(self: Value, other: Operand) -> Value:
        return _apply(op, (_operand(other, symbol, other, self), self))

    forward.__name__ = forward.__qualname__ = f"__{_DUNDER[symbol]}__"
    reverse.__name__ = reverse.__qualname__ = f"__r{_DUNDER[symbol]}__"
    forward.__doc__ = f"self {symbol} other"
    reverse.__doc__ = f"other {symbol} self"
    return forward, reverse


_DUNDER = {"/": "truediv", "**": "pow"}


class Value:
    """A scalar in a computation graph: one float, its gradient, and how it was made.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> y.data, x.grad          # y = x² + 2x, dy/dx = 2x + 2
    (15.0, 8.0)

    Attributes:
        data: the float value.
        grad: after ``root.backward()``, ∂root/∂self (0.0 at creation).
        label: an optional name, shown by ``repr`` and in drawings.
        parents: the Value operands this node was computed from, in operand order
            (plain-number constants are folded into the node, not listed).
        op: the operation that made this node (``"*"``, ``"exp"``, ...), ``""`` for a leaf.
    """

    __slots__ = ("data", "grad", "label", "parents", "_op", "_args", "_local")

    data: float
    grad: float
    label: str
    parents: tuple[Value, ...]
    _op: Op | None
    _args: tuple[Any, ...]
    _local: tuple[Any, ...]

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError(f"Value: expected a real number, got another Value {data!r}; use it directly")
        self.data = _as_float(data, "Value")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {label!r}")
        self.grad = 0.0
        self.label = label
        self.parents = ()
        self._op = None
        self._args = ()
        self._local = ()

    @property
    def op(self) -> str:
        """The name of the operation that produced this Value; ``""`` for a leaf."""
        return "" if self._op is None else self._op.name

    @property
    def is_leaf(self) -> bool:
        """True for a Value made directly (a parameter, an input), not by an operation."""
        return self._op is None

    # -- the four operations that make up most graphs, spelled out for speed --
    # Their partials are those of `autograd.ops` ("+", "-", "*", "/"); a test checks it.

    def __add__(self, other: Operand) -> Value:
        """self + other;  ∂/∂self = 1, ∂/∂other = 1."""
        if isinstance(other, Value):
            out = self.data + other.data
            if _recording():
                args = (self, other)
                return _node(out, args, _D_ADD, _ADD, args)
            return _leaf(out)
        c = _operand(other, "+", self, other)
        if _recording():
            return _node(self.data + c, (self,), _D_ONE, _ADD, (self, c))
        return _leaf(self.data + c)

    def __radd__(self, other: Operand) -> Value:
        """other + self."""
        c = _operand(other, "+", other, self)
        if _recording():
            return _node(c + self.data, (self,), _D_ONE, _ADD, (c, self))
        return _leaf(c + self.data)

    def __sub__(self, other: Operand) -> Value:
        """self − other;  ∂/∂self = 1, ∂/∂other = −1."""
        if isinstance(other, Value):
            out = self.data - other.data
            if _recording():
                args = (self, other)
                return _node(out, args, _D_SUB, _SUB, args)
            return _leaf(out)
        c = _operand(other, "-", self, other)
        if _recording():
            return _node(self.data - c, (self,), _D_ONE, _SUB, (self, c))
        return _leaf(self.data - c)

    def __rsub__(self, other: Operand) -> Value:
        """other − self."""
        c = _operand(other, "-", other, self)
        if _recording():
            return _node(c - self.data, (self,), _D_NEG, _SUB, (c, self))
        return _leaf(c - self.data)

    def __mul__(self, other: Operand) -> Value:
        """self · other;  ∂/∂self = other, ∂/∂other = self."""
        if isinstance(other, Value):
            a = self.data
            b = other.data
            if _recording():
                args = (self, other)
                return _node(a * b, args, (b, a), _MUL, args)
            return _leaf(a * b)
        c = _operand(other, "*", self, other)
        if _recording():
            return _node(self.data * c, (self,), (c,), _MUL, (self, c))
        return _leaf(self.data * c)

    def __rmul__(self, other: Operand) -> Value:
        """other · self."""
        c = _operand(other, "*", other, self)
        if _recording():
            return _node(c * self.data, (self,), (c,), _MUL, (c, self))
        return _leaf(c * self.data)

    def __neg__(self) -> Value:
        """−self;  ∂/∂self = −1."""
        if _recording():
            args = (self,)
            return _node(-self.data, args, _D_NEG, _NEG, args)
        return _leaf(-self.data)

    def __pos__(self) -> Value:
        return self

    # Division and powers check their domain, so they go through the table.
    __truediv__, __rtruediv__ = _binary("/")
    __pow__, __rpow__ = _binary("**")

    # -- elementary functions (see autograd.ops for each forward rule and derivative) --

    def exp(self) -> Value:
        """eˣ;  ∂/∂x = eˣ. Raises OverflowError above x ≈ 709.78."""
        return _unary(OPS["exp"], self)

    def log(self) -> Value:
        """ln x;  ∂/∂x = 1/x. Raises ValueError for x <= 0."""
        return _unary(OPS["log"], self)

    def sqrt(self) -> Value:
        """√x;  ∂/∂x = 1/(2√x). Raises ValueError for x < 0."""
        return _unary(OPS["sqrt"], self)

    def sin(self) -> Value:
        """sin x;  ∂/∂x = cos x."""
        return _unary(OPS["sin"], self)

    def cos(self) -> Value:
        """cos x;  ∂/∂x = −sin x."""
        return _unary(OPS["cos"], self)

    def tanh(self) -> Value:
        """tanh x;  ∂/∂x = 1 − tanh² x. Finite for every finite x."""
        return _unary(OPS["tanh"], self)

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e⁻ˣ);  ∂/∂x = σ(x)(1 − σ(x)). Finite for every finite x."""
        return _unary(OPS["sigmoid"], self)

    def relu(self) -> Value:
        """max(0, x);  ∂/∂x = 1 for x > 0, else 0 (so relu'(0) = 0, as in PyTorch)."""
        return _unary(OPS["relu"], self)

    # -- reverse mode --

    def backward(self) -> None:
        """Fill ``.grad`` of every node this Value depends on with ∂self/∂node.

        Leaf gradients ACCUMULATE across calls, as in PyTorch: call ``zero_grad``
        (or set ``.grad = 0.0``) between steps. Interior nodes are reset on every
        call, so their ``.grad`` holds the gradient of the latest pass and a
        second ``backward()`` adds exactly one more ∂self/∂leaf to each leaf.

        Iterative (no recursion), so graph size is bounded only by memory.
        """
        order = _interior_nodes(self)
        for v in order:
            v.grad = 0.0
        if self._op is None:
            self.grad += 1.0
            return
        self.grad = 1.0
        for v in order:
            g = v.grad
            for p, d in zip(v.parents, v._local):
                p.grad += g * d

    # -- Python protocol --

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        extra = ""
        if self._op is not None:
            extra += f", op={self._op.name!r}"
        if self.label:
            extra += f", label={self.label!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    # Identity hashing (object's __eq__/__hash__), so Values work in sets and
    # dicts as graph nodes. Comparison operators are deliberately not defined.


_new = object.__new__


def _interior_nodes(root: Value) -> list[Value]:
    """The non-leaf nodes ``root`` depends on, each after every node that uses it.

    An iterative depth-first search: a node is emitted once all of its parents
    have been, and the list is then reversed, so walking it front to back visits
    ``root`` first and every node before its parents (reverse topological order).
    """
    if root._op is None:
        return []
    order: list[Value] = []
    expanded: set[Value] = set()
    emitted: set[Value] = set()
    stack = [root]
    while stack:
        v = stack[-1]
        if v in expanded:
            stack.pop()
            if v not in emitted:
                emitted.add(v)
                order.append(v)
            continue
        expanded.add(v)
        for p in v.parents:
            if p._op is not None and p not in expanded:
                stack.append(p)
    order.reverse()
    return order


def linear(weights: Sequence[Value], inputs: Sequence[Operand], bias: Operand) -> Value:
    """Σ_i weights[i]·inputs[i] + bias as ONE graph node (op ``"Σ"``).

    This is a unit's total input x_j = Σ_i y_i·w_ji + b_j in Rumelhart, Hinton &
    Williams (1986). One node instead of 2n keeps graphs readable and makes
    backward cheap: ∂/∂w_i = inputs[i], ∂/∂inputs[i] = w_i, ∂/∂bias = 1.
    Inputs and bias may be Values or plain numbers.
    """
    n = len(weights)
    if len(inputs) != n:
        raise ValueError(f"linear: {n} weights but {len(inputs)} inputs")
    if not all(isinstance(w, Value) for w in weights):
        bad = next(w for w in weights if not isinstance(w, Value))
        raise TypeError(f"linear: weights must be Values, got {bad!r}")
    wd = [w.data for w in weights]
    xd = [x.data if isinstance(x, Value) else _as_float(x, "linear input") for x in inputs]
    bias_is_value = isinstance(bias, Value)
    b = bias.data if bias_is_value else _as_float(bias, "linear bias")  # type: ignore[union-attr]
    out = sum(map(mul, wd, xd), b)
    if not _recording():
        return _leaf(out)
    args = (*weights, *inputs, bias)
    n_value_inputs = sum(isinstance(x, Value) for x in inputs)
    if bias_is_value and n_value_inputs == n:
        return _node(out, args, (*xd, *wd, 1.0), LINEAR, args)  # type: ignore[arg-type]
    if bias_is_value and n_value_inputs == 0:
        return _node(out, (*weights, bias), (*xd, 1.0), LINEAR, args)  # type: ignore[arg-type]
    return _apply(LINEAR, args)
