"""write_atomically never sets the process-wide umask (which would race other threads)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from autograd.core.files import write_atomically


def test_new_and_existing_files_get_their_modes_without_touching_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o027)
    try:

        def refuse(mask: int) -> int:
            raise AssertionError("write_atomically set the umask")

        monkeypatch.setattr(os, "umask", refuse)
        new = tmp_path / "new.txt"
        write_atomically(new, b"a")
        assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~0o027
        private = tmp_path / "private.txt"
        private.write_bytes(b"old")
        private.chmod(0o600)
        write_atomically(private, b"new")
        assert (stat.S_IMODE(private.stat().st_mode), private.read_bytes()) == (0o600, b"new")
        monkeypatch.undo()
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "private.txt"]
