"""``compile(..., backend="numba")``: the generated code compiled to machine code by Numba.

The forward and backward lines are `_Writer`'s, as for the python backend, written over
floats in one module of plain functions that Numba compiles (``sweep``, ``sweep_each``
and ``outputs``; a one-case call is a sweep of one row). Each rule is the op table's text:
an op's ``array_code`` where its float rule is a function (the domain-checked ones), else
its ``code``; the same for the partials. ``exp``, ``log``, ``sqrt``, ``sin``, ``cos`` and
``tanh`` are C's (the ones CPython's `math` calls), so the numbers equal the
interpreter's bit for bit (``tests/core/test_compiler_numba.py`` checks it).

**Errors.** Machine code does not raise the interpreter's errors: where an op's forward
rule could raise (``/``, ``**``, ``exp``, ``log``, ``sqrt``, ``sin``, ``cos``), the code
tests the case (the op's ``fails_code``) and stops, and the wrapper runs the same call through the
python backend, which raises the interpreter's very error. A guard may fire where the
interpreter would not (``**`` on a negative base, say): the python backend then just
gives the numbers, so a guard only has to cover every failing case, never to match it.

**Refusals.** A graph with a custom `Op` is refused in one line naming the op: its rules
are Python functions or texts that machine code cannot be trusted to run the same way.

**The cache.** The module is a file named by the hash of its source, in `cache_dir`;
Numba keeps its machine code beside it (``__pycache__``). Params and inputs are
arguments, so every model of one shape (another seed, another process) shares the file
and loads the compiled code instead of compiling again.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import itertools
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from autograd.core.codegen import (
    _FLOAT,
    Compiled,
    _comment,
    _floats,
    _import_for,
    _literal,
    _term,
    _Trace,
    _Writer,
)
from autograd.core.engine import Value, _as_float
from autograd.core.files import write_atomically
from autograd.core.ops import _PLAIN_SUM, LINEAR, Op

__all__ = ["Native", "cache_dir"]

INSTALL = "pip install 'autograd-1986[fast]'"

_FAIL = "__FAIL__"  # a guard's return, written per function

# The module's head: the names the table's texts call, as machine code. recip is the
# table's 1/x with the limits at 0 (`autograd.core.ops._reciprocal`).
_HEAD = """\
from math import copysign, cos, exp, floor, inf, isfinite, isinf, log, nan, sin, sqrt, tanh

import numba
import numpy as np

_inf = inf
_nan = nan
_jit = numba.njit(cache=True, error_model="numpy")


@_jit
def recip(a):
    return copysign(inf, a) if a == 0.0 else 1.0 / a
