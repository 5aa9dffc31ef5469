"""Rendering on a bare machine (the WebAssembly Graphviz), and what a broken ``dot`` returns."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import graphviz
import pytest

from autograd import Value, draw_graph, linear
from autograd.pages import render
from autograd.pages.draw import GraphvizMissing, RenderError
from autograd.pages.draw import render as render_graph
from autograd.pages.render import _as_records
from tests.helpers import BROKEN_DOTS, ROOT, fake_dot, needs_dot, neuron, sigmoid, sum_of


@pytest.fixture
def no_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with no ``dot`` on it (only an empty folder)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_without_dot_every_svg_path_renders_in_a_fresh_process(tmp_path: Path) -> None:
    """A child whose PATH has no dot: draw_graph's Jupyter SVG, pipe, render and the CLI."""
    empty = tmp_path / "bin"
    empty.mkdir()
    code = """if True:
        import sys
        from autograd import Value, draw_graph
        w, x, b = Value(0.5, label="w"), Value(1.0, label="x"), Value(-0.2, label="b")
        y = (w * x + b).sigmoid()
        y.backward()
        g = draw_graph(y)
        assert g._repr_mimebundle_()["image/svg+xml"] == g.pipe(format="svg", encoding="utf-8")
        print(g.render("neuron", format="svg", cleanup=True))
        sys.stdout.write(g.pipe(format="svg", encoding="utf-8"))
    """
    env = {**os.environ, "PATH": str(empty), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    first, svg = done.stdout.decode("utf-8").split("\n", 1)
    assert first == "neuron.svg" and sorted(p.name for p in tmp_path.iterdir()) == [
        "bin",
        "neuron.svg",
    ]
    assert (tmp_path / "neuron.svg").read_text() == svg
    y = sigmoid(0.5 * 1.0 - 0.2)
    dw = y * (1 - y) * 1.0  # ∂σ(wx+b)/∂w = σ'·x
    for text in (f"data {y:#.4g}", f"grad {dw:#.4g}", "data 0.5000", "sigmoid"):
        assert f">{text}</text>" in svg, text
    assert svg.count('class="node"') == 9 and 'id="v5"' in svg  # 3 leaves, 3 results, 3 ops

    cli_run = subprocess.run(
        [sys.executable, "-m", "autograd", "explain", "sigmoid(w*x + b)", "--at", "w=0.5",
         "x=1", "b=-0.2", "--svg", "graph.svg", "--html", "steps.html"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cli_run.returncode == 0 and cli_run.stderr == "", cli_run.stderr
    assert f">grad {dw:#.4g}</text>" in (tmp_path / "graph.svg").read_text()
    assert "<svg" in (tmp_path / "steps.html").read_text()


def test_without_dot_png_and_pdf_say_what_to_install(no_dot: Path) -> None:
    g = draw_graph(Value(1.0, label="x") * 2)
    for fmt in ("png", "pdf"):
        with pytest.raises(GraphvizMissing) as e:
            render_graph(g, fmt)
        message = str(e.value)
        assert message.startswith(f"rendering {fmt.upper()} needs the Graphviz program 'dot'")
        assert "apt install graphviz" in message and "\n" not in message
        assert isinstance(e.value, graphviz.ExecutableNotFound)  # what graphviz users catch


def test_without_dot_or_the_webassembly_graphviz_svg_says_what_to_pip_install(
    no_dot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "wasm_available", lambda: False)  # as on Python 3.10
    with pytest.raises(GraphvizMissing, match=r"^drawing needs Graphviz: pip install wasi-graph"):
        render_graph(draw_graph(Value(1.0) * 2), "svg")


def test_the_webassembly_graphviz_has_a_time_and_a_size_limit(
    no_dot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = draw_graph(Value(1.0) * 2)
    whole = render_graph(small, "svg")  # also compiles the WebAssembly, once per process
    big = draw_graph(sum_of(300), max_nodes=1000)
    start = time.perf_counter()
    with pytest.raises(RenderError, match=r"^the WebAssembly Graphviz did not finish .* in 0.2 s"):
        render_graph(big, "svg", timeout=0.2)
    assert time.perf_counter() - start < 3
    assert render_graph(small, "svg") == whole  # a fresh instance after the interruption
    monkeypatch.setattr(render, "MAX_OUTPUT", len(whole) - 1)
    with pytest.raises(RenderError, match=r"^the WebAssembly Graphviz wrote more than"):
        render_graph(small, "svg")


def test_the_native_dot_is_preferred_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path / "bin", "cat >/dev/null; echo '<svg id=\"native\"></svg>'")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert render_graph(draw_graph(Value(1.0) * 2), "svg") == b'<svg id="native"></svg>\n'


def test_a_layers_neurons_are_written_in_the_order_the_renderer_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphviz cannot be told the order of clusters inside a cluster, and versions differ:
    a small graph, drawn once per renderer and rankdir, tells which way round to write them.
    This dot draws the small graph's clusters bottom to top: the neurons go to it reversed."""
    from nn import MLP

    model = MLP(2, [2, 1], seed=0)
    g = draw_graph(model([1.0, 0.0]), params=model)
    spots = "".join(
        f'<g id="p{k}" class="node"><text x="{30 * k}" y="{-30 * (k + 1)}">p{k}</text></g>'
        for k in range(3)
    )
    fake_dot(tmp_path / "bin", f"cat > \"{tmp_path}/in.$$\"; echo '<svg>{spots}</svg>'")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(render, "_probed", {})
    render_graph(g, "svg")
    render_graph(g, "svg")
    given = [p.read_text() for p in tmp_path.glob("in.*")]
    drawings = [t for t in given if "cluster_layer_0_neuron_0" in t]
    assert len(given) == 3 and len(drawings) == 2  # the small graph once, then each drawing
    for text in drawings:
        assert text.index("cluster_layer_0_neuron_1") < text.index("cluster_layer_0_neuron_0")
    assert g.source.index("cluster_layer_0_neuron_0") < g.source.index("cluster_layer_0_neuron_1")
    assert render.nested_clusters_in_order("TB") is True  # across, they are in order
    # A renderer that cannot draw the small graph counts as keeping the order, and is asked again.
    fake_dot(tmp_path / "bin", "cat >/dev/null; exit 1")
    monkeypatch.setattr(render, "_probed", {})
    assert render.nested_clusters_in_order("LR") is True
    assert render._probed == {}


@pytest.mark.parametrize(("script", "complaint"), BROKEN_DOTS)
def test_what_a_broken_dot_returns_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, complaint: str
) -> None:
    fake_dot(tmp_path / "bin", script)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(render, "MAX_OUTPUT", 2**20)
    with pytest.raises(RenderError) as e:
        render_graph(draw_graph(Value(1.0) * 2), "svg")
    assert str(e.value) == f"Graphviz's dot {complaint}"


def test_ctrl_c_while_dot_runs_exits_130_without_a_traceback(tmp_path: Path) -> None:
    started = tmp_path / "dot-started"
    fake_dot(tmp_path / "bin", f"echo $$ > {started}; exec sleep 60")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    child = subprocess.Popen(
        [sys.executable, "-m", "autograd", "draw", "x*2", "--at", "x=1", "-o", "g.svg"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (started.exists() and started.read_text().strip()):
        assert time.monotonic() < deadline and child.poll() is None, "dot never started"
        time.sleep(0.05)
    time.sleep(0.5)  # dot is running: the command is now waiting for it
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err) == (130, "", "autograd: interrupted\n")
    dot_pid = int(started.read_text())
    with pytest.raises(ProcessLookupError):  # the dot it ran was stopped too
        os.kill(dot_pid, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "dot-started"]


def test_ctrl_c_stops_the_webassembly_graphviz_at_once(tmp_path: Path) -> None:
    # x + x + … + x, 600 terms: about a minute of layout here without the time limit.
    code = """if True:
        import time
        from autograd import Value, draw_graph
        from autograd.pages.draw import render
        from tests.helpers import sum_of
        render(draw_graph(Value(1.0) * 2), "svg")  # compiles the WebAssembly
        big = draw_graph(sum_of(600), max_nodes=10_000)
        print("ready", flush=True)
        start = time.monotonic()
        try:
            render(big, "svg", timeout=None)
        except KeyboardInterrupt:
            print(f"interrupted after {time.monotonic() - start:.1f} s", flush=True)
    """
    env = {**os.environ, "PATH": str(tmp_path), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout.readline() == b"ready\n"
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    said = out.decode().strip()
    assert said.startswith("interrupted after "), said
    assert float(said.split()[-2]) < 10, said


def test_without_dot_labels_keep_their_characters_and_boxes_their_colours(no_dot: Path) -> None:
    name = 'a{b}|c<d> "e" \\N & f'
    x = Value(1.5, label=name)
    svg = render_graph(draw_graph(x * 2, params=[x]), "svg").decode("utf-8")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert texts[:3] == [name, "data 1.500", "grad 0.000"]
    assert 'fill="#fddcb5"' in svg  # a parameter's orange, as with dot


def test_without_dot_a_nets_units_and_layers_are_drawn_as_with_dot(no_dot: Path) -> None:
    """A small net's unit is its name beside a column (data, ∂E/∂y, ∂E/∂x), its layer's
    title two lines of text (it was the cluster's name, "cluster_layer_0"), and a box is
    as tall as dot's table (23 pt a row; a record's default 36 pt made the drawing too big
    for a worksheet's page and a phone's view)."""
    from nn import MLP
    from nn.losses import sum_squared_error

    model = MLP(2, [2, 1], seed=0)
    e = sum_squared_error(model([1.0, 0.0]), 1.0)
    e.backward()
    svg = render_graph(draw_graph(e, params=model, view="neurons"), "svg").decode("utf-8")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert "layer 0:" in texts and "2 × sigmoid(Σ 2w+b)" in texts
    assert not any("cluster" in t for t in texts)
    nodes = dict(re.findall(r'<g id="(\w+)" class="node">(.*?)</g>', svg, re.S))
    at = r'<text[^>]*x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)<'
    spots = [(html.unescape(t), float(x), float(y)) for x, y, t in re.findall(at, nodes["v10"])]
    (name, nx, _), *column = spots
    assert name == "y3" and [t.split()[0] for t, _, _ in column] == ["data", "∂E/∂y", "∂E/∂x"]
    assert all(x > nx for _, x, _ in column) and len({x for _, x, _ in column}) == 1
    assert [y for _, _, y in column] == sorted(y for _, _, y in column)  # top to bottom
    ys = [float(v) for v in re.findall(r",(-?[\d.]+)", nodes["in0"].split('points="')[1])]
    assert 20 <= max(ys) - min(ys) <= 26  # one row of 12 pt text


def test_without_dot_a_layers_title_keeps_its_characters(no_dot: Path) -> None:
    title = 'a "b" \\N & <c>'  # the user's text
    # As `autograd.pages.draw` writes it in an HTML-like title: markup escaped, backslashes
    # doubled (dot reads \N as the graph's name even there).
    escaped = html.escape(title, quote=True).replace("\\", "\\\\")
    line = f'\t\tcolor="#999999" label=<{escaped}:<BR/>x &amp; y> style=rounded'
    tooltip = f'\tv0 [label=a tooltip="label=<{escaped}<BR/>z>"]'
    source = f"digraph {{\n\tsubgraph cluster_0 {{\n{line}\n{tooltip}\n\t}}\n}}"
    converted = _as_records(source)
    assert tooltip in converted  # a title spelled inside a quoted value stays as it is
    svg = render.render_source(source, "svg").decode("utf-8")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert texts[:2] == ['a "b" \\N & <c>:', "x & y"]


def test_without_dot_svg_still_renders_and_png_raises_graphvizs_error(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    y, *_ = neuron()
    g = draw_graph(y)
    assert "sigmoid" in g.source
    assert 'id="v5"' in g.pipe(format="svg", encoding="utf-8")  # the WebAssembly Graphviz
    with pytest.raises(graphviz.ExecutableNotFound, match="needs the Graphviz program 'dot'"):
        g.pipe(format="png")


def test_render_stops_a_slow_dot_and_reports_a_failing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = draw_graph(neuron()[0])
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    fake_dot(tmp_path / "bin", "exec sleep 30")
    with pytest.raises(RenderError, match=r"^Graphviz's dot did not finish .* in 0.2 s: "):
        render_graph(g, "svg", timeout=0.2)
    fake_dot(tmp_path / "bin", "cat >/dev/null; echo 'Error: <stdin>: syntax error' >&2; exit 3")
    with pytest.raises(RenderError) as e:
        render_graph(g, "svg")
    assert str(e.value) == "Graphviz's dot failed (exit status 3): Error: <stdin>: syntax error"
    (tmp_path / "bin" / "dot").unlink()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(graphviz.ExecutableNotFound):
        render_graph(g, "pdf")
    with pytest.raises(ValueError, match="Graphviz format"):
        render_graph(g, "svg -o /tmp/x")


@needs_dot
def test_render_gives_dots_output() -> None:
    y, *_ = neuron()
    svg = render_graph(draw_graph(y), "svg").decode("utf-8")
    assert "<svg" in svg and 'id="v5"' in svg and f"data {sigmoid(0.3):#.4g}" in svg
    assert render_graph(draw_graph(y), "png").startswith(b"\x89PNG")


# ==== user text that spells DOT or HTML never becomes DOT, HTML or a link ====


def test_a_tooltip_that_spells_a_table_is_not_rewritten_for_the_webassembly_renderer() -> None:
    """Without dot, HTML-like tables become records; one spelled inside a tooltip stays text."""
    text = 'x [label=<<TABLE BORDER="0"><TR><TD>a</TD></TR></TABLE>> "y"'
    w = Value(0.5, label=f"{text}.layers.0.neurons.0.w.0")
    b = Value(0.1, label=f"{text}.layers.0.neurons.0.b")
    y = linear([w], [2.0], b).sigmoid()
    source = draw_graph(y, params=[w, b], view="neurons").source
    converted = _as_records(source)
    (tooltip,) = re.findall(r'tooltip="(?:[^"\\]|\\.)*"', source)
    assert "label=<<TABLE" in tooltip
    assert tooltip in converted
    # Each box (shape=plain in dot's source) becomes one record, and only those.
    assert converted.count("shape=record") == source.count("shape=plain") == 2


# ==== dot dies with us, memory capped (issue 26, item 5) ====


linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's prctl")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left


def _fake_dot(folder: Path, body: str) -> Path:
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    dot = bin_dir / "dot"
    dot.write_text(f"#!/bin/sh\n{body}\n")
    dot.chmod(0o755)
    return bin_dir


@linux
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_dot_dies_with_the_python_that_started_it(tmp_path: Path, sig: signal.Signals) -> None:
    pid_file = tmp_path / "dot.pid"
    bin_dir = _fake_dot(tmp_path, f"echo $$ > {pid_file}\nexec sleep 60")
    script = textwrap.dedent(
        """
        import signal
        # As a Python that these signals end (a runner under nohup passes SIGHUP ignored).
        for sig in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        from autograd import Value, draw_graph
        from autograd.pages.draw import render
        render(draw_graph(Value(1.0) * 2), "svg", timeout=None)
        """
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    python = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text().strip()):
            assert time.monotonic() < deadline and python.poll() is None, "dot never started"
            time.sleep(0.05)
        dot = int(pid_file.read_text())
        assert _alive(dot)
        python.send_signal(sig)
        python.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _alive(dot) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(dot), f"dot (pid {dot}) outlived Python killed by {sig.name}"
    finally:
        if python.poll() is None:
            python.kill()
            python.wait()


@pytest.mark.skipif(os.name != "posix", reason="POSIX resource limits")
def test_dot_runs_with_its_memory_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd.pages import render

    # The fake dot reports the address-space limit it was started with.
    probe = (
        f"{sys.executable} -c 'import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])'"
    )
    bin_dir = _fake_dot(tmp_path, f"cat > /dev/null; {probe} > {tmp_path / 'limit'}; exit 1")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(render.RenderError):
        render.render_source("digraph { a }", "svg", 30.0)
    assert int((tmp_path / "limit").read_text()) == render._NATIVE_MEMORY


# -- under Pyodide: the page's Graphviz (viz.js), through the function the page registers --


def _in_the_browser(monkeypatch: pytest.MonkeyPatch, renderer: object) -> list[str]:
    """sys.platform as Pyodide's, and a `js` module holding ``renderer`` as the worker's
    autogradRenderDot (absent if None); the sources it was given."""
    given: list[str] = []
    page = types.ModuleType("js")
    if renderer is not None:

        def registered(source: str) -> object:
            given.append(source)
            return renderer(source) if callable(renderer) else renderer

        setattr(page, render.BROWSER_RENDERER, registered)
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "js", page)
    return given


def test_under_pyodide_the_pages_renderer_draws_the_source_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, *_ = neuron()
    source = draw_graph(root).source
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><g class="node"/></svg>'
    given = _in_the_browser(monkeypatch, svg)
    assert render.render_source(source, "svg") == svg.encode()
    assert given == [source]  # HTML-like labels and all: viz.js reads them


def test_under_pyodide_what_cannot_be_drawn_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _in_the_browser(monkeypatch, "<svg>")  # cut short
    with pytest.raises(RenderError, match=r"^the browser's Graphviz \(viz.js\) returned something"):
        render.render_source("digraph { a }", "svg")
    _in_the_browser(monkeypatch, "<svg></svg>")
    with pytest.raises(GraphvizMissing, match=r"^rendering PNG in the browser is not possible"):
        render.render_source("digraph { a }", "png")

    def broken(source: str) -> str:
        raise RuntimeError("syntax error in line 1 near '{'")

    _in_the_browser(monkeypatch, broken)
    with pytest.raises(RenderError, match=r"viz.js\) failed: syntax error in line 1 near"):
        render.render_source("digraph {", "svg")
    _in_the_browser(monkeypatch, None)
    with pytest.raises(GraphvizMissing, match=r"register autogradRenderDot\(source\)"):
        render.render_source("digraph { a }", "svg")
