"""The harness shared by the benchmarks and the tests' server fixtures: a free port, a server started and polled until
it answers, stopped, and a worktree of an old commit.

``bench/`` is not a package: a benchmark imports this module as ``from harness import ...`` after putting its own
folder on ``sys.path`` (as it does for ``timing.py``); ``tests/conftest.py`` loads it by its path.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

__all__ = ["ROOT", "NotUp", "free_port", "old_worktree", "start_app", "stop", "wait_until_up"]

#: The repository's root: the tree these files are in.
ROOT = Path(__file__).resolve().parent.parent


class NotUp(RuntimeError):
    """A server exited, or did not answer in time, while it was waited for."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server to be started on.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _said(proc: subprocess.Popen, log: Path | None) -> str:
    """What an exited server left to read: its log file, else its standard error if piped, else its exit code."""
    if log is not None:
        return log.read_text()
    if proc.stderr is not None:
        return proc.stderr.read().decode(errors="replace")[-2000:]
    return str(proc.returncode)


def wait_until_up(proc: subprocess.Popen, url: str, seconds: float, what: str, *, params: dict | None = None,
                  headers: dict | None = None, log: Path | None = None, interval: float = 0.2,
                  timeout: float = 2, any_status: bool = False) -> None:
    """Poll ``url`` (GET with ``params`` and ``headers``) until it answers 200 (any status with ``any_status``), for a
    server just started.

    Parameters
    ----------
    proc : subprocess.Popen
        The server's process; its exit ends the wait.
    url, seconds, what
        Where to ask, for how long at most, and the server's name in a message.
    params, headers : dict, optional
        The request's query parameters and headers (a SPARQL server is asked ``ASK {}``).
    log : Path, optional
        The server's log, quoted when it exits.
    interval, timeout : float
        Seconds between two tries, and each try's own timeout.
    any_status : bool
        Any HTTP answer means the server is up (a server that may start degraded, or a route that refuses ``GET``).

    Raises
    ------
    NotUp
        When the process exits, or after ``seconds`` (the process is killed then).
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise NotUp(f"{what} exited: {_said(proc, log)}")
        try:
            status = httpx.get(url, params=params, headers=headers, timeout=timeout).status_code
            if any_status or status == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(interval)
    proc.kill()
    raise NotUp(f"{what} did not answer within {seconds:g} s")


def stop(proc: subprocess.Popen, seconds: float = 10) -> None:
    """Stop a server: terminate it, and kill it if it is still there after ``seconds``."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=seconds)


def start_app(tree: Path, what: str, *, seconds: float = 120, env: dict | None = None, log_level: str = "warning",
              stderr=subprocess.PIPE, interval: float = 0.2) -> tuple[subprocess.Popen, str]:
    """Start the API of the source tree ``tree`` (``uvicorn --factory api.main:create_app``, embedded store, one
    worker) on a free 127.0.0.1 port, and wait until its /health answers.

    Parameters
    ----------
    tree : Path
        The source tree (this one, or :func:`old_worktree`'s): its ``kg`` and ``api`` and its ``ontology/``.
    what : str
        The server's name in a message.
    seconds : float
        How long it may take to answer.
    env : dict, optional
        More environment variables (``OIHKG_*`` settings).
    log_level, stderr
        uvicorn's log level, and where its standard error goes (a pipe, quoted if it exits before it answers).
    interval : float
        Seconds between two tries of /health.

    Returns
    -------
    tuple
        The process and its base URL.
    """
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(tree), "OIHKG_OUT": str(tree / "ontology"), **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", log_level], cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{base}/health", seconds, what, interval=interval)
    return proc, base


@contextmanager
def old_worktree(commit: str, folder: Path) -> Iterator[Path]:
    """A detached ``git worktree`` of ``commit`` at ``folder/tree``, removed at the end.

    Parameters
    ----------
    commit : str
        The commit to check out (the benchmarks' ``--old``).
    folder : Path
        A temporary folder to hold it.
    """
    tree = folder / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True,
                   capture_output=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False,
                       capture_output=True)
