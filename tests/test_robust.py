"""Faults and hostile input (issue 12): recording modes, files, model files, training misuse."""

from __future__ import annotations

import ast
import asyncio
import math
import os
import pickle
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import nn
from autograd import Op, Value, apply, enable_grad, explain, is_grad_enabled, no_grad
from autograd.core.files import STALE_AFTER, write_atomically
from nn import MLP, SGD, Neuron, serialize
from nn.serialize import ModelFileError
from tests.helpers import ROOT

# -- 1, 2: no_grad --


def test_generators_closed_out_of_order_leave_recording_on() -> None:
    def g() -> Iterator[int]:
        with no_grad():
            yield 1

    a, b = g(), g()
    next(a)
    next(b)
    assert not is_grad_enabled()  # both blocks are open
    del a  # the older block closes first
    assert not is_grad_enabled()  # b's block is still open
    del b
    assert is_grad_enabled()
    x = Value(2.0)
    y = x * x
    y.backward()
    assert not y.is_leaf and x.grad == 4.0


def test_blocks_closed_out_of_order_keep_the_newest_open_setting() -> None:
    def g(block: type[no_grad] | type[enable_grad]) -> Iterator[None]:
        with block():
            yield

    outer = g(no_grad)
    next(outer)
    inner = g(enable_grad)
    next(inner)
    assert is_grad_enabled()  # enable_grad is the newest open block
    outer.close()
    assert is_grad_enabled()
    inner.close()
    assert is_grad_enabled()
    inner, outer = g(enable_grad), g(no_grad)
    next(inner)
    next(outer)
    inner.close()
    assert not is_grad_enabled()  # no_grad is still open
    outer.close()
    assert is_grad_enabled()


def test_no_grad_decorates_a_generator_only_while_it_runs() -> None:
    x = Value(3.0)

    @no_grad()
    def squares(n: int) -> Iterator[Value]:
        for _ in range(n):
            assert not is_grad_enabled()
            sent = yield x * x
            assert sent is None or sent == "hello"
        return None

    gen = squares(3)
    first = next(gen)
    assert first.is_leaf and first.data == 9.0
    assert is_grad_enabled()  # between values the caller records as usual
    assert not (x * x).is_leaf
    assert gen.send("hello").is_leaf
    assert [v.is_leaf for v in gen] == [True]
    assert is_grad_enabled()


def test_no_grad_decorates_a_coroutine_and_refuses_an_async_generator() -> None:
    x = Value(3.0)

    @no_grad()
    async def square() -> Value:
        await asyncio.sleep(0)
        assert not is_grad_enabled()
        return x * x

    assert asyncio.run(square()).is_leaf
    assert is_grad_enabled()

    async def numbers() -> object:
        yield x

    with pytest.raises(TypeError, match=r"cannot decorate the async generator .*numbers"):
        no_grad()(numbers)


# -- 4, 9, 13: files written and read --


def test_save_keeps_permissions_follows_links_and_refuses_read_only(tmp_path: Path) -> None:
    private = tmp_path / "private.json"
    private.write_bytes(b"old")
    private.chmod(0o600)
    write_atomically(private, b"new")
    assert private.read_bytes() == b"new"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600

    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    write_atomically(link, b"through the link")
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_bytes() == b"through the link"

    locked = tmp_path / "locked.json"
    locked.write_bytes(b"keep me")
    locked.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only") as e:
        write_atomically(locked, b"overwritten")
    assert e.value.filename == str(locked)
    assert locked.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "link.json",
        "locked.json",
        "private.json",
        "real.json",
    ]


@pytest.mark.parametrize("where", ["missing folder", "a folder", "read-only folder"])
def test_write_errors_name_the_users_path_not_the_temporary_file(
    tmp_path: Path, where: str
) -> None:
    target = {
        "missing folder": tmp_path / "nowhere" / "a.dot",
        "a folder": tmp_path,
        "read-only folder": Path("/proc/a.dot"),  # a file system that takes no new files
    }[where]
    with pytest.raises(OSError) as e:
        write_atomically(target, b"x")
    assert e.value.filename == str(target), e.value
    assert ".tmp" not in str(e.value)


