"""What `autograd.compile`'s backends share: the walk of a traced graph into lines of
code (`_Writer`), the numbers and comments written in them, and `Compiled`, the python
backend's functions (which the numba backend falls back to). `compiler` and `native`
both build on it, and `native` on nothing else of the compiler's, so that `compile` can
import `native` (when the numba backend is asked for) without an import cycle.
"""

from __future__ import annotations

import builtins
import importlib
import itertools
import linecache
import math
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.core.engine import Value, _as_float
from autograd.core.graph import on_paths
from autograd.core.notation import constant, delimited
from autograd.core.ops import LINEAR, Op, fill, linear_role

__all__ = ["Compiled"]

_COMPILED = itertools.count(1)  # numbers the generated files: <autograd.compile-1>, ...
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,29}")  # a label safe to show as it is
_ATOM = re.compile(r"-?[A-Za-z_0-9.]+")  # a name or a number: needs no parentheses


def _literal(x: float) -> str:
    """``x`` as source text that reads back as exactly ``x`` (nan and ±inf by name)."""
    if math.isnan(x):
        return "_nan"
    if math.isinf(x):
        return "_inf" if x > 0 else "(-_inf)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _comment(label: str) -> str:
    """A label as comment text: a short plain name as it is, anything else through ascii().

    ascii() escapes every line break and non-ASCII character, so a label can
    neither end the comment line nor smuggle in a look-alike.
    """
    if _PLAIN.fullmatch(label):
        return label
    return ascii(label[:40] + ("..." if len(label) > 40 else ""))


class Compiled:
    """A compiled graph: ``self(params, inputs)`` for one case, ``sweep`` for many.

    Attributes:
        source: the generated Python code (``step``, ``sweep``, ``sweep_each`` and the
            forward-only ``outputs``).
        step_source: just ``step``, the one-case function (what a reader wants).
        params, inputs: the leaf Values, in the order their numbers are passed.
        nodes: the number of graph nodes compiled.
        filename: the name the generated code runs under (``<autograd.compile-3>``); its
            lines are in `linecache` while this object lives, so a traceback through
            ``step`` shows the line, and ``inspect.getsource`` and pdb can read it.
    """

    def __init__(
        self,
        source: str,
        namespace: dict[str, Any],
        params: Sequence[Value],
        inputs: Sequence[Value],
        nodes: int,
        shape: list[str],
    ) -> None:
        self.source = source
        self.step_source = source.split("\n\n\n", 1)[0] + "\n"
        self.params = list(params)
        self.inputs = list(inputs)
        self.nodes = nodes
        self.shape = shape
        self.filename = _file_of(self, source)
        exec(builtins.compile(source, self.filename, "exec"), namespace)
        self._step: Callable[..., tuple[float, list[float]]] = namespace["step"]
        self._sweep: Callable[..., tuple[float, list[float]]] = namespace["sweep"]
        self._outputs: Callable[..., list[float]] = namespace["outputs"]
        self._sweep_each: Callable[..., tuple[float, list[float], list[list[float]]]] = namespace[
            "sweep_each"
        ]

    def __call__(
        self, params: Sequence[float], inputs: Sequence[float] = (), seed: float = 1.0
    ) -> tuple[float, list[float]]:
        """(output, gradients) for one case; the gradients of ``seed`` · output."""
        params = _floats(params, len(self.params), "params")
        inputs = _floats(inputs, len(self.inputs), "inputs")
        return self._step(params, inputs, _as_float(seed, "compiled step: seed"))

    def sweep(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, list[float]]:
        """(Σ outputs, Σ gradients) over ``rows`` (one list of input numbers per case).

        The gradients are those of ``seed`` · output, summed case after case in one
        accumulator per parameter, exactly as repeated ``backward()`` calls add up
        ``.grad`` (``seed`` = 1/n gives a mean's gradient with its rounding).
        """
        params, rows = self._checked_rows(params, rows, "sweep")
        return self._sweep(params, rows, _as_float(seed, "compiled sweep: seed"))

    def sweep_each(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, list[float], list[list[float]]]:
        """`sweep`, plus for each row its own numbers: (Σ outputs, Σ param gradients, per row).

        Row c's list holds the gradients of that row's inputs alone (with
        ``input_grads``; each starts from 0.0, so it is the one case's gradient)
        followed by the values of the ``watch`` nodes in that case. For inputs
        that stand for a parameter chosen per case (a one-hot input's weight
        column), the caller adds each row's gradient to the parameter it was read
        from, in row order, as ``backward()`` would have.
        """
        params, rows = self._checked_rows(params, rows, "sweep_each")
        return self._sweep_each(params, rows, _as_float(seed, "compiled sweep_each: seed"))

    def outputs(self, params: Sequence[float], rows: Sequence[Sequence[float]]) -> list[float]:
        """The output for each row, by the forward pass alone (the same floats as ``step``)."""
        params, rows = self._checked_rows(params, rows, "outputs")
        return self._outputs(params, rows)

    def _checked_rows(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], where: str
    ) -> tuple[Sequence[float], Sequence[Sequence[float]]]:
        """``params`` and ``rows`` as floats of the right sizes, or a clear error."""
        params = _floats(params, len(self.params), "params", where)
        n = len(self.inputs)
        # The common case (lists of floats) is checked at C speed, row by row.
        if all(len(row) == n and _FLOAT.issuperset(map(type, row)) for row in rows):
            return params, rows
        return params, [_floats(row, n, f"row {c}", where) for c, row in enumerate(rows)]


