"""`compile`: a graph written out as straight-line Python for its forward and backward pass.

Trace a graph once, then run it on new numbers without building Values:

```pycon
>>> from autograd import Value, compile
>>> w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
>>> y = (w * x + b).sigmoid()
>>> step = compile(y, params=[w, b], inputs=[x])
>>> value, grads = step([0.5, -0.2], [1.0])
>>> round(value, 6), [round(g, 6) for g in grads]
(0.574443, [0.244458, 0.244458])

```

The generated function (``step.source``) has one line per node for the forward
pass and one line per chain-rule term for the backward pass, each commented
with the op table's formula. Every rule comes from `autograd.core.ops`: an op's code
text where it has one, otherwise a call to its own forward or partial function,
so the domain-checked ops (log, sqrt, /, **, exp) raise the interpreter's errors.

The results equal ``backward()`` bit for bit: the same products, summed in the
same order (nodes from the latest to the earliest, each node's operands in
order, leaf gradients accumulated from 0.0). One difference is invisible: an
interior node's gradient starts at its first term rather than at 0.0 + it, so
it may be −0.0 where ``backward`` keeps 0.0; zero signs never change a later
product's magnitude, and the returned gradients are accumulated from 0.0 as
``backward`` does.

Safety: the source holds only names the compiler made (``p0``, ``i0``, ``n3``,
``gn3``, ``_sigmoid``, ``_f4``...), the op table's few function names (``exp``,
``log``, ``sin``, ``cos``, ``recip``), numbers it formatted itself, and the code
texts of the ops. A custom `Op`'s ``code`` and ``partial_code`` are Python written by
whoever made the op, pasted in as they are and run like its functions: make ops only
from code you trust, never from a file or a learner's input. They are checked against
the op's ``forward`` and partial rules at the numbers of its first few nodes, and
compiling refuses (ValueError, one line) where they disagree, since the compiled
results would then differ from ``backward()``. Labels appear only
in comments: a plain name (letters, digits, ``_`` and ``.``) as it is, anything
else through ``ascii()``, so no label can end a comment line; a custom op's
name is never used, and its formula text is escaped unless printable.

Leaves that are neither ``params`` nor ``inputs`` are constants: their current
value is written into the code. A compiled function is valid only while the
graph's shape does not depend on the data (see `same_shape`).

``compile(..., backend="torch")`` writes the same code for PyTorch tensors, every
number a tensor over a batch's rows (`Batched`). Its rules come from the same table:
an op's ``array_code`` where its float rule is a function (the domain-checked ones),
else its float code text, each ``a if test else b`` made ``where(test, a, b)``
row by row; ``exp``, ``log``, ``sqrt``, ``sin``, ``cos``, ``tanh``, ``abs`` and
``recip`` are PyTorch's (`_TORCH_NAMES`, the one map from the table's names to
torch's). Nodes that hang on no param or input are written as the numbers the
interpreter computed. A graph with an op that has no code text for a rule it needs
(a custom op given as functions alone) is refused in one line naming the op; a
custom op's texts are run on tensors of its first few nodes' numbers and refused
where they fail or disagree with its rules. PyTorch is imported only then: ``import
autograd`` never loads it.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from autograd.core.codegen import (
    Compiled,
    _comment,
    _file_of,
    _import_for,
    _literal,
    _Trace,
    _Writer,
)
from autograd.core.engine import Value, _as_float, topological_order
from autograd.core.graph import on_paths
from autograd.core.ops import LINEAR, OPS, Op, _reciprocal

__all__ = ["Batched", "Compiled", "ShapeError", "compile", "same_shape"]

_INLINE_ARGS = 8  # a custom op with more operands passes them to its partials as one tuple
_TABLE_OPS = frozenset(map(id, OPS.values()))
_WORDS = {"/": "div", "**": "pow", "Σ": "linear"}  # table op names that are not identifiers


class ShapeError(ValueError):
    """Two traces of one model differ in shape: the graph depends on the data."""


def _type_checked_forward(op: Op) -> Callable[..., float]:
    """A custom op's forward rule with the interpreter's check of what it returns."""
    forward = op.forward

    def run(*args: float) -> float:
        out = forward(*args)
        if type(out) is not float:
            out = _as_float(out, f"the forward rule of {op.name!r} returned")
        return out

    return run


_BACKENDS = ("python", "torch", "numba")


def _trace(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value],
    input_grads: bool | Sequence[Value],
) -> _Trace:
    """Check what `compile` is given and name the graph's leaves and nodes."""
    if not isinstance(output, Value):
        raise TypeError(f"compile: the output must be a Value, got {output!r}")
    for what, leaves in (("params", params), ("inputs", inputs)):
        if isinstance(leaves, Value) or not isinstance(leaves, Sequence):
            raise TypeError(
                f"compile: {what} must be a list of leaf Values, got {leaves!r}"
                + ("; put the one Value in a list" if isinstance(leaves, Value) else "")
            )
    names: dict[int, str] = {}
    for kind, leaves in (("p", params), ("i", inputs)):
        for i, v in enumerate(leaves):
            what = "params" if kind == "p" else "inputs"
            if not isinstance(v, Value):
                raise TypeError(f"compile: {what}[{i}] must be a Value, got {v!r}")
            if not v.is_leaf:
                raise ValueError(
                    f"compile: {what}[{i}] ({v!r}) is the result of {v.op!r}, not a leaf Value"
                )
            if id(v) in names:
                raise ValueError(f"compile: {what}[{i}] ({v!r}) is listed twice")
            names[id(v)] = f"{kind}{i}"
    if input_grads is True or input_grads is False:
        graded = list(inputs) if input_grads else []
    else:
        graded = list(input_grads)
        listed = {id(v) for v in inputs}
        for k, v in enumerate(graded):
            if id(v) not in listed:
                raise ValueError(f"compile: input_grads[{k}] ({v!r}) is not one of the inputs")
    order = topological_order(output)
    interior = [v for v in order if not v.is_leaf]
    for k, v in enumerate(interior):
        names[id(v)] = f"n{k + 1}"
    return _Trace(output, list(params), list(inputs), graded, order, interior, names)


