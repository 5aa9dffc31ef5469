"""write_atomically keeps what rewriting in place keeps (review of issue 26, item 9)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from autograd.core.files import write_atomically


def test_the_longest_legal_file_name_can_be_written_and_rewritten(tmp_path: Path) -> None:
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    path = tmp_path / ("m" * (longest - 5) + ".json")
    write_atomically(path, b"first")
    write_atomically(path, b"second")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert path.read_bytes() == b"second"


def test_an_old_temporary_file_of_a_long_name_is_cleaned_up(tmp_path: Path) -> None:
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    path = tmp_path / ("m" * (longest - 5) + ".json")
    write_atomically(path, b"first")
    stale = tmp_path / f".{path.name[: longest - 14]}.abcd1234.tmp"
    stale.write_bytes(b"left by a killed writer")
    os.utime(stale, (0, 0))
    write_atomically(path, b"second")
    assert not stale.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_root_writing_over_a_users_file_leaves_it_theirs(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"old")
    os.chown(path, 1234, 5678)
    path.chmod(0o640)
    write_atomically(path, b"new")
    st = path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 5678, 0o640)
    assert path.read_bytes() == b"new"
