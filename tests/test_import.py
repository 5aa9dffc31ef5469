"""``import autograd`` loads the engine alone; every public name still imports from it."""

import ast
import subprocess
import sys
from pathlib import Path

import autograd


def test_import_autograd_loads_the_core_only() -> None:
    # A fresh interpreter: this process has long since imported everything.
    code = "import sys, autograd; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.check_output([sys.executable, "-c", code], text=True).split())
    ours = {m for m in loaded if m.split(".")[0] in ("autograd", "nn")}
    assert ours == {"autograd", "autograd.core", "autograd.core.engine", "autograd.core.ops"}
    assert not {m for m in loaded if m.split(".")[0] in ("graphviz", "tqdm", "wasmtime")}


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in autograd.__all__:
        assert getattr(autograd, name) is not None, name
    assert set(autograd.__all__) <= set(dir(autograd))
    assert autograd.draw_graph.__module__ == "autograd.pages.draw"
    assert autograd.grad.__module__ == "autograd.core.derivatives"


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