"""


def cache_dir() -> Path:
    """Where compiled modules are kept: ``$AUTOGRAD_CACHE_DIR``, else the user's cache
    folder (``$XDG_CACHE_HOME`` or ``~/.cache``) ``/autograd-1986/numba``."""
    given = os.environ.get("AUTOGRAD_CACHE_DIR")
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "autograd-1986" / "numba"


def _import_numba() -> ModuleType:
    numba: ModuleType = _import_for("numba", "Numba", INSTALL)
    return numba


_SLOT = re.compile(r"([PVX])\[(\d+)\]")  # an operand that lives in an array
_LOOP_MIN = 4  # operands from which a Σ's terms are written as a loop


def _affine(slots: Sequence[str]) -> tuple[str, int, int] | None:
    """``(array, start, step)`` when ``slots`` are ``A[start + step·j]`` for j = 0, 1, ...;
    None when they are not (a number among them, two arrays, uneven steps)."""
    found = [_SLOT.fullmatch(s) for s in slots]
    if not all(found):
        return None
    arrays = {m.group(1) for m in found if m}
    index = [int(m.group(2)) for m in found if m]
    step = index[1] - index[0] if len(index) > 1 else 1
    if len(arrays) != 1 or any(b - a != step for a, b in itertools.pairwise(index)):
        return None
    return arrays.pop(), index[0], step


def _at(seq: tuple[str, int, int]) -> str:
    """Element j of an affine sequence, as source over the loop variable ``_j``."""
    array, start, step = seq
    index = "_j" if step == 1 else f"{step} * _j"
    return f"{array}[{start} + {index}]" if start else f"{array}[{index}]"


class _NumbaWriter(_Writer):
    """Lines on floats for Numba. Every number lives in an array: params in ``P``, a row's
    inputs in ``X``, nodes in ``V``, their gradients in ``gP``, ``gX``, ``gV``; so a Σ
    over a run of them (a unit's weights, the layer below) is a loop of a few lines
    rather than a line per term (Numba's compile time grows with the lines). Rules are
    the table's texts, with a guard after each node whose forward rule can raise."""

    def __init__(self, trace: _Trace) -> None:
        super().__init__(trace, {})
        spelled = {"p": "P", "i": "X", "n": "V"}
        self.names = {k: f"{spelled[n[0]]}[{n[1:]}]" for k, n in trace.names.items()}
        self.before: dict[str, list[str]] = {}  # node -> lines written before its own
        self.after: dict[str, str] = {}  # node -> its guard

    def rule(self, v: Value, op: Op, slots: list[str]) -> str:
        name = self.names[id(v)]
        if op is LINEAR:
            return self.linear(name, slots)
        guard = op.fails_code
        if guard:
            self.after[name] = guard.format(*slots, out=name)
        text = op.array_text(slots)
        assert text is not None  # every table op has one
        return _without_walrus(text)

    def linear(self, name: str, slots: list[str]) -> str:
        """b + w_1·y_1 + ... left to right, as the interpreter's sum() adds (a loop over
        runs of P, X or V); or, where sum() compensates (Python 3.12+), its very steps
        (Neumaier's)."""
        n = (len(slots) - 1) // 2
        ws, ys = _affine(slots[:n]), _affine(slots[n : 2 * n])
        if ws and ys and n >= _LOOP_MIN:
            terms, loop = [f"{_at(ws)} * {_at(ys)}"], [f"for _j in range({n}):"]
        else:
            terms, loop = [f"{slots[i]} * {slots[n + i]}" for i in range(n)], []
        pad = "    " if loop else ""
        if _PLAIN_SUM:
            lines = [f"_s = {slots[-1]}", *loop]
            lines += [f"{pad}_s += {term}" for term in terms]
            self.before[name] = lines
            return "_s"
        lines = [f"_s = {slots[-1]}", "_c = 0.0", *loop]
        for term in terms:
            lines += [
                f"{pad}_x = {term}",
                f"{pad}_t = _s + _x",
                f"{pad}_c += ((_s - _t) + _x) if abs(_s) >= abs(_x) else ((_x - _t) + _s)",
                f"{pad}_s = _t",
            ]
        self.before[name] = lines
        return "_s + _c if _c != 0.0 and isfinite(_c) else _s"

    def partial(self, v: Value, op: Op, i: int, slots: list[str]) -> str:
        text = op.array_partial_text(i, slots, self.names[id(v)])
        assert text is not None
        return text

    def terms(
        self, v: Value, op: Op, slots: list[str], live: set[int], started: set[str], f: str
    ) -> list[str]:
        """A Σ's terms for a run of weights (or of inputs) as one loop, where every one of
        the run is wanted and every one's gradient starts here or every one's goes on."""
        n = (len(slots) - 1) // 2
        if op is not LINEAR or n < _LOOP_MIN:
            return super().terms(v, op, slots, live, started, f)
        operands = v.operands
        g = f"g{self.names[id(v)]}"
        lines: list[str] = []
        for part, partner in ((range(n), range(n, 2 * n)), (range(n, 2 * n), range(n))):
            run = [operands[i] for i in part]
            wanted = [isinstance(x, Value) and id(x) in live for x in run]
            targets = [f"g{slots[i]}" for i in part]
            firsts = [t not in started and not x.is_leaf for t, x in zip(targets, run)]
            seq = _affine([slots[i] for i in part])
            other = _affine([slots[i] for i in partner])
            if not any(wanted):
                continue
            if all(wanted) and seq and other and len(set(firsts)) == 1:
                started.update(targets)
                what = "weights" if part[0] == 0 else "inputs"
                lines += [
                    f"for _j in range({n}):  # the {what} of {self.shown(v)}",
                    f"    g{_at(seq)} {'=' if firsts[0] else '+='} {g} * {_at(other)}",
                ]
                continue
            for i in part:  # one line per term, as any node's
                x = operands[i]
                if not isinstance(x, Value) or id(x) not in live:
                    continue
                target = f"g{slots[i]}"
                first = target not in started and not x.is_leaf
                started.add(target)
                lines.append(self.add(target, _term(g, slots[n + i if i < n else i - n]), first))
        bias = operands[-1]
        if isinstance(bias, Value) and id(bias) in live:
            target = f"g{slots[-1]}"
            first = target not in started and not bias.is_leaf
            started.add(target)
            lines.append(self.add(target, g, first))
        return lines

    def forward(self) -> tuple[list[str], list[str]]:
        lines, shape = super().forward()
        out: list[str] = []
        for line in lines:
            name = line.split(" = ", 1)[0]
            out += self.before.get(name, [])
            out.append(line)
            if name in self.after:
                out.append(f"if {self.after[name]}:")
                out.append(f"    return {_FAIL}")
        return out, shape


class _Inline(ast.NodeTransformer):
    """``(_e := E) / (1.0 + _e)`` as ``E / (1.0 + E)``: Numba cannot type ``:=`` in an
    expression, and the rules' functions are pure, so the value is the same."""

    def __init__(self) -> None:
        self.named: dict[str, ast.expr] = {}

    def visit_NamedExpr(self, node: ast.NamedExpr) -> ast.expr:
        value: ast.expr = self.visit(node.value)
        self.named[node.target.id] = value
        return value

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.named.get(node.id, node)


def _without_walrus(text: str) -> str:
    if ":=" not in text:
        return text
    return ast.unparse(_Inline().visit(ast.parse(text, mode="eval")).body)


def refuse_custom_ops(trace: _Trace, table: frozenset[int]) -> None:
    """One line naming the first op the backend does not compile (a custom `Op`)."""
    for k, v in enumerate(trace.interior):
        op = v._rule
        if op is not None and id(op) not in table and op is not LINEAR:
            raise ValueError(
                f"compile(backend='numba'): op {op.name!a} (node n{k + 1}) is a custom op, "
                "whose rules machine code cannot run as Python does; compile it with "
                "backend='python'"
            )


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")  # a number in the code
_ROLL_MAX = 8  # statements in a repeated block that `_roll` looks for
_ROLL_MIN = 3  # repetitions from which a block is written as a loop


def _units(lines: list[str]) -> list[list[str]]:
    """Statements: each line with the lines indented under it (a loop's body)."""
    units: list[list[str]] = []
    for line in lines:
        if units and line.startswith(" "):
            units[-1].append(line)
        else:
            units.append([line])
    return units


def _shape(unit: list[str]) -> tuple[str, list[int]]:
    """A statement with its whole numbers (array indices, loop counts) taken out, and them."""
    text = "\n".join(unit)
    numbers = [int(m.group()) for m in _NUMBER.finditer(text) if m.group().isdigit()]
    shape = _NUMBER.sub(lambda m: "{}" if m.group().isdigit() else m.group(), text)
    return shape, numbers


def _indexed(text: str, firsts: list[int], steps: list[int]) -> str:
    """``text`` (a block's first repetition) with its k-th whole number n made
    n + steps[k]·_u: the block of repetition _u."""
    pairs = iter(zip(firsts, steps))

    def index(m: re.Match[str]) -> str:
        if not m.group().isdigit():
            return m.group()  # a float: the same in every repetition
        a, d = next(pairs)
        if d == 0:
            return str(a)
        return f"({a} + {d} * _u)" if d > 0 else f"({a} - {-d} * _u)"

    return _NUMBER.sub(index, text)


def _roll(lines: list[str]) -> list[str]:
    """Runs of a block of statements that differ only in whole numbers stepping evenly
    (the units of a layer: one's weights start 17 after the last's) as one loop over
    ``_u``: the same statements in the same order, in far fewer lines to compile."""
    units = _units(lines)
    shapes = [_shape(u) for u in units]
    out: list[str] = []
    i = 0
    while i < len(units):
        best: tuple[int, int, list[int]] | None = None  # (block, repetitions, steps)
        for k in range(1, _ROLL_MAX + 1):
            block = shapes[i : i + k]
            if len(block) < k:
                break
            first = [n for _, ns in block for n in ns]
            m, steps = 1, None
            while i + (m + 1) * k <= len(units):
                nxt = shapes[i + m * k : i + (m + 1) * k]
                if [s for s, _ in nxt] != [s for s, _ in block]:
                    break
                numbers = [n for _, ns in nxt for n in ns]
                diff = [b - a for a, b in zip(first, numbers)]
                if steps is None:
                    steps = diff
                elif diff != [d * m for d in steps]:
                    break
                m += 1
            better = best is None or m * k > best[0] * best[1]
            if m >= _ROLL_MIN and steps is not None and better:
                best = (k, m, steps)
        if best is None:
            out += units[i]
            i += 1
            continue
        k, m, steps = best
        firsts = [n for _, ns in shapes[i : i + k] for n in ns]
        body = _indexed("\n".join(line for u in units[i : i + k] for line in u), firsts, steps)
        out.append(f"for _u in range({m}):")
        out += [f"    {line}" for line in body.split("\n")]
        i += m * k
    return out


def module_source(trace: _Trace, watched: list[str]) -> str:
    """The module Numba compiles: ``sweep``, ``sweep_each`` and ``outputs`` on arrays."""
    writer = _NumbaWriter(trace)
    # The comments name each line's node: dropped, so that a layer's units read alike.
    forward = _roll([line.split("  # ", 1)[0] for line in writer.forward()[0]])
    backward = _roll([line.split("  # ", 1)[0] for line in writer.backward()])
    names = writer.names
    out = names.get(id(trace.output)) or _literal(trace.output.data)
    graded = {id(v) for v in trace.graded}
    own = [f"g{names[id(v)]}" for v in trace.inputs if id(v) in graded]
    spelled = {trace.names[k]: name for k, name in names.items()}
    kept = own + [spelled[name] for name in watched]
    labels = [
        f"# {names[id(v)]} = {_comment(v.label)}" for v in [*trace.params, *trace.inputs] if v.label
    ]
    body = ["# forward", *forward, "# backward", *backward]
    n_p = len(trace.params)
    arrays = [
        f"V = np.empty({len(trace.interior) + 1})",  # V[k] is node n_k (V[0] unused)
        f"gV = np.empty({len(trace.interior) + 1})",
        f"gP = np.zeros({n_p})",
        f"gX = np.zeros({len(trace.inputs)})",
        "total = 0.0",
    ]

    def function(signature: str, start: list[str], row: list[str], end: list[str], fail: str
                 ) -> list[str]:  # fmt: skip
        inner = [line.replace(_FAIL, fail) for line in row]
        return [
            "@_jit",
            f"def {signature}:",
            *(f"    {line}" for line in start),
            "    for r in range(R.shape[0]):",
            "        X = R[r]",
            *(f"        {line}" for line in inner),
            *(f"    {line}" for line in end),
        ]

    params_out = [f"for _k in range({n_p}):", "    G[_k] = gP[_k]"] if n_p else []
    # sweep: Σ outputs and Σ gradients (params', then the graded inputs'), one
    # accumulator each from 0.0 as backward() adds .grad; the last row's output too.
    sweep = function(
        "sweep(P, R, seed, G)",
        [*arrays, "last = 0.0"],
        [*body, f"total += {out}", f"last = {out}"],
        [
            *params_out,
            *(f"G[{n_p + k}] = {g}" for k, g in enumerate(own)),
            "return -1, total, last",
        ],
        "r, total, last",
    )
    # sweep_each: the params' gradients summed; each row's input gradients (from 0.0)
    # and watched values in its row of E.
    each = function(
        "sweep_each(P, R, seed, G, E)",
        arrays,
        [
            *(["gX[:] = 0.0"] if own else []),
            *body,
            f"total += {out}",
            *(f"E[r, {k}] = {v}" for k, v in enumerate(kept)),
        ],
        [*params_out, "return -1, total"],
        "r, total",
    )
    outputs = function(
        "outputs(P, R, O)",
        arrays[:1],
        ["# forward", *forward, f"O[r] = {out}"],
        ["return -1"],
        "r",
    )
    head = ["# Generated by autograd.compile(backend='numba'): see autograd/core/native.py."]
    parts = [*head, *labels, _HEAD, "", *sweep, "", "", *each, "", "", *outputs]
    return "\n".join(parts).replace("\n\n\n\n", "\n\n\n") + "\n"


_LOADED: dict[str, ModuleType] = {}  # source hash -> the module, once per process


def load(source: str) -> tuple[ModuleType, Path]:
    """The module of ``source``, from its file in `cache_dir` (written once), imported."""
    _import_numba()
    key = hashlib.sha256(source.encode()).hexdigest()[:24]
    folder = cache_dir()
    path = folder / f"autograd_{key}.py"
    module = _LOADED.get(key)
    if module is not None:
        return module, path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != source:  # rewritten only when missing or damaged: Numba keys on mtime
            write_atomically(path, source.encode())
    except OSError as e:
        raise OSError(
            f"compile(backend='numba'): cannot write the compiled module to {folder} "
            f"({e.strerror or e}); set AUTOGRAD_CACHE_DIR to a folder you can write"
        ) from None
    name = f"_autograd_native_{key}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Numba's cache finds a function's module by name
    spec.loader.exec_module(module)
    _LOADED[key] = module
    return module, path


class Native(Compiled):
    """A compiled graph run as machine code: ``compile(..., backend="numba")``.

    The calls are `Compiled`'s (``self(params, inputs)``, ``sweep``, ``sweep_each``,
    ``outputs``), with the same numbers bit for bit and the same errors (a case that
    fails is run again by the python backend, which raises the interpreter's error).
    Their ``rows`` may also be a `table` of them, made once: converting a list of
    rows costs more than the machine code's sweep of them.
    Each of the machine-code functions is compiled on its first call, or loaded from
    the cache when any process compiled the same code before.

    Attributes:
        module_source: the code Numba compiles (``source`` is the python backend's).
        path: the file it lives in, in `cache_dir` (what tracebacks and Numba show).
    """

    backend = "numba"

    def __init__(self, python: Compiled, module_source: str, graded: int, watched: int) -> None:
        self.__dict__.update(python.__dict__)  # the python backend's code: the fallback
        self.module_source = module_source
        self.module, self.path = load(module_source)
        self._np: Any = importlib.import_module("numpy")
        self._grads = len(self.params) + graded  # gradients a call returns
        self._kept = graded + watched  # numbers per row of sweep_each

    def table(self, rows: Sequence[Sequence[float]]) -> Any:
        """``rows`` checked once and made a NumPy array, for calls on the same rows again
        and again (a training loop's): calls given it skip the check and the copy."""
        rows = self._checked_rows([0.0] * len(self.params), rows, "table")[1]
        return self._np.array(rows, dtype=self._np.float64).reshape(len(rows), len(self.inputs))

    def _arrays(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], where: str
    ) -> tuple[Any, Any]:
        """``params`` and ``rows`` checked (as `Compiled` checks them) and made arrays."""
        np = self._np
        array: Any = rows
        if (
            type(array) is np.ndarray
            and array.dtype == np.float64
            and array.ndim == 2
            and array.shape[1] == len(self.inputs)
        ):  # a `table`: checked when made
            params = _floats(params, len(self.params), "params", where)
            return np.array(params, dtype=np.float64), np.ascontiguousarray(array)
        params, rows = self._checked_rows(params, rows, where)
        p = np.array(params, dtype=np.float64)
        return p, np.array(rows, dtype=np.float64).reshape(len(rows), len(self.inputs))

    def _checked_rows(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], where: str
    ) -> tuple[Sequence[float], Sequence[Sequence[float]]]:
        # Rows of floats of one length, checked in one pass at C speed (the list of rows
        # costs more than the machine code at a hundred rows); any other: Compiled's check.
        if (
            len(params) == len(self.params)
            and set(map(len, rows)) <= {len(self.inputs)}
            and _FLOAT.issuperset(map(type, params))
            and _FLOAT.issuperset(map(type, itertools.chain.from_iterable(rows)))
        ):
            return params, rows
        return super()._checked_rows(params, rows, where)

    def __call__(
        self, params: Sequence[float], inputs: Sequence[float] = (), seed: float = 1.0
    ) -> tuple[float, list[float]]:
        """(output, gradients) for one case, as `Compiled.__call__`."""
        ps = _floats(params, len(self.params), "params")
        xs = _floats(inputs, len(self.inputs), "inputs")
        s = _as_float(seed, "compiled step: seed")
        g = self._np.empty(self._grads)
        failed, _, last = self.module.sweep(*self._arrays(ps, [xs], "step"), s, g)
        if failed >= 0:
            return super().__call__(params, inputs, seed)  # the interpreter's error
        return last, g.tolist()

    def sweep(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, list[float]]:
        """(Σ outputs, Σ gradients) over ``rows``, as `Compiled.sweep`."""
        given = self._arrays(params, rows, "sweep")
        s = _as_float(seed, "compiled sweep: seed")
        g = self._np.empty(self._grads)
        failed, total, _ = self.module.sweep(*given, s, g)
        if failed >= 0:
            return super().sweep(params, rows, seed)
        return total, g.tolist()

    def sweep_each(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, list[float], list[list[float]]]:
        """`sweep`, with each row's input gradients and watched values, as `Compiled.sweep_each`."""
        total, g, each = self.sweep_each_arrays(params, rows, seed)
        return total, g.tolist(), each.tolist()

    def sweep_each_arrays(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, Any, Any]:
        """`sweep_each` with its numbers left in NumPy arrays: (Σ outputs, the params'
        gradients, one row per case), for a caller that goes on in NumPy (lists of them
        cost more than the machine code at a hundred rows)."""
        given = self._arrays(params, rows, "sweep_each")
        s = _as_float(seed, "compiled sweep_each: seed")
        np = self._np
        g = np.empty(len(self.params))
        each = np.empty((len(rows), self._kept))
        failed, total = self.module.sweep_each(*given, s, g, each)
        if failed >= 0:  # the python backend's numbers, or the interpreter's error
            total, gs, rs = super().sweep_each(params, rows, seed)
            g = np.array(gs, dtype=np.float64)
            each = np.array(rs, dtype=np.float64).reshape(len(rows), self._kept)
        return total, g, each

    def outputs(self, params: Sequence[float], rows: Sequence[Sequence[float]]) -> list[float]:
        """The output for each row by the forward pass alone, as `Compiled.outputs`."""
        given = self._arrays(params, rows, "outputs")
        values = self._np.empty(len(rows))
        if self.module.outputs(*given, values) >= 0:
            return super().outputs(params, rows)
        return list(values.tolist())