class _PythonWriter(_Writer):
    """Straight-line Python on floats: the op table's code texts where an op has them,
    else calls of its own forward and partial functions (which raise its domain errors)."""

    def __init__(self, trace: _Trace) -> None:
        # Names the op table's code texts may use, bound to their float versions.
        super().__init__(
            trace,
            {
                "_inf": math.inf,
                "inf": math.inf,
                "recip": _reciprocal,
                "_nan": math.nan,
                "cos": math.cos,
                "sin": math.sin,
                "log": math.log,
                "exp": math.exp,
            },
        )
        self.helpers: dict[int, str] = {}  # id(function) -> its name in the namespace
        self.checked: dict[int, int] = {}  # id(custom op) -> nodes whose code texts were checked

    def helper(self, fn: Callable[..., Any], kind: str, op: Op) -> str:
        """The namespace name of a rule function: ``_sigmoid``, ``_d_pow_0``, ``_f3``..."""
        name = self.helpers.get(id(fn))
        if name is None:
            word = _WORDS.get(op.name, op.name)
            if id(op) not in _TABLE_OPS or not word.isidentifier() or not word.isascii():
                word = str(len(self.helpers))  # a custom op: its name is the user's, not used
            name = self.helpers[id(fn)] = f"_{kind}{word}"
            self.namespace[name] = fn
        return name

    def rule(self, v: Value, op: Op, slots: list[str]) -> str:
        custom = id(op) not in _TABLE_OPS and op is not LINEAR
        if custom and self.checked.get(id(op), 0) < _CHECKS:
            self.checked[id(op)] = self.checked.get(id(op), 0) + 1
            _check_code(op, v, self.namespace)
        text = op.forward_text(slots)
        if text is None:
            fn = _type_checked_forward(op) if custom else op.forward
            text = f"{self.helper(fn, '' if fn is op.forward else 'f', op)}({', '.join(slots)})"
        return text

    def operand_lines(self, v: Value, op: Op, slots: list[str]) -> list[str]:
        if len(slots) > _INLINE_ARGS and op.partial_code == () and op is not LINEAR:
            # A wide custom op: its operands once, not once per partial call.
            return [f"_a{self.names[id(v)]} = ({', '.join(slots)},)"]
        return []

    def partial(self, v: Value, op: Op, i: int, slots: list[str]) -> str:
        out = self.names[id(v)]
        text = op.partial_text(i, slots, out)
        if text is not None:
            return text
        wide = len(slots) > _INLINE_ARGS and op.partial_code == () and op is not LINEAR
        return _partial_call(op, i, [f"*_a{out}"] if wide else slots, out, self.helper)


@overload
def compile(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value] = (),
    *,
    input_grads: bool | Sequence[Value] = False,
    watch: Sequence[Value] = (),
    backend: Literal["python"] = "python",
) -> Compiled: ...


@overload
def compile(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value] = (),
    *,
    input_grads: bool | Sequence[Value] = False,
    watch: Sequence[Value] = (),
    backend: Literal["torch"],
) -> Batched: ...


@overload
def compile(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value] = (),
    *,
    input_grads: bool | Sequence[Value] = False,
    watch: Sequence[Value] = (),
    backend: Literal["numba"],
) -> Compiled: ...


def compile(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value] = (),
    *,
    input_grads: bool | Sequence[Value] = False,
    watch: Sequence[Value] = (),
    backend: str = "python",
) -> Compiled | Batched:
    """Write the forward and backward pass of ``output`` as code; see the module doc.

    ``params`` get gradients; ``inputs`` are the numbers that change per case;
    every other leaf is a constant baked in at its current value. With
    ``input_grads`` the gradients of the inputs follow those of the params (in
    ``sweep``, summed over the rows like the others; per row in ``sweep_each``);
    ``input_grads`` may also list just the inputs whose gradients are wanted.
    ``watch``: nodes of the graph whose value in each case ``sweep_each`` returns
    (e.g. a network's outputs, to judge each case on the same forward pass).

    Args:
        output: the graph's root, a Value.
        params: leaf Values whose gradients are wanted, in the order their numbers are
            passed.
        inputs: leaf Values whose numbers change from case to case (row to row).
        input_grads: True for every input's gradient after the params', or a list of
            the inputs whose gradients are wanted.
        watch: nodes whose value in each case ``sweep_each`` returns (python backend).
        backend: ``"python"`` (the default): straight-line Python on floats, one case
            at a time (`Compiled`). ``"torch"``: the same code on PyTorch tensors, every
            number a tensor over a batch's rows (`Batched`; PyTorch must be installed).

    Returns:
        A `Compiled` for ``backend="python"``, a `Batched` for ``backend="torch"``.

    Raises:
        TypeError: the output, params or inputs are not Values (or lists of them).
        ValueError: a param or input is not a leaf or is listed twice; an unknown
            ``backend``; with ``backend="torch"``, an op with no code text for a rule
            or ``watch`` given.
        ImportError: ``backend="torch"`` without PyTorch installed.
    """
    if backend not in _BACKENDS:
        raise ValueError(
            f"compile: backend must be one of {', '.join(map(repr, _BACKENDS))}, got {backend!r}"
        )
    torch = _import_torch() if backend == "torch" else None
    if backend == "numba":
        from autograd.core import native  # imports Numba: only when asked for

        native._import_numba()
    trace = _trace(output, params, inputs, input_grads)
    if backend == "numba":
        native.refuse_custom_ops(trace, _TABLE_OPS)
    if torch is not None:
        if watch:
            raise ValueError(
                "compile: watch is the python backend's (for sweep_each); with backend='torch' "
                "compile each watched node as an output of its own"
            )
        return _compile_torch(trace, torch)
    names = trace.names
    writer = _PythonWriter(trace)
    forward, shape = writer.forward()
    watched = _watched(names, watch)
    backward = writer.backward()
    graded = {id(v) for v in trace.graded}
    x_graded = [names[id(v)] for v in inputs if id(v) in graded]
    source = _source(output, params, inputs, names, forward, backward, x_graded, watched)
    python = Compiled(source, writer.namespace, params, inputs, len(trace.order), shape)
    if backend == "numba":
        module = native.module_source(trace, watched)
        return native.Native(python, module, len(x_graded), len(watched))
    return python


