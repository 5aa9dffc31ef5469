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


# ==== no umask race (issue 20) ====


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


# ==== long names, owners kept (issue 26, item 9) ====


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
