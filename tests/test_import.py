"""``import autograd`` loads the engine alone; every public name still imports from it."""

import subprocess
import sys

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