def test_a_write_removes_temporaries_a_killed_writer_left(tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    stale = tmp_path / ".model.json.abcd1234.tmp"  # what mkstemp names them
    young = tmp_path / ".model.json.efgh5678.tmp"  # a writer still at work
    other = tmp_path / ".other.json.abcd1234.tmp"
    for p in (stale, young, other):
        p.write_bytes(b"half")
    old = time.time() - STALE_AFTER - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomically(target, b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".model.json.efgh5678.tmp",
        ".other.json.abcd1234.tmp",
        "model.json",
    ]


def test_loading_refuses_devices_fifos_and_oversized_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelFileError, match=r"^/dev/zero: not a model file \(not a regular"):
        MLP.load("/dev/zero")
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    # Run in a child so that a blocking open would fail the test, not hang it.
    code = (
        "import sys, nn\n"
        "try:\n    nn.MLP.load(sys.argv[1])\n"
        "except nn.serialize.ModelFileError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == f"{fifo}: not a model file (not a regular file)\n", done.stderr
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    monkeypatch.setattr(serialize, "MAX_FILE_SIZE", path.stat().st_size - 1)
    with pytest.raises(ModelFileError, match=r"bytes, more than a model file may hold"):
        MLP.load(path)


# -- 5, 6: training and model files that could only train nothing or crash --


def test_fit_refuses_no_grad_and_an_optimizer_of_another_model() -> None:
    model, other = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    before = model.state_dict()
    with no_grad(), pytest.raises(RuntimeError, match=r"^fit: called inside no_grad\(\)"):
        nn.fit(model, [[0.0, 1.0]], [1.0], progress=False)
    with pytest.raises(ValueError, match=r"^fit: the optimizer changes none of the model's"):
        nn.fit(model, [[0.0, 1.0]], [1.0], optimizer=SGD(other.parameters(), lr=0.5))
    assert model.state_dict() == before
    history = nn.fit(model, [[0.0, 1.0]], [1.0], epochs=3, progress=False)
    assert history[-1] < history[0] and model.state_dict() != before


def test_a_neuron_config_with_a_bad_fan_out_is_a_model_file_error(tmp_path: Path) -> None:
    # tanh units start from xavier_uniform, which divides by nin + fan_out.
    for fan_out, complaint in [
        (-2, "fan_out must be an integer >= 1, got -2"),
        (10**400, "fan_out must be at most 2**53, got an integer of 1329 bits"),
    ]:
        with pytest.raises(ValueError, match=re.escape(f"Neuron: {complaint}")):
            Neuron(2, "tanh", fan_out=fan_out)
        path = tmp_path / "neuron.json"
        Neuron(2, "tanh", seed=0).save(path)
        text = path.read_text().replace('"nin": 2,', f'"nin": 2, "fan_out": {fan_out},')
        path.write_text(text)
        with pytest.raises(ModelFileError, match=re.escape(complaint)) as e:
            Neuron.load(path)
        assert str(e.value).startswith(f"{path}: the config does not build a nn.layers.Neuron")


# -- 14: Value semantics (README, "Value semantics") --


def test_truth_and_comparisons_read_the_data_and_equality_is_identity() -> None:
    zero, one, other_one = Value(0.0), Value(1.0), Value(1.0)
    assert (bool(zero), bool(one), bool(Value(-2.5))) == (False, True, True)
    assert one == one and one != other_one and not (one == other_one)
    assert len({one, other_one, one}) == 2  # graph nodes in a set, by identity
    assert (zero < one, one <= other_one, one > 0.5, 2 >= one, one < 1) == (
        True, True, True, True, False,
    )  # fmt: skip
    for compare in (lambda: one == 1.0, lambda: one != 1, lambda: 1.0 == one):
        with pytest.raises(TypeError, match=r"to compare numbers write v\.data"):
            compare()
    assert one != "one" and one is not None
    with pytest.raises(TypeError, match="compares a Value with a Value or a number"):
        _ = one < "two"  # type: ignore[operator]


def test_abs_is_differentiable_and_float_round_math_refuse() -> None:
    for x0, slope in ((-3.0, -1.0), (2.0, 1.0), (0.0, 0.0)):
        x = Value(x0)
        y = abs(x) * 2
        y.backward()
        assert (y.data, x.grad, y.parents[0].op) == (2 * math.fabs(x0), 2 * slope, "abs")
    v = Value(2.25)
    for leave in (float, round, math.sqrt, math.floor, math.ceil, math.trunc):
        with pytest.raises(TypeError, match=r"cut it out of the graph; use v\.data"):
            leave(v)
    assert f"{v:.1f}" == "2.2" and f"{v}" == repr(v)


def test_bools_are_refused_alike_and_numpy_numbers_accepted() -> None:
    np = pytest.importorskip("numpy")
    for bad in (True, np.bool_(True)):
        with pytest.raises(TypeError, match=r"^Value: expected a real number"):
            Value(bad)
        with pytest.raises(TypeError, match=r"unsupported operand for '\*'"):
            Value(1.0) * bad
    assert Value(np.float32(0.5)).data == 0.5 and (Value(2.0) * np.int64(3)).data == 6.0


def test_data_and_label_are_checked_when_set() -> None:
    v = Value(1.0)
    with pytest.raises(TypeError, match=r"^Value\.label must be a str, got 5 \(int\)"):
        v.label = 5  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"^Value\.data: expected a real number .* got '3'"):
        v.data = "3"  # type: ignore[assignment]
    v.data, v.label = 3, "three"
    assert (v.data, type(v.data), v.label) == (3.0, float, "three")
    assert (v * 2).data == 6.0


