"""The chain rule, step by step, in words and numbers.

`explain(root)` walks the graph as `Value.backward` does, from the output back
to the leaves, and records one `Step` per node: how that node's gradient is
formed. For a node v used by the nodes c_1 … c_m (its consumers),

    ∂f/∂v = Σ_j ∂f/∂c_j · ∂c_j/∂v

the upstream gradient ∂f/∂c_j times the local derivative ∂c_j/∂v, summed over
the paths from v to the output. For a unit's output y_i feeding units x_j
through weights w_ji this is the equation of Rumelhart, Hinton & Williams (1986),
∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji.

Gradients and user state: `explain` never reads or writes ``.grad``. It runs
its own backward pass into a dictionary, summing in exactly the order
`Value.backward` does, so its numbers equal a fresh ``backward()`` bit for bit,
and calling it before or after ``backward()``, any number of times, leaves every
``.grad`` as it was (leaf gradients accumulate across ``backward()`` calls; the
steps always show ∂root/∂node of one pass).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from autograd.engine import Value, topological_order
from autograd.notation import definition, node_names, num, parameter_names
from autograd.ops import linear_role

__all__ = ["Explanation", "Step", "Term", "explain"]


def _p(x: float) -> str:
    """A number inside a worked formula, in parentheses when negative."""
    s = num(x)
    return f"({s})" if s.startswith("-") else s


# Each local derivative worked out with the numbers put in, by operation and operand
# position: (operands, result) → text. The formula itself comes from the op table
# (``Op.formulas``); the number shown after it is always the engine's own.
_Worked = Callable[[Sequence[float], float], str]
_WORKED: dict[str, tuple[_Worked, ...]] = {
    "/": (lambda a, y: f"1/{_p(a[1])}", lambda a, y: f"−{_p(a[0])}/{_p(a[1])}²"),
    "**": (
        lambda a, y: f"{_p(a[1])}·{_p(a[0])}^{_p(a[1] - 1.0)}",
        lambda a, y: f"{_p(y)}·ln {_p(a[0])}",
    ),
    "exp": (lambda a, y: f"e^{_p(a[0])}",),
    "log": (lambda a, y: f"1/{_p(a[0])}",),
    "sqrt": (lambda a, y: f"1/(2·{_p(y)})",),
    "sin": (lambda a, y: f"cos {_p(a[0])}",),
    "cos": (lambda a, y: f"−sin {_p(a[0])}",),
    "tanh": (lambda a, y: f"1 − {_p(y)}²",),
    "sigmoid": (lambda a, y: f"{_p(y)}·(1 − {_p(y)})",),
    "relu": (lambda a, y: f"[{_p(a[0])} > 0]",),
}


@dataclass(frozen=True, slots=True)
class Term:
    """One path out of a node: through ``consumer``, which used it as operand ``position``.

    Its contribution to the node's gradient is ``upstream · local``
    (∂f/∂consumer · ∂consumer/∂node).
    """

    consumer: Value
    consumer_name: str
    position: int
    upstream: float
    local: float
    product: float
    symbol: str  # the local derivative's symbol: "∂n1/∂w", or "dy/dx" for a one-input consumer
    formula: str  # from the op table, e.g. "∂σ(x)/∂x = y(1 − y)"
    worked: str  # the formula with numbers put in, e.g. "0.5744·(1 − 0.5744)"; may be ""

    def local_text(self) -> str:
        """``dy/dx: ∂σ(x)/∂x = y(1 − y) = 0.5744·(1 − 0.5744) = 0.2445``."""
        parts = [self.formula]
        if self.worked:
            parts.append(self.worked)
        if not _states(parts[-1].rsplit("= ", 1)[-1], self.local):
            parts.append(num(self.local))
        return f"{self.symbol}: {' = '.join(parts)}"


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _states(text: str, value: float) -> bool:
    """Whether ``text`` is a plain number equal to ``value`` (``"1"``, ``"−1"``)."""
    try:
        return float(text.replace("−", "-")) == value
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Step:
    """How one node's gradient is formed: the sum over its ``terms`` (1 for the output)."""

    number: int  # 1-based position in the explanation
    node: Value
    name: str
    kind: str  # "output", "operation", "parameter" or "input"
    definition: str  # how the node was computed, by name ("w * x"); "" for a leaf
    data: float
    grad: float  # ∂f/∂node
    terms: tuple[Term, ...]
    output: str  # the output's name, f in ∂f/∂node

    @property
    def symbol(self) -> str:
        """``∂f/∂w``."""
        return f"∂{self.output}/∂{self.name}"

    def headline(self) -> str:
        """``n2 = n1 + b = 0.3000`` (with the role of a leaf)."""
        if self.definition:
            return f"{self.name} = {self.definition} = {num(self.data)}"
        return f"{self.name} = {num(self.data)} ({self.kind})"

    def equation(self) -> str:
        """The chain rule for this node in symbols: ``∂f/∂x = ∂f/∂n1 · ∂n1/∂x + …``."""
        if not self.terms:
            return f"{self.symbol} = 1"
        paths = [f"∂{self.output}/∂{t.consumer_name} · {t.symbol}" for t in self.terms]
        return f"{self.symbol} = {' + '.join(paths)}"

    def arithmetic(self) -> str:
        """The same with numbers: ``= 0.2445 × 0.5000 + … = 0.1222 + … = 0.1722``."""
        if not self.terms:
            return "= 1.000"
        products = [f"{_p(t.upstream)} × {_p(t.local)}" for t in self.terms]
        parts = [" + ".join(products)]
        if len(self.terms) > 1:
            parts.append(" + ".join(_p(t.product) for t in self.terms))
        parts.append(num(self.grad))
        return "= " + " = ".join(parts)

    def note(self) -> str:
        """Why the step looks the way it does, in words (and why a number is inf or nan)."""
        if not self.terms:
            return "Backward starts at the output: its gradient with respect to itself is 1."
        return " ".join([self._paths_note(), *self.not_finite()])

    def _paths_note(self) -> str:
        if len(self.terms) == 1:
            return (
                f"{self.name} is used once (by {self.terms[0].consumer_name}): its gradient is "
                "the upstream gradient times the local derivative."
            )
        return (
            f"{self.name} is used {len(self.terms)} times, so its gradient is the sum over "
            "those paths (in the paper: ∂E/∂y_i = Σ_j ∂E/∂x_j · ∂x_j/∂y_i)."
        )

    def not_finite(self) -> list[str]:
        """Why a local derivative, a path or the gradient of this step is inf or nan.

        One sentence per reason; none when every number of the step is finite.
        """
        undefined = [t.symbol for t in self.terms if math.isnan(t.local)]
        infinite = [t.symbol for t in self.terms if math.isinf(t.local)]
        why: list[str] = []
        if undefined:
            why.append(
                f"{_and(undefined)} {'is' if len(undefined) == 1 else 'are'} nan: the "
                "derivative is undefined at these values (PyTorch gives nan too)."
            )
        if infinite:
            why.append(
                f"{_and(infinite)} {'is' if len(infinite) == 1 else 'are'} infinite: the "
                "function is vertical here, or its slope is too big for a float "
                "(PyTorch gives inf too)."
            )
        for t in self.terms:
            if not math.isfinite(t.local):
                continue  # said above
            upstream = f"∂{self.output}/∂{t.consumer_name}"
            if math.isinf(t.upstream) and t.local == 0.0:
                why.append(f"{upstream} is {num(t.upstream)}, and inf × 0 is nan in floats.")
            elif not math.isfinite(t.upstream):
                why.append(f"{upstream} is {num(t.upstream)}, so its path gives {num(t.product)}.")
            elif not math.isfinite(t.product):
                why.append(f"{num(t.upstream)} × {num(t.local)} overflows the float range.")
        products = [t.product for t in self.terms]
        if math.isnan(self.grad) and not any(map(math.isnan, products)):
            why.append("The paths add up inf and −inf, and inf − inf is nan in floats.")
        elif math.isinf(self.grad) and all(map(math.isfinite, products)):
            why.append("The sum over the paths overflows the float range.")
        return why

    def lines(self) -> list[str]:
        """The step as lines of text (without its number)."""
        if not self.terms:
            return [self.headline(), f"{self.equation()}: backward starts here."]
        out = [self.headline()]
        if len(self.terms) > 1:
            out.append(self._paths_note())
        out += self.not_finite()
        out += [self.equation(), " " * len(self.symbol) + " " + self.arithmetic()]
        for i, t in enumerate(self.terms):
            out.append(f"{'  where' if i == 0 else '       '} {t.local_text()}")
        return out

    def __str__(self) -> str:
        head, *rest = self.lines()
        return "\n".join([f"{self.number}. {head}", *("   " + line for line in rest)])

    def as_dict(self) -> dict[str, Any]:
        """The step as plain data (JSON-ready), for notebooks and the HTML stepper."""
        return {
            "number": self.number,
            "name": self.name,
            "kind": self.kind,
            "definition": self.definition,
            "data": self.data,
            "grad": self.grad,
            "headline": self.headline(),
            "note": self.note(),
            "equation": self.equation(),
            "arithmetic": self.arithmetic(),
            "terms": [
                {
                    "consumer": t.consumer_name,
                    "position": t.position,
                    "upstream": t.upstream,
                    "local": t.local,
                    "product": t.product,
                    "local_text": t.local_text(),
                }
                for t in self.terms
            ],
        }


