"""Checking the chain rule: the nudge test beside every step, and the classic wrong backward passes.

`nudge_test` estimates ∂root/∂node for every node by nudging it: the node's
value is moved by ±h, the forward pass is run again *from that node* with the
forward rules of the op table (`autograd.core.ops`), and

    (f(v + h) - f(v - h)) / 2h

is set beside the gradient the chain rule gave (`autograd.teach.explain`). Interior
nodes are nudged as well as leaves: a learner can check every step, not only
the last. Where a nudge crosses relu's kink, or the function bends too sharply
within h for the estimate to mean anything, the result says so instead of
raising an alarm. What a learner reads writes the step as the number it is,
``(f₊ - f₋)/(2·1e-05)``: a letter h would read as a node of the graph named h.

`mistake` runs a deliberately wrong backward pass beside the right one, on the
learner's own graph, and points to the first node where they part:

* ``overwrite``: gradients assigned (``=``) instead of accumulated (``+=``);
* ``order``: nodes visited depth-first from the output, without the topological sort;
* ``twice``: a second ``backward()`` that resets only the output, as micrograd 0.1.0's
  does, on the graph micrograd builds (its own nodes for - and /);
* ``recursion``: the recursive topological sort, on a deep chain built on the graph.

Both only read the graph: no ``.grad`` is read or written.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from autograd.core.engine import Value, enable_grad, topological_order
from autograd.core.graph import backward_uses
from autograd.core.notation import constant, delimited, gradient, num
from autograd.teach.explain import Explanation, Step, explain

__all__ = [
    "KINDS",
    "Mistake",
    "Nudge",
    "NudgeTest",
    "mistake",
    "nudge_test",
    "step_checks",
]

# Forward rules refuse values outside their domain (log of a negative, 1/0): that side
# of a nudge has no value.
_UNDEFINED = (ValueError, ZeroDivisionError, OverflowError)


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


@dataclass(frozen=True, slots=True)
class Nudge:
    """The nudge test of one node: the central difference beside the chain rule's gradient.

    ``status`` is one of

    * ``"agrees"``: within the tolerance;
    * ``"differs"``: beyond it, with a smooth function: the chain rule is wrong here;
    * ``"kink"``: the nudge crosses a relu at 0, where the slope jumps (``kink`` names it);
    * ``"rough"``: the slopes left and right of the node differ by more than the
      tolerance: the function bends too sharply within h to judge; or the estimate
      moves when h shrinks tenfold: the slope is not defined there;
    * ``"one-sided"``: one side is outside the function's domain (sqrt at 0): the
      estimate is one-sided, shown but not judged;
    * ``"undefined"``: neither side can be evaluated, or a number is inf or nan.
    """

    name: str
    output: str  # the output's name: the f of (f₊ - f₋)/(2·h)
    grad: float  # ∂root/∂node by the chain rule
    estimate: float | None  # the finite-difference estimate; None when there is none
    h: float
    status: str
    why: str  # one sentence for every status but "agrees" and "differs"

    @property
    def disagrees(self) -> bool:
        return self.status == "differs"

    def text(self) -> str:
        """``nudge x by ±1e-05: (f₊ - f₋)/(2·1e-05) = 7.000 ✓ agrees``."""
        head = f"nudge {delimited(self.name)} by ±{self.h:g}: "
        if self.estimate is None:
            return f"{head}no estimate: {self.why}"
        formula = _central(self.output, self.h) if self.status != "one-sided" else "one side only"
        head += f"{formula} = {num(self.estimate)}"
        if self.status == "agrees":
            return f"{head} ✓ agrees"
        if self.status == "differs":
            return f"{head} ✗ DIFFERS from {num(self.grad)}"
        return f"{head} ~ {self.why}"

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready; inf and nan stay floats) for notebooks and pages."""
        return {
            "name": self.name,
            "output": self.output,
            "grad": self.grad,
            "estimate": self.estimate,
            "h": self.h,
            "status": self.status,
            "why": self.why,
            "text": self.text(),
        }