def _watched(names: dict[int, str], watch: Sequence[Value]) -> list[str]:
    """The generated names of the ``watch`` nodes, or a ValueError naming one that is not
    in the graph."""
    watched = []
    for k, v in enumerate(watch):
        name = names.get(id(v)) if isinstance(v, Value) else None
        if name is None:
            raise ValueError(
                f"compile: watch[{k}] ({v!r}) is not a node, param or input of the output's graph"
            )
        watched.append(name)
    return watched


class Reader:
    """The forward pass of a graph alone, as one generated function: ``reader(rows)`` is,
    for each row of input numbers, the values of the ``watch`` nodes, the floats that
    `Compiled.sweep_each` returns for them (the same lines of code), without a backward
    pass and without checking the rows: for a caller that made them floats of the right
    length (`nn.Recorder`, which reads a net's units at its keyframes). Python compiles
    one function instead of `Compiled`'s four, a third of the time.
    """

    def __init__(self, output: Value, inputs: Sequence[Value], watch: Sequence[Value]) -> None:
        trace = _trace(output, [], inputs, False)
        writer = _PythonWriter(trace)
        forward, _ = writer.forward()
        names = trace.names
        watched = _watched(names, watch)
        x = [names[id(v)] for v in inputs]
        target = "_" if not x else ", ".join(x) + ("," if len(x) == 1 else "")
        self.source = (
            "\n".join(
                [
                    "def read(rows):",
                    "    each = []",
                    f"    for {target} in rows:",
                    *(f"        {line}" for line in forward),
                    f"        each.append([{', '.join(watched)}])",
                    "    return each",
                ]
            )
            + "\n"
        )
        namespace = writer.namespace
        exec(builtins.compile(self.source, _file_of(self, self.source), "exec"), namespace)
        self._read: Callable[[Sequence[Sequence[float]]], list[list[float]]] = namespace["read"]

    def __call__(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        return self._read(rows)


_CHECKS = 3  # nodes of each custom op at which its code texts are checked against its rules


def _check_code(op: Op, v: Value, namespace: dict[str, Any]) -> None:
    """Refuse a custom op whose code texts disagree with its rules at this node's numbers.

    ``code`` and ``partial_code`` are pasted into the generated source as they are (they
    are Python, like the op's functions): where they compute something else than
    ``forward`` and the partials, compiled results would differ from ``backward()``.
    """
    args = [x.data if isinstance(x, Value) else float(x) for x in v.operands]
    slots = [_literal(a) for a in args]
    at = str(tuple(args)) if len(args) <= 4 else f"({args[0]!r}, ... {len(args)} operands)"
    texts = [("code", op.code, -1)] if op.code else []
    if type(op).partial is Op.partial:
        texts += [(f"partial_code[{i}]", t, i) for i, t in enumerate(op.partial_code)]
    for what, text, i in texts:
        source = text.format(*slots, out=_literal(v.data))
        try:
            want = float(op.forward(*args) if i < 0 else op.partial(i, args, v.data))
            got = float(eval(source, dict(namespace)))
        except Exception as e:  # the op's own code failing here fails in step() too
            raise ValueError(
                f"compile: Op {op.name!a}: its {what} {ascii(text)[:80]} fails at "
                f"{at}: {str(e)[:200]}"
            ) from None
        if not (want == got or (math.isnan(want) and math.isnan(got))):
            raise ValueError(
                f"compile: Op {op.name!a}: its {what} {ascii(text)[:80]} gives {got!r} at "
                f"{at} where its rule gives {want!r}; compiled results would "
                "differ from backward()"
            )


def _partial_call(
    op: Op,
    i: int,
    slots: list[str],
    out: str,
    helper: Callable[[Callable[..., Any], str, Op], str],
) -> str:
    if type(op).partial is Op.partial:
        return f"{helper(op.partials[i], f'd{i}_', op)}({', '.join(slots)}, {out})"
    args = slots[0][1:] if slots[0].startswith("*") else f"({', '.join(slots)},)"
    return f"{helper(op.partial, 'd_', op)}({i}, {args}, {out})"


def _unpack(names: list[str], source: str) -> str:
    """The line that unpacks ``source`` into ``names``: ``p0, p1 = params``."""
    if not names:
        return f"() = {source}"
    return f"{', '.join(names)}{',' if len(names) == 1 else ''} = {source}"


def _source(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value],
    names: dict[int, str],
    forward: list[str],
    backward: list[str],
    x_graded: list[str],
    watched: list[str],
) -> str:
    out = names.get(id(output)) or _literal(output.data)
    p = [names[id(v)] for v in params]
    x = [names[id(v)] for v in inputs]
    gp = [f"g{n}" for n in p + x_graded]
    header = [f"# {n} = {_comment(v.label)}" for n, v in zip(p + x, [*params, *inputs]) if v.label]

    zeros = [f"{g} = 0.0" for g in gp]
    body = ["# forward", *forward, "# backward", *backward]
    step = [
        "def step(params, inputs, seed):",
        f"    {_unpack(p, 'params')}",
        f"    {_unpack(x, 'inputs')}",
        *(f"    {line}" for line in zeros),
        *(f"    {line}" for line in body),
        f"    return {out}, [{', '.join(gp)}]",
    ]
    target = "_" if not x else ", ".join(x) + ("," if len(x) == 1 else "")
    sweep = [
        "def sweep(params, rows, seed):",
        f"    {_unpack(p, 'params')}",
        *(f"    {line}" for line in zeros),
        "    total = 0.0",
        f"    for {target} in rows:",
        *(f"        {line}" for line in body),
        f"        total += {out}",
        f"    return total, [{', '.join(gp)}]",
    ]
    # Per row: the inputs' gradients start afresh, so each row's are that case's alone.
    own = [f"g{n}" for n in x_graded]
    gp_only = [f"g{n}" for n in p]
    sweep_each = [
        "def sweep_each(params, rows, seed):",
        f"    {_unpack(p, 'params')}",
        *(f"    {g} = 0.0" for g in gp_only),
        "    total = 0.0",
        "    each = []",
        f"    for {target} in rows:",
        *(f"        {g} = 0.0" for g in own),
        *(f"        {line}" for line in body),
        f"        total += {out}",
        f"        each.append([{', '.join(own + watched)}])",
        f"    return total, [{', '.join(gp_only)}], each",
    ]
    outputs = [
        "def outputs(params, rows):",
        f"    {_unpack(p, 'params')}",
        "    values = []",
        f"    for {target} in rows:",
        *(f"        {line}" for line in forward),
        f"        values.append({out})",
        "    return values",
    ]
    parts = [*header, *step, "", "", *sweep, "", "", *sweep_each, "", "", *outputs]
    return "\n".join(parts) + "\n"


