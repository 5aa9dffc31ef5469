"""The operation table: every operation's forward rule and its local derivatives.

Each `Op` states, once, how to compute its result from plain floats (``forward``)
and the partial derivative of that result with respect to each operand
(``partials``). The partial rules are written with ordinary arithmetic and the
helpers below, so the *same* rule evaluates on floats (the fast ``backward``
path) and on `Value` objects (``grad(..., create_graph=True)``, which needs
gradients that are themselves differentiable). The two paths cannot drift apart
because there is only one rule.

Every partial rule receives the operands followed by the result ``out``, so a
rule such as sigmoid's ``out * (1 - out)`` reuses the forward value instead of
recomputing it.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["LINEAR", "OPS", "Op", "fill", "shown_rule"]

# A number here is a float on the fast path and a Value on the create_graph path.
Num = Any


def _real(x: Num) -> float:
    """The float inside ``x`` (a Value's data, or ``x`` itself)."""
    return x if isinstance(x, float | int) else x.data


def _call(name: str, x: Num) -> Num:
    """``math.<name>(x)`` for a float, ``x.<name>()`` for a Value."""
    return getattr(math, name)(x) if isinstance(x, float | int) else getattr(x, name)()


def _short(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut in the middle when long (an error message stays one short line)."""
    shown = repr(text)
    return shown if len(shown) <= limit else f"{shown[: limit // 2]}…{shown[-limit // 4 :]}"


def constant(c: float) -> str:
    """A constant folded into an operation (``x * 2`` → ``2``), as the user would write it."""
    if math.isfinite(c) and c.is_integer() and abs(c) < 1e15:
        return str(int(c))
    return f"{c:.6g}"


def _fmt(x: float) -> str:
    return repr(float(x))


# -- forward rules on floats; each raises a clear error naming the op and value --


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero in '/': {_fmt(a)} / {_fmt(b)}")
    return a / b


def _pow(a: float, b: float) -> float:
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"'**': {_fmt(a)} ** {_fmt(b)} divides by zero")
    if a < 0.0 and not float(b).is_integer():
        raise ValueError(
            f"'**': negative base {_fmt(a)} to the non-integer power {_fmt(b)} is not a real number"
        )
    try:
        return float(a**b)
    except OverflowError:
        raise OverflowError(f"'**': {_fmt(a)} ** {_fmt(b)} overflows the float range") from None


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp: exp({_fmt(a)}) overflows the float range (largest input is about 709.78)"
        ) from None


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError(f"log: log({_fmt(a)}) is undefined; log needs x > 0")
    return math.log(a)


def _reciprocal(a: float) -> float:
    """1/a with the limits at zero, ±inf (IEEE's, PyTorch's): for derivative rules at the
    edge of their domain, never for a learner's '/', which refuses to divide by zero."""
    return math.copysign(math.inf, a) if a == 0.0 else 1.0 / a


def _sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError(f"sqrt: sqrt({_fmt(a)}) is undefined; sqrt needs x >= 0")
    return math.sqrt(a)


def _trig(name: str) -> Callable[[float], float]:
    fn = getattr(math, name)

    def forward(a: float) -> float:
        if math.isinf(a):
            raise ValueError(f"{name}: {name}({_fmt(a)}) is undefined")
        return float(fn(a))

    return forward


# (y − d)² outside the margin m around the target d, 0 inside (see the table entry).
_MARGIN_SQ_CODE = "0.0 if {1} - {2} < {0} < {1} + {2} else ({0} - {1}) * ({0} - {1})"

# Two branches so that exp never sees a large positive argument: both are exact
# rewrites of 1/(1+e^-a), and the second keeps full relative precision for very
# negative a (sigmoid(-30) ~ 9.36e-14), where 1 - tiny would not. Written as text
# once: the interpreter's function is made from it, and compiled code inlines it.
_SIGMOID_CODE = "1.0 / (1.0 + exp(-{0})) if {0} >= 0.0 else (_e := exp({0})) / (1.0 + _e)"
_RELU_CODE = "0.0 if {0} <= 0.0 else {0}"


def _float_rule(code: str, arity: int = 1) -> Callable[..., float]:
    """A forward rule on floats made from its code text (slots ``{0}``, ``{1}``, ...)."""
    slots = [f"_{i}" for i in range(arity)]
    body = code.format(*slots)
    return eval(f"lambda {', '.join(slots)}: {body}", {"exp": math.exp})  # type: ignore[no-any-return]


_sigmoid = _float_rule(_SIGMOID_CODE)


# -- partial-derivative rules, valid on floats and on Values --


def _pow_dbase(a: Num, b: Num, out: Num) -> Num:
    """∂(a**b)/∂a = b·a^(b−1), with the limits at a = 0 that PyTorch uses."""
    ra = _real(a)
    if ra == 0.0:
        rb = _real(b)
        # a^(b−1) has no value at a = 0 for b < 1: 0**b is constant there for b = 0
        # and infinitely steep for 0 < b < 1 (b < 0 failed in the forward rule).
        if rb == 0.0:
            return 0.0
        if rb < 1.0 and isinstance(a, float | int):
            return math.inf
        if rb < 1.0:
            # On Values: b/a^(1−b) is inf here, and its derivative the limit −inf (as in
            # PyTorch), where a constant inf would make the second derivative 0.
            return b * (a ** (1.0 - b))._reciprocal()
    if isinstance(a, float | int) and isinstance(b, float | int):
        return b * _float_pow(a, b - 1)
    return b * a ** (b - 1)


def _float_pow(a: float, e: float) -> float:
    """a**e on floats, ±inf where it overflows (as float * and / do) instead of raising."""
    try:
        return float(a**e)
    except OverflowError:
        negative = a < 0.0 and float(e).is_integer() and int(e) % 2 == 1
        return -math.inf if negative else math.inf


def _pow_dexp(a: Num, b: Num, out: Num) -> Num:
    """∂(a**b)/∂b = a^b·ln a; zero at a = 0, undefined (nan) for a < 0."""
    ra = _real(a)
    if ra > 0.0:
        return out * _call("log", a)
    return 0.0 if ra == 0.0 else math.nan


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: its name, its float forward rule and one partial rule per operand.

    For teaching (`explain`), ``shows`` writes the operation over operand slots
    (``"({0}·{1})"``) and ``local_rules`` writes each partial over the same slots
    and ``{out}``, the result (``"{out}·(1 - {out})"``): explain fills the slots
    with the graph's names, then with the numbers. Minus is ``-`` there, as everywhere
    the tools write one (`autograd.core.notation`). ``formulas`` holds each partial
    as a generic rule in words; when only ``local_rules`` is given it is that rule
    with the placeholder operands a, b (x for one operand) and result y, so the
    rule is written once.

    ``code`` and ``partial_code`` are the same rules as Python expression text over
    operand slots ``{0}``, ``{1}``, ... and the result ``{out}``, for `autograd.compile`
    to write out as source. An empty ``code`` means "call ``forward``" (how the
    domain-checked rules raise their errors in compiled code too); an empty
    ``partials`` with a ``partial_code`` means the partial rules are made FROM that
    text, so the interpreter and the generated code share one rule, and what a
    learner reads (``local_rules``, when not given) is that text in notation. Partial
    texts may call ``cos``, ``sin``, ``log`` and ``recip``, which work on floats and on
    Values.

    ``array_code`` and ``array_partial_code`` are the same rules once more, for numbers
    that are whole arrays (the tensors of `autograd.compile`'s ``backend="torch"``, one
    number per row), given only where ``code`` or ``partial_code`` cannot serve: where
    one is missing (a forward rule that raises, as log's, or a partial written as a
    function, as ``**``'s). Everywhere else the array backend runs the float texts
    themselves, each ``a if test else b`` applied row by row (``where``). Array texts are
    written like the float ones and may call ``exp``, ``log``, ``sqrt``, ``sin``, ``cos``,
    ``tanh``, ``abs`` and ``recip``, which the backend binds to its library's functions.

    ``fails_code`` is a test over the operand slots and ``{out}`` that is true wherever
    the forward rule raises (it may be true elsewhere too): machine code, which cannot
    raise the interpreter's errors, checks it after the op and hands the case back to
    the interpreter's rules (`autograd.core.native`). Empty: the rule never raises.

    Code texts are Python, run as written (in generated code and, for partial texts,
    by the interpreter): make an op only from code you trust, as you would a function.
    `autograd.compile` checks them against ``forward`` and the partial rules at the
    numbers of the op's first nodes and refuses an op whose texts disagree.
    """

    name: str
    forward: Callable[..., float]
    partials: tuple[Callable[..., Num], ...]
    formulas: tuple[str, ...] = ()
    shows: str = ""
    local_rules: tuple[str, ...] = ()
    code: str = ""
    partial_code: tuple[str, ...] = ()
    array_code: str = ""
    array_partial_code: tuple[str, ...] = ()
    fails_code: str = ""

    def __post_init__(self) -> None:
        self._check_templates()
        if not self.partials and self.partial_code:
            rules = tuple(_rule(text, len(self.partial_code)) for text in self.partial_code)
            object.__setattr__(self, "partials", rules)
        if not self.local_rules and self.partial_code:
            # What a learner reads is the text the engine runs, shown in notation.
            try:
                shown = tuple(shown_rule(text) for text in self.partial_code)
            except ValueError:  # a custom op's text beyond the notation: values alone
                shown = ()
            object.__setattr__(self, "local_rules", shown)
        if not self.formulas and self.local_rules:
            slots = ["x"] if len(self.local_rules) == 1 else list("abc"[: len(self.local_rules)])
            generic = tuple(
                f"∂{self.expression(slots)}/∂{slot} = {rule.format(*slots, out='y')}"
                for slot, rule in zip(slots, self.local_rules)
            )
            object.__setattr__(self, "formulas", generic)
        # `explain` shows formula i beside partial i: a count that does not match is a
        # mistake in the table entry (none at all is fine: explain shows the value alone).
        fixed_arity = type(self).partial is Op.partial
        if fixed_arity and self.formulas and len(self.formulas) != len(self.partials):
            raise TypeError(
                f"Op {self.name!r}: {len(self.partials)} partial rule(s) but "
                f"{len(self.formulas)} formula(s); give one formula per partial, "
                "e.g. '∂(a²)/∂a = 2a'"
            )
        if not all(isinstance(f, str) for f in self.formulas):
            raise TypeError(f"Op {self.name!r}: formulas must be strings, got {self.formulas!r}")

    def _check_templates(self) -> None:
        """Refuse, when the op is made, a template that would fail when it is shown or
        compiled (``'{x}'``, ``'{5}'`` for two operands, a lone ``'{'``)."""
        arity = len(self.partials) or len(self.partial_code) or len(self.local_rules)
        if type(self).partial is not Op.partial or not arity:
            return  # a variable number of operands (Σ), or none known: nothing to fill
        slots = [f"a{i}" for i in range(arity)]
        named = [("shows", self.shows), ("code", self.code), ("array_code", self.array_code)]
        named += [(f"local_rules[{i}]", t) for i, t in enumerate(self.local_rules)]
        named += [(f"partial_code[{i}]", t) for i, t in enumerate(self.partial_code)]
        named += [(f"array_partial_code[{i}]", t) for i, t in enumerate(self.array_partial_code)]
        for what, template in named:
            if not isinstance(template, str):
                raise TypeError(f"Op {self.name!r}: {what} must be a string, got {template!r}")
            try:
                template.format(*slots, out="y")
            except KeyError as e:
                problem = f"{{{_short(str(e.args[0]))[1:-1]}}} is not an operand"
            except IndexError:
                problem = f"it names an operand beyond its {arity}"
            except ValueError as e:
                problem = str(e)[0].lower() + str(e)[1:]
            else:
                continue
            operands = "{0}" if arity == 1 else f"{{0}} to {{{arity - 1}}}"
            raise ValueError(
                f"Op {self.name!r}: {what} {_short(template)} cannot be filled in: {problem}; "
                f"write operands as {operands}, the result as {{out}}, a brace as {{{{ or }}}}"
            )

    def partial(self, i: int, args: Sequence[Num], out: Num) -> Num:
        """∂out/∂args[i], evaluated on floats or on Values."""
        return self.partials[i](*args, out)

    def expression(self, operands: Sequence[str]) -> str:
        """The operation written over ``operands`` (already written): ``(x·y)``, ``tanh(n)``."""
        template = (
            self.shows or f"{self.name}({', '.join(f'{{{i}}}' for i in range(len(operands)))})"
        )
        return template.format(*operands)

    def local_rule(
        self,
        i: int,
        count: int,
        at: Sequence[float] | None = None,
        constants: Mapping[int, float] | None = None,
    ) -> str | None:
        """The template of ∂out/∂operand ``i`` of ``count``, or None when the op has none.

        With the numbers ``at`` (operands, then the result) a rule with a condition
        shows only the branch they take (see `shown_rule`). ``constants`` are the
        operands that are numbers folded into the operation, by position (x**3's 3):
        a rule may be written out for them (``**``'s is, as ``3·x²``); the slots of the
        others are filled in by the caller, as any operand's.
        """
        if i >= len(self.local_rules):
            return None
        if at is not None and self.partial_code and "if" in self.partial_code[i]:
            return shown_rule(self.partial_code[i], at)
        return self.local_rules[i]

    def forward_text(self, slots: Sequence[str]) -> str | None:
        """The forward rule as source over operand texts ``slots``; None: call ``forward``."""
        return self.code.format(*slots) if self.code else None

    def partial_text(self, i: int, slots: Sequence[str], out: str) -> str | None:
        """∂out/∂operand i as source over ``slots`` and ``out``; None: call the partial rule."""
        return self.partial_code[i].format(*slots, out=out) if self.partial_code else None

    def array_text(self, slots: Sequence[str]) -> str | None:
        """The forward rule as array source: ``array_code``, else ``code``; None: neither."""
        return self.array_code.format(*slots) if self.array_code else self.forward_text(slots)

    def array_partial_text(self, i: int, slots: Sequence[str], out: str) -> str | None:
        """∂out/∂operand i as array source: ``array_partial_code``, else ``partial_code``."""
        if self.array_partial_code:
            return self.array_partial_code[i].format(*slots, out=out)
        return self.partial_text(i, slots, out)


def _cos(x: Num) -> Num:
    return math.cos(x) if isinstance(x, float | int) else x.cos()


def _sin(x: Num) -> Num:
    return math.sin(x) if isinstance(x, float | int) else x.sin()


def _ln(x: Num) -> Num:
    return math.log(x) if isinstance(x, float | int) else x.log()


def _recip(x: Num) -> Num:
    return _reciprocal(x) if isinstance(x, float | int) else x._reciprocal()


# The names partial texts may call: each works on a float and on a Value (one call
# deep, so a rule made from text is as fast as one written as a function).
_TEXT_NAMES: dict[str, Any] = {"cos": _cos, "sin": _sin, "log": _ln, "recip": _recip}


def _parse_rule(text: str) -> ast.expr:
    """A rule text as an expression tree; slots ``{0}``, ``{out}`` become names ``_0``, ``_out``."""
    return ast.parse(text.replace("{", "_").replace("}", ""), mode="eval").body


class _OnFloats(ast.NodeTransformer):
    """Makes each comparison read floats: ``a > 0.0`` becomes ``_real(a) > 0.0``.

    A step (relu, abs, the margin) or a guard (sqrt's at 0) compares its operands; on
    the create_graph path they are Values, whose ``==`` is identity (they are graph
    nodes), and a step's slope is constant where it is defined: the comparison is on
    their numbers.
    """

    def visit_Compare(self, node: ast.Compare) -> ast.Compare:
        def real(e: ast.expr) -> ast.expr:
            return ast.Call(ast.Name("_real", ast.Load()), [e], [])

        return ast.Compare(real(node.left), node.ops, [real(c) for c in node.comparators])


def _rule(text: str, arity: int) -> Callable[..., Num]:
    """A partial rule made from its text: ``lambda _0, _1, _out: <text>``.

    The text is Python and runs as written: the table's own, or a custom op's, written
    by whoever made the op (as its functions are). Never make an op from untrusted text.
    """
    body = ast.unparse(_OnFloats().visit(_parse_rule(text)))
    slots = ", ".join([*(f"_{i}" for i in range(arity)), "_out"])
    names = {**_TEXT_NAMES, "_real": _real, "inf": math.inf}
    return eval(f"lambda {slots}: {body}", names)  # type: ignore[no-any-return]


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript(n: int) -> str:
    """``n`` (>= 0) as an exponent: ``²``, ``¹²``."""
    return str(n).translate(_SUPERSCRIPT)


# How a rule's text is shown to a learner: Python's operators as in print.
_SHOWN_OPS: dict[type, tuple[str, int]] = {  # operator → (symbol, precedence)
    ast.Add: (" + ", 1),
    ast.Sub: (" - ", 1),
    ast.Mult: ("·", 2),
    ast.Div: ("/", 2),
    ast.Pow: ("**", 4),
}
_SHOWN_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.GtE: "≥", ast.LtE: "≤", ast.Eq: "=", ast.NotEq: "≠"}
# Functions as a calculator's keys call them: its log key is log10, ln the natural log.
_SHOWN_CALLS = {"log": "ln"}


def shown_rule(text: str, at: Sequence[float] | None = None) -> str:
    """A rule's code text as a learner reads it, slots kept: ``{out} * {out}`` → ``{out}²``.

    ``·`` for ``*``, ``-`` for minus, ``x²`` for ``x * x`` and ``x ** 2``, ``1`` for
    ``1.0``, ``∞`` for ``inf``, ``ln`` for the natural ``log``, a condition as
    ``(a if test else b)``. `explain`, the compiled code's comments and the op's generic
    ``formulas`` all show this, so the rule a learner reads is the one the engine runs.
    Given the numbers ``at`` (the operands, then the result), a condition shows only the
    branch they take: ``(1 if x > 0 else 0)`` at x = 2 is ``1``.
    """
    slots = {f"_{i}": v for i, v in enumerate(at or ())}
    if at is not None:
        slots["_out"] = at[-1]

    def show(e: ast.expr, outer: int = 0) -> str:
        match e:
            case ast.Name(id=name):
                return "∞" if name == "inf" else "{" + name[1:] + "}"
            case ast.Constant(value=float(v) | int(v)):
                return repr(int(v)) if float(v).is_integer() else repr(float(v))
            case ast.UnaryOp(op=ast.USub(), operand=x):
                text, level = "-" + show(x, 3), 3
            case ast.BinOp(left=a, op=ast.Mult(), right=b) if ast.dump(a) == ast.dump(b):
                text, level = show(a, 4) + "²", 4
            case ast.BinOp(left=a, op=ast.Pow(), right=ast.Constant(value=float(n) | int(n))) if (
                float(n).is_integer() and 2 <= n < 1e15
            ):  # a power as a calculator's x² and xʸ keys take it: x³, not x**3
                text, level = show(a, 4) + _superscript(int(n)), 4
            case ast.BinOp(
                left=ast.BinOp(left=a, op=ast.Div(), right=b), op=ast.Div(), right=c
            ) if ast.dump(b) == ast.dump(c):
                text, level = show(a, 2) + "/" + show(b, 4) + "²", 2
            case ast.BinOp(left=a, op=op, right=b) if type(op) in _SHOWN_OPS:
                symbol, level = _SHOWN_OPS[type(op)]
                # a − (b − c) and a/(b·c) keep their brackets: the right side binds first.
                text = show(a, level) + symbol + show(b, level + 1)
            case ast.Call(func=ast.Name(id="recip"), args=[x]):
                text, level = "1/" + show(x, 3), 2
            case ast.Call(func=ast.Name(id=name), args=args):
                return f"{_SHOWN_CALLS.get(name, name)}({', '.join(show(x) for x in args)})"
            case ast.Compare(left=a, ops=ops, comparators=rest) if all(
                type(o) in _SHOWN_COMPARE for o in ops
            ):
                text = show(a, 1) + "".join(
                    f" {_SHOWN_COMPARE[type(o)]} {show(c, 1)}" for o, c in zip(ops, rest)
                )
                level = 0
            case ast.IfExp():
                return f"({show_if(e)})" if at is None else show_if(e)
            case _:
                raise ValueError(f"a rule text the notation cannot show: {ast.unparse(e)!r}")
        return f"({text})" if level < outer else text

    def show_if(e: ast.IfExp) -> str:
        """``a if t else b if u else c``, one pair of brackets around the whole chain."""
        if at is not None:  # the branch these numbers take
            names = {**_TEXT_NAMES, "inf": math.inf, **slots}
            taken = (
                e.body
                if eval(compile(ast.Expression(e.test), "<test>", "eval"), names)
                else e.orelse
            )
            return show_if(taken) if isinstance(taken, ast.IfExp) else show(taken)
        rest = show_if(e.orelse) if isinstance(e.orelse, ast.IfExp) else show(e.orelse)
        return f"{show(e.body)} if {show(e.test)} else {rest}"

    return show(_parse_rule(text))


_FIELD = re.compile(r"\{\{|\}\}|\{(\d+|out)\}")


def fill(template: str, operands: Sequence[str], out: str) -> str:
    """``template.format(*operands, out=out)`` in time linear in the template alone.

    ``str.format`` takes every operand as an argument: for each of a wide node's
    thousands of operands that would make writing the node quadratic.
    """
    if ":" in template or "!" in template:  # format specs: leave them to str.format
        return template.format(*operands, out=out)

    def field(m: re.Match[str]) -> str:
        key = m.group(1)
        if key is None:
            return m.group(0)[0]  # {{ or }}
        return out if key == "out" else operands[int(key)]

    return _FIELD.sub(field, template)


def linear_role(position: int, count: int) -> tuple[int, int | None]:
    """The role of operand ``position`` among the ``count`` operands of a Σ node.

    A Σ node (`autograd.linear`) holds Σ_i w_i·y_i + b as operands laid out
    (w_1..w_n, y_1..y_n, b). Returns the role, 0 for a weight, 1 for an input,
    2 for the bias (also the index of its formula in the op's ``formulas``), and
    the position of the operand it is multiplied by (y_i for w_i, w_i for y_i,
    None for b), which is its local derivative: ∂/∂w_i = y_i, ∂/∂y_i = w_i, ∂/∂b = 1.
    """
    n = (count - 1) // 2
    if position < n:
        return 0, n + position
    if position < 2 * n:
        return 1, position - n
    return 2, None


class _Linear(Op):
    """Σ_i w_i·x_i + b over operands laid out as (w_1..w_n, x_1..x_n, b).

    This is the paper's total input x_j of a unit, kept as ONE graph node:
    ∂/∂w_i = x_i, ∂/∂x_i = w_i, ∂/∂b = 1.
    """

    __slots__ = ()

    def partial(self, i: int, args: Sequence[Num], out: Num) -> Num:
        partner = linear_role(i, len(args))[1]
        return 1.0 if partner is None else args[partner]

    def expression(self, operands: Sequence[str]) -> str:
        """``(w1·y1 + w2·y2 + b)``, eliding the middle products beyond three."""
        n = (len(operands) - 1) // 2
        products = [f"{operands[i]}·{operands[n + i]}" for i in range(n)]
        if n > 3:
            products = [*products[:2], "…", products[-1]]
        return f"({' + '.join([*products, operands[-1]])})"

    def local_rule(
        self,
        i: int,
        count: int,
        at: Sequence[float] | None = None,
        constants: Mapping[int, float] | None = None,
    ) -> str | None:
        partner = linear_role(i, count)[1]
        return "1" if partner is None else f"{{{partner}}}"

    def forward_text(self, slots: Sequence[str]) -> str | None:
        n = (len(slots) - 1) // 2
        # A long + chain is as deep as it is long, past what Python's compiler can nest.
        if (
            _PLAIN_SUM and n <= _CHAIN_MAX
        ):  # b + w_1·y_1 + ... left to right: exactly what sum() computes
            return " + ".join([slots[-1], *(f"{slots[i]} * {slots[n + i]}" for i in range(n))])
        # Python >= 3.12's sum() of floats compensates rounding, and the interpreter's
        # own forward calls sum(): calling it matches either way.
        terms = "".join(f"{slots[i]} * {slots[n + i]}, " for i in range(n))
        return f"sum(({terms}), {slots[-1]})"

    def partial_text(self, i: int, slots: Sequence[str], out: str) -> str | None:
        partner = linear_role(i, len(slots))[1]
        return "1.0" if partner is None else slots[partner]


def _power_rule(e: float) -> str:
    """∂(x**e)/∂x for a number e, over the slot ``{0}``, as a learner checks it on a
    calculator: the exponent e - 1 worked out, an integer one as a power (3·x², 2·x,
    -1/x², 1), any other after ``**`` (0.5·x**(-0.5))."""
    if e in (0.0, 1.0):
        return constant(e)
    k, less = constant(e), constant(e - 1)
    if less.lstrip("-").isdigit():  # an integer exponent, written in digits
        n = int(less)
        if n == 1:
            return f"{k}·{{0}}"
        if n > 0:
            return f"{k}·{{0}}{_superscript(n)}"
        return f"{k}/{{0}}{_superscript(-n)}"
    return f"{k}·{{0}}**{f'({less})' if less.startswith('-') else less}"


class _Power(Op):
    """a**b; with a number exponent (x**3) the rule for the base is written out for that
    number (`_power_rule`): 3·x², where the general b·a**(b - 1) would read 3·x**(3 - 1)."""

    __slots__ = ()

    def local_rule(
        self,
        i: int,
        count: int,
        at: Sequence[float] | None = None,
        constants: Mapping[int, float] | None = None,
    ) -> str | None:
        if i == 0 and constants and 1 in constants:
            return _power_rule(float(constants[1]))
        return super().local_rule(i, count, at, constants)


# Whether sum() over floats adds plainly left to right (before Python 3.12 it does).
_PLAIN_SUM = sum([1e100, 1.0, -1e100]) == 0.0
_CHAIN_MAX = 64  # terms a Σ node's compiled forward writes as one + chain


def _linear_forward(*args: float) -> float:
    n = (len(args) - 1) // 2
    return sum(map(float.__mul__, args[:n], args[n : 2 * n]), args[-1])


LINEAR = _Linear(
    "Σ", _linear_forward, (), ("∂x_j/∂w_ji = y_i", "∂x_j/∂y_i = w_ji", "∂x_j/∂b_j = 1")
)

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op(
            "+",
            float.__add__,
            (),
            shows="({0} + {1})",
            code="{0} + {1}",
            partial_code=("1.0", "1.0"),
        ),
        Op(
            "-",
            float.__sub__,
            (),
            shows="({0} - {1})",
            code="{0} - {1}",
            partial_code=("1.0", "-1.0"),
        ),
        Op(
            "*",
            float.__mul__,
            (),
            shows="({0}·{1})",
            code="{0} * {1}",
            partial_code=("{1}", "{0}"),
        ),
        Op(
            "/",
            _div,
            (),
            shows="({0}/{1})",
            array_code="{0} / {1}",
            fails_code="{1} == 0.0",
            # -a/b/b is -(a/b)/b to the last bit (PyTorch's order), and shows as -a/b².
            partial_code=("1.0 / {1}", "-{0} / {1} / {1}"),
        ),
        _Power(
            "**",
            _pow,
            (_pow_dbase, _pow_dexp),
            shows="({0}**{1})",
            local_rules=("{1}·{0}**({1} - 1)", "{out}·ln({0})"),
            # The partial functions' limits at a = 0 (and nan for a < 0), as conditions.
            array_code="{0} ** {1}",
            # 0 to a negative power, a negative base to a fraction, or an overflow.
            fails_code="({0} == 0.0 and {1} < 0.0) or ({0} < 0.0 and not (isfinite({1}) and "
            "{1} == floor({1}))) or (isinf({out}) and isfinite({0}) and isfinite({1}))",
            array_partial_code=(
                "0.0 if {0} == 0.0 and {1} == 0.0 else {1} * {0} ** ({1} - 1.0)",
                "{out} * log({0}) if {0} > 0.0 else 0.0 if {0} == 0.0 else nan",
            ),
        ),
        Op(
            "neg",
            float.__neg__,
            (),
            shows="(-{0})",
            code="-{0}",
            partial_code=("-1.0",),
        ),
        Op(
            "exp",
            _exp,
            (),
            shows="exp({0})",
            array_code="exp({0})",
            fails_code="{out} == inf and {0} != inf",
            partial_code=("{out}",),
        ),
        Op(
            "log",
            _log,
            (),
            shows="log({0})",
            array_code="log({0})",
            fails_code="{0} <= 0.0",
            partial_code=("1.0 / {0}",),
        ),
        Op(
            "sqrt",
            _sqrt,
            (),
            shows="sqrt({0})",
            array_code="sqrt({0})",
            fails_code="{0} < 0.0",
            # recip: at 0 the slope is the limit inf rather than 1/0 raising, and the
            # next derivative the limit −inf (as in PyTorch).
            partial_code=("recip(2.0 * {out})",),
        ),
        Op(
            "sin",
            _trig("sin"),
            (),
            shows="sin({0})",
            array_code="sin({0})",
            fails_code="isinf({0})",
            partial_code=("cos({0})",),
        ),
        Op(
            "cos",
            _trig("cos"),
            (),
            shows="cos({0})",
            array_code="cos({0})",
            fails_code="isinf({0})",
            partial_code=("-sin({0})",),
        ),
        Op(
            "tanh",
            math.tanh,
            (),
            shows="tanh({0})",
            array_code="tanh({0})",
            partial_code=("1.0 - {out} * {out}",),
        ),
        Op(
            "sigmoid",
            _sigmoid,
            (),
            shows="σ({0})",
            code=_SIGMOID_CODE,
            partial_code=("{out} * (1.0 - {out})",),
        ),
        # relu(nan) is nan, as in PyTorch: "0 if a <= 0", not "a if a > 0". relu'(0) = 0,
        # as in PyTorch; a step is constant almost everywhere, so it is a float even on
        # the Value path (a comparison in a rule reads the floats, see `_rule`).
        Op(
            "relu",
            _float_rule(_RELU_CODE),
            (),
            shows="relu({0})",
            code=_RELU_CODE,
            partial_code=("1.0 if {0} > 0.0 else 0.0",),
        ),
        # (y − d)² outside the margin, 0 inside: the family-trees error, where a unit
        # within m of its 0/1 target counts as right. The zero is inside the op, so
        # the graph's shape does not depend on the data and it compiles.
        Op(
            "margin_sq",
            _float_rule(_MARGIN_SQ_CODE, 3),
            (),
            shows="margin²({0}, {1}, {2})",
            code=_MARGIN_SQ_CODE,
            partial_code=(
                "0.0 if {1} - {2} < {0} < {1} + {2} else 2.0 * ({0} - {1})",
                "0.0 if {1} - {2} < {0} < {1} + {2} else -2.0 * ({0} - {1})",
                "0.0",
            ),
        ),
        # sign(x), a step like relu's; 0 at x = 0, as in PyTorch.
        Op(
            "abs",
            abs,
            (),
            shows="|{0}|",
            array_code="abs({0})",
            partial_code=("1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else 0.0",),
        ),
        # 1/x with the limits at 0: only derivative rules use it (sqrt's, **'s at 0).
        Op(
            "recip",
            _reciprocal,
            (),
            shows="1/{0}",
            array_code="recip({0})",
            partial_code=("-({out} * {out})",),
        ),
        LINEAR,
    )
}
