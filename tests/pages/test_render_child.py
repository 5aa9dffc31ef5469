"""Graphviz's dot never outlives us and cannot take all memory (review of issue 26, item 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

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