class NudgeTest(Mapping[Value, Nudge]):
    """The nudge test of every node of an explanation: a mapping node → `Nudge`.

    ``by_step()`` gives the results in the explanation's step order (step number →
    plain data), the separate structure the stepper shows beside `Step` data.
    """

    def __init__(
        self, explanation: Explanation, results: dict[Value, Nudge], h: float, rtol: float
    ) -> None:
        self.explanation = explanation
        self.results = results
        self.h = h
        self.rtol = rtol

    def __getitem__(self, v: Value) -> Nudge:
        return self.results[v]

    def __iter__(self) -> Iterator[Value]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def disagreements(self) -> list[Nudge]:
        """The nodes where the nudge and the chain rule disagree, in step order."""
        return [self.results[s.node] for s in self.explanation if self.results[s.node].disagrees]

    def by_step(self) -> dict[int, dict[str, Any]]:
        return {s.number: self.results[s.node].as_dict() for s in self.explanation}

    def listing(self) -> str:
        """The explanation's listing with each step's nudge test below it."""
        ex = self.explanation
        out = ex.names[ex.root]
        head = (
            f"{ex.backward_intro()}\nEach step is checked by a nudge of ±{self.h:g}: "
            f"{_central(out, self.h)} beside {gradient(out, 'v')} "
            f"(tolerance {self.rtol:g} relative)."
        )
        steps = [
            f"{step}\n{' ' * (len(str(step.number)) + 2)}{self.results[step.node].text()}"
            for step in ex
        ]
        return "\n\n".join([ex.forward_text(), head, *steps, self.summary()])

    def summary(self) -> str:
        """``6 nudges agree with the chain rule; 2 cross a kink.`` (or where they disagree)."""
        counts: dict[str, int] = {}
        for n in self.results.values():
            counts[n.status] = counts.get(n.status, 0) + 1
        said = {  # (one node, several nodes)
            "agrees": ("agrees with the chain rule", "agree with the chain rule"),
            "kink": ("crosses a kink", "cross a kink"),
            "rough": ("bends too sharply to judge", "bend too sharply to judge"),
            "one-sided": ("is one-sided", "are one-sided"),
            "undefined": ("has no estimate", "have no estimate"),
        }
        parts = [f"{counts[k]} {v[counts[k] > 1]}" for k, v in said.items() if counts.get(k)]
        text = f"Nudges: {'; '.join(parts)}." if parts else ""
        if self.disagreements:
            names = ", ".join(delimited(n.name) for n in self.disagreements)
            text = f"The nudge DISAGREES with the chain rule at {names}. {text}"
        return text.strip()


def _central(output: str, h: float) -> str:
    """``(f₊ - f₋)/(2·1e-05)``: the central difference, its step the number it is."""
    f = delimited(output)
    return f"({f}₊ - {f}₋)/(2·{h:g})"


def _rerun(
    order: list[Value], start: int, value: float, watch: dict[Value, int]
) -> tuple[float, set[Value]]:
    """The root's value when node ``order[start]`` holds ``value``, and the relu nodes
    (of ``watch``, node → sign of its input's side, 1 for > 0) whose input changed side.

    Only the nodes that depend on the nudged one are computed again, each with its
    op's forward rule from the table.
    """
    changed: dict[Value, float] = {order[start]: value}
    crossed: set[Value] = set()
    for v in order[start + 1 :]:
        if not any(p in changed for p in v.parents):
            continue
        op = v._rule
        assert op is not None  # a node with parents is an operation
        xs = [changed.get(x, x.data) if isinstance(x, Value) else x for x in v.operands]
        if v in watch and (xs[0] > 0.0) != bool(watch[v]):
            crossed.add(v)
        changed[v] = op.forward(*xs)
    return changed.get(order[-1], order[-1].data), crossed


def nudge_test(
    target: Value | Explanation, h: float = 1e-5, rtol: float = 1e-4, atol: float = 1e-6
) -> NudgeTest:
    """The nudge test of every step of ``target`` (an `Explanation`, or a root to explain).

    For each node v, the central difference (f(v+h) - f(v-h)) / 2h with every node
    that depends on v computed again from v's nudged value, set beside the chain
    rule's ∂f/∂v. They agree when |estimate - gradient| <= atol + rtol·max(|·|), plus
    the rounding error of the difference (4·eps·|f|/h). Costs two partial forward
    passes per node: fine for expressions and small networks, quadratic in graph size.
    """
    if not (isinstance(h, float | int) and math.isfinite(h) and h > 0):
        raise ValueError(f"nudge_test: h must be a positive number, got {h!r}")
    explanation = target if isinstance(target, Explanation) else explain(target)
    order = explanation.order
    position = {v: i for i, v in enumerate(order)}
    watch = {v: int(v.operands[0].data > 0.0) for v in order if v.op == "relu"}
    results = {
        s.node: _nudge(s, explanation, position, watch, float(h), rtol, atol) for s in explanation
    }
    return NudgeTest(explanation, results, float(h), rtol)