class Explanation(Sequence[Step]):
    """The steps of one backward pass, in the order backward visits the nodes.

    A sequence of `Step` (index it, iterate it); ``str()`` is a terminal listing
    of the forward values and then the steps. ``grads`` maps every node of the
    graph to ∂root/∂node; ``names`` gives each node's display name.
    """

    def __init__(
        self,
        root: Value,
        order: list[Value],
        names: dict[Value, str],
        grads: dict[Value, float],
        steps: list[Step],
    ) -> None:
        self.root = root
        self.order = order
        self.names = names
        self.grads = grads
        self.steps = steps

    @overload
    def __getitem__(self, i: int) -> Step: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Step]: ...
    def __getitem__(self, i: int | slice) -> Step | Sequence[Step]:
        return self.steps[i]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def grad(self, v: Value) -> float:
        """∂root/∂v (0.0 for a Value the root does not depend on)."""
        return self.grads.get(v, 0.0)

    def forward_text(self) -> str:
        """The forward pass: each node's value, in the order the nodes were made."""
        width = max(len(self.names[v]) for v in self.order)
        lines = ["Forward pass:"]
        for v in self.order:
            name = self.names[v].ljust(width)
            d = definition(v, self.names)
            if d:
                lines.append(f"  {name} = {d} = {num(v.data)}")
            else:
                lines.append(f"  {name} = {num(v.data)}")
        return "\n".join(lines)

    def backward_text(self) -> str:
        """The backward pass: every step."""
        out = self.names[self.root]
        lines = [f"Backward pass (chain rule, from {out} back to the inputs, ∂{out}/∂node):"]
        lines += [str(step) for step in self.steps]
        return "\n\n".join(lines)

    def __str__(self) -> str:
        return f"{self.forward_text()}\n\n{self.backward_text()}"

    def __repr__(self) -> str:
        return f"<Explanation of {len(self.steps)} steps for {self.names[self.root]}>"


