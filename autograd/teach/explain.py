"""The chain rule, step by step, in words and numbers.

`explain(root)` walks the graph as `Value.backward` does, from the output back
to the leaves, and records one `Step` per node: how that node's gradient is
formed. For a node v used by the nodes c_1 … c_m (its consumers),

    ∂f/∂v = Σ_j ∂f/∂c_j · ∂(c_j's own expression)/∂v

the upstream gradient ∂f/∂c_j times the local derivative of c_j's operation
(∂(x·v)/∂v, ∂σ(v)/∂v), summed over the uses of v. For a unit's output y_i
feeding units x_j through weights w_ji this is the equation of Rumelhart,
Hinton & Williams (1986), ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji.

Notation: ∂f/∂v, with a node's name on top, is always a total gradient of the
output; a ∂ of an expression (in parentheses, or a function call) is always a
local derivative, so the two can never be the same string. Each operation's
expression and local rule come from the op table (`Op.shows`,
`Op.local_rules`), filled with the graph's names and then with the numbers; a
name that is not a plain identifier is written in brackets (`delimited`).
Printed numbers multiply out at the printed precision, exactly and not from a
tie at the last digit, or the result is marked ≈ (`prints_as`).

Gradients and user state: `explain` never reads or writes ``.grad``. It runs
its own backward pass into a dictionary, summing in exactly the order
`Value.backward` does, so its numbers equal a fresh ``backward()`` bit for bit,
and calling it before or after ``backward()``, any number of times, leaves every
``.grad`` as it was (leaf gradients accumulate across ``backward()`` calls; the
steps always show ∂root/∂node of one pass).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from autograd.core.engine import Value, topological_order
from autograd.core.graph import backward_uses, on_paths
from autograd.core.network import network_names
from autograd.core.notation import (
    as_printed,
    bracketed,
    constant,
    definition,
    delimited,
    eq_sign,
    gradient,
    node_names,
    num,
    parameter_names,
    prints_as,
    product,
    total,
)
from autograd.teach.units import UnitExplanation, explain_units

__all__ = ["Explanation", "Step", "Term", "explain"]


@dataclass(frozen=True, slots=True)
class Term:
    """One use of a node: by ``consumer``, as its operand ``position``.

    Its contribution to the node's gradient is ``upstream · local``: the
    upstream gradient ∂f/∂consumer times the local derivative of the consumer's
    own operation with respect to this operand, e.g. ∂(x·y)/∂y.
    """

    consumer: Value
    consumer_name: str
    position: int
    upstream: float
    local: float
    product: float
    symbol: str  # the local derivative: "∂(x·y)/∂y", "∂(a·a)/∂a (left a)", "∂σ(#2)/∂#2"
    formula: str  # the op table's rule in the graph's names, e.g. "f·(1 - f)"; may be ""
    worked: str  # the rule with numbers put in, e.g. "0.5744·(1 - 0.5744)"; may be ""
    upstream_symbol: str = ""  # the upstream gradient: "∂f/∂#2"
    use: str = ""  # which use this is: "by #2 = a * a, left operand"
    rule: str = ""  # the op's generic rule, shown only when it has no template (custom ops)
    local_checks: bool = True  # whether the worked numbers give the printed local as printed

    def local_text(self) -> str:
        """``∂σ(#2)/∂#2 = f·(1 - f) = 0.5744·(1 - 0.5744) = 0.2445``."""
        parts = [self.symbol]
        if self.formula:
            parts.append(self.formula)
        if self.worked and self.worked != self.formula:
            parts.append(self.worked)
        if len(parts) > 1 and parts[-1].startswith("(") and _states(parts[-1], self.local):
            parts[-1] = num(self.local)  # "(-1.000)" is the value itself: no brackets
        text = " = ".join(parts)
        if len(parts) == 1 or not _states(parts[-1], self.local):
            text += f" {eq_sign(self.local_checks)} {num(self.local)}"
        if self.rule:
            text += f" (rule: {self.rule})"
        return text

    def contribution_text(self) -> str:
        """``upstream × local = contribution`` in numbers: ``1.000 × 0.2445 = 0.2445``."""
        checks = prints_as(product(self.upstream, self.local), self.product)
        factors = f"{bracketed(self.upstream)} × {bracketed(self.local)}"
        return f"{factors} {eq_sign(checks)} {num(self.product)}"


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _states(text: str, value: float) -> bool:
    """Whether ``text`` is the number ``value`` as printed (``"1"``, ``"-1"``, ``"3.000"``)."""
    try:
        return float(text.strip("()")) == value or text.strip("()") == num(value)
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
        """``∂f/∂w``: the total gradient of the output with respect to this node."""
        return gradient(self.output, self.name)

    def headline(self) -> str:
        """``#2 = #1 + b = 0.3000`` (with the role of a leaf)."""
        name = delimited(self.name)
        if self.definition:
            return f"{name} = {self.definition} = {num(self.data)}"
        return f"{name} = {num(self.data)} ({self.kind})"

    def equation(self) -> str:
        """The chain rule for this node in symbols: ``∂f/∂x = ∂f/∂#1 · ∂(w·x)/∂x + …``."""
        if not self.terms:
            return f"{self.symbol} = 1"
        paths = [f"{t.upstream_symbol} · {t.symbol}" for t in self.terms]
        return f"{self.symbol} = {' + '.join(paths)}"

    def arithmetic(self) -> str:
        """The same with numbers: ``= 0.2445 × 0.5000 + … = 0.1222 + … = 0.1722``."""
        if not self.terms:
            return "= 1.000"
        products = " + ".join(f"{bracketed(t.upstream)} × {bracketed(t.local)}" for t in self.terms)
        if len(self.terms) == 1:
            return f"= {products} {eq_sign(self._checks())} {num(self.grad)}"
        each = all(prints_as(product(t.upstream, t.local), t.product) for t in self.terms)
        contributions = " + ".join(bracketed(t.product) for t in self.terms)
        result = f"{eq_sign(self._checks())} {num(self.grad)}"
        return f"= {products} {eq_sign(each)} {contributions} {result}"

    def _checks(self) -> bool:
        """Whether the printed contributions add (or multiply) up to the printed gradient."""
        if len(self.terms) == 1:
            t = self.terms[0]
            return prints_as(product(t.upstream, t.local), self.grad)
        return prints_as(total(t.product for t in self.terms), self.grad)

    def total_text(self) -> str:
        """``∂f/∂a = 2.000 + 2.000 = 4.000``: the gradient, the sum of the contributions."""
        if len(self.terms) == 1:
            return f"{self.symbol} = {num(self.grad)}"
        terms = " + ".join(bracketed(t.product) for t in self.terms)
        return f"{self.symbol} = {terms} {eq_sign(self._checks())} {num(self.grad)}"

    def note(self) -> str:
        """Why the step looks the way it does, in words (and why a number is inf or nan)."""
        if not self.terms:
            return "Backward starts at the output: its gradient with respect to itself is 1."
        return " ".join([self._paths_note(), *self.not_finite()])

    def _paths_note(self) -> str:
        name = delimited(self.name)
        if len(self.terms) == 1:
            return (
                f"{name} is used once (by {delimited(self.terms[0].consumer_name)}): its "
                "gradient is the upstream gradient times the local derivative."
            )
        return (
            f"{name} is used {len(self.terms)} times, so its gradient is the sum of "
            f"{len(self.terms)} contributions, each upstream gradient × local derivative "
            "(in the paper: ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji)."
        )

    def not_finite(self) -> list[str]:
        """Why a local derivative, a path or the gradient of this step is inf or nan.

        One sentence per reason; none when every number of the step is finite.
        """
        symbols = [t.symbol for t in self.terms]
        # Two consumers can have the same expression (sqrt(x) twice): then say which use.
        said = [
            s if symbols.count(s) == 1 else f"{s} ({t.use})" for s, t in zip(symbols, self.terms)
        ]
        undefined = [s for s, t in zip(said, self.terms) if math.isnan(t.local)]
        infinite = [s for s, t in zip(said, self.terms) if math.isinf(t.local)]
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
            if math.isinf(t.upstream) and t.local == 0.0:
                why.append(
                    f"{t.upstream_symbol} is {num(t.upstream)}, and inf × 0 is nan in floats."
                )
            elif not math.isfinite(t.upstream):
                why.append(
                    f"{t.upstream_symbol} is {num(t.upstream)}, so its path gives {num(t.product)}."
                )
            elif not math.isfinite(t.product):
                why.append(f"{num(t.upstream)} × {num(t.local)} overflows the float range.")
        products = [t.product for t in self.terms]
        if math.isnan(self.grad) and not any(map(math.isnan, products)):
            why.append("The paths add up inf and -inf, and inf - inf is nan in floats.")
        elif math.isinf(self.grad) and all(map(math.isfinite, products)):
            why.append("The sum over the paths overflows the float range.")
        return why

    def chain_lines(self) -> list[str]:
        """The chain rule of this step: the equation, each use's factors, the sum."""
        if not self.terms:
            return [f"{self.equation()}: backward starts here."]
        out = [self.equation()]
        for i, t in enumerate(self.terms, start=1):
            if len(self.terms) > 1:
                out.append(f"use {i} of {len(self.terms)}, {t.use}:")
            out += [
                f"  upstream gradient  {t.upstream_symbol} = {num(t.upstream)}",
                f"  local derivative   {t.local_text()}",
                f"  contribution       {t.contribution_text()}",
            ]
        out.append(self.total_text())
        return out

    def lines(self) -> list[str]:
        """The step as lines of text (without its number)."""
        return [self.headline(), *self.not_finite(), *self.chain_lines()]

    def __str__(self) -> str:
        head, *rest = self.lines()
        margin = " " * (len(str(self.number)) + 2)
        return "\n".join([f"{self.number}. {head}", *(margin + line for line in rest)])

    def as_dict(self) -> dict[str, Any]:
        """The step as plain data (JSON-ready), for notebooks and the HTML stepper."""
        return {
            "number": self.number,
            "name": self.name,
            "symbol": self.symbol,
            "kind": self.kind,
            "definition": self.definition,
            "data": self.data,
            "grad": self.grad,
            "headline": self.headline(),
            "note": self.note(),
            "equation": self.equation(),
            "arithmetic": self.arithmetic(),
            "lines": self.chain_lines(),
            "terms": [
                {
                    "consumer": t.consumer_name,
                    "position": t.position,
                    "use": t.use,
                    "upstream_symbol": t.upstream_symbol,
                    "upstream": t.upstream,
                    "local_symbol": t.symbol,
                    "local": t.local,
                    "contribution": t.product,
                    "local_text": t.local_text(),
                    "contribution_text": t.contribution_text(),
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
        shown = {v: delimited(self.names[v]) for v in self.order}
        width = max(len(shown[v]) for v in self.order)
        lines = ["Forward pass:"]
        for v in self.order:
            name = shown[v].ljust(width)
            d = definition(v, shown)
            if d:
                lines.append(f"  {name} = {d} = {num(v.data)}")
            else:
                lines.append(f"  {name} = {num(v.data)}")
        return "\n".join(lines)

    def backward_text(self) -> str:
        """The backward pass: every step."""
        return "\n\n".join([self.backward_intro(), *(str(step) for step in self.steps)])

    def backward_intro(self) -> str:
        """What the backward pass's symbols mean: ∂f/∂v a total, ∂(#1 + x)/∂#1 a local."""
        out = delimited(self.names[self.root])
        example = next((t.symbol for step in self.steps for t in step.terms), None)
        # Lines of at most about 80 characters: a listing reads in a terminal or a notebook.
        local = (
            f", while\n{example}, with one operation's own expression on top, is the local\n"
            "derivative of that operation alone"
            if example
            else ""
        )
        return (
            f"Backward pass, from {out} back to the inputs (the chain rule).\n"
            f"∂{out}/∂v is the gradient of the output {out} with respect to a node v{local}.\n"
            f"Each use of v contributes upstream gradient × local derivative;\n"
            f"∂{out}/∂v is the sum of the contributions."
        )

    def __str__(self) -> str:
        return f"{self.forward_text()}\n\n{self.backward_text()}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython and Jupyter show the listing, not the repr, for ``explain(y)`` on its own."""
        p.text(str(self))

    def __repr__(self) -> str:
        return f"<Explanation of {len(self.steps)} steps for {self.names[self.root]}>"


def _kind(v: Value, root: Value, params: set[Value]) -> str:
    if v is root:
        return "output"
    if not v.is_leaf:
        return "operation"
    return "parameter" if v in params else "input"


def _written(x: object, shown: Mapping[Value, str]) -> str:
    """An operand inside a formula: a node's delimited name, or a constant as written."""
    if isinstance(x, Value):
        return shown[x]
    c = constant(float(x))  # type: ignore[arg-type]
    return f"({c})" if c.startswith("-") else c


def _local(
    consumer: Value, position: int, local: float, shown: Mapping[Value, str]
) -> tuple[str, str, str, bool]:
    """The consumer's rule for ∂consumer/∂operand ``position``, from the op table.

    Returns the rule in names, in numbers, the generic rule (only for an op
    without a template) and whether the numbers as printed give ``local`` as printed.
    """
    op = consumer._rule
    assert op is not None
    operands = consumer.operands
    constants = {i: float(x) for i, x in enumerate(operands) if not isinstance(x, Value)}
    template = op.local_rule(position, len(operands), constants=constants)
    if template is None:
        rule = op.formulas[position] if position < len(op.formulas) else ""
        return "", "", rule, True
    by_name = template.format(*(_written(x, shown) for x in operands), out=shown[consumer])
    printed = [as_printed(x.data) if isinstance(x, Value) else float(x) for x in operands]
    at = [*printed, as_printed(consumer.data)]
    by_number = (op.local_rule(position, len(operands), at, constants) or "").format(
        *(
            bracketed(p) if isinstance(x, Value) else _written(x, shown)
            for x, p in zip(operands, printed)
        ),
        out=bracketed(as_printed(consumer.data)),
    )
    try:
        checks = prints_as(float(op.partial(position, printed, as_printed(consumer.data))), local)
    except (ArithmeticError, ValueError):
        checks = False
    return by_name, by_number, "", checks


def _use(
    consumer: Value, position: int, node: Value, shown: Mapping[Value, str]
) -> tuple[str, str]:
    """The local derivative's symbol, ∂(x·y)/∂y, and which use of ``node`` it is.

    When the consumer uses ``node`` at several positions (``a*a``) the symbol
    says which one, so that two uses never read alike.
    """
    operands = consumer.operands
    op = consumer._rule
    assert op is not None
    name = shown[node]
    symbol = f"∂{op.expression([_written(x, shown) for x in operands])}/∂{name}"
    use = f"by {shown[consumer]} = {definition(consumer, shown)}"
    if sum(x is node for x in operands) > 1:
        which = ("left", "right")[position] if len(operands) == 2 else f"operand {position + 1}"
        symbol += f" ({which} {name})"
        use += f", {which} operand"
    return symbol, use


@overload
def explain(
    root: Value,
    wrt: Value | Iterable[Value] | None = None,
    params: object = None,
    *,
    view: Literal["values"] = "values",
    case: int = 1,
) -> Explanation: ...
@overload
def explain(
    root: Value,
    wrt: Value | Iterable[Value] | None = None,
    params: object = None,
    *,
    view: Literal["neurons"],
    case: int = 1,
) -> UnitExplanation: ...
def explain(
    root: Value,
    wrt: Value | Iterable[Value] | None = None,
    params: object = None,
    *,
    view: str = "values",
    case: int = 1,
) -> Explanation | UnitExplanation:
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
        view: "values" (a step per node) or "neurons": for a net built of units
            (``nn`` layers), a `UnitExplanation`: a step per unit, in the 1986
            paper's equations (`autograd.teach.units`). A graph that is not such a
            net is a ValueError saying why.
        case: with ``view="neurons"`` and a loss over several cases, the case
            (from 1) whose steps are shown; the listing ends with the sum over cases.

    In both views the nodes of a net have the same short names (``w31``, ``y3``,
    ``x3``; `autograd.core.network`), with a key to the parameters' full names.

    Never reads or writes any ``.grad`` (see the module docstring); the
    gradients are in the steps and in ``Explanation.grads``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain: root must be a Value, got {root!r}")
    if view not in ("values", "neurons"):
        raise ValueError(f"explain: view must be 'values' or 'neurons', got {view!r}")
    if view == "values" and case != 1:
        raise ValueError(
            "explain: case chooses the case of view='neurons'; the node view shows all"
        )
    order = topological_order(root)
    named = parameter_names(params, order)
    if view == "neurons":
        if wrt is not None:
            raise ValueError("explain: wrt is for view='values'; the unit view shows every unit")
        return explain_units(root, order, named, case)
    names = node_names(order, {**named, **network_names(root, order, named)})
    shown = {v: delimited(names[v]) for v in order}  # names as formulas write them

    # The backward pass, as Value.backward does it: nodes in reverse creation order,
    # each adding upstream · local to its parents in operand order. Summing the same
    # products in the same order gives the same floats.
    grads: dict[Value, float] = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    terms: dict[Value, list[Term]] = {v: [] for v in order}
    for c, pos, p, local in backward_uses(reversed(order)):
        g = grads[c]
        product = g * local
        grads[p] += product
        symbol, use = _use(c, pos, p, shown)
        formula, worked, rule, checks = _local(c, pos, local, shown)
        terms[p].append(
            Term(
                consumer=c,
                consumer_name=names[c],
                position=pos,
                upstream=g,
                local=local,
                product=product,
                symbol=symbol,
                formula=formula,
                worked=worked,
                upstream_symbol=gradient(names[root], names[c]),
                use=use,
                rule=rule,
                local_checks=checks,
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
        keep = on_paths(order, targets)

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
                definition=definition(v, shown),
                data=v.data,
                grad=grads[v],
                terms=tuple(terms[v]),
                output=names[root],
            )
        )
    return Explanation(root, order, names, grads, steps)
