"""Writing files atomically: a reader sees the old file or the new one, never half of one.

What `write_atomically` does to an existing target, and why:

- its permission bits are kept (a private 0600 file stays private), and so are its
  owner and group: root writing over a user's file leaves it the user's, and a
  user is refused a file owned by someone else (replacing it would make it theirs);
- a symbolic link is followed: the file it points to is replaced (atomically,
  in that file's folder) and the link stays a link;
- a read-only file (no write bit for anyone, or not writable by us) is refused
  with PermissionError, as ``open(path, "w")`` refuses it, even for root: a
  read-only file is someone's decision not to have it overwritten;
- a folder is refused with IsADirectoryError.

Errors name the path the caller gave, never the temporary file. A temporary
file is ``.<name>.<8 random characters>.tmp`` beside the target (the name cut short
if that would be too long for the folder, so any legal name can be written); one left by a
killed process (kill -9, power loss) is removed by the next write to the same
target once it is an hour old and ours (same owner), so that a live writer's
file is never touched.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from pathlib import Path

__all__ = ["STALE_AFTER", "write_atomically"]

STALE_AFTER = 3600.0  # seconds: an older temporary file of ours is left over from a crash


_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_TMP_EXTRA = len(".") + len(".12345678.tmp")  # what a temporary name adds to the target's


def _tmp_prefix(target: Path) -> str:
    """The target's name as its temporary files start, cut so that they still fit the
    folder's longest file name (a 250-character name is legal; 264 may not be)."""
    try:
        longest = os.pathconf(target.parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no answer
        longest = 255
    name = target.name
    if len(os.fsencode(name)) + _TMP_EXTRA <= longest:
        return name
    cut = name
    while len(os.fsencode(cut)) + _TMP_EXTRA > longest:
        cut = cut[:-1]
    return cut


def _create_temporary(target: Path, existing: os.stat_result | None) -> tuple[int, str]:
    """A new temporary file beside ``target``, open for writing: (descriptor, path).

    A new target's file is created with 0o666 and the kernel takes the umask off, as
    for ``open(path, "w")`` (reading the umask would mean setting it, which races with
    other threads); an existing target's owner, group and bits are set on the descriptor.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    prefix = _tmp_prefix(target)
    for _ in range(100):
        suffix = "".join(secrets.choice(_NAME_CHARS) for _ in range(8))
        tmp = os.path.join(target.parent, f".{prefix}.{suffix}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666 if existing is None else 0o600)
        except FileExistsError:
            continue
        if existing is not None:
            try:
                _keep_owner(fd, existing, tmp)
                mode = stat.S_IMODE(existing.st_mode)
                os.fchmod(fd, mode) if hasattr(os, "fchmod") else os.chmod(tmp, mode)
            except BaseException:
                os.close(fd)
                os.unlink(tmp)
                raise
        return fd, tmp
    raise FileExistsError(17, "No usable temporary file name found", os.fspath(target))


def _keep_owner(fd: int, existing: os.stat_result, tmp: str) -> None:
    """Give the new file the old one's owner and group, as rewriting it in place would.

    Root can; another user can keep only a file of their own (and a group of theirs):
    replacing someone else's file would silently make it ours, so that is refused.
    """
    if not hasattr(os, "fchown"):  # Windows: no owners to keep
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (existing.st_uid, existing.st_gid):
        return
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except PermissionError:
        if mine.st_uid != existing.st_uid:
            raise PermissionError(
                13,
                "Permission denied (owned by another user; replacing it would make it ours)",
                tmp,  # the caller names its own path instead
            ) from None
        # Our own file in a group we are not in: it keeps its owner, the group is ours.


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
        fd, tmp = _create_temporary(target, _existing(target, path))
    except OSError as e:
        raise _error(e, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise _error(e, path) from None
        raise
    _remove_stale(target)


def _existing(target: Path, path: str | os.PathLike[str]) -> os.stat_result | None:
    """The status of ``target`` if it exists (None if not); refuses a folder or a
    read-only file with the error ``open(path, "w")`` gives."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", os.fspath(path))
    if st.st_mode & 0o222 == 0 or not os.access(target, os.W_OK):
        raise PermissionError(13, "Permission denied (the file is read-only)", os.fspath(path))
    return st


def _remove_stale(target: Path) -> None:
    """Remove our temporary files for ``target`` that a killed writer left behind."""
    pattern = re.compile(rf"\.{re.escape(_tmp_prefix(target))}\.[a-z0-9_]{{8}}\.tmp")
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