def _kind(v: Value, root: Value, params: set[Value]) -> str:
    if v is root:
        return "output"
    if not v.is_leaf:
        return "operation"
    return "parameter" if v in params else "input"


def _formula(consumer: Value, position: int) -> str:
    op = consumer._op
    assert op is not None
    if op.name == "Σ":  # one formula per role: weight, input, bias
        return op.formulas[linear_role(position, len(consumer.operands))[0]]
    return op.formulas[position]


def _other_operand(consumer: Value, position: int) -> object:
    """For ``*`` and ``Σ``, the operand that is the local derivative (∂(ab)/∂a = b); else None."""
    operands = consumer.operands
    if consumer.op == "*":
        return operands[1 - position]
    if consumer.op == "Σ":
        partner = linear_role(position, len(operands))[1]  # ∂x_j/∂w_ji = y_i, ∂x_j/∂y_i = w_ji
        return None if partner is None else operands[partner]
    return None


def _worked(consumer: Value, position: int, names: dict[Value, str]) -> str:
    """The local derivative's formula with names or numbers put in ("" when nothing to add)."""
    if consumer.op in ("*", "Σ"):
        other = _other_operand(consumer, position)
        return names[other] if isinstance(other, Value) else ""
    rules = _WORKED.get(consumer.op)
    if rules is None:
        return ""
    values = [x.data if isinstance(x, Value) else float(x) for x in consumer.operands]
    return rules[position](values, consumer.data)


