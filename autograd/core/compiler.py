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
"""

from __future__ import annotations

import builtins
import itertools
import linecache
import math
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from autograd.core.engine import Value, _as_float, topological_order
from autograd.core.graph import on_paths
from autograd.core.notation import constant, delimited
from autograd.core.ops import LINEAR, OPS, Op, _reciprocal, fill, linear_role

__all__ = ["Compiled", "ShapeError", "compile", "same_shape"]

_INLINE_ARGS = 8  # a custom op with more operands passes them to its partials as one tuple
_COMPILED = itertools.count(1)  # numbers the generated files: <autograd.compile-1>, ...
_TABLE_OPS = frozenset(map(id, OPS.values()))
_WORDS = {"/": "div", "**": "pow", "Σ": "linear"}  # table op names that are not identifiers
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,29}")  # a label safe to show as it is
_ATOM = re.compile(r"-?[A-Za-z_0-9.]+")  # a name or a number: needs no parentheses


class ShapeError(ValueError):
    """Two traces of one model differ in shape: the graph depends on the data."""


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
        # A file name of its own, with the source in linecache: tracebacks, pdb and
        # inspect.getsource show the generated lines (as for code read from a file).
        self.filename = f"<autograd.compile-{next(_COMPILED)}>"
        linecache.cache[self.filename] = (len(source), None, source.splitlines(True), self.filename)
        weakref.finalize(self, linecache.cache.pop, self.filename, None)
        code = builtins.compile(source, self.filename, "exec")
        exec(code, namespace)
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


_FLOAT = frozenset((float,))


def _floats(numbers: Sequence[float], n: int, what: str, where: str = "step") -> Sequence[float]:
    """``numbers`` if they are ``n`` floats; else converted, or a clear error naming them."""
    if len(numbers) != n:
        raise ValueError(f"compiled {where}: {what} has {len(numbers)} numbers, expected {n}")
    if _FLOAT.issuperset(map(type, numbers)):
        return numbers
    return [_as_float(x, f"compiled {where}: {what}[{i}]") for i, x in enumerate(numbers)]


def _type_checked_forward(op: Op) -> Callable[..., float]:
    """A custom op's forward rule with the interpreter's check of what it returns."""
    forward = op.forward

    def run(*args: float) -> float:
        out = forward(*args)
        if type(out) is not float:
            out = _as_float(out, f"the forward rule of {op.name!r} returned")
        return out

    return run


def compile(
    output: Value,
    params: Sequence[Value],
    inputs: Sequence[Value] = (),
    *,
    input_grads: bool | Sequence[Value] = False,
    watch: Sequence[Value] = (),
) -> Compiled:
    """Write the forward and backward pass of ``output`` as Python; see the module doc.

    ``params`` get gradients; ``inputs`` are the numbers that change per case;
    every other leaf is a constant baked in at its current value. With
    ``input_grads`` the gradients of the inputs follow those of the params (in
    ``sweep``, summed over the rows like the others; per row in ``sweep_each``);
    ``input_grads`` may also list just the inputs whose gradients are wanted.
    ``watch``: nodes of the graph whose value in each case ``sweep_each`` returns
    (e.g. a network's outputs, to judge each case on the same forward pass).
    """
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
    # Names the op table's code texts may use, bound to their float versions.
    namespace: dict[str, Any] = {
        "_inf": math.inf,
        "inf": math.inf,
        "recip": _reciprocal,
        "_nan": math.nan,
        "cos": math.cos,
        "sin": math.sin,
        "log": math.log,
        "exp": math.exp,
    }
    helpers: dict[int, str] = {}  # id(function) -> its name in the namespace

    def helper(fn: Callable[..., Any], kind: str, op: Op) -> str:
        """The namespace name of a rule function: ``_sigmoid``, ``_d_pow_0``, ``_f3``..."""
        name = helpers.get(id(fn))
        if name is None:
            word = _WORDS.get(op.name, op.name)
            if id(op) not in _TABLE_OPS or not word.isidentifier() or not word.isascii():
                word = str(len(helpers))  # a custom op: its name is the user's, so not used
            name = helpers[id(fn)] = f"_{kind}{word}"
            namespace[name] = fn
        return name

    interior = [v for v in order if not v.is_leaf]
    for k, v in enumerate(interior):
        names[id(v)] = f"n{k + 1}"

    def slot(x: Any) -> str:
        if isinstance(x, Value):
            return names.get(id(x)) or _literal(x.data)
        return _literal(x)

    forward: list[str] = []
    shape: list[str] = []
    checked: dict[int, int] = {}  # id(custom op) -> nodes whose code texts were checked
    for v in interior:
        op = v._rule
        assert op is not None
        if id(op) not in _TABLE_OPS and op is not LINEAR and checked.get(id(op), 0) < _CHECKS:
            checked[id(op)] = checked.get(id(op), 0) + 1
            _check_code(op, v, namespace)
        slots = [slot(x) for x in v.operands]
        text = op.forward_text(slots)
        if text is None:
            fn = op.forward if id(op) in _TABLE_OPS or op is LINEAR else _type_checked_forward(op)
            text = f"{helper(fn, '' if fn is op.forward else 'f', op)}({', '.join(slots)})"
        line = f"{names[id(v)]} = {text}"
        shape.append(f"{op.name}({', '.join(slots)})")
        forward.append(line + (f"  # {_comment(v.label)}" if v.label else ""))

    root = names.get(id(output))
    watched = []
    for k, v in enumerate(watch):
        name = names.get(id(v)) if isinstance(v, Value) else None
        if name is None:
            raise ValueError(
                f"compile: watch[{k}] ({v!r}) is not a node, param or input of the output's graph"
            )
        watched.append(name)

    def shown(v: Value) -> str:
        """A node's name in comments, as `explain` calls it: its label, else its variable
        (an unlabelled output is ``f``, as in `explain` and the comments' ∂f/∂...)."""
        if not v.label:
            if v is output and not v.is_leaf:
                return "f"
            return names.get(id(v)) or constant(v.data)  # a constant leaf has no variable
        text = _comment(v.label)
        return delimited(text) if _PLAIN.fullmatch(v.label) else text

    def locals_of(v: Value, op: Op) -> Callable[[int], str]:
        """∂(consumer's expression)/∂operand i = its rule, in the graph's names, as
        `explain` writes it. The names and the expression are made once per node, so a
        node with thousands of operands (a wide Σ) costs linear time, not quadratic."""
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

    f = shown(output) if output.label and not output.is_leaf else "f"
    grad_of = {n: f"g{n}" for n in names.values()}
    # The nodes on a path to a leaf whose gradient is wanted: only their gradients
    # are written out (others would be computed and never read).
    wanted = {id(v) for v in params} | {id(v) for v in graded}
    live = {id(v) for v in on_paths(order, [*params, *graded])}
    backward: list[str] = []
    if not output.is_leaf:
        backward.append(f"g{root} = seed")
        started: set[str] = set()
        for v in reversed(interior):
            op = v._rule
            assert op is not None
            if id(v) not in live:
                continue
            g = grad_of[names[id(v)]]
            operands = v.operands
            slots = [slot(x) for x in operands]
            local = locals_of(v, op)
            call_slots = slots
            if len(slots) > _INLINE_ARGS and op.partial_code == () and op is not LINEAR:
                # A wide custom op: its operands once, not once per partial call.
                backward.append(f"_a{names[id(v)]} = ({', '.join(slots)},)")
                call_slots = [f"*_a{names[id(v)]}"]
            for i, x in enumerate(operands):
                if not isinstance(x, Value) or id(x) not in live:
                    continue  # a number, a constant, an input or a dead end: not wanted
                name = names[id(x)]
                d = op.partial_text(i, slots, names[id(v)])
                if d is None:
                    d = _partial_call(op, i, call_slots, names[id(v)], helper)
                target = grad_of[name]
                # Leaves add up from 0.0 as in backward(); an interior node's
                # gradient starts at its first term (see the module doc).
                assign = "+=" if target in started or name[0] != "n" else "="
                started.add(target)
                why = f"∂{f}/∂{shown(x)} {assign} ∂{f}/∂{shown(v)} · {local(i)}"
                backward.append(f"{target} {assign} {_term(g, d)}  # {why}")
    elif id(output) in wanted:
        backward.append(f"g{root} += seed  # the output is the leaf itself")
    else:
        backward.append("pass  # the output is an input or a constant: no gradient")
    x_graded = [names[id(v)] for v in inputs if id(v) in wanted]
    source = _source(output, params, inputs, names, forward, backward, x_graded, watched)
    return Compiled(source, namespace, params, inputs, len(order), shape)


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

    def unpack(names_: list[str], source: str) -> str:
        if not names_:
            return f"() = {source}"
        return f"{', '.join(names_)}{',' if len(names_) == 1 else ''} = {source}"

    zeros = [f"{g} = 0.0" for g in gp]
    body = ["# forward", *forward, "# backward", *backward]
    step = [
        "def step(params, inputs, seed):",
        f"    {unpack(p, 'params')}",
        f"    {unpack(x, 'inputs')}",
        *(f"    {line}" for line in zeros),
        *(f"    {line}" for line in body),
        f"    return {out}, [{', '.join(gp)}]",
    ]
    target = "_" if not x else ", ".join(x) + ("," if len(x) == 1 else "")
    sweep = [
        "def sweep(params, rows, seed):",
        f"    {unpack(p, 'params')}",
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
        f"    {unpack(p, 'params')}",
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
        f"    {unpack(p, 'params')}",
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
