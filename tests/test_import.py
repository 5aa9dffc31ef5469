"""``import autograd`` loads the engine alone; every public name still imports from it; no
module of the project imports itself back through others."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import autograd
from tests.helpers import ROOT


def test_import_autograd_loads_the_core_only() -> None:
    # A fresh interpreter: this process has long since imported everything.
    code = "import sys, autograd; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.check_output([sys.executable, "-c", code], text=True).split())
    ours = {m for m in loaded if m.split(".")[0] in ("autograd", "nn")}
    assert ours == {"autograd", "autograd.core", "autograd.core.engine", "autograd.core.ops"}
    assert not {m for m in loaded if m.split(".")[0] in ("graphviz", "tqdm", "wasmtime")}


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in autograd.__all__:
        # The object of that very name in the module that defines it, not merely something.
        obj = getattr(autograd, name)
        assert obj.__module__.split(".")[0] == "autograd", name
        assert (obj.__name__, getattr(importlib.import_module(obj.__module__), name)) == (name, obj)
    assert set(autograd.__all__) <= set(dir(autograd))
    assert autograd.draw_graph.__module__ == "autograd.pages.draw"
    assert autograd.grad.__module__ == "autograd.core.derivatives"


def test_the_version_is_written_once() -> None:
    # pyproject.toml reads autograd.__version__ (dynamic); the installed metadata agrees.
    assert autograd.__version__ == importlib.metadata.version("autograd-1986")
    assert '\nversion = "' not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        autograd.no_such_name  # noqa: B018
    except AttributeError as e:
        assert "no_such_name" in str(e)
    else:
        raise AssertionError("autograd.no_such_name did not raise")


LAYERS = ["core", "teach", "pages", "cli"]  # each may import only those before it


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_each_layer_imports_only_the_layers_below_it() -> None:
    root = Path(autograd.__file__).parent
    for rank, layer in enumerate(LAYERS):
        allowed = {f"autograd.{low}" for low in LAYERS[: rank + 1]}
        for path in sorted((root / layer).glob("*.py")):
            for name in _imports(path):
                if name.startswith("autograd"):
                    assert ".".join(name.split(".")[:2]) in allowed, (path.name, name)
    # nn is built on the engine alone: Values, linear, compile, files.
    for path in sorted((root.parent / "nn").glob("*.py")):
        for name in _imports(path):
            assert (
                name in ("autograd", "nn")
                or name.startswith(("autograd.core", "nn."))
                or (not name.startswith(("autograd", "nn")))
            ), (path.name, name)


# -- the import name: HIPS autograd is imported as `autograd` too (issue 28) --

OTHER = '"""Another package imported as autograd, as HIPS autograd is."""\ngrad = None\n'
ADVICE = "uninstall or rename it and reinstall autograd-1986, or give autograd-1986 a virtual "
CONSOLE_SCRIPT = "import sys; from autograd.cli import main; sys.exit(main())"  # what pip writes


def _python(args: list[str], first_on_path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(first_on_path)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def _installed_over(tmp_path: Path, then: str = "") -> Path:
    """site/autograd/__init__.py: another package's, installed into this one's folder. Both
    install into site-packages/autograd/: the other's __init__.py replaces this one's, and
    this one's subpackages stay beside it; here, a package whose path goes on into ours."""
    init = tmp_path / "site" / "autograd" / "__init__.py"
    init.parent.mkdir(parents=True)
    init.write_text(f"{OTHER}__path__.append({str(ROOT / 'autograd')!r})\n{then}")
    return init


def test_nn_refuses_another_autograd_found_first(tmp_path: Path) -> None:
    # A learner's own autograd folder, say, in the folder where Python starts.
    init = tmp_path / "autograd" / "__init__.py"
    init.parent.mkdir()
    init.write_text(OTHER)
    done = _python(["-c", "import nn"], tmp_path / "nowhere", tmp_path)
    last = done.stderr.splitlines()[-1]
    assert last.startswith(
        f"ImportError: nn needs autograd-1986, but the 'autograd' imported ({init})"
    )
    assert ADVICE in last


def test_the_command_and_nn_refuse_another_autograd_installed_over_this_one(tmp_path: Path) -> None:
    init = _installed_over(tmp_path)
    for args in (["-c", CONSOLE_SCRIPT], ["-m", "autograd", "explain", "x", "--at", "x=1"]):
        done = _python(args, init.parent.parent, tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        [line] = done.stderr.splitlines()  # one line, no traceback
        assert line.startswith(f"autograd: error: the 'autograd' imported ({init})")
        assert ADVICE in line
    done = _python(["-c", "import nn"], init.parent.parent, tmp_path)
    assert done.stderr.splitlines()[-1].startswith("ImportError: nn needs autograd-1986, but")


def test_one_installed_over_this_one_that_imports_its_core_gets_the_advice(tmp_path: Path) -> None:
    # HIPS autograd's __init__ imports autograd.core (a module of its own), which is then ours:
    # the error it gets names the package and says what to do.
    init = _installed_over(tmp_path, "from autograd.core import primitive\n")
    for args in (["-c", "import autograd"], ["-c", "import nn"], ["-c", CONSOLE_SCRIPT]):
        done = _python(args, init.parent.parent, tmp_path)
        last = done.stderr.splitlines()[-1]
        assert last.startswith(f"ImportError: the 'autograd' imported ({init}) is another package")
        assert ADVICE in last


# ==== faults and hostile input (issue 12; the numbers are the items) ====


# -- structure: no import cycles; demos do not use benchmark code --


def project_imports() -> dict[str, set[str]]:
    """Each module of autograd, nn and demos → the project modules it imports (anywhere in it)."""
    files = [p for pkg in ("autograd", "nn", "demos") for p in (ROOT / pkg).rglob("*.py")]
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
    assert "autograd.core.ops" in graph["autograd.core.engine"]  # the subpackages are read

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
