"""The expression language of the ``autograd`` command: a safe subset of Python arithmetic.

Grammar (one line of text)::

    program    := [NAME "=" expression ";"]... [NAME "="] expression
    expression := numbers, names, + - * / **, unary - and +, parentheses,
                  and calls of one argument to exp log sqrt sin cos tanh sigmoid relu
    number     := decimal digits 0-9 with an optional fraction and exponent:
                  3, 0.5, .5, 1e-3 (no 0x10, 1_000, 1j; the same for --at values)
    NAME       := a Python identifier (Unicode letters allowed, compared after NFKC
                  normalisation, as Python does)

``n = w*x + b; o = tanh(n)`` names the intermediate node ``n`` and the output
``o``: the last statement is the output, and each named node must be used
later. There are no comments (``#``), strings, comparisons or conditionals.
``^`` and ``2x`` are refused with a hint (``**``, ``2*x``).

The text is parsed with `ast` and the tree is walked against a whitelist of
node types; it is never evaluated by Python (no eval, no exec, no compile), so
``__import__('os').system(...)`` is just a rejected attribute access. Length
and nesting are checked *before* `ast.parse`, whose recursive parser could
otherwise exhaust the C stack; the walk itself is iterative. Every rejection
is an `ExpressionError` carrying the 1-based column of the problem.

Names become leaf Values labelled with the name (one Value per name, so
``x * x`` uses the same ``x`` twice); numbers become constants folded into the
operation that uses them, as the engine does for ``x * 2``. Constant
subexpressions (``2 ** 10``) are computed with the engine's own float rules,
so ``10 ** 10 ** 10`` is a clear overflow error and never a huge integer.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from autograd.core.engine import Value
from autograd.core.notation import printable
from autograd.core.ops import OPS

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "parse",
    "parse_number",
]

FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu")
MAX_LENGTH = 1000  # characters
MAX_DEPTH = 50  # nested parentheses

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# On Values (at least one side), the engine's operators record the graph.
_ARITHMETIC: dict[str, Callable[[Any, Any], Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
# A number as the language writes it: ASCII decimal digits, optional fraction and exponent.
_DECIMAL = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Operators Python has and the language has not, with what to write instead.
_OTHER_OPERATORS: dict[type[ast.operator], tuple[str, str]] = {
    ast.BitXor: ("^", "; use ** for powers, e.g. x**2"),
    ast.FloorDiv: ("//", "; use / for division"),
    ast.Mod: ("%", ""),
    ast.MatMult: ("@", ""),
    ast.BitOr: ("|", ""),
    ast.BitAnd: ("&", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
}
# A number written against a name, ``2x``: Python's "invalid decimal literal".
_JUXTAPOSED = re.compile(r"(?<![\w.])([0-9]+\.?[0-9]*)([^\W\d]\w*)")
_ALLOWED = "numbers, names, + - * / **, parentheses and the functions " + ", ".join(FUNCTIONS)

# What a rejected construct is called in the error message.
_NOT_ALLOWED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "a subscript",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "a conditional expression",
    ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "an f-string",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.Starred: "a starred argument",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}


class ExpressionError(ValueError):
    """An expression the language rejects, with the 1-based ``column`` of the problem."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        where = f"column {self.column}: " if self.column is not None else ""
        return f"{where}{self.message}"


def _lead(text: str) -> int:
    """How many blanks start ``text``: `ast.parse` refuses them ("unexpected indent")."""
    return len(text) - len(text.lstrip())


def _column(text: str, node: ast.AST, end: bool = False) -> int:
    """The 1-based column in ``text`` of ``node`` (or just after its end).

    ``ast`` counts UTF-8 bytes from 0 in the text without its leading blanks.
    """
    offset = getattr(node, "end_col_offset" if end else "col_offset", 0) or 0
    source = text.lstrip().encode("utf-8")
    return _lead(text) + len(source[:offset].decode("utf-8", errors="ignore")) + 1


def _operator_column(text: str, node: ast.BinOp) -> int:
    """The column of a binary operator: the first non-blank after the left operand."""
    col = _column(text, node.left, end=True)
    while col <= len(text) and text[col - 1] in " )":
        col += 1
    return col