def explain(
    root: Value, wrt: Value | Iterable[Value] | None = None, params: object = None
) -> Explanation:
    """The backward pass of ``root``, one `Step` per node, in the order backward visits them.

    Each step gives the node's gradient ∂root/∂node as the chain rule forms it:
    for each node c that used it, the upstream gradient ∂root/∂c times the local
    derivative ∂c/∂node (formula, worked numbers and value), summed over all
    such paths. The root's own step is ∂root/∂root = 1.

    Args:
        root: the output to differentiate.
        wrt: a Value or Values of interest: keep only the steps on the paths from
            them to ``root`` (what a learner needs to see for ∂root/∂wrt).
        params: which leaves are parameters (see `autograd.draw_graph`); only
            changes how leaves are described.

    Never reads or writes any ``.grad`` (see the module docstring); the
    gradients are in the steps and in ``Explanation.grads``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain: root must be a Value, got {root!r}")
    order = topological_order(root)
    named = parameter_names(params, order)
    names = node_names(order, named)

    # The backward pass, as Value.backward does it: nodes in reverse creation order,
    # each adding upstream · local to its parents in operand order. Summing the same
    # products in the same order gives the same floats.
    grads: dict[Value, float] = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    terms: dict[Value, list[Term]] = {v: [] for v in order}
    for c in reversed(order):
        if c.is_leaf:
            continue
        g = grads[c]
        positions = [i for i, x in enumerate(c.operands) if isinstance(x, Value)]
        one_input = len(positions) == 1
        for p, d, pos in zip(c.parents, c.local_grads, positions):
            local = float(d)
            product = g * local
            grads[p] += product
            symbol = f"d{names[c]}/d{names[p]}" if one_input else f"∂{names[c]}/∂{names[p]}"
            terms[p].append(
                Term(
                    consumer=c,
                    consumer_name=names[c],
                    position=pos,
                    upstream=g,
                    local=local,
                    product=product,
                    symbol=symbol,
                    formula=_formula(c, pos),
                    worked=_worked(c, pos, names),
                )
            )

    keep: set[Value] | None = None
    if wrt is not None:
        targets = {wrt} if isinstance(wrt, Value) else set(wrt)
        missing = [t for t in targets if t not in grads]
        if missing:
            raise ValueError(
                f"explain: wrt {missing[0]!r} is not part of the graph of the root, "
                "so the root does not depend on it"
            )
        # The nodes on a path from a target to the root: those that depend on a target.
        keep = set()
        for v in order:
            if v in targets or any(p in keep for p in v.parents):
                keep.add(v)

    params_set = set(named)
    steps: list[Step] = []
    for v in reversed(order):
        if keep is not None and v not in keep:
            continue
        steps.append(
            Step(
                number=len(steps) + 1,
                node=v,
                name=names[v],
                kind=_kind(v, root, params_set),
                definition=definition(v, names),
                data=v.data,
                grad=grads[v],
                terms=tuple(terms[v]),
                output=names[root],
            )
        )
    return Explanation(root, order, names, grads, steps)