def same_shape(first: Compiled, second: Compiled, where: str = "compile") -> None:
    """Raise `ShapeError` naming the first node where two traces differ in shape or constants."""
    for k, (a, b) in enumerate(zip(first.shape, second.shape)):
        if a != b:
            raise ShapeError(
                f"{where}: the graph's shape depends on the data: node n{k + 1} is {a} in the "
                f"first traced case but {b} in the second"
            )
    if len(first.shape) != len(second.shape):
        raise ShapeError(
            f"{where}: the graph's shape depends on the data: {len(first.shape)} nodes in the "
            f"first traced case but {len(second.shape)} in the second"
        )


# ---- backend="torch": the same code on tensors, each number a tensor over a batch's rows ----

_TORCH_INSTALL = "pip install torch (or pip install 'autograd-1986[torch]')"

# The functions the op table's texts call, by their names there → PyTorch's (the one map
# from the rules' vocabulary to torch's; `_TorchWriter` binds them, `where` apart).
_TORCH_NAMES = {
    "exp": "exp",
    "log": "log",
    "sqrt": "sqrt",
    "sin": "sin",
    "cos": "cos",
    "tanh": "tanh",
    "abs": "abs",
    "recip": "reciprocal",
}
_STEERING = re.compile(r"\b(?:if|and|or|not)\b|[<>]|[=!]=")  # texts to make elementwise


def _import_torch() -> Any:
    return _import_for("torch", "PyTorch", _TORCH_INSTALL)


class _Elementwise(ast.NodeTransformer):
    """A rule text's scalar control flow made elementwise, for numbers that are arrays.

    ``a if test else b`` becomes ``where(test, a, b)``, a chained comparison
    ``a < b < c`` becomes ``(a < b) & (b < c)``, and ``and``, ``or``, ``not`` become
    ``&``, ``|``, ``~``: the float rule row by row (both branches are computed, and
    ``where`` keeps in each row the one the test picks). A test on numbers alone (a
    constant operand's: ``2.0 == 0.0``) is decided here, and only its branch written.
    """

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return node.body if node.test.value else node.orelse
        return ast.Call(ast.Name("where", ast.Load()), [node.test, node.body, node.orelse], [])

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        lefts = [node.left, *node.comparators[:-1]]
        pairs = [ast.Compare(a, [o], [b]) for a, o, b in zip(lefts, node.ops, node.comparators)]
        return _all_of(ast.And(), [_decided(pair) for pair in pairs])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        return _all_of(node.op, node.values)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Not):
            return node
        if isinstance(node.operand, ast.Constant):
            return ast.Constant(not node.operand.value)
        return ast.UnaryOp(ast.Invert(), node.operand)