def _nudge(
    step: Step,
    ex: Explanation,
    position: dict[Value, int],
    watch: dict[Value, int],
    h: float,
    rtol: float,
    atol: float,
) -> Nudge:
    """The nudge test of one step's node."""
    v, grad, order = step.node, step.grad, ex.order
    name = (step.name, step.output)
    f, shown = delimited(step.output), delimited(step.name)  # as the listing writes them
    i = position[v]
    here = order[-1].data
    sides: dict[int, float] = {}
    crossed: set[Value] = set()
    for sign in (1, -1):
        try:
            value, kinks = _rerun(order, i, v.data + sign * h, watch)
        except _UNDEFINED:
            continue
        sides[sign] = value
        crossed |= kinks
    if not math.isfinite(grad):
        return Nudge(*name, grad, None, h, "undefined", f"the chain rule gives {num(grad)} here")
    if not sides:
        why = f"{f} is undefined on both sides of {shown}"
        return Nudge(*name, grad, None, h, "undefined", why)
    if len(sides) == 1:
        ((sign, value),) = sides.items()
        estimate = (value - here) / (sign * h)
        side = "below" if sign == 1 else "above"
        why = f"{f} is undefined just {side} {shown} = {num(v.data)}"
        return Nudge(*name, grad, estimate, h, "one-sided", why)
    estimate = (sides[1] - sides[-1]) / (2 * h)
    if not math.isfinite(estimate):
        why = f"{f} is not finite near {shown}"
        return Nudge(*name, grad, None, h, "undefined", why)
    if crossed:
        kink = delimited(ex.names[min(crossed, key=position.__getitem__)])
        why = (
            f"the nudge moves the input of {kink} = relu(…) across 0, where relu's slope "
            "jumps from 0 to 1 (a kink): the estimate averages the two slopes, not a mistake"
        )
        return Nudge(*name, grad, estimate, h, "kink", why)
    right = (sides[1] - here) / h
    left = (here - sides[-1]) / h
    # One-sided slopes differ by about h·f''; past 1% of the slope (or of 1), the
    # function changes too much within h for any finite difference to judge it.
    if abs(left - right) > 1e-2 * max(1.0, abs(left), abs(right)):
        why = (
            f"the slopes just left ({num(left)}) and right ({num(right)}) of {shown} "
            f"differ: {f} bends too sharply within ±{h:g} to judge"
        )
        return Nudge(*name, grad, estimate, h, "rough", why)
    # Rounding: f± carry an error of about one ulp each, which the division by 2h magnifies.
    rounding = 4 * sys.float_info.epsilon * max(abs(sides[1]), abs(sides[-1])) / h
    if _close(estimate, grad, rtol, atol + rounding):
        return Nudge(*name, grad, estimate, h, "agrees", "")
    # Before calling the chain rule wrong, check that the estimate has settled: where the
    # slope grows without bound (x**x-like at 0) it keeps moving as h shrinks.
    try:
        up = _rerun(order, i, v.data + h / 10, watch)[0]
        down = _rerun(order, i, v.data - h / 10, watch)[0]
        smaller = (up - down) / (h / 5)
    except _UNDEFINED:
        smaller = math.nan
    if not _close(smaller, estimate, 1e-2, atol + 10 * rounding):
        why = (
            f"the estimate does not settle: {num(estimate)} with a nudge of ±{h:g}, "
            f"{num(smaller)} with ±{h / 10:g}; "
            f"the slope of {f} is not defined at {shown} = {num(v.data)}, so it cannot judge"
        )
        return Nudge(*name, grad, estimate, h, "rough", why)
    return Nudge(*name, grad, estimate, h, "differs", "")


# -- the classic mistakes --------------------------------------------------------------

KINDS = ("overwrite", "order", "twice", "recursion")

