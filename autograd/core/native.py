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
tests the case (`_GUARDS`) and stops, and the wrapper runs the same call through the
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
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from autograd.core.compiler import Compiled, _comment, _floats, _literal, _Trace, _Writer
from autograd.core.engine import Value, _as_float
from autograd.core.files import write_atomically
from autograd.core.ops import _CHAIN_MAX, _PLAIN_SUM, LINEAR, Op

__all__ = ["Native", "cache_dir"]

INSTALL = "pip install 'autograd-1986[fast]'"

# When each op's forward rule raises in the interpreter, as a test over the operand slots
# and {out} (a superset is fine: where it fires, the python backend runs the case).
_GUARDS = {
    "/": "{1} == 0.0",
    "**": "({0} == 0.0 and {1} < 0.0) or ({0} < 0.0 and not (isfinite({1}) and "
    "{1} == floor({1}))) or (isinf({out}) and isfinite({0}) and isfinite({1}))",
    "exp": "{out} == inf and {0} != inf",
    "log": "{0} <= 0.0",
    "sqrt": "{0} < 0.0",
    "sin": "isinf({0})",
    "cos": "isinf({0})",
}
_FAIL = "__FAIL__"  # a guard's return, written per function

# The module's head: the names the table's texts call, as machine code. recip is the
# table's 1/x with the limits at 0 (`autograd.core.ops._reciprocal`).
_HEAD = """\
from math import copysign, cos, exp, floor, inf, isfinite, isinf, log, nan, sin, sqrt, tanh

import numba

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
    """The ``numba`` module, imported now (never by ``import autograd``), or one clear line."""
    try:
        return importlib.import_module("numba")
    except ImportError:
        raise ImportError(
            f"compile(backend='numba') needs Numba, which is not installed: {INSTALL}"
        ) from None


class _NumbaWriter(_Writer):
    """Lines on floats for Numba: the table's texts, with a guard after each node whose
    forward rule can raise; a Σ as a plain left-to-right sum, as the interpreter adds."""

    def __init__(self, trace: _Trace) -> None:
        super().__init__(trace, {})
        self.before: dict[str, list[str]] = {}  # node -> lines written before its own
        self.after: dict[str, str] = {}  # node -> its guard

    def rule(self, v: Value, op: Op, slots: list[str]) -> str:
        name = self.names[id(v)]
        if op is LINEAR:
            return self.linear(name, slots)
        guard = _GUARDS.get(op.name)
        if guard:
            self.after[name] = guard.format(*slots, out=name)
        text = op.array_text(slots)
        assert text is not None  # every table op has one
        return _without_walrus(text)

    def linear(self, name: str, slots: list[str]) -> str:
        """b + w_1·y_1 + ... left to right, in pieces of _CHAIN_MAX terms; or, where
        Python's sum() compensates (3.12+), its very steps (Neumaier's)."""
        n = (len(slots) - 1) // 2
        terms = [f"{slots[i]} * {slots[n + i]}" for i in range(n)]
        if _PLAIN_SUM:
            head, lines = slots[-1], []
            for k in range(0, max(n - _CHAIN_MAX, 0), _CHAIN_MAX):
                lines.append(f"_s = {' + '.join([head, *terms[k : k + _CHAIN_MAX]])}")
                head = "_s"
            self.before[name] = lines
            rest = terms[len(lines) * _CHAIN_MAX :]
            return " + ".join([head, *rest])
        lines = [f"_s = {slots[-1]}", "_c = 0.0"]
        for term in terms:
            lines += [
                f"_x = {term}",
                "_t = _s + _x",
                "_c += ((_s - _t) + _x) if abs(_s) >= abs(_x) else ((_x - _t) + _s)",
                "_s = _t",
            ]
        self.before[name] = lines
        return "_s + _c if _c != 0.0 and isfinite(_c) else _s"

    def partial(self, v: Value, op: Op, i: int, slots: list[str]) -> str:
        text = op.array_partial_text(i, slots, self.names[id(v)])
        assert text is not None
        return text

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


def module_source(trace: _Trace, watched: list[str]) -> str:
    """The module Numba compiles: ``sweep``, ``sweep_each`` and ``outputs`` on arrays."""
    writer = _NumbaWriter(trace)
    forward, _ = writer.forward()
    backward = writer.backward()
    names = trace.names
    out = names.get(id(trace.output)) or _literal(trace.output.data)
    p = [names[id(v)] for v in trace.params]
    x = [names[id(v)] for v in trace.inputs]
    graded = {id(v) for v in trace.graded}
    own = [f"g{names[id(v)]}" for v in trace.inputs if id(v) in graded]
    gp = [f"g{n}" for n in p]
    labels = [
        f"# {n} = {_comment(v.label)}"
        for n, v in zip(p + x, [*trace.params, *trace.inputs])
        if v.label
    ]
    unpack_p = [f"{n} = P[{k}]" for k, n in enumerate(p)]
    unpack_x = [f"{n} = R[r, {k}]" for k, n in enumerate(x)]
    body = ["# forward", *forward, "# backward", *backward]

    def function(signature: str, start: list[str], loop: list[str], end: list[str], fail: str
                 ) -> list[str]:  # fmt: skip
        inner = [line.replace(_FAIL, fail) for line in loop]
        return [
            "@_jit",
            f"def {signature}:",
            *(f"    {line}" for line in start),
            "    for r in range(R.shape[0]):",
            *(f"        {line}" for line in [*unpack_x, *inner]),
            *(f"    {line}" for line in end),
        ]

    # sweep: Σ outputs and Σ gradients (params', then the graded inputs'), one
    # accumulator each from 0.0 as backward() adds .grad; the last row's output too.
    summed = gp + own
    sweep = function(
        "sweep(P, R, seed, G)",
        [*unpack_p, *(f"{g} = 0.0" for g in summed), "total = 0.0", "last = 0.0"],
        [*body, f"total += {out}", f"last = {out}"],
        [*(f"G[{k}] = {g}" for k, g in enumerate(summed)), "return -1, total, last"],
        "r, total, last",
    )
    # sweep_each: the params' gradients summed; each row's input gradients (from 0.0)
    # and watched values in its row of E.
    kept = own + watched
    each = function(
        "sweep_each(P, R, seed, G, E)",
        [*unpack_p, *(f"{g} = 0.0" for g in gp), "total = 0.0"],
        [
            *(f"{g} = 0.0" for g in own),
            *body,
            f"total += {out}",
            *(f"E[r, {k}] = {v}" for k, v in enumerate(kept)),
        ],
        [*(f"G[{k}] = {g}" for k, g in enumerate(gp)), "return -1, total"],
        "r, total",
    )
    outputs = function(
        "outputs(P, R, O)",
        unpack_p,
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

    def _arrays(self, params: Sequence[float], rows: Sequence[Sequence[float]]) -> tuple[Any, Any]:
        np = self._np
        p = np.array(params, dtype=np.float64)
        r = np.array(rows, dtype=np.float64).reshape(len(rows), len(self.inputs))
        return p, r

    def __call__(
        self, params: Sequence[float], inputs: Sequence[float] = (), seed: float = 1.0
    ) -> tuple[float, list[float]]:
        """(output, gradients) for one case, as `Compiled.__call__`."""
        ps = _floats(params, len(self.params), "params")
        xs = _floats(inputs, len(self.inputs), "inputs")
        s = _as_float(seed, "compiled step: seed")
        g = self._np.empty(self._grads)
        failed, _, last = self.module.sweep(*self._arrays(ps, [xs]), s, g)
        if failed >= 0:
            return super().__call__(params, inputs, seed)  # the interpreter's error
        return last, g.tolist()

    def sweep(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, list[float]]:
        """(Σ outputs, Σ gradients) over ``rows``, as `Compiled.sweep`."""
        checked = self._checked_rows(params, rows, "sweep")
        s = _as_float(seed, "compiled sweep: seed")
        g = self._np.empty(self._grads)
        failed, total, _ = self.module.sweep(*self._arrays(*checked), s, g)
        if failed >= 0:
            return super().sweep(params, rows, seed)
        return total, g.tolist()

    def sweep_each(
        self, params: Sequence[float], rows: Sequence[Sequence[float]], seed: float = 1.0
    ) -> tuple[float, list[float], list[list[float]]]:
        """`sweep`, with each row's input gradients and watched values, as `Compiled.sweep_each`."""
        checked = self._checked_rows(params, rows, "sweep_each")
        s = _as_float(seed, "compiled sweep_each: seed")
        np = self._np
        g = np.empty(len(self.params))
        each = np.empty((len(rows), self._kept))
        failed, total = self.module.sweep_each(*self._arrays(*checked), s, g, each)
        if failed >= 0:
            return super().sweep_each(params, rows, seed)
        return total, g.tolist(), each.tolist()

    def outputs(self, params: Sequence[float], rows: Sequence[Sequence[float]]) -> list[float]:
        """The output for each row by the forward pass alone, as `Compiled.outputs`."""
        checked = self._checked_rows(params, rows, "outputs")
        values = self._np.empty(len(rows))
        if self.module.outputs(*self._arrays(*checked), values) >= 0:
            return super().outputs(params, rows)
        return list(values.tolist())