_NUMBER_NAMES = {"inf": math.inf, "nan": math.nan, "_inf": math.inf, "_nan": math.nan}
_ARITHMETIC = (ast.Constant, ast.UnaryOp, ast.BinOp, ast.Compare)


def _decided(test: ast.Compare) -> ast.expr:
    """A comparison of numbers alone as its outcome (a Constant); any other as it is."""
    for e in ast.walk(test):
        if isinstance(e, ast.expr) and not (
            isinstance(e, _ARITHMETIC) or (isinstance(e, ast.Name) and e.id in _NUMBER_NAMES)
        ):
            return test
    try:
        code = builtins.compile(ast.fix_missing_locations(ast.Expression(test)), "<rule>", "eval")
        return ast.Constant(bool(eval(code, dict(_NUMBER_NAMES))))
    except ArithmeticError:
        return test


def _all_of(op: ast.boolop, values: Sequence[ast.expr]) -> ast.expr:
    """``values`` joined by ``&`` (And) or ``|`` (Or), left to right; decided ones folded."""
    conjunction = isinstance(op, ast.And)
    rest: list[ast.expr] = []
    for value in values:
        if isinstance(value, ast.Constant):
            if bool(value.value) != conjunction:
                return ast.Constant(not conjunction)  # a false in an and, a true in an or
            continue  # a true in an and, a false in an or: no say
        rest.append(value)
    if not rest:
        return ast.Constant(conjunction)
    result = rest[0]
    for value in rest[1:]:
        result = ast.BinOp(result, ast.BitAnd() if conjunction else ast.BitOr(), value)
    return result


def _elementwise(text: str) -> str:
    """A rule's source, as it is when it has no condition, else made elementwise."""
    if not _STEERING.search(text):
        return text
    return ast.unparse(_Elementwise().visit(ast.parse(text, mode="eval")).body)


class _TorchWriter(_Writer):
    """Straight-line code on tensors: every rule from the op table's texts, made
    elementwise, with ``exp``, ``log``... PyTorch's. The nodes that hang on no param or
    input are the numbers the interpreter computed (constants, as constant leaves are)."""

    leaves_from_zero = False  # a gradient is its first term: one tensor less per leaf

    def __init__(self, trace: _Trace, torch: Any) -> None:
        super().__init__(trace, _torch_namespace(torch))
        self.checked: dict[int, int] = {}  # id(custom op) -> nodes whose texts were checked
        varying = on_paths(trace.order, [*trace.params, *trace.inputs])
        for v in trace.interior:
            if v not in varying:
                del self.names[id(v)]  # written as the number it is

    def refuse(self, v: Value, op: Op, what: str, field: str) -> ValueError:
        return ValueError(
            f"compile(backend='torch'): op {op.name!a} (node {self.names[id(v)]}) has no code "
            f"text for {what}, so it cannot be written as tensor code; give the Op {field}, "
            "or compile with backend='python'"
        )

    def rule(self, v: Value, op: Op, slots: list[str]) -> str:
        if id(op) not in _TABLE_OPS and op is not LINEAR:
            if self.checked.get(id(op), 0) < _CHECKS:
                self.checked[id(op)] = self.checked.get(id(op), 0) + 1
                self.check(op, v)
        text = op.array_text(slots)
        if text is None:
            raise self.refuse(v, op, "its forward rule", "code= (or array_code=)")
        return _elementwise(text)

    def partial(self, v: Value, op: Op, i: int, slots: list[str]) -> str:
        text = op.array_partial_text(i, slots, self.names[id(v)])
        if text is None:
            raise self.refuse(
                v, op, f"its partial ∂/∂operand {i}", "partial_code= (or array_partial_code=)"
            )
        return _elementwise(text)

    def add(self, target: str, term: str, first: bool) -> str:
        # Never +=: a tensor's += writes into it, and a gradient may be another's tensor.
        return f"{target} = {term}" if first else f"{target} = {target} + {term}"

    def check(self, op: Op, v: Value) -> None:
        """Refuse a custom op whose texts fail on tensors or disagree with its rules here.

        Run on two rows of this node's numbers: a text that treats a tensor as one number
        (Python's ``max``, ``math.exp``, an ``if`` the translation cannot reach) fails.
        """
        torch = self.namespace["_torch"]
        args = [x.data if isinstance(x, Value) else float(x) for x in v.operands]
        names = {f"_c{k}": torch.tensor([a, a], dtype=torch.float64) for k, a in enumerate(args)}
        out = torch.tensor([v.data, v.data], dtype=torch.float64)
        slots, shown = list(names), [f"{{{k}}}" for k in range(len(args))]
        texts = [("forward rule", op.array_text(slots), op.array_text(shown), -1)]
        if type(op).partial is Op.partial:
            for i in range(len(op.partials)):
                texts.append(
                    (
                        f"partial {i}",
                        op.array_partial_text(i, slots, "_out"),
                        op.array_partial_text(i, shown, "{out}"),
                        i,
                    )
                )
        for what, text, template, i in texts:
            if text is None:
                continue  # refused when written
            try:
                want = float(op.forward(*args) if i < 0 else op.partial(i, args, v.data))
                where = _where(torch, torch.float64)
                got = eval(
                    _elementwise(text), {**self.namespace, **names, "where": where, "_out": out}
                )
                got = [float(x) for x in torch.as_tensor(got, dtype=torch.float64).expand(2)]
            except Exception as e:  # the op's own code failing here fails in the call too
                raise ValueError(
                    f"compile(backend='torch'): Op {op.name!a}: its {what} as tensor code "
                    f"{ascii(template)[:80]} fails at {tuple(args)!r}: {str(e)[:200]}"
                ) from None
            if not all(math.isclose(g, want, rel_tol=1e-9) or g == want or
                       (math.isnan(g) and math.isnan(want)) for g in got):  # fmt: skip
                raise ValueError(
                    f"compile(backend='torch'): Op {op.name!a}: its {what} as tensor code "
                    f"{ascii(template)[:80]} gives {got[0]!r} at {tuple(args)!r} where its rule "
                    f"gives {want!r}"
                )