_TITLES = {
    "overwrite": "gradients assigned (=) instead of accumulated (+=)",
    "order": "nodes visited depth-first from the output, without the topological sort",
    "twice": "a second backward() that does not reset interior nodes",
    "recursion": "the topological sort written as a recursive function",
}
_RIGHT = {
    "overwrite": "right (+=)",
    "order": "right (topological)",
    "twice": "right (2 calls)",
    "recursion": "right (iterative)",
}
_WRONG = {
    "overwrite": "wrong (=)",
    "order": "wrong (depth-first)",
    "twice": "wrong (2 calls)",
    "recursion": "wrong (recursive)",
}


@dataclass(frozen=True)
class Mistake:
    """A wrong backward pass beside the right one, node by node, on one graph.

    ``right`` and ``wrong`` map every node to the gradient each pass leaves in it
    (for ``twice``: what ``.grad`` holds after two calls; for ``order``: what a computed
    node passed on when it was visited, the number the wrong pass read too early);
    ``first`` is the first node, in backward order, where they part (None if they never
    do); ``why`` is one sentence on why. For ``recursion``, ``wrong`` is empty and
    ``depth`` is how deep the recursive sort got before Python's RecursionError.
    """

    kind: str
    root: Value
    names: dict[Value, str]
    backward_order: list[Value]
    right: dict[Value, float]
    wrong: dict[Value, float]
    first: Value | None
    why: str
    depth: int = 0
    note: str = ""  # what was done to the learner's graph, if anything

    @property
    def inputs(self) -> list[Value]:
        return [v for v in self.backward_order if v.is_leaf]

    def rows(self, nodes: list[Value], full: bool = False) -> list[tuple[str, str, str, str]]:
        """(symbol, right, wrong, mark) per node: numbers at the listing's precision, or
        ``full`` (every digit); a pair that differs only past the listing's digits is
        shown in full, so that a ✗ never sits beside two equal-looking numbers."""
        out = self.names[self.root]
        rows = []
        for v in nodes:
            r, w = self.right[v], self.wrong.get(v)
            exact = full or (w is not None and w != r and num(w) == num(r))
            right = repr(r) if exact else num(r)
            if self.kind == "recursion" or w is None:
                wrong = "RecursionError"
            else:
                wrong = repr(w) if exact else num(w)
            mark = "← first difference" if v is self.first else ""
            if self.kind != "recursion" and v is not self.first and self.wrong[v] != self.right[v]:
                mark = "✗"
            rows.append((gradient(out, self.names[v]), right, wrong, mark))
        return rows

    def _table(self, nodes: list[Value], full: bool) -> list[str]:
        rows = [("", _RIGHT[self.kind], _WRONG[self.kind], ""), *self.rows(nodes, full)]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return [
            ("  " + "  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3]).rstrip()
            for r in rows
        ]

    def __str__(self) -> str:
        return self.text()

    def text(self, full: bool = False) -> str:
        """The tables and why, numbers as the listing prints them (``full``: every digit)."""
        lines = [f"Mistake '{self.kind}': {_TITLES[self.kind]}"]
        if self.note:
            lines += ["", self.note]
        if self.kind != "recursion":
            lines += ["", "Every node, in backward order:"]
            lines += self._table(self.backward_order, full)
        lines += ["", self.why, "", "The inputs, right and wrong side by side:"]
        lines += self._table(self.inputs, full)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for a page: per node (backward order) its name, right and wrong gradient."""
        return {
            "kind": self.kind,
            "title": _TITLES[self.kind],
            "why": self.why,
            "first": None if self.first is None else self.names[self.first],
            "nodes": [
                {
                    "name": self.names[v],
                    "right": self.right[v],
                    "wrong": self.wrong.get(v),
                }
                for v in self.backward_order
            ],
        }


def step_checks(explanation: Explanation, kind: str | None = None) -> dict[str, Any]:
    """The checks a page shows beside the steps, as plain data apart from the `Step` data.

    ``nudge``: step number → that step's nudge test (`Nudge.as_dict`). With a mistake
    ``kind``, ``mistake``: its title, sentences and column labels, and ``by_step``: step
    number → the right and the wrong gradient of the node and a line saying so (only when
    the wrong pass runs on the explained graph itself; ``order`` on an expression whose
    computed nodes are each used once runs on a larger graph, ``recursion`` on a chain).
    """
    out: dict[str, Any] = {"nudge": nudge_test(explanation).by_step()}
    if kind is None:
        return out
    m = mistake(explanation.root, kind)
    by_step: dict[int, dict[str, Any]] = {}
    if m.root is explanation.root and m.wrong:
        for s in explanation:
            right, wrong = m.right[s.node], m.wrong[s.node]
            mark = "  ← first difference" if s.node is m.first else "  ✗" if wrong != right else ""
            width = max(len(_WRONG[kind]), len(_RIGHT[kind]))
            by_step[s.number] = {
                "right": right,
                "wrong": wrong,
                "first": s.node is m.first,
                "text": f"{_WRONG[kind]:<{width}}  {s.symbol} = {num(wrong)}{mark}\n"
                f"{_RIGHT[kind]:<{width}}  {s.symbol} = {num(right)}",
            }
    out["mistake"] = {
        "kind": kind,
        "title": f"Mistake '{kind}': {_TITLES[kind]}",
        "note": m.note,
        "why": m.why,
        "right_label": _RIGHT[kind],
        "wrong_label": _WRONG[kind],
        "by_step": by_step,
    }
    return out


def mistake(root: Value, kind: str) -> Mistake:
    """The wrong backward pass ``kind`` (one of `KINDS`) beside the right one, on root's graph."""
    if not isinstance(root, Value):
        raise TypeError(f"mistake: root must be a Value, got {root!r}")
    if kind not in KINDS:
        raise ValueError(f"mistake: unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    if kind == "recursion":
        return _recursion(root)
    if kind == "twice":
        return _twice(root)
    if kind == "order":
        m = _compare(root, kind)
        if m.first is not None:
            return replace(m, note=_ORDER_COLUMN)
        # A graph whose computed nodes are each used once (every expression typed at the
        # command line: only names are shared) is visited right in any depth-first order.
        # Reusing the output itself shares a computed node.
        with enable_grad():
            g = root + root * root
        g.label = "g"
        m2 = _compare(g, kind, given={root: explain(root).names[root]})
        f = delimited(m.names[root])
        note = (
            f"On {f} itself, depth-first order happens to be right: every computed node has "
            "one use, so it is always reached after its only consumer. It goes wrong once a "
            f"computed node has several uses; here {f} is reused as g = {f} + {f}*{f}:"
        )
        return replace(m2, note=f"{_ORDER_COLUMN} {note}")
    return _compare(root, kind)


# A node that passed its gradient on too early ends with the right .grad all the same: what
# it passed on is where the mistake shows.
_ORDER_COLUMN = (
    "Beside a computed node, the wrong column is the gradient it passed on when the "
    "depth-first pass reached it; uses reached later still add to its .grad, but too late "
    "for the nodes below it."
)


def _backward_pass(
    root: Value, nodes: list[Value], grads: dict[Value, float], assign: bool
) -> list[tuple[Value, float]]:
    """Each node of ``nodes`` (in that order) passes its gradient on to its operands.

    Returns what each node passed on, in order (the gradient it had when visited).
    """
    grads[root] = 1.0
    sent: list[tuple[Value, float]] = []
    for c, _, p, d in backward_uses(nodes):
        if not sent or sent[-1][0] is not c:
            sent.append((c, grads[c]))  # before its uses: a node is never its own operand
        g = sent[-1][1]
        grads[p] = g * d if assign else grads[p] + g * d
    return sent


def _depth_first(root: Value) -> list[Value]:
    """Nodes in the order a depth-first search from the output first reaches them."""
    seen: set[Value] = set()
    out = []
    stack = [root]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        out.append(v)
        stack.extend(reversed(v.parents))
    return out


def _compare(root: Value, kind: str, given: dict[Value, str] | None = None) -> Mistake:
    ex = explain(root)
    names = ex.names
    if given:
        names = {**names, **given}
    backward = list(reversed(ex.order))
    right = dict(ex.grads)
    wrong = dict.fromkeys(ex.order, 0.0)
    visited = backward
    if kind == "overwrite":
        _backward_pass(root, backward, wrong, assign=True)
    else:  # order
        visited = _depth_first(root)
        wrong.update(_backward_pass(root, visited, wrong, assign=False))
    first = next((v for v in backward if wrong[v] != right[v]), None)
    why = _why(kind, root, first, names, ex, right, wrong, visited)
    return Mistake(kind, root, names, backward, right, wrong, first, why)


def _why(
    kind: str,
    root: Value,
    first: Value | None,
    names: dict[Value, str],
    ex: Explanation,
    right: dict[Value, float],
    wrong: dict[Value, float],
    visited: list[Value],
) -> str:
    if first is None:
        if kind == "overwrite":
            return "No node has several uses here, so '=' and '+=' give the same numbers."
        return "Depth-first order happens to give the right numbers here."
    name = delimited(names[first])
    symbol = gradient(names[root], names[first])
    if kind == "overwrite":
        step = next(s for s in ex if s.node is first)
        n = len(step.terms)
        return (
            f"{name} has {n} uses; with '=' each use's contribution replaces the one before, "
            f"so {symbol} keeps only the contribution of use {n} of {n} "
            f"({num(wrong[first])}) instead of the sum of all {n} ({num(right[first])})."
        )
    # order: every consumer of the first difference passed on the right gradient, so it
    # was reached before the consumers visited after it had added their contributions.
    after = set(visited[visited.index(first) :])
    late: dict[str, float] = {}  # consumer → what its uses add (x*x uses x twice)
    for t in next(s for s in ex if s.node is first).terms:
        if t.consumer in after:
            by = delimited(names[t.consumer])
            late[by] = late.get(by, 0.0) + t.product
    uses = "use by" if len(late) == 1 else "uses by"
    added = _listed([num(a) for a in late.values()])
    text = (
        f"Depth-first, {name} was visited and passed {symbol} = {num(wrong[first])} on "
        f"before its {uses} {_listed(list(late))} had added {added} "
        f"(the sum is {num(right[first])})"
    )
    below = next((v for v in reversed(ex.order) if v.is_leaf and wrong[v] != right[v]), None)
    if below is None:
        return f"{text}."
    return (
        f"{text}, so gradients further down come out wrong: "
        f"{gradient(names[root], names[below])} is {num(wrong[below])} instead of "
        f"{num(right[below])}."
    )


# -- twice: micrograd's second backward() --------------------------------------------

# micrograd 0.1.0's Value has +, *, ** to a number and relu; it builds -, / and negation
# from them (`micrograd.engine`).
_MICROGRAD_OPS = frozenset({"+", "-", "*", "/", "neg", "relu", "**"})


@dataclass(frozen=True, slots=True)
class _Use:
    """One use of ``operand`` by a consumer, as micrograd builds the consumer: directly,
    ∂consumer/∂operand = ``local``; or through a node of micrograd's own between them,
    ``hidden`` (as it is written), with ∂consumer/∂hidden = ``local`` and
    ∂hidden/∂operand = ``inner``."""

    operand: Value
    local: float
    inner: float = 0.0
    hidden: str = ""


def _as_micrograd_builds(c: Value, names: dict[Value, str]) -> tuple[list[_Use], str]:
    """The uses of ``c``'s operands in micrograd's graph of the same expression, and, when
    micrograd builds ``c`` from more nodes than one, ``c = how micrograd builds it``.

    micrograd's ``a - b`` is ``a + b*(-1)``, ``k - a`` is ``a*(-1) + k``, ``a / b`` is
    ``a * b**-1`` and ``k / a`` is ``a**-1 * k``; a constant k is a leaf of its own there,
    whose gradient no one reads, so ``a - k`` and ``a / k`` are one node, as here. The
    local derivatives are micrograd's own formulas on the same floats.
    """
    if c.op in ("-", "/") and isinstance(c.operands[-1], Value):
        a, b = c.operands
        left = delimited(names[a]) if isinstance(a, Value) else constant(a)
        left = f"({left})" if left.startswith("-") else left
        right = delimited(names[b])
        here = f"{delimited(names[c])} = {left} {c.op} {right}"
        if c.op == "-":
            hidden = f"{right}·(-1)"
            if isinstance(a, Value):
                return [_Use(a, 1.0), _Use(b, 1.0, -1.0, hidden)], f"{here} as {left} + {hidden}"
            return [_Use(b, 1.0, -1.0, hidden)], f"{here} as {hidden} + {left}"
        hidden = f"{right}**(-1)"
        inner = -1 * b.data**-2  # micrograd's ∂(b**-1)/∂b, other * self.data**(other - 1)
        if isinstance(a, Value):
            uses = [_Use(a, b.data**-1), _Use(b, a.data, inner, hidden)]
            return uses, f"{here} as {left}·{hidden}"
        return [_Use(b, a, inner, hidden)], f"{here} as {hidden}·{left}"
    return [_Use(p, float(d)) for p, d in zip(c.parents, c.local_grads)], ""


def _not_micrograds(c: Value) -> str:
    """The operation of ``c`` when micrograd 0.1.0 has no such operation, else ``""``."""
    if c.op not in _MICROGRAD_OPS:
        return c.op
    if c.op == "**" and not (isinstance(c.operands[0], Value) and len(c.parents) == 1):
        return "** with a Value exponent"
    return ""


def _twice(root: Value) -> Mistake:
    ex = explain(root)
    names = ex.names
    backward = list(reversed(ex.order))
    # Right: this engine resets interior nodes on each call, and adds one pass to each leaf.
    right = {v: 2.0 * ex.grads[v] if v.is_leaf else ex.grads[v] for v in backward}
    plans = {c: _as_micrograd_builds(c, names) for c in backward if not c.is_leaf}
    wrong = dict.fromkeys(backward, 0.0)
    hidden: dict[tuple[Value, int], float] = {}
    for _ in range(2):
        wrong[root] = 1.0  # micrograd's backward() sets the output's .grad, adds to the rest
        for c in backward:
            g = wrong[c]
            for k, use in enumerate(plans[c][0] if c in plans else ()):
                if not use.hidden:
                    wrong[use.operand] += g * use.local
                    continue
                # The hidden node's one consumer is c, so its .grad is complete now, and
                # keeps what the first call left in it.
                h = hidden[c, k] = hidden.get((c, k), 0.0) + g * use.local
                wrong[use.operand] += h * use.inner
    first = next((v for v in backward if wrong[v] != right[v]), None)
    foreign = list(dict.fromkeys(filter(None, map(_not_micrograds, ex.order))))
    split = [c for c in ex.order if c in plans and plans[c][1]]  # in the listing's order
    shown = [
        f"{use.hidden} holds {num(hidden[c, k])}"
        for c in split
        for k, use in enumerate(plans[c][0]) if use.hidden
    ]  # fmt: skip
    ops = [op for op in ("-", "/") if any(c.op == op for c in split)]
    note = _twice_note(names[root], foreign, ops, [plans[c][1] for c in split], shown)
    why = _twice_why(root, first, names, right, wrong, plans)
    return Mistake("twice", root, names, backward, right, wrong, first, why, note=note)


def _listed(items: list[str], limit: int = 3) -> str:
    """``a``, ``a and b``, ``a, b and c``; past ``limit`` (by two or more), ``a, b, c and
    4 more``."""
    if len(items) > limit + 1:
        return f"{', '.join(items[:limit])} and {len(items) - limit} more"
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def _twice_note(
    output: str, foreign: list[str], ops: list[str], built: list[str], shown: list[str]
) -> str:
    """What the two columns are, whose numbers the wrong one is, and micrograd's own nodes."""
    text = (
        "Both columns are what .grad holds after calling backward() twice. Right: this engine "
        "(like PyTorch) resets interior nodes on each call, so each input gets exactly two "
        f"passes, 2·{gradient(output, 'x')}. "
    )
    if foreign:
        many = len(foreign) > 1
        text += (
            "Wrong: an engine that resets only the output, as micrograd 0.1.0 does; but "
            f"{_listed(foreign)} {'are not operations' if many else 'is not an operation'} "
            "of micrograd 0.1.0, so these are not micrograd's numbers."
        )
    else:
        text += "Wrong: micrograd 0.1.0, which resets only the output."
    if not built:
        return text
    who = "Like micrograd, that engine has" if foreign else "micrograd has"
    these = "Those hidden nodes are" if len(shown) > 1 else "That hidden node is"
    return (
        f"{text} {who} no {' or '.join(ops)} node of its own: it builds "
        f"{_listed(built)}. {these} interior too and not reset either: after two calls "
        f"{_listed(shown)}."
    )


def _twice_why(
    root: Value,
    first: Value | None,
    names: dict[Value, str],
    right: dict[Value, float],
    wrong: dict[Value, float],
    plans: dict[Value, tuple[list[_Use], str]],
) -> str:
    if first is None:
        return (
            "Nothing lies between the output and the inputs here, so nothing is counted "
            "twice: a second call only adds one more pass to each input."
        )
    name, symbol = delimited(names[first]), gradient(names[root], names[first])
    differs = f"{symbol} is {num(wrong[first])} instead of {num(right[first])}"
    if first is root:
        return (
            f"{differs}: backward() sets the output's .grad to 1 on each call instead of "
            f"adding to it, and here the output is the input {name} itself."
        )
    # Every consumer of the first difference passed on the right gradient; a hidden node
    # between it and a consumer may not have.
    between = next(
        (
            f"the hidden node {use.hidden} that micrograd builds between {name} and "
            f"{delimited(names[c])}"
            for c, (uses, _) in plans.items()
            for use in uses
            if use.hidden and use.operand is first
        ),
        "",
    )
    if first.is_leaf:
        return (
            f"{differs}: {between} adds the second call to its old gradient instead of "
            "resetting it, and passes on twice its gradient."
        )
    if between:
        return (
            f"The second call starts again at the output but adds to the old {symbol} "
            f"instead of resetting it, and so does {between}, which passes on twice its "
            f"gradient: {differs}, and the error carries on below {name}."
        )
    return (
        f"The second call starts again at the output but adds to the old {symbol} "
        f"instead of resetting it, so {name} passes on {num(wrong[first])} (twice "
        "its gradient) and the error carries on below it."
    )


def _recursive_order(root: Value) -> tuple[list[Value], int]:
    """micrograd's recursive topological sort; also how deep its recursion went."""
    topo: list[Value] = []
    seen: set[Value] = set()
    deepest = [0]

    def build(v: Value, depth: int) -> None:
        deepest[0] = max(deepest[0], depth)
        if v not in seen:
            seen.add(v)
            for p in v.parents:
                build(p, depth + 1)
            topo.append(v)

    try:
        build(root, 1)
    except RecursionError:
        raise _TooDeep(deepest[0]) from None
    return topo, deepest[0]


class _TooDeep(Exception):
    def __init__(self, depth: int) -> None:
        super().__init__(depth)
        self.depth = depth


def _depth_reached(root: Value) -> int:
    """How deep the recursive sort of ``root`` gets before RecursionError (0: it finishes).

    Run in a thread of its own, whose stack starts empty, so the depth does not depend
    on how deep the caller already is (a test runner, a notebook, the command line).
    """
    depth = [0]

    def attempt() -> None:
        try:
            _recursive_order(root)
        except _TooDeep as e:
            depth[0] = e.depth

    worker = threading.Thread(target=attempt)
    worker.start()
    worker.join()
    return depth[0]


def _recursion(root: Value) -> Mistake:
    ex = explain(root)
    name = delimited(ex.names[root])
    backward = list(reversed(ex.order))
    right = {v: ex.grads[v] for v in backward}
    own = _depth_reached(root)
    if own:  # the learner's own graph is already too deep for the recursive sort
        note = f"{name} itself is deeper than the recursive sort can go."
        depth, nodes = own, len(ex.order)
    else:
        links = 2 * sys.getrecursionlimit()
        with enable_grad():  # the chain must be a graph even inside no_grad()
            deep = root
            for _ in range(links):  # + 0 leaves every gradient as it was: ∂deep/∂x = ∂f/∂x
                deep = deep + 0.0
        depth = _depth_reached(deep)
        nodes = len(topological_order(deep))  # iterative: no limit but memory
        right_deep = explain(deep).grads
        right = {v: right_deep[v] for v in backward}
        note = (
            f"On {name} itself the recursive sort works: it recurses "
            f"{_recursive_order(root)[1]} calls deep. The chain {name} + 0 + 0 + … ({links} "
            f"more nodes, {nodes} in all) has the same gradients, and is as deep as a small "
            "network unrolled over a long sequence."
        )
    why = (
        f"The recursive sort needs one Python call per level of the graph and stopped with "
        f"RecursionError at depth {depth} (Python's limit is {sys.getrecursionlimit()}); this "
        f"engine's topological order is iterative and sorted all {nodes} nodes."
    )
    return Mistake("recursion", root, ex.names, backward, right, {}, None, why, depth, note)
