"""Writing files atomically: a reader sees the old file or the new one, never half of one.

What `write_atomically` does to an existing target, and why:

- its permission bits are kept (a private 0600 file stays private);
- a symbolic link is followed: the file it points to is replaced (atomically,
  in that file's folder) and the link stays a link;
- a read-only file (no write bit for anyone, or not writable by us) is refused
  with PermissionError, as ``open(path, "w")`` refuses it, even for root: a
  read-only file is someone's decision not to have it overwritten;
- a folder is refused with IsADirectoryError.

Errors name the path the caller gave, never the temporary file. A temporary
file is ``.<name>.<8 random characters>.tmp`` beside the target; one left by a
killed process (kill -9, power loss) is removed by the next write to the same
target once it is an hour old and ours (same owner), so that a live writer's
file is never touched.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_AFTER", "write_atomically"]

STALE_AFTER = 3600.0  # seconds: an older temporary file of ours is left over from a crash


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _error(e: OSError, path: str | os.PathLike[str]) -> OSError:
    """``e`` again, naming ``path`` rather than whatever file the system call saw."""
    if e.filename is None or e.strerror is None:  # names no file: nothing to correct
        return e
    return type(e)(e.errno, e.strerror, os.fspath(path))


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and
    `os.replace`, so an error (or a crash) leaves no partial file behind.

    A new file gets the permissions an ordinary ``open(path, "w")`` would give
    (0o666 minus the umask); an existing one keeps its own. See the module
    docstring for symbolic links, read-only targets and left-over temporary files.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        mode = _existing_mode(target, path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise _error(e, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise _error(e, path) from None
        raise
    _remove_stale(target)


def _existing_mode(target: Path, path: str | os.PathLike[str]) -> int | None:
    """The permission bits of ``target`` if it exists (None if not); refuses a folder
    or a read-only file with the error ``open(path, "w")`` gives."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", os.fspath(path))
    if st.st_mode & 0o222 == 0 or not os.access(target, os.W_OK):
        raise PermissionError(13, "Permission denied (the file is read-only)", os.fspath(path))
    return stat.S_IMODE(st.st_mode)


def _remove_stale(target: Path) -> None:
    """Remove our temporary files for ``target`` that a killed writer left behind."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    now = time.time()
    me = os.getuid() if hasattr(os, "getuid") else None  # Windows: no owners to compare
    try:
        siblings = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in siblings:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (
                stat.S_ISREG(st.st_mode)
                and (me is None or st.st_uid == me)
                and now - st.st_mtime > STALE_AFTER
            ):
                os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove: leave it