def _torch_namespace(torch: Any) -> dict[str, Any]:
    """The names the generated tensor code runs with (``where`` is bound per dtype)."""
    tensor = torch.Tensor
    float64 = torch.float64

    def numeric(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        # A constant operand is a Python number: the torch function's float, inf or nan.
        def call(x: Any) -> Any:
            if isinstance(x, tensor):
                return fn(x)
            return float(fn(torch.tensor(float(x), dtype=float64)))

        return call

    def rowsum(x: Any, rows: Any) -> Any:
        """A gradient summed over the rows (one the same in every row counts in each)."""
        return x.sum() if x.shape == rows else x.expand(rows).sum()

    names: dict[str, Any] = {
        name: numeric(getattr(torch, spelled)) for name, spelled in _TORCH_NAMES.items()
    }
    names.update(_torch=torch, rowsum=rowsum, inf=math.inf, nan=math.nan)
    names.update(_inf=math.inf, _nan=math.nan)
    return names


def _where(torch: Any, dtype: Any) -> Callable[[Any, Any, Any], Any]:
    """``where(test, a, b)`` for a batch of ``dtype``: a, in each row where test is true,
    else b. A test that is a plain bool (on constants) picks one side whole."""
    tensor = torch.Tensor

    def where(test: Any, a: Any, b: Any) -> Any:
        if not isinstance(test, tensor):
            return a if test else b
        if not isinstance(a, tensor) and not isinstance(b, tensor):
            # Two numbers: torch.where would make them the default dtype, not the batch's.
            return torch.full_like(test, b, dtype=dtype).masked_fill_(test, a)
        return torch.where(test, a, b)

    return where


def _compile_torch(trace: _Trace, torch: Any) -> Batched:
    writer = _TorchWriter(trace, torch)
    forward, _ = writer.forward()
    backward = writer.backward()
    source = _torch_source(trace, forward, backward)
    return Batched(source, writer.namespace, trace.params, trace.inputs, len(trace.order))


def _torch_source(trace: _Trace, forward: list[str], backward: list[str]) -> str:
    """``rows`` (per-row gradients), ``summed`` (each param's summed over the rows as soon
    as it is complete, so a million rows never hold every param's tensor) and ``outputs``."""
    names = trace.names
    out = names.get(id(trace.output)) or _literal(trace.output.data)
    p = [names[id(v)] for v in trace.params]
    x = [names[id(v)] for v in trace.inputs]
    graded = {id(v) for v in trace.graded}
    gp = [f"g{n}" for n in p]
    gx = [f"g{names[id(v)]}" for v in trace.inputs if id(v) in graded]
    header = [
        f"# {n} = {_comment(v.label)}"
        for n, v in zip(p + x, [*trace.params, *trace.inputs])
        if v.label
    ]

    # Where each param's gradient is complete: after the last line that writes it.
    last = {line.split(" = ", 1)[0]: k for k, line in enumerate(backward)}
    summed_backward: list[str] = []
    reduced = set(gp)
    for k, line in enumerate(backward):
        summed_backward.append(line)
        target = line.split(" = ", 1)[0]
        if target in reduced and last[target] == k:
            summed_backward.append(f"{target} = rowsum({target}, rows)")
    start = [_unpack(p, "params"), _unpack(x, "inputs"), *(f"{g} = 0.0" for g in gp + gx)]

    def function(signature: str, body: list[str], returned: str) -> list[str]:
        return [f"def {signature}:", *(f"    {line}" for line in body), f"    return {returned}"]

    rows = function(
        "rows(params, inputs, seed)",
        [*start, "# forward", *forward, "# backward", *backward],
        f"{out}, [{', '.join(gp + gx)}]",
    )
    summed = function(
        "summed(params, inputs, seed, rows)",
        [*start, "# forward", *forward, "# backward", *summed_backward],
        f"{out}, [{', '.join(gp + gx)}]",
    )
    outputs = function(
        "outputs(params, inputs)",
        [_unpack(p, "params"), _unpack(x, "inputs"), *forward],
        out,
    )
    parts = [*header, *rows, "", "", *summed, "", "", *outputs]
    return "\n".join(parts) + "\n"


class Batched:
    """A compiled graph as a batched PyTorch function: ``compile(..., backend="torch")``.

    The code is `Compiled`'s, line for line (``source``), with every number a tensor
    over a batch's rows: one call runs the forward and backward pass of every row at
    once, wherever the tensors are (CPU or GPU), with the interpreter's numbers in
    float64 (to rounding: PyTorch's ``exp``, ``log``... may differ from Python's in the
    last bit).

    <!-- doctest: needs torch -->
    ```pycon
    >>> import torch
    >>> from autograd import Value, compile
    >>> w, b, x = Value(0.5), Value(-0.2), Value(1.0)
    >>> f = compile((w * x + b).sigmoid(), params=[w, b], inputs=[x], backend="torch")
    >>> xs = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)  # one number per row
    >>> values, (dw, db) = f([0.5, -0.2], [xs])
    >>> values.shape, dw.shape  # an output per row; each gradient summed over the rows
    (torch.Size([3]), torch.Size([]))
    >>> values, (dw, db) = f([0.5, -0.2], [xs], reduce="none")
    >>> dw.shape  # each row's own gradient
    torch.Size([3])

    ```

    **Params and inputs.** ``params`` has one entry per param Value, ``inputs`` one per
    input Value (in the order given to `compile`): each a number, or a tensor — a
    param is usually one number for every row, an input a 1-D tensor over the rows (a
    data matrix ``X`` of shape (rows, inputs) is passed as ``X.T``, a tensor whose first
    dimension runs over the inputs, or ``X.unbind(1)``). Entries broadcast against each
    other as PyTorch's tensors do: a param may be given per row, and the batch may have
    any shape (its "rows" are then its elements). Every entry is made a tensor of the
    floating dtype of the first tensor among the inputs, then the params (float64 when
    none is), on the first tensor's device.

    **Gradients.** ``reduce="sum"`` (the default, a training step's) gives each param's
    gradient summed over the rows, a 0-d tensor: what `Compiled.sweep` gives, and each
    row's ``backward()`` added up; each one is summed as soon as it is complete, so a
    million rows never hold every param's per-row tensor at once. ``reduce="none"`` gives
    each param's gradient per row, a tensor of the batch's shape. The gradients of the
    inputs (with ``input_grads``) follow the params', always per row (each row has its
    own inputs). ``seed`` scales them (``1 / rows`` for a mean's gradient); it may be a
    tensor over the rows (a weight per row).

    **Devices.** The code is plain tensor arithmetic: move the tensors and it runs there
    (``xs.to("cuda")``); under ``torch.distributed`` each process calls it on its shard
    of the rows and all-reduces the summed gradients. It runs under ``torch.no_grad()``:
    its gradients are the ones it writes, not PyTorch's autograd.

    Attributes:
        source: the generated code: ``rows`` (per-row gradients), ``summed`` (gradients
            summed over the rows) and ``outputs`` (the forward pass alone).
        params: the param Values, in the order their entries are passed.
        inputs: the input Values, in the order their entries are passed.
        nodes: the number of graph nodes compiled.
        filename: the name the generated code runs under (``<autograd.compile-4>``), its
            lines in `linecache` while this object lives.
    """

    backend = "torch"

    def __init__(
        self,
        source: str,
        namespace: dict[str, Any],
        params: Sequence[Value],
        inputs: Sequence[Value],
        nodes: int,
    ) -> None:
        self.source = source
        self.params = list(params)
        self.inputs = list(inputs)
        self.nodes = nodes
        self.filename = _file_of(self, source)
        self._code = builtins.compile(source, self.filename, "exec")
        self._namespace = namespace
        self._torch: Any = namespace["_torch"]
        self._by_dtype: dict[Any, dict[str, Any]] = {}  # dtype -> the functions for it

    def __call__(
        self,
        params: Any,
        inputs: Any = (),
        seed: Any = 1.0,
        *,
        reduce: str = "sum",
        chunk: int | None = None,
    ) -> tuple[Any, list[Any]]:
        """The outputs and gradients of every row of a batch.

        Args:
            params: one entry per param: a number (the same in every row) or a tensor.
            inputs: one entry per input: a tensor over the rows, or a number; or one
                tensor whose first dimension runs over the inputs.
            seed: the gradients are those of ``seed`` · output: a number, or a tensor
                over the rows.
            reduce: ``"sum"``: each param's gradient summed over the rows (0-d);
                ``"none"``: per row (the batch's shape).
            chunk: rows per pass (along the batch's first dimension), the passes'
                results put together; None: every row in one pass. On a CPU, passes
                of about 16,384 rows keep each tensor in the cache and were several
                times faster at a million rows (see ``bench/torch_batch.py``); a GPU
                wants one pass.

        Returns:
            ``(outputs, gradients)``: the output of each row (a tensor of the batch's
            shape), and the params' gradients (as ``reduce`` says) followed by the
            gradients of the inputs in ``input_grads`` (per row).

        Raises:
            ValueError: a wrong number of params or inputs, shapes that do not
                broadcast, an unknown ``reduce`` or a ``chunk`` that is not a positive
                number of rows.
        """
        if reduce not in ("sum", "none"):
            raise ValueError(f"compiled batch: reduce must be 'sum' or 'none', got {reduce!r}")
        torch = self._torch
        ps, xs, rows, dtype, device = self._batch(params, inputs, seed)
        seed = torch.as_tensor(seed, dtype=dtype, device=device)
        run = self._functions(dtype)
        passes = []
        n = len(self.params)
        for given, part in _pieces([*ps, *xs, seed], rows, chunk):
            with torch.no_grad():
                if reduce == "sum":
                    out, grads = run["summed"](given[:n], given[n:-1], given[-1], part)
                else:
                    out, grads = run["rows"](given[:n], given[n:-1], given[-1])
            passes.append(self._finish(out, grads, given, part, reduce, dtype, device))
        if len(passes) == 1:
            return passes[0]
        grads = []
        for k in range(len(passes[0][1])):
            column = [done[1][k] for done in passes]
            if k < n and reduce == "sum":  # added up pass after pass, in row order
                total = column[0]
                for g in column[1:]:
                    total = total + g
                grads.append(total)
            else:
                grads.append(torch.cat(column))
        return torch.cat([done[0] for done in passes]), grads

    def _finish(
        self, out: Any, grads: list[Any], given: list[Any], rows: Any, reduce: str, dtype: Any,
        device: Any,
    ) -> tuple[Any, list[Any]]:  # fmt: skip
        """One pass's results as documented: an output and gradients per row, or summed,
        each a tensor of its own (never an entry, nor another result)."""
        torch = self._torch
        seen = {id(t) for t in given}

        def per_row(t: Any) -> Any:
            if not isinstance(t, torch.Tensor):
                return torch.full(rows, t, dtype=dtype, device=device)
            if t.shape != rows or id(t) in seen:
                t = t.expand(rows).clone()  # one number per row, in a tensor of its own
            seen.add(id(t))
            return t

        def summed(t: Any) -> Any:
            return t if isinstance(t, torch.Tensor) else torch.zeros((), dtype=dtype, device=device)

        n = len(self.params)
        first = summed if reduce == "sum" else per_row
        return per_row(out), [first(g) for g in grads[:n]] + [per_row(g) for g in grads[n:]]

    def outputs(self, params: Any, inputs: Any = (), *, chunk: int | None = None) -> Any:
        """The output of each row, by the forward pass alone.

        Args:
            params: one entry per param, as for a call.
            inputs: one entry per input, as for a call.
            chunk: rows per pass, as for a call.

        Returns:
            A tensor of the batch's shape.
        """
        torch = self._torch
        ps, xs, rows, dtype, device = self._batch(params, inputs)
        run = self._functions(dtype)["outputs"]
        passes = []
        for given, part in _pieces([*ps, *xs], rows, chunk):
            with torch.no_grad():
                out = run(given[: len(ps)], given[len(ps) :])
            passes.append(self._finish(out, [], given, part, "none", dtype, device)[0])
        return passes[0] if len(passes) == 1 else torch.cat(passes)

    def _functions(self, dtype: Any) -> dict[str, Any]:
        """The generated functions, with ``where`` for ``dtype`` (made once per dtype)."""
        functions = self._by_dtype.get(dtype)
        if functions is None:
            functions = {**self._namespace, "where": _where(self._torch, dtype)}
            exec(self._code, functions)
            self._by_dtype[dtype] = functions
        return functions

    def _batch(
        self, params: Any, inputs: Any, seed: Any = 1.0
    ) -> tuple[list[Any], list[Any], Any, Any, Any]:
        """The entries as tensors of one dtype and device, with the batch's shape."""
        torch = self._torch
        ps = _entries(params, len(self.params), "params")
        xs = _entries(inputs, len(self.inputs), "inputs")
        tensors = [t for t in (*xs, *ps, seed) if isinstance(t, torch.Tensor)]
        floating = [t for t in tensors if t.is_floating_point()]
        dtype = floating[0].dtype if floating else torch.float64
        device = tensors[0].device if tensors else None
        ps = [torch.as_tensor(t, dtype=dtype, device=device) for t in ps]
        # An input read from a column of a matrix (X.T) is strided: copied once, so that
        # every operation on it runs on contiguous numbers.
        xs = [torch.as_tensor(t, dtype=dtype, device=device).contiguous() for t in xs]
        shapes = [t.shape for t in (*ps, *xs)] + [torch.Size(getattr(seed, "shape", ()))]
        distinct = set(shapes) - {torch.Size()}
        if len(distinct) <= 1:  # the common case, without broadcast_shapes' Python cost
            return ps, xs, distinct.pop() if distinct else torch.Size(), dtype, device
        try:
            rows = torch.broadcast_shapes(*shapes)
        except RuntimeError:
            shown = ", ".join(str(tuple(s)) for s in shapes)
            raise ValueError(
                f"compiled batch: the params' and inputs' shapes do not broadcast: {shown}"
            ) from None
        return ps, xs, rows, dtype, device


def _pieces(entries: list[Any], rows: Any, chunk: int | None) -> list[tuple[list[Any], Any]]:
    """The entries cut into passes of ``chunk`` rows along the batch's first dimension,
    each with its own batch shape; an entry broadcast along that dimension is not cut."""
    if chunk is not None and (type(chunk) is not int or chunk < 1):
        raise ValueError(f"compiled batch: chunk must be a positive number of rows, got {chunk!r}")
    if chunk is None or not rows or rows[0] <= chunk:
        return [(entries, rows)]
    pieces = []
    for start in range(0, rows[0], chunk):
        part = slice(start, start + chunk)
        cut = [t[part] if t.ndim == len(rows) and t.shape[0] == rows[0] else t for t in entries]
        pieces.append((cut, type(rows)((min(chunk, rows[0] - start), *rows[1:]))))
    return pieces


def _entries(given: Any, n: int, what: str) -> list[Any]:
    """``given`` as a list of ``n`` entries (a tensor's are along its first dimension)."""
    if isinstance(given, str | bytes) or not hasattr(given, "__len__"):
        raise TypeError(
            f"compiled batch: {what} must be a list of {n} entries (numbers or tensors) "
            f"or a tensor of {n} along its first dimension, got {type(given).__name__}"
        )
    if len(given) != n:
        raise ValueError(f"compiled batch: {what} has {len(given)} entries, expected {n}")
    return list(given.unbind(0)) if hasattr(given, "unbind") else list(given)
