"""Generated code can be read where it runs: tracebacks, pdb and inspect show its lines."""

from __future__ import annotations

import gc
import inspect
import linecache
import traceback

import pytest

from autograd import Value, compile


def test_a_traceback_through_generated_code_shows_the_line() -> None:
    x = Value(2.0, label="x")
    step = compile(x.log() * x, [x])
    with pytest.raises(ValueError, match=r"log\(-1.0\)") as caught:
        step([-1.0])
    frames = traceback.extract_tb(caught.value.__traceback__)
    generated = next(f for f in frames if f.filename == step.filename)
    assert (generated.name, generated.line) == ("step", "n1 = _log(p0)")


def test_inspect_reads_the_source_and_it_lives_as_long_as_the_compiled_object() -> None:
    x = Value(0.5, label="x")
    step = compile((x * x).sigmoid(), [x])
    # step_source is the function with its header comment (which names the params).
    assert step.step_source == inspect.getcomments(step._step) + inspect.getsource(step._step)
    assert step.filename != compile(x * 2.0, [x]).filename  # one name per compiled graph
    name = step.filename
    first = step._step.__code__.co_firstlineno
    assert linecache.getline(name, first) == "def step(params, inputs, seed):\n"
    del step
    gc.collect()
    assert name not in linecache.cache  # no source kept for code no one can run
