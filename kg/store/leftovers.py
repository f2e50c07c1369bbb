"""What a load killed part way leaves behind, and its removal: scratch folders no live process owns, bulk files.

``oihkg load`` converts a KGX file to N-Triples in a scratch folder, and pyoxigraph's bulk loader writes
``bulk-*.sst`` files into the store's folder before it hands them to RocksDB. A load stopped by ``kill -9``, a crash
or a full disk leaves both (hundreds of MB for a large file), and nothing would ever remove them. So:

- a scratch folder (:func:`scratch`) is made as ``oihkg-load-*`` inside a known place — the store's folder for
  ``oihkg load``, the system's temporary folder otherwise — and its process holds an exclusive ``flock`` on the
  folder's ``.owner`` file for the folder's life. The kernel releases that lock when the process dies, however it
  dies, so :func:`sweep_scratch` removes exactly the folders whose owner is gone (one that cannot be locked is in use);
- :func:`sweep_bulk` removes the ``bulk-*.sst`` files of a store folder. It is called by a process that holds the
  store open for writing (RocksDB's own lock), so no other process can be loading into it: any such file is a
  leftover.

Examples
--------
>>> import tempfile
>>> where = Path(tempfile.mkdtemp())
>>> with scratch(where) as folder:
...     sweep_scratch(where), folder.is_dir()   # a live scratch folder is kept
([], True)
>>> folder.exists()
False
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # no flock (Windows): a scratch folder is then swept once it is ORPHAN_AGE old
    fcntl = None

__all__ = ["PREFIX", "scratch", "sweep_scratch", "sweep_bulk", "sweep"]

log = logging.getLogger("oihkg.store")

#: The name of every scratch folder starts so.
PREFIX = "oihkg-load-"
#: The file whose lock says the folder's process is alive.
OWNER = ".owner"
#: A scratch folder without its owner file (its process died as it made it) is removed once this old, in seconds.
ORPHAN_AGE = 3600.0


def _old(folder: Path) -> bool:
    """Whether a folder was last changed more than :data:`ORPHAN_AGE` seconds ago."""
    try:
        return time.time() - folder.stat().st_mtime > ORPHAN_AGE
    except OSError:
        return False


def _dead(folder: Path) -> bool:
    """Whether no live process owns a scratch folder: its owner file can be locked, or it has none and is old."""
    if fcntl is None:
        return _old(folder)
    try:
        fd = os.open(folder / OWNER, os.O_RDWR)
    except FileNotFoundError:
        return _old(folder)
    except OSError:
        return False  # not ours to judge (another user's, say)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True  # released by the kernel when its process died; closing our descriptor lets the lock go
    except OSError:
        return False
    finally:
        os.close(fd)


def sweep_scratch(where: Path | str) -> list[Path]:
    """Remove the scratch folders in ``where`` that no live process owns; returns those removed."""
    removed = []
    for folder in sorted(Path(where).glob(PREFIX + "*")):
        if folder.is_dir() and not folder.is_symlink() and _dead(folder):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    if removed:
        log.warning("removed %d scratch folder(s) of a load that was stopped part way", len(removed))
    return removed


@contextmanager
def scratch(where: Path | str | None = None) -> Iterator[Path]:
    """A scratch folder ``oihkg-load-*`` in ``where`` (default: the system's temporary folder), owned by this process
    while the context lasts and removed at its end; folders left there by dead processes are swept first."""
    where = Path(where) if where is not None else Path(tempfile.gettempdir())
    sweep_scratch(where)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=where))
    fd = os.open(folder / (OWNER + "-new"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(folder / (OWNER + "-new"), folder / OWNER)  # named once locked: a sweep never finds it unlocked
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def sweep_bulk(location: Path | str | None) -> list[Path]:
    """Remove the ``bulk-*.sst`` files pyoxigraph's bulk loader left in a store folder (none for an in-memory store,
    ``None``). Call it only while holding the store open for writing; returns the files removed."""
    removed, size = [], 0
    if location is None:
        return removed
    for path in Path(location).glob("bulk-*.sst"):
        try:
            bytes_ = path.stat().st_size
            path.unlink()
        except OSError:
            continue
        removed.append(path)
        size += bytes_
    if removed:
        log.warning("removed %d bulk file(s) of a load that was stopped part way (%.1f MB)", len(removed), size / 1e6)
    return removed


def sweep(location: Path | str) -> bool:
    """Remove what dead loads left in a store folder opened for writing: bulk files and unowned scratch folders.
    Whether anything was removed."""
    return bool(sweep_bulk(location)) | bool(sweep_scratch(location))
