"""The lessons a teacher hands out: six notebooks, each in two versions, from one description.

    .venv/bin/python tools/make_lessons.py           # write docs/lessons/ (runs the solutions)
    .venv/bin/python tools/make_lessons.py --check   # exit 1 if a stored notebook has drifted

Each lesson below is a list of cells: markdown, code, and exercises. An exercise is one
code cell, tagged ``exercise`` in its metadata, whose first line is the learner's answer
and whose last line checks it with the library (`autograd.Exercises`, `check_slope`,
`check_number`): the same judgement and hints as ``autograd practice``. In
``docs/lessons/NN-name.ipynb`` that line is ``answer = ...``; in
``docs/lessons/solutions/NN-name.ipynb`` it is the worked answer, and the solutions are
stored with their outputs (run here by nbclient, with nothing volatile kept: no timing,
fixed cell ids, no Python version), so a docs site shows real outputs. Each exercise also
names a classic wrong answer and the kind of hint it gets, for the tests
(``tests/test_lessons.py``), which run every notebook.

The notebooks import ``autograd`` and ``nn`` only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "docs" / "lessons"
SOLUTIONS = LESSONS / "solutions"
TAG = "exercise"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


@dataclass(frozen=True)
class Md:
    text: str


@dataclass(frozen=True)
class Code:
    source: str


@dataclass(frozen=True)
class Exercise:
    """One exercise: a markdown prompt, then a cell ``answer = …`` and the line checking it.

    ``answer`` is the worked answer (a Python expression, its comment saying how);
    ``slip`` a classic wrong answer and ``kind`` the `Verdict.kind` it must get; ``hint``,
    for a `check_number` exercise, a name the notebook defines holding the slip's hint.
    """

    prompt: str
    what: str  # what the answer is, for the placeholder's comment: "∂o/∂w1"
    answer: str
    check: str
    slip: str
    kind: str
    hint: str = ""

    def source(self, answer: str | None) -> str:
        """The cell: with ``answer`` (a Python expression), or the placeholder."""
        first = f"answer = {answer}" if answer is not None else f"answer = ...  # {self.what}"
        return f"{first}\n{self.check}"


Cell = Md | Code | Exercise


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's name: "01-nudging"
    title: str
    cells: tuple[Cell, ...]

    @property
    def exercises(self) -> list[Exercise]:
        return [c for c in self.cells if isinstance(c, Exercise)]


HOW_TO = (
    "**How to use this notebook.** Run the cells from the top (Shift+Enter). In each "
    "exercise cell, replace the `...` after `answer =` with your answer, a number or a "
    "Python expression that computes it, and run the cell: the library says whether it "
    "is right (within 1%) or, if not, gives a hint. Try again as often as you like."
)
SOLVED = (
    "**Solutions.** The teacher's copy: every exercise answered and worked, every cell run. "
    "The exercises' version is `{name}.ipynb`, one folder up."
)


def text(*lines: str) -> str:
    """Markdown from lines: one line per paragraph in the source, blank lines between."""
    return "\n\n".join(lines)


NUDGING = Lesson(
    "01-nudging",
    "a derivative by nudging",
    (
        Md(
            text(
                "A derivative answers one question: *if I nudge the input a little, how much "
                "does the output move, for each unit of nudge?* You can find it with no "
                "calculus at all: move x by a small step h, see how much f changes, and "
                "divide by h.",
                "In this lesson you estimate derivatives by nudging, see how good the "
                "estimates are, and then meet the exact answer that backpropagation gives.",
            )
        ),
        Code(
            "from autograd import Value, check_slope\n\n\n"
            "def f(x):\n"
            "    return x**3 - 2 * x\n\n\n"
            "f(2.0)"
        ),
        Md(
            text(
                "## Nudging",
                "At x = 2, f is 4. Nudge x up by h = 0.001 and f moves to f(2.001). The slope "
                "of f at 2, its derivative there, is about",
                "```text\n(f(x + h) - f(x)) / h\n```",
                "the change in f divided by the change in x.",
            )
        ),
        Exercise(
            "Estimate the slope of f at x = 2 with h = 0.001. You may type a Python "
            "expression that uses `f`.",
            "the slope of f at x = 2",
            "(f(2.0 + 0.001) - f(2.0)) / 0.001  # the change in f, divided by the nudge",
            "check_slope(answer, f, 2.0)",
            slip="f(2.0 + 0.001) - f(2.0)",
            kind="change",
        ),
        Md(
            text(
                "## How good is the estimate?",
                "The slope of x³ - 2x is 3x² - 2, which is exactly 10 at x = 2. A nudge "
                "forward overshoots a little, because the curve bends within the nudge. "
                "Nudging both ways, the *central difference*",
                "```text\n(f(x + h) - f(x - h)) / 2h\n```",
                "cancels most of that bend:",
            )
        ),
        Code(
            "for h in [0.1, 0.01, 0.001, 0.0001]:\n"
            "    forward = (f(2.0 + h) - f(2.0)) / h\n"
            "    central = (f(2.0 + h) - f(2.0 - h)) / (2 * h)\n"
            '    print(f"h = {h:<6}  forward: {forward:.6f}   central: {central:.6f}")'
        ),
        Md(
            "Each time h shrinks tenfold, the forward estimate's error shrinks tenfold, and the "
            "central one's a hundredfold. (Too small an h brings the opposite trouble: f(x + h) "
            "and f(x) then agree in almost every digit, and their difference is mostly "
            "rounding.)"
        ),
        Exercise(
            "Estimate the slope of f at x = 0 with the central difference and h = 0.001. "
            "Which way does f go at 0?",
            "the slope of f at x = 0",
            "(f(0.0 + 0.001) - f(0.0 - 0.001)) / (2 * 0.001)  # f goes down there: the slope "
            "is negative",
            "check_slope(answer, f, 0.0)",
            slip="(f(0.0 + 0.001) - f(0.0 - 0.001)) / 0.001",
            kind="double",
        ),
        Md(
            text(
                "## One input at a time",
                "A function of several inputs has a slope along each of them: nudge one and "
                "hold the others still. That is a *partial derivative*, written ∂g/∂b.",
            )
        ),
        Code("def g(a, b):\n    return a * b + b**2\n\n\ng(3.0, 2.0)"),
        Exercise(
            "How much does g change per unit of b at a = 3, b = 2, with a held still? "
            "Nudge b only.",
            "∂g/∂b at a = 3, b = 2",
            "(g(3.0, 2.0 + 0.001) - g(3.0, 2.0 - 0.001)) / (2 * 0.001)  # exactly a + 2b = 7",
            "check_slope(answer, lambda b: g(3.0, b), 2.0)",
            slip="g(3.0, 2.0 + 0.001)",
            kind="value",
        ),
        Md(
            text(
                "## The exact answer: backpropagation",
                "A `Value` remembers how it was computed, so `backward()` can work out every "
                "slope exactly, all at once, by the chain rule (Lesson 2 shows how). The "
                "same `f` and `g` work on Values:",
            )
        ),
        Code('x = Value(2.0, label="x")\ny = f(x)\ny.backward()\nx.grad'),
        Code(
            'a, b = Value(3.0, label="a"), Value(2.0, label="b")\n'
            "out = g(a, b)\n"
            "out.backward()\n"
            "a.grad, b.grad"
        ),
        Md(
            text(
                "Nudging needs two runs of f for every input, and is only approximate; "
                "backpropagation gives the exact slope for every input in one backward pass. "
                "That is why networks with millions of weights are trained with it. Nudging "
                "still has a job: checking that backpropagation is right (the *nudge test*, "
                "in Lesson 2).",
                "**What to remember.** A derivative is the change in the output per unit "
                "change of one input. Divide by the nudge; nudge both ways for a better "
                "estimate; nudge one input at a time.",
            )
        ),
    ),
)

CHAIN_RULE = Lesson(
    "02-chain-rule",
    "the chain rule, step by step",
    (
        Md(
            "Backpropagation is the chain rule, applied one node at a time, from the output "
            "back to the inputs. This lesson follows it on one small expression, the first "
            "one of Andrej Karpathy's micrograd lecture, and you work out some of the steps "
            "yourself."
        ),
        Code(
            "from autograd import Exercises, Value, explain, nudge_test\n\n"
            'a = Value(2.0, label="a")\n'
            'b = Value(-3.0, label="b")\n'
            'c = Value(10.0, label="c")\n'
            "e = a * b\n"
            'e.label = "e"\n'
            "d = e + c\n"
            'd.label = "d"\n'
            'f = Value(-2.0, label="f")\n'
            "L = d * f\n"
            'L.label = "L"\n'
            "L"
        ),
        Md(
            text(
                "## Two kinds of derivative",
                "Every node v has a **gradient** ∂L/∂v: how much L moves per unit nudge of "
                "v. The chain rule builds it from two pieces:",
                "- the **local derivative** of one operation on its own: for d = e + c, "
                "∂(e + c)/∂c = 1; for L = d·f, ∂(d·f)/∂d = f;\n"
                "- the **upstream gradient** of the node that used v: ∂L/∂d, for d's "
                "operands e and c.",
                "Each use of v contributes *upstream gradient × local derivative*, and ∂L/∂v "
                "is the sum of the contributions. Backward starts at the output, with "
                "∂L/∂L = 1.",
                "`Exercises` lists the numbers to work out, in the order backward finds them:",
            )
        ),
        Code("ex = Exercises(L)\nex"),
        Exercise(
            "Question 3: the local derivative ∂(d·f)/∂d. How much does d·f change per unit of d?",
            "∂(d·f)/∂d",
            "f.data  # ∂(d·f)/∂d = f = -2",
            "ex.check(3, answer)",
            slip="d.data",
            kind="local",
        ),
        Exercise(
            "Question 8: the gradient ∂L/∂c. Multiply the upstream gradient ∂L/∂d by the "
            "local derivative ∂(e + c)/∂c.",
            "∂L/∂c",
            "-2.0 * 1.0  # ∂L/∂d · ∂(e + c)/∂c",
            "ex.check(8, answer)",
            slip="1.0",
            kind="upstream",
        ),
        Exercise(
            "Question 12: the gradient ∂L/∂a, two operations below L. You need ∂L/∂e first "
            "(question 6).",
            "∂L/∂a",
            "-2.0 * b.data  # ∂L/∂e · ∂(a·b)/∂a = (-2) × b = 6",
            "ex.check(12, answer)",
            slip="-6.0",
            kind="sign",
        ),
        Md("## The whole walk\n\n`explain` writes out every step, with its numbers:"),
        Code("explain(L)"),
        Md(
            text(
                "## Checking the chain rule by nudging",
                "The nudge of Lesson 1 checks every step: each node is nudged by ±0.00001, "
                "everything above it is computed again, and the central difference is set "
                "beside the chain rule's number:",
            )
        ),
        Code(
            "nudges = nudge_test(L)\n"
            "for nudge in nudges.values():\n"
            "    print(nudge.text())\n"
            "print(nudges.summary())"
        ),
        Md(
            text(
                "## What `backward()` does",
                "`L.backward()` makes the same walk and leaves each gradient in `.grad`:",
            )
        ),
        Code("L.backward()\n{v.label: v.grad for v in (a, b, c, e, d, f)}"),
        Md(
            "**What to remember.** Backward goes from the output to the inputs. At each node, "
            "gradient = the sum over its uses of upstream gradient × local derivative. A local "
            "derivative looks at one operation only; the upstream gradient carries everything "
            "above it."
        ),
    ),
)

NEURON = Lesson(
    "03-neuron",
    "one neuron",
    (
        Md(
            "A neuron takes inputs x1 and x2, weighs them, adds a bias and squashes the sum: "
            "o = tanh(x1·w1 + x2·w2 + b). This is the neuron of Andrej Karpathy's micrograd "
            "lecture, with his numbers and his labels; the bias is chosen so that the numbers "
            "come out round."
        ),
        Code(
            "from autograd import Exercises, Value, explain\n\n"
            "# inputs x1, x2\n"
            'x1 = Value(2.0, label="x1")\n'
            'x2 = Value(0.0, label="x2")\n'
            "# weights w1, w2\n"
            'w1 = Value(-3.0, label="w1")\n'
            'w2 = Value(1.0, label="w2")\n'
            "# bias of the neuron\n"
            'b = Value(6.8813735870195432, label="b")\n'
            "# x1*w1 + x2*w2 + b\n"
            "x1w1 = x1 * w1\n"
            'x1w1.label = "x1*w1"\n'
            "x2w2 = x2 * w2\n"
            'x2w2.label = "x2*w2"\n'
            "x1w1x2w2 = x1w1 + x2w2\n"
            'x1w1x2w2.label = "x1*w1 + x2*w2"\n'
            "n = x1w1x2w2 + b\n"
            'n.label = "n"\n'
            "o = n.tanh()\n"
            'o.label = "o"\n'
            "o"
        ),
        Md(
            text(
                "n = 0.8814 and o = tanh(n) = 0.7071, which is 1/√2. The rule for tanh is "
                "∂tanh(n)/∂n = 1 - tanh(n)² = 1 - o²: the local derivative is written with "
                "the output o, which the forward pass has already computed.",
                "In the questions, a node whose label is not a plain name is written in "
                "brackets: [x1*w1] is the node labelled x1*w1.",
            )
        ),
        Code("ex = Exercises(o)\nex"),
        Exercise(
            "Question 1: the local derivative ∂tanh(n)/∂n, at o = 0.7071.",
            "∂tanh(n)/∂n",
            "1 - o.data**2  # 1 - o² = 1 - 0.5",
            "ex.check(1, answer)",
            slip="o.data",
            kind="local",
        ),
        Exercise(
            "Question 14: ∂o/∂w1. A + node passes its gradient down unchanged (its local "
            "derivatives are 1), so ∂o/∂[x1*w1] = ∂o/∂n.",
            "∂o/∂w1",
            "0.5 * x1.data  # ∂o/∂[x1*w1] · ∂(x1·w1)/∂w1 = 0.5 × x1",
            "ex.check(14, answer)",
            slip="x1.data",
            kind="upstream",
        ),
        Exercise(
            "Question 18: ∂o/∂x1.",
            "∂o/∂x1",
            "0.5 * w1.data  # ∂o/∂[x1*w1] · ∂(x1·w1)/∂x1 = 0.5 × (-3)",
            "ex.check(18, answer)",
            slip="-0.5 * w1.data",
            kind="sign",
        ),
        Exercise(
            "Question 12: ∂o/∂w2. Look at x2 before you multiply.",
            "∂o/∂w2",
            "0.5 * x2.data  # x2 = 0: nudging w2 changes nothing",
            "ex.check(12, answer)",
            slip="0.5",
            kind="local",
        ),
        Md(
            text(
                "## The whole neuron",
                "An input that is 0 gives its weight a zero gradient: while x2 = 0, nudging w2 "
                "changes nothing, so learning leaves w2 alone for this input. Here is every "
                "step, and `backward()` agreeing with it:",
            )
        ),
        Code("explain(o)"),
        Code(
            "o.backward()\n"
            "for v in (x1, w1, x2, w2, b):\n"
            '    print(f"{v.label:>2}: data {v.data:8.4f}   grad {v.grad:8.4f}")'
        ),
        Md(
            "**What to remember.** A neuron is a small expression: products, a sum and a "
            "squashing function. A weight's gradient is the upstream gradient times the input "
            "it multiplies; an input's gradient is the upstream gradient times its weight; "
            "tanh's local derivative is 1 - o²."
        ),
    ),
)

NETWORK = Lesson(
    "04-network",
    "a 2-2-1 network in the paper's terms",
    (
        Md(
            text(
                "Rumelhart, Hinton and Williams (1986), *Learning representations by "
                "back-propagating errors*, wrote backpropagation for layers of units. Their "
                "names are still the clearest way to work a small network by hand:",
                "- units are numbered from the inputs up: here 1 and 2 are the inputs, 3 and "
                "4 the hidden units, 5 the output unit;\n"
                "- x_j is unit j's total input, y_j its output, w_ji the weight from unit i "
                "to unit j, b_j its bias;\n"
                "- forward: x_j = Σ_i y_i·w_ji + b_j (1) and y_j = σ(x_j) = 1/(1 + e^(-x_j)) "
                "(2);\n"
                "- the error of one case is E = ½ Σ_j (y_j - d_j)², d_j the desired output.",
                "The backward pass, unit by unit from the output layer down:",
                "- ∂E/∂y_j = y_j - d_j at an output unit (4);\n"
                "- ∂E/∂x_j = ∂E/∂y_j · y_j(1 - y_j) (5), because σ′(x) = σ(x)(1 - σ(x));\n"
                "- ∂E/∂w_ji = ∂E/∂x_j · y_i (6);\n"
                "- ∂E/∂y_i = Σ_j ∂E/∂x_j · w_ji at a hidden unit (7).",
            )
        ),
        Code(
            "import nn\n"
            "from autograd import Exercises, explain\n\n"
            "net = nn.MLP(2, [2, 1], seed=0)  # 2 inputs, 2 hidden units, 1 output unit; "
            "weights in ±0.3\n"
            "y5 = net([1.0, 0.0])  # the case y1 = 1, y2 = 0 ...\n"
            "E = nn.losses.sum_squared_error(y5, 1.0)  # ... whose desired output is d5 = 1\n"
            "E"
        ),
        Md(
            '`Exercises` with `view="neurons"` asks the paper\'s questions. `params=net` tells '
            "it which numbers are weights; the key says which of `nn`'s names each short name "
            "stands for."
        ),
        Code('ex = Exercises(E, params=net, view="neurons")\nex'),
        Exercise(
            "Question 1: ∂E/∂y5, with equation (4).",
            "∂E/∂y5",
            "y5.data - 1.0  # y5 - d5",
            "ex.check(1, answer)",
            slip="y5.data",
            kind="other",
        ),
        Exercise(
            "Question 2: ∂E/∂x5, with equation (5).",
            "∂E/∂x5",
            "-0.4938 * 0.5062 * (1 - 0.5062)  # ∂E/∂y5 · y5·(1 - y5)",
            "ex.check(2, answer)",
            slip="-0.4938",
            kind="local",
        ),
        Exercise(
            "Question 3: ∂E/∂w53, with equation (6).",
            "∂E/∂w53",
            "-0.1234 * 0.5397  # ∂E/∂x5 · y3",
            "ex.check(3, answer)",
            slip="-0.1234",
            kind="local",
        ),
        Exercise(
            "Question 9: ∂E/∂y3, at a hidden unit, with equation (7). Unit 3 feeds one unit, "
            "unit 5, through the weight w53.",
            "∂E/∂y3",
            "-0.1234 * 0.1703  # ∂E/∂x5 · w53",
            "ex.check(9, answer)",
            slip="0.1703",
            kind="upstream",
        ),
        Md(
            text(
                "## Every unit",
                "`explain` writes the whole backward pass in these terms, and `backward()` "
                "gives the same numbers under `nn`'s own names for the parameters:",
            )
        ),
        Code('explain(E, params=net, view="neurons")'),
        Code(
            "E.backward()\n"
            "for name, p in net.named_parameters():\n"
            '    print(f"{name:<22} grad {p.grad:.6f}")'
        ),
        Md(
            text(
                "A bias's gradient is its unit's ∂E/∂x_j itself: a bias is a weight from a "
                "unit whose output is always 1.",
                "**What to remember.** (5): a unit's ∂E/∂x_j is its ∂E/∂y_j times σ′, which "
                "is y_j(1 - y_j). (6): a weight's gradient is the ∂E/∂x_j of the unit it "
                "feeds times the output y_i it carries. (7): a hidden unit adds up "
                "∂E/∂x_j · w_ji over every unit j it feeds.",
            )
        ),
    ),
)

XOR = Lesson(
    "05-xor",
    "training XOR as in 1986",
    (
        Md(
            "XOR (exclusive or) is 1 when exactly one of its two inputs is 1. No single unit "
            "can compute it: a unit draws one straight line through the square of inputs, and "
            "XOR's 1s sit at opposite corners. Rumelhart, Hinton and Williams trained a net "
            "with hidden units to do it, and showed that the hidden units *learn* what to "
            "compute. This lesson does the same, with the paper's settings, and watches the "
            "hidden units."
        ),
        Code(
            "import nn\n"
            "from autograd import Exercises, check_number, explain\n\n"
            "inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]\n"
            "targets = [0.0, 1.0, 1.0, 0.0]\n"
            "model = nn.MLP(2, [2, 1], seed=0)  # units 1, 2 (inputs), 3, 4 (hidden), 5 (output)\n"
            "E = nn.losses.sum_squared_error.batch([model(x) for x in inputs], targets)\n"
            "E  # E = ½ Σ_c (y5 - d5)², summed over the four cases"
        ),
        Md(
            text(
                "## One case's share",
                "The paper sums the error over all four cases, so each weight's gradient is a "
                "sum of four shares, ∂E/∂w = Σ_c ∂E_c/∂w. The questions below are case 4's "
                "(inputs 1 and 1, target 0); a name ending in c4 is case 4's unit: y5c4 is "
                "y5 in case 4.",
            )
        ),
        Code('ex = Exercises(E, params=model, view="neurons", case=4)\nex'),
        Exercise(
            "Question 2: ∂E/∂x5c4, case 4's ∂E/∂x5.",
            "∂E/∂x5c4",
            "0.5078 * 0.5078 * (1 - 0.5078)  # ∂E/∂y5c4 · y5c4·(1 - y5c4), where "
            "∂E/∂y5c4 = y5c4 - 0",
            "ex.check(2, answer)",
            slip="0.5078",
            kind="local",
        ),
        Md(
            text(
                "## The weight change",
                "After each sweep through the four cases the paper changes every weight by",
                "```text\nΔw(t) = -ε ∂E/∂w(t) + α Δw(t - 1)\n```",
                "with ε = 0.5 (the learning rate) and α = 0.9 (momentum: a share of the last "
                "change). Here are the four shares of each gradient, added up:",
            )
        ),
        Code('print("\\n".join(explain(E, params=model, view="neurons").batch_lines()))'),
        Code(
            "# For the check below: what nn.SGD changes b5 by in the first sweep, on a copy of\n"
            "# the net, and the hint for a classic slip.\n"
            "trial = nn.MLP(2, [2, 1], seed=0)\n"
            "before = trial.layers[1].neurons[0].b.data\n"
            "sgd = nn.SGD(trial.parameters(), lr=0.5, momentum=0.9)\n"
            "nn.fit(trial, inputs, targets, optimizer=sgd, epochs=1, progress=False)\n"
            "first_change = trial.layers[1].neurons[0].b.data - before\n"
            'NO_EPSILON = "that is ∂E/∂b5 itself: the change is -ε·∂E/∂b5, with ε = 0.5"'
        ),
        Exercise(
            "The first change of the output unit's bias, Δb5(1). There was no change before "
            "it: Δw(0) = 0.",
            "Δb5 in the first sweep",
            "-0.5 * 0.005352  # -ε·∂E/∂b5 + α·0",
            "check_number(answer, first_change, {first_change / -0.5: NO_EPSILON})",
            slip="0.005352",
            kind="slip",
            hint="NO_EPSILON",
        ),
        Md(
            text(
                "## Training",
                "`nn.fit` repeats the sweep until every output is within 0.1 of its target, "
                "the paper's criterion. The `stop` function below also takes a snapshot of E and "
                "of the hidden units' outputs, y3 and y4 in each case, every 100 sweeps:",
            )
        ),
        Code(
            "done = nn.train.within(0.1, model, inputs, targets)\n"
            "snapshots = {}\n\n\n"
            "def hidden_units():\n"
            "    return [[y.data for y in model.layers[0](x)] for x in inputs]\n\n\n"
            "def stop(sweep, loss):\n"
            "    if sweep == 1 or sweep % 100 == 0:\n"
            "        snapshots[sweep] = (loss, hidden_units())\n"
            "    return done(sweep, loss)\n\n\n"
            "sgd = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)\n"
            "history = nn.fit(model, inputs, targets, optimizer=sgd, epochs=5000, stop=stop, "
            "progress=False)\n"
            "snapshots[len(history)] = (history[-1], hidden_units())\n"
            'print(f"{len(history)} sweeps, E = {history[0]:.4f} → {history[-1]:.4f}")'
        ),
        Code(
            'print("E, and each hidden unit\'s output for the inputs 00, 01, 10 and 11:")\n'
            "for sweep, (loss, ys) in snapshots.items():\n"
            '    y3 = " ".join(f"{y[0]:.2f}" for y in ys)\n'
            '    y4 = " ".join(f"{y[1]:.2f}" for y in ys)\n'
            '    print(f"sweep {sweep:>3}:  E = {loss:.4f}   y3 = {y3}   y4 = {y4}")'
        ),
        Md(
            text(
                "For the first two hundred sweeps little seems to happen: E stays near 0.5, and "
                "the hidden units answer close to 0.5 whatever the input (unit 3 is only "
                "starting to move). Then they split. At the end, "
                "unit 3 is on when *either* input is on (it computes OR), and unit 4 only "
                "when *both* are (AND). The output unit learns *OR but not AND*, which is XOR.",
                "Nobody told the hidden units what to compute: backpropagation found the "
                "features the task needs. (Another seed may find another solution.)",
            )
        ),
        Code(
            "for x, d in zip(inputs, targets):\n"
            '    print(x, "→", round(model(x).data, 3), "target", d)\n'
            "trained = nn.losses.sum_squared_error.batch([model(x) for x in inputs], targets)\n"
            'print("\\n".join(explain(trained, params=model, view="neurons").weight_lines()))\n'
            "y3, y4 = model.layers[0]([1.0, 0.0])\n"
            'print(f"For the input (1, 0): y3 = {y3.data:.4f}, y4 = {y4.data:.4f}")'
        ),
        Code(
            "# For the check below: the output unit's total input x5 for (1, 0), as the net\n"
            "# computes it (the node under its sigmoid), and the hint for a classic slip.\n"
            "x5 = model([1.0, 0.0]).operands[0].data\n"
            "b5 = model.layers[1].neurons[0].b.data\n"
            'NO_BIAS = "the bias b5 is missing: x5 = y3·w53 + y4·w54 + b5 (1)"'
        ),
        Exercise(
            "With the trained weights, work out the output unit's total input x5 for the "
            "input (1, 0), with equation (1).",
            "x5 for the input (1, 0)",
            "0.9711 * 6.451 + 0.1559 * (-7.091) + (-2.833)  # y3·w53 + y4·w54 + b5",
            "check_number(answer, x5, {x5 - b5: NO_BIAS})",
            slip="0.9711 * 6.451 + 0.1559 * (-7.091)",
            kind="slip",
            hint="NO_BIAS",
        ),
        Md(
            "**What to remember.** Training is the backward pass of Lesson 4, summed over the "
            "cases, then a small step against the gradient, over and over. The hidden units "
            "start alike, near 0.5; the gradient pushes them apart into features (here OR and "
            "AND) from which the output unit can compute the answer."
        ),
    ),
)

MISTAKES = Lesson(
    "06-mistakes",
    "the classic mistakes",
    (
        Md(
            text(
                "A backward pass written by hand, as in micrograd, goes wrong in four classic "
                "ways: a gradient assigned with `=` where it must be added with `+=`; nodes "
                "visited in the wrong order; `backward()` called twice; and a recursive "
                "function on a deep graph.",
                "This lesson makes each mistake on a tiny expression, so that you can "
                "recognise it. `mistake(f, kind)` runs the wrong backward pass beside the "
                "right one.",
            )
        ),
        Code(
            "from autograd import Exercises, Value, check_number, explain, grad, mistake\n\n"
            'x = Value(3.0, label="x")\n'
            "f = x * x + x\n"
            'f.label = "f"\n'
            "f"
        ),
        Md(
            text(
                "## `=` instead of `+=`",
                "x is used three times in f = x·x + x: twice by the product, once by the sum. "
                "Each use contributes upstream gradient × local derivative, and ∂f/∂x is the "
                "**sum**. A backward pass that writes `x.grad = ...` instead of "
                "`x.grad += ...` keeps only the last contribution.",
            )
        ),
        Code("ex = Exercises(f)\nex"),
        Exercise(
            "Question 6: ∂f/∂x, with all three uses.",
            "∂f/∂x",
            "1 * 1 + 1 * 3.0 + 1 * 3.0  # the uses by +, by x·x (left) and by x·x (right)",
            "ex.check(6, answer)",
            slip="3.0",
            kind="path",
        ),
        Code('print(mistake(f, "overwrite"))'),
        Md(
            text(
                "## The wrong order",
                "A node may pass its gradient on only when every node that uses it has added "
                "its contribution: backward visits the nodes in reverse *topological* order. "
                "Visiting them depth-first from the output goes wrong as soon as a computed "
                "node has more than one use. Here f has three:",
            )
        ),
        Code('g = f + f * f\ng.label = "g"\nex_g = Exercises(g)\nex_g'),
        Exercise(
            "Question 12: ∂g/∂x. You need ∂g/∂f first (question 6): f has three uses too.",
            "∂g/∂x",
            "25 * 1 + 25 * 3.0 + 25 * 3.0  # ∂g/∂f = 1 + 12 + 12 = 25, then x's three uses",
            "ex_g.check(12, answer)",
            slip="7.0",
            kind="upstream",
        ),
        Md(
            "A depth-first pass reaches f through its first use and passes on ∂g/∂f = 1 "
            "before the product f·f has added its 24. Everything below f comes out wrong: x "
            "gets 7 instead of 175."
        ),
        Code('print(mistake(g, "order"))'),
        Md(
            text(
                "## Calling backward() twice",
                "A leaf's `.grad` **accumulates**: `backward()` adds to it and never resets it "
                "(clear it yourself between training steps, with `zero_grad()`). Interior "
                "nodes are different: this engine resets them on each call, as PyTorch does. "
                "micrograd 0.1.0 resets only the output, so its interior gradients double and "
                "the inputs get more than two passes.",
            )
        ),
        Code(
            "# For the check below: one pass's ∂f/∂x, and the hints for two classic slips.\n"
            "one_pass = explain(f).grad(x)\n"
            "ONE_PASS = \"that is one call's gradient: x is a leaf, so the second call adds "
            '∂f/∂x to x.grad again"\n'
            "MICROGRAD = \"that is micrograd 0.1.0's number: it does not reset the interior node "
            '#1 between calls; this engine does"\n'
            'twice_slips = {one_pass: ONE_PASS, mistake(f, "twice").wrong[x]: MICROGRAD}'
        ),
        Exercise(
            "x.grad starts at 0. What does it hold after calling `f.backward()` twice, in "
            "this engine?",
            "x.grad after two calls",
            "2 * 7.0  # two passes of ∂f/∂x",
            "check_number(answer, 2 * one_pass, twice_slips)",
            slip="7.0",
            kind="slip",
            hint="ONE_PASS",
        ),
        Code("x.grad = 0.0\nf.backward()\nf.backward()\nx.grad"),
        Code('print(mistake(f, "twice"))'),
        Md(
            text(
                "## Recursion depth",
                "micrograd sorts the graph with a recursive function: one Python call per "
                "level of the graph. Python stops at about 1000 nested calls, so a graph "
                "deeper than that (a long chain, or a network unrolled over a long sequence) "
                "raises `RecursionError`. This engine sorts without recursion, with no limit "
                "but memory:",
            )
        ),
        Code('print(mistake(f, "recursion"))'),
        Md("Here is a chain 5000 nodes deep, y = x + 0 + 0 + … + 0:"),
        Code(
            "y = x\n"
            "for _ in range(5000):\n"
            "    y = y + 0.0\n"
            "# For the check below: the hint for a classic slip.\n"
            'COUNTED = "each + 0 passes its gradient on unchanged (its local derivative is 1), '
            "so the chain multiplies 1s; counting the nodes is right for x + x + … + x, where "
            'x has many uses"'
        ),
        Exercise(
            "What is ∂y/∂x?",
            "∂y/∂x",
            "1.0  # 1 × 1 × … × 1: each + 0 has local derivative 1",
            "check_number(answer, grad(y, [x])[0].data, {5000.0: COUNTED, 5001.0: COUNTED})",
            slip="5000.0",
            kind="slip",
            hint="COUNTED",
        ),
        Code("x.grad = 0.0\ny.backward()  # 5000 nodes deep: no RecursionError\nx.grad"),
        Md(
            "**What to remember.** Add gradients (`+=`), never assign them; visit the nodes in "
            "reverse topological order; clear the leaves' gradients between steps (and reset "
            "the interior ones on each call); sort the graph without recursion."
        ),
    ),
)

ALL = (NUDGING, CHAIN_RULE, NEURON, NETWORK, XOR, MISTAKES)


def notebook(lesson: Lesson, solutions: bool) -> Any:
    """The lesson as a notebook (not run): the exercises' version, or the solutions'."""
    nb = nbformat.v4.new_notebook()
    number = int(lesson.name[:2])
    title = f"# Lesson {number}: {lesson.title}"
    if solutions:
        title += " (solutions)"
    intro, *rest = lesson.cells  # a lesson opens with what it is about
    assert isinstance(intro, Md)
    cells = [
        nbformat.v4.new_markdown_cell(f"{title}\n\n{intro.text}"),
        nbformat.v4.new_markdown_cell(SOLVED.format(name=lesson.name) if solutions else HOW_TO),
    ]
    k = 0
    for cell in rest:
        if isinstance(cell, Md):
            cells.append(nbformat.v4.new_markdown_cell(cell.text))
        elif isinstance(cell, Code):
            cells.append(nbformat.v4.new_code_cell(cell.source))
        else:
            k += 1
            cells.append(nbformat.v4.new_markdown_cell(f"**Exercise {k}.** {cell.prompt}"))
            answer = cell.answer if solutions else None
            code = nbformat.v4.new_code_cell(cell.source(answer))
            code.metadata["tags"] = [TAG]
            cells.append(code)
    for i, c in enumerate(cells):
        c.id = f"cell-{i:02d}"  # fixed ids: a notebook made again is the same file
    nb.cells = cells
    nb.metadata = {"kernelspec": dict(KERNEL), "language_info": {"name": "python"}}
    return nb


def run(nb: Any, timeout: int = 120) -> None:
    """Run ``nb`` top to bottom in a fresh kernel (in a temporary folder), then strip what
    changes from run to run: timings, the kernel's Python version."""
    import nbclient  # only to run notebooks: --check and the tests' source check need not

    with tempfile.TemporaryDirectory() as folder:
        client = nbclient.NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": folder}},
        )
        client.execute()
    nb.metadata = {"kernelspec": dict(KERNEL), "language_info": {"name": "python"}}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def paths(lesson: Lesson) -> tuple[Path, Path]:
    """Where the exercises' and the solutions' notebooks of ``lesson`` are kept."""
    return LESSONS / f"{lesson.name}.ipynb", SOLUTIONS / f"{lesson.name}.ipynb"


def sources(nb: Any) -> list[tuple[str, str, str, list[str]]]:
    """What must not drift: each cell's id, type, source and tags (not its outputs)."""
    return [(c.id, c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def drifted() -> list[Path]:
    """The stored notebooks whose cells are not those the descriptions here make."""
    out = []
    for lesson in ALL:
        for path, solutions in zip(paths(lesson), (False, True)):
            made = notebook(lesson, solutions)
            if not path.exists() or sources(nbformat.read(path, as_version=4)) != sources(made):
                out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="only say which stored notebooks have drifted"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = drifted()
        for path in stale:
            print(f"drifted: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    SOLUTIONS.mkdir(parents=True, exist_ok=True)
    for lesson in ALL:
        exercises_path, solutions_path = paths(lesson)
        nbformat.write(notebook(lesson, solutions=False), exercises_path)
        solved = notebook(lesson, solutions=True)
        run(solved)
        nbformat.validate(solved)
        nbformat.write(solved, solutions_path)
        print(f"wrote {exercises_path.relative_to(ROOT)} and {solutions_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