def test_leaves_pickle_and_interior_nodes_refuse_even_deep_ones() -> None:
    x = Value(1.5, label="x")
    x.grad = 0.25
    copy = pickle.loads(pickle.dumps(x))
    assert (copy.data, copy.grad, copy.label, copy.is_leaf) == (1.5, 0.25, "x", True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    for node in (x * 2, y):
        with pytest.raises(TypeError, match="interior node of a graph; pickle its number"):
            pickle.dumps(node)


def test_custom_ops_need_a_formula_per_partial_and_numeric_partials() -> None:
    with pytest.raises(TypeError, match=r"^Op 'square': 2 partial rule\(s\) but 1 formula"):
        Op("square", lambda a: a * a, (lambda a, out: 2 * a, lambda a, out: 0.0), ("∂/∂a",))
    with pytest.raises(TypeError, match=r"^Op 'square': formulas must be strings"):
        Op("square", lambda a: a * a, (lambda a, out: 2 * a,), (2,))  # type: ignore[arg-type]
    bare = apply(Op("square", lambda a: a * a, (lambda a, out: 2 * a,)), Value(3.0))
    assert explain(bare)[1].terms[0].local_text().endswith("= 6.000")  # no formula: the value
    text = Op("text", lambda a: a, (lambda a, out: "one",), ("∂/∂a = 'one'",))
    with pytest.raises(TypeError, match=r"^the partial rule 0 of 'text' returned: .* 'one'"):
        apply(text, Value(1.0))
    square = Op("square", lambda a: a * a, (lambda a, out: 2 * a,), ("∂(a²)/∂a = 2a",))
    y = apply(square, Value(3.0))
    assert "2a" in str(explain(y))


# -- structure: no import cycles; demos do not use benchmark code --


def project_imports() -> dict[str, set[str]]:
    """Each module of autograd, nn and demos → the project modules it imports (anywhere in it)."""
    files = [p for pkg in ("autograd", "nn", "demos") for p in (ROOT / pkg).glob("*.py")]
    names = {".".join(p.relative_to(ROOT).with_suffix("").parts): p for p in files}
    names = {n.removesuffix(".__init__"): p for n, p in names.items()}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = {f"{node.module}.{a.name}" for a in node.names}
                found.update(subs & names.keys() or {node.module})
        graph[name] = {m for m in found if m in names or m.split(".")[0] == "bench"} - {name}
    return graph


def test_no_import_cycles_and_no_demo_imports_bench() -> None:
    graph = project_imports()
    assert "nn.serialize" in graph["nn.module"]  # the one direction that is kept

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            for m in graph.get(todo.pop(), ()):
                if m == goal:
                    return True
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return False

    # A package's __init__ gathers its modules; a module importing its own package
    # back would be a cycle too, so __init__ files are not exempt.
    cycles = sorted(m for m in graph if reaches(m, m))
    assert cycles == []
    assert [m for m, deps in graph.items() if any(d.startswith("bench") for d in deps)] == []