def _precheck(text: str) -> None:
    """Characters, bracket depth and length, on the raw text, before `ast.parse` sees it.

    Depth is checked first (within the first MAX_LENGTH + 1 characters) so that
    deep nesting is reported as such even when the text is also too long.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be a str, got {type(text).__name__}")
    depth = 0
    for i, ch in enumerate(text[: MAX_LENGTH + 1], start=1):
        if not ch.isprintable():
            raise ExpressionError(f"character {ch!r} is not allowed (one line of text)", i)
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(
                    f"the expression is nested too deeply (more than {MAX_DEPTH} brackets)", i
                )
        elif ch in ")]}":
            depth -= 1
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            MAX_LENGTH + 1,
        )
    if not text.strip():
        raise ExpressionError("the expression is empty", 1)
    if "#" in text:
        at = text.index("#")
        copied = re.match(r"#[1-9][0-9]*", text[at:])
        if copied:  # a listing's name for a node left unnamed (autograd.core.notation)
            raise ExpressionError(
                f"{copied.group()} is how a listing calls a node you did not name, not a "
                "name you can type; name the node yourself (n = x*y; f = n + 1)",
                at + 1,
            )
        raise ExpressionError("'#' is not allowed: the language has no comments", at + 1)


def parse_number(text: str) -> float:
    """A number of the language (``3``, ``-0.5``, ``1e-3``), for ``--at`` values.

    Raises ValueError, naming the text shortened, for anything else: the same
    grammar as numbers in an expression (no ``1_000``, ``0x10``, ``inf``, ``１``).
    """
    body = text.strip()
    if body[:1] in "+-":
        body = body[1:]
    if not _DECIMAL.fullmatch(body):
        raise ValueError(
            f"{printable(text)!r} is not a number (write digits 0-9, like 1.5, -2 or 1e-3)"
        )
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{printable(text)!r} is beyond the float range")
    return value


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its syntax tree and the names it uses (in order).

    ``tree`` is the last statement's expression, the output; ``named`` are the
    statements before it, ``(name, expression)``, and ``output`` the output's
    name when the last statement is ``name = ...``. ``names`` are the names that
    need a value (the inputs), not the named nodes.
    """

    text: str
    tree: ast.expr
    names: tuple[str, ...]
    named: tuple[tuple[str, ast.expr], ...] = ()
    output: str | None = None

    def build(self, values: Mapping[str, float]) -> Value:
        """The graph of the expression with each name bound to ``values[name]``.

        Raises `ExpressionError` for a name without a value, or an operation
        the engine refuses at these values (log of a negative number, an
        overflow), pointing at the column of the operation.
        """
        bound = {unicodedata.normalize("NFKC", k): v for k, v in values.items()}
        # The leaves first, in order of appearance, so a listing shows the inputs first.
        leaves = {
            name: Value(float(bound[name]), label=name) for name in self.names if name in bound
        }
        statements = [*self.named, (self.output, self.tree)]
        out: Value | float = 0.0
        for name, tree in statements:
            out = self._run(tree, bound, leaves)
            if name is None:
                continue
            if not isinstance(out, Value) or out.label:
                what = "a constant" if not isinstance(out, Value) else f"already {out.label!r}"
                raise ExpressionError(
                    f"{printable(name)} = {_excerpt(self.text, tree)} is {what}: "
                    "name only a computed node (write constants inline, inputs with --at)",
                    _column(self.text, tree),
                )
            out.label = name
            leaves[name] = out
        return out if isinstance(out, Value) else Value(out)

    def _run(
        self, tree: ast.expr, bound: Mapping[str, float], leaves: dict[str, Value]
    ) -> Value | float:
        """One expression's value, by a post-order walk with an explicit stack."""
        stack: list[tuple[ast.expr, bool]] = [(tree, False)]
        results: list[Value | float] = []
        while stack:
            node, ready = stack.pop()
            if not ready:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(_children(node)))
                continue
            try:
                results.append(self._evaluate(node, results, bound, leaves))
            except ExpressionError:
                raise
            except (ArithmeticError, ValueError, TypeError) as e:
                col = (
                    _operator_column(self.text, node)
                    if isinstance(node, ast.BinOp)
                    else _column(self.text, node)
                )
                raise ExpressionError(str(e), col) from None
        (out,) = results
        return out

    def _evaluate(
        self,
        node: ast.expr,
        results: list[Value | float],
        bound: Mapping[str, float],
        leaves: dict[str, Value],
    ) -> Value | float:
        """Pop ``node``'s operands from ``results`` and compute it."""
        out: Value | float
        if isinstance(node, ast.Constant):
            out = _literal_value(node.value)  # checked by parse: an int or float
        elif isinstance(node, ast.Name):
            if node.id not in leaves:
                if node.id not in bound:
                    name = printable(node.id)
                    hint = f"give one with --at {name}=NUMBER"
                    if "·" in node.id:  # Python reads x·y as one name
                        hint = f"type * instead of · to multiply ({name.replace('·', '*')})"
                    raise ExpressionError(
                        f"name {name!r} has no value; {hint}", _column(self.text, node)
                    )
                leaves[node.id] = Value(float(bound[node.id]), label=node.id)
            out = leaves[node.id]
        elif isinstance(node, ast.UnaryOp):
            a = results.pop()
            out = a if isinstance(node.op, ast.UAdd) else -a
        elif isinstance(node, ast.BinOp):
            b = results.pop()
            a = results.pop()
            symbol = _BINARY[type(node.op)]
            if isinstance(a, Value) or isinstance(b, Value):
                out = _ARITHMETIC[symbol](a, b)
            else:
                out = OPS[symbol].forward(a, b)
        else:
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            a = results.pop()
            name = node.func.id
            out = getattr(a, name)() if isinstance(a, Value) else OPS[name].forward(a)
        value = out.data if isinstance(out, Value) else out
        if not math.isfinite(value):
            col = (
                _operator_column(self.text, node)
                if isinstance(node, ast.BinOp)
                else _column(self.text, node)
            )
            raise ExpressionError(
                f"{_excerpt(self.text, node)} = {value} is not a finite number", col
            )
        return out