def _file_of(owner: object, source: str) -> str:
    """A file name of its own for generated ``source``, its lines in `linecache` while
    ``owner`` lives: tracebacks, pdb and ``inspect.getsource`` show the generated lines (as
    for code read from a file)."""
    filename = f"<autograd.compile-{next(_COMPILED)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(owner, linecache.cache.pop, filename, None)
    return filename


_FLOAT = frozenset((float,))


def _floats(numbers: Sequence[float], n: int, what: str, where: str = "step") -> Sequence[float]:
    """``numbers`` if they are ``n`` floats; else converted, or a clear error naming them."""
    if len(numbers) != n:
        raise ValueError(f"compiled {where}: {what} has {len(numbers)} numbers, expected {n}")
    if _FLOAT.issuperset(map(type, numbers)):
        return numbers
    return [_as_float(x, f"compiled {where}: {what}[{i}]") for i, x in enumerate(numbers)]


@dataclass
class _Trace:
    """A graph ready to be written out: its leaves checked and every node named."""

    output: Value
    params: list[Value]
    inputs: list[Value]
    graded: list[Value]  # the inputs whose gradients are wanted
    order: list[Value]  # topological_order(output)
    interior: list[Value]  # the nodes of order made by an op, in order
    names: dict[int, str]  # id(node) -> p0, i0, n1, ... (constants have none)


