"""write_atomically: permissions kept, links followed, errors named, temporaries cleaned."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from autograd.core.files import STALE_AFTER, write_atomically

# ==== faults and hostile input (issue 12; the numbers are the items) ====


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