def _excerpt(text: str, node: ast.expr, limit: int = 40) -> str:
    """The source text of ``node``, its middle elided beyond ``limit`` characters.

    Sliced from the text, not rebuilt with `ast.unparse`: that recurses on the
    tree, and a long flat chain (``x*1*1*…*1``) is a deep tree.
    """
    segment = ast.get_source_segment(text.lstrip(), node) or "the result"
    if len(segment) <= limit:
        return segment
    head = limit * 2 // 3
    return f"{segment[:head]}…{segment[head - limit + 1 :]}"


def _children(node: ast.expr) -> list[ast.expr]:
    """The operand subtrees of an accepted node, in evaluation order."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _literal_value(v: object) -> float:
    """A number literal as a float; inf when an integer literal is beyond the float range."""
    if not isinstance(v, int | float):
        raise TypeError(f"not a number: {v!r}")
    try:
        return float(v)
    except OverflowError:
        return math.inf


def _check(text: str, node: ast.AST) -> None:
    """Reject ``node`` unless it is one of the whitelisted forms (children checked separately)."""
    col = _column(text, node)
    if isinstance(node, ast.Constant):
        v = node.value
        literal = ast.get_source_segment(text.lstrip(), node) or repr(v)
        if isinstance(v, bool) or not isinstance(v, int | float | complex):
            raise ExpressionError(
                f"only numbers are allowed as constants, got {printable(repr(v))}", col
            )
        if not _DECIMAL.fullmatch(literal):
            raise ExpressionError(
                f"number {printable(literal)} is not allowed; write numbers in decimal "
                "digits, like 16, 0.5 or 1e-3",
                col,
            )
        f = _literal_value(v)
        if not math.isfinite(f):
            raise ExpressionError(f"number {printable(literal)} is out of the float range", col)
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id!r} is a function; call it as {node.id}(...)", col)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            op = "not" if isinstance(node.op, ast.Not) else "~"
            raise ExpressionError(
                f"operator {op!r} is not allowed; the operators are + - * / **", col
            )
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            col = _operator_column(text, node)
            op, hint = _OTHER_OPERATORS.get(type(node.op), ("?", ""))
            raise ExpressionError(
                f"operator {op!r} is not allowed; the operators are + - * / **{hint}", col
            )
    elif isinstance(node, ast.Call):
        # 2(x+1) and x(x+1) are multiplications in a book: say how to write them here.
        times = ""
        if isinstance(node.func, ast.Constant | ast.Name) and len(node.args) == 1:
            head = ast.get_source_segment(text.lstrip(), node.func) or ""
            # a name only if it is also a variable here (x(x+1)), not a function (abs(x))
            used = isinstance(node.func, ast.Constant) or len(re.findall(rf"\b{head}\b", text)) > 1
            if head and used:
                times = f"; to multiply, write {printable(head)}*(…)"
        if not isinstance(node.func, ast.Name):
            _check(text, node.func)  # names the problem if it is one (``os.system(...)``)
            raise ExpressionError(
                f"only the functions {', '.join(FUNCTIONS)} can be called{times}", col
            )
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function {printable(node.func.id)!r}; "
                f"the functions are {', '.join(FUNCTIONS)}{times}",
                col,
            )
        if node.keywords or len(node.args) != 1:
            raise ExpressionError(f"{node.func.id}() takes exactly one argument", col)
    else:
        if isinstance(node, ast.Attribute | ast.Subscript):
            col = _column(text, node.value, end=True)  # at the "." or "["
        what = _NOT_ALLOWED.get(type(node), type(node).__name__)
        raise ExpressionError(f"{what} is not allowed; the language has {_ALLOWED}", col)


# Characters a learner may copy from a listing or a book, and what the language writes.
_LOOKALIKES = {"−": "-", "–": "-", "·": "*", "×": "*", "÷": "/", "²": "**2", "³": "**3"}


def _syntax(text: str) -> ast.Module:
    """``text`` parsed by `ast`, or an ExpressionError with the column and a hint."""
    try:
        # Python warns about some texts it still parses (``1if x else 2``: "invalid decimal
        # literal"); the whitelist below names what is wrong with them, so no warning is shown.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text.lstrip(), mode="exec")
    except SyntaxError as e:
        # The offset counts characters of the text without its leading blanks.
        col = (e.offset or 1) + _lead(text) if e.lineno in (None, 1) else None
        message = f"syntax error: {e.msg}"
        juxtaposed = _JUXTAPOSED.search(text)
        if "decimal literal" in e.msg and juxtaposed:
            number, name = juxtaposed.groups()
            message += f"; write {printable(number)}*{printable(name)} to multiply"
        elif e.msg.startswith("invalid character") and any(
            unicodedata.category(ch) == "Nd" and not ch.isascii() for ch in text
        ):
            message += "; write numbers with the digits 0-9"
        elif e.msg.startswith("invalid character") and any(ch in _LOOKALIKES for ch in text):
            # Copied from a listing (· × for *, ² for **2) or a book (− for -): say what to type.
            ch = next(ch for ch in text if ch in _LOOKALIKES)
            message += f"; type {_LOOKALIKES[ch]} instead of {ch}"
        elif e.msg.startswith("cannot assign") or "'=='" in e.msg:
            message += "; a statement is NAME = expression"
        raise ExpressionError(message, col) from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise ExpressionError(f"the expression cannot be parsed ({type(e).__name__})") from None


def _statements(text: str, module: ast.Module) -> list[tuple[str | None, ast.expr]]:
    """``[(name or None, expression)]``, one per statement; only the last may be unnamed."""
    out: list[tuple[str | None, ast.expr]] = []
    for i, stmt in enumerate(module.body):
        last = i == len(module.body) - 1
        if isinstance(stmt, ast.Expr) and last:
            out.append((None, stmt.value))
        elif (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            out.append((stmt.targets[0].id, stmt.value))
        elif isinstance(stmt, ast.Expr):
            raise ExpressionError(
                "only the last statement is the output; name the others: n = ...",
                _column(text, stmt),
            )
        else:
            raise ExpressionError(
                "only statements NAME = expression are allowed, separated by ';'",
                _column(text, stmt),
            )
    if not out:
        raise ExpressionError("the expression is empty", 1)
    return out


def parse(text: str) -> Expression:
    """Check ``text`` against the expression language and return it parsed.

    Raises `ExpressionError` (with a column) for anything outside the language.
    """
    _precheck(text)
    statements = _statements(text, _syntax(text))
    assigned = {name: k for k, (name, _) in enumerate(statements) if name is not None}
    names: dict[str, None] = {}
    used: set[str] = set()
    for k, (target, tree) in enumerate(statements):
        if target is not None:
            if target in FUNCTIONS:
                raise ExpressionError(f"{target!r} is a function and cannot be a name", 1)
            if assigned[target] != k:
                raise ExpressionError(f"{printable(target)!r} is named twice", 1)
        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            _check(text, node)
            if isinstance(node, ast.Name):
                if node.id in assigned and assigned[node.id] >= k:
                    raise ExpressionError(
                        f"{printable(node.id)!r} is used before it is computed",
                        _column(text, node),
                    )
                if node.id in assigned:
                    used.add(node.id)
                else:
                    names[node.id] = None
            if isinstance(node, ast.expr):
                stack.extend(reversed(_children(node)))
    for target, _ in statements[:-1]:
        if target not in used:
            raise ExpressionError(
                f"{printable(str(target))!r} is computed but never used (the last statement "
                "is the output)",
                1,
            )
    *named, (output, tree) = statements
    return Expression(
        text=text,
        tree=tree,
        names=tuple(names),
        named=tuple((str(n), t) for n, t in named),
        output=output,
    )