class _Writer:
    """The lines of a traced graph's forward and backward passes.

    What every backend shares is here: the walk, the names, which gradients are written
    (those on a path to a wanted leaf), the order of the chain-rule terms (the order of
    ``backward()``) and the comments. A backend says how a rule is written (`rule`,
    `partial`) and how a gradient takes a term (`add`).
    """

    leaves_from_zero = True  # a leaf's gradient adds its first term to 0.0, as backward()'s

    def __init__(self, trace: _Trace, namespace: dict[str, Any]) -> None:
        self.trace = trace
        self.names = trace.names
        self.namespace = namespace  # the names the generated code runs with

    def slot(self, x: Any) -> str:
        """An operand as source: its variable, else its number."""
        if isinstance(x, Value):
            return self.names.get(id(x)) or _literal(x.data)
        return _literal(x)

    def rule(self, v: Value, op: Op, slots: list[str]) -> str:
        """The source of node ``v``'s forward rule over its operands' ``slots``."""
        raise NotImplementedError

    def partial(self, v: Value, op: Op, i: int, slots: list[str]) -> str:
        """The source of ∂v/∂operand i over ``slots`` and v's own name."""
        raise NotImplementedError

    def operand_lines(self, v: Value, op: Op, slots: list[str]) -> list[str]:
        """Lines written before node ``v``'s chain-rule terms (none but for wide custom ops)."""
        return []

    def add(self, target: str, term: str, first: bool) -> str:
        """The line by which a gradient takes a term: its first, or one more."""
        return f"{target} {'=' if first else '+='} {term}"

    def forward(self) -> tuple[list[str], list[str]]:
        """The forward lines, one per written node, and the graph's shape (`same_shape`)."""
        lines: list[str] = []
        shape: list[str] = []
        for v in self.trace.interior:
            name = self.names.get(id(v))
            if name is None:
                continue  # folded into a number by the backend
            op = v._rule
            assert op is not None
            slots = [self.slot(x) for x in v.operands]
            line = f"{name} = {self.rule(v, op, slots)}"
            shape.append(f"{op.name}({', '.join(slots)})")
            lines.append(line + (f"  # {_comment(v.label)}" if v.label else ""))
        return lines, shape

    def shown(self, v: Value) -> str:
        """A node's name in comments, as `explain` calls it: its label, else its variable
        (an unlabelled output is ``f``, as in `explain` and the comments' ∂f/∂...)."""
        if not v.label:
            if v is self.trace.output and not v.is_leaf:
                return "f"
            return self.names.get(id(v)) or constant(v.data)  # a constant has no variable
        text = _comment(v.label)
        return delimited(text) if _PLAIN.fullmatch(v.label) else text

    def locals_of(self, v: Value, op: Op) -> Callable[[int], str]:
        """∂(consumer's expression)/∂operand i = its rule, in the graph's names, as
        `explain` writes it. The names and the expression are made once per node, so a
        node with thousands of operands (a wide Σ) costs linear time, not quadratic."""
        shown = self.shown
        operands = [shown(x) if isinstance(x, Value) else constant(float(x)) for x in v.operands]
        constants = {i: float(x) for i, x in enumerate(v.operands) if not isinstance(x, Value)}
        expression = op.expression(operands)
        out = shown(v)

        def local(i: int) -> str:
            rule = op.local_rule(i, len(operands), constants=constants)
            if rule is None:
                return f"[{_formula(op, i, len(operands))}]"
            text = f"∂{expression}/∂{operands[i]} = {fill(rule, operands, out)}"
            # A custom op's templates are the user's text: escaped unless printable.
            return text if text.isprintable() else ascii(text)

        return local

    def backward(self) -> list[str]:
        """The backward lines: the seed, then one line per chain-rule term, each commented."""
        trace, names = self.trace, self.names
        output = trace.output
        root = names.get(id(output))
        f = self.shown(output) if output.label and not output.is_leaf else "f"
        # The nodes on a path to a leaf whose gradient is wanted: only their gradients
        # are written out (others would be computed and never read).
        wanted = {id(v) for v in trace.params} | {id(v) for v in trace.graded}
        live = {id(v) for v in on_paths(trace.order, [*trace.params, *trace.graded])}
        lines: list[str] = []
        if output.is_leaf or root is None:  # a leaf, or a node folded into its number
            if id(output) in wanted:
                lines.append(f"g{root} {'+=' if self.leaves_from_zero else '='} seed"
                             "  # the output is the leaf itself")  # fmt: skip
            else:
                lines.append("pass  # the output is an input or a constant: no gradient")
            return lines
        lines.append(f"g{root} = seed")
        started: set[str] = set()
        for v in reversed(trace.interior):
            op = v._rule
            assert op is not None
            if id(v) not in live:
                continue
            slots = [self.slot(x) for x in v.operands]
            lines += self.operand_lines(v, op, slots)
            lines += self.terms(v, op, slots, live, started, f)
        return lines

    def terms(
        self, v: Value, op: Op, slots: list[str], live: set[int], started: set[str], f: str
    ) -> list[str]:
        """Node ``v``'s chain-rule terms, one line each, operand after operand; ``started``
        holds the gradients that have a term already (the next ones add to them)."""
        names = self.names
        g = f"g{names[id(v)]}"
        local = self.locals_of(v, op)
        lines = []
        for i, x in enumerate(v.operands):
            if not isinstance(x, Value) or id(x) not in live:
                continue  # a number, a constant, an input or a dead end: not wanted
            target = f"g{names[id(x)]}"
            # Leaves add up from 0.0 as in backward(); an interior node's
            # gradient starts at its first term (see the module doc).
            first = target not in started and (not x.is_leaf or not self.leaves_from_zero)
            started.add(target)
            why = f"∂{f}/∂{self.shown(x)} {'=' if first else '+='} ∂{f}/∂{self.shown(v)}"
            term = _term(g, self.partial(v, op, i, slots))
            lines.append(f"{self.add(target, term, first)}  # {why} · {local(i)}")
        return lines


def _term(g: str, d: str) -> str:
    """g · d as source; ·1 and ·(−1) are exact in floats, so they are left out."""
    if d == "1.0":
        return g
    if d == "-1.0":
        return f"-{g}"
    return f"{g} * {d}" if _ATOM.fullmatch(d) else f"{g} * ({d})"


def _formula(op: Op, i: int, count: int) -> str:
    index = linear_role(i, count)[0] if op is LINEAR else i
    formulas = op.formulas
    if index >= len(formulas):
        return f"∂{op.name!a}/∂operand {i}"
    # A custom op's formula is the user's text: anything that could end the comment
    # line (or is not printable at all) is shown escaped.
    text = str(formulas[index])
    return text if text.isprintable() else ascii(text)


def _import_for(backend: str, package: str, install: str) -> Any:
    """The module a backend runs on, imported now (never by ``import autograd``), or one
    clear line saying what to install."""
    try:
        return importlib.import_module(backend)
    except ImportError:
        raise ImportError(
            f"compile(backend={backend!r}) needs {package}, which is not installed: {install}"
        ) from None
