"""Run a local Virtuoso (Debian's ``virtuoso-opensource``) loaded with the release artifacts, to serve oihkg over it.

Usage (from the repository, after ``make setup``; Debian's ``virtuoso-opensource-7-bin`` is installed by
``scripts/setup.sh --virtuoso``)::

    .venv/bin/python scripts/virtuoso.py start [--dir .virtuoso] [--http-port 8890] [--sql-port 1111]
    .venv/bin/oihkg serve --endpoint http://127.0.0.1:8890/sparql
    .venv/bin/python scripts/virtuoso.py load FILE... [--name NAME ...] [--drop NAME ...] [--dir .virtuoso]
    .venv/bin/python scripts/virtuoso.py stop [--dir .virtuoso]

``start`` writes a configuration into the folder (made owner-only: database, logs and the files it loads stay there),
starts ``virtuoso-t`` on 127.0.0.1 only, gives the database administrator a random password (kept in
``DIR/dba-password``, readable by its owner only; it is an argument of each ``isql-vt`` call the script makes, which
local users can see while it runs), takes from the public SPARQL account every role that lets a query fetch
something (the sponger, federated SERVICE), and bulk-loads the asserted and inferred graphs with Virtuoso's bulk
loader (``ld_add`` + ``rdf_loader_run``, into staging graphs swapped in once all loaded) under the graph IRIs the
embedded store uses, with the artifacts' checksum in the meta graph, so ``/health`` reports the same fingerprint as an
embedded server over the same artifacts. A new database is restarted once after that (Virtuoso 7.2 answers some
property-path joins wrongly on a database created in the running process). ``load`` loads the artifacts again into a
running server, keeping the graphs merged in; ``load FILE...`` merges other graphs in as ``oihkg load`` does for the
embedded store (N-Triples, Turtle or KGX; each into ``…/graph/loaded/NAME``, recorded in the meta graph, so ``/health``
lists it), and ``--drop NAME`` removes one; ``stop`` shuts it down (SIGTERM, then SIGKILL after 30 s) and waits until it is gone. The endpoint
bounds each query's time itself (``--query-seconds``): it answers a longer query with a "transaction timed out" error,
which oihkg reports as a timeout. oihkg passes no call of Virtuoso's own functions (``bif:``, ``sql:``) or pragmas on.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.errors import LoadError, StoreError, VirtuosoError  # noqa: E402
from kg.store.virtuoso import ISQL, VirtuosoLoader, isql  # noqa: E402

SERVER = "virtuoso-t"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = {dir}/load
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
MaxClientConnections = 20
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {seconds}
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _pid(folder: Path) -> int | None:
    """The running server's process id, if the folder has one and it is still ``virtuoso-t`` (not a reused id)."""
    try:
        pid = int((folder / "virtuoso.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) and SERVER.encode() in cmdline and str(folder).encode() in cmdline else None


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start(folder: Path, http_port: int = 8890, sql_port: int = 1111, seconds: int = 30, max_rows: int = 1_000_000,
          memory_gib: float = 2.0, load: bool = True, wait: float = 120) -> str:
    """Start Virtuoso in ``folder`` and (with ``load``) bulk-load the artifacts; return the SPARQL endpoint URL.

    Parameters
    ----------
    folder : Path
        Where the configuration, database, log and loaded files live; created when absent. A folder whose database
        exists is started as it is (the artifacts are loaded again only if ``load``).
    http_port, sql_port : int
        The ports of the SPARQL endpoint and of the SQL (isql) listener, both on 127.0.0.1.
    seconds : int
        The longest a query may run on the server.
    max_rows : int
        The most rows the server returns for one query.
    memory_gib : float
        The page buffer's size (Virtuoso's ``NumberOfBuffers``, 8 KiB each).
    load, wait
        Whether to load the artifacts; seconds to wait for the server to answer.
    """
    if shutil.which(SERVER) is None or shutil.which(ISQL) is None:
        raise VirtuosoError("virtuoso-t and isql-vt are not installed: run `bash scripts/setup.sh --virtuoso` "
                            "(Debian's virtuoso-opensource-7-bin)")
    folder = folder.resolve()
    if any(c in str(folder) for c in ",;'\n"):
        raise VirtuosoError(f"the folder's path may not hold a comma, semicolon, quote or newline: {folder}")
    if _pid(folder):
        raise VirtuosoError(f"a Virtuoso already runs in {folder} (pid {_pid(folder)}); stop it first")
    busy = [p for p in (http_port, sql_port) if not _port_free(p)]
    if busy:
        raise VirtuosoError(f"port {busy[0]} on 127.0.0.1 is in use; choose another with --http-port / --sql-port")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # the database and the administrator's password stay the owner's
    if (folder / "virtuoso.db").exists() and not (folder / "secured").exists():
        for leftover in folder.glob("virtuoso*"):  # a first start that did not finish: made again from nothing
            leftover.unlink()
    for sub in ("load", "www"):
        (folder / sub).mkdir(exist_ok=True)
    buffers = int(memory_gib * (1 << 30) / 8192)
    (folder / "virtuoso.ini").write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port, seconds=seconds,
                                                    max_rows=max_rows, buffers=buffers, dirty=buffers * 3 // 4))
    fresh = not (folder / "secured").exists()
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _launch(folder, endpoint, wait)
        if fresh:
            _secure(folder, sql_port)
        if load:
            VirtuosoLoader(folder, sql_port).upload()
        if fresh:  # Virtuoso 7.2 gives wrong property-path answers on a newly created database until it restarts
            stop(folder)  # (openlink/virtuoso-opensource issue 929)
            _launch(folder, endpoint, wait)
    except BaseException:
        stop(folder)
        raise
    return endpoint


def _launch(folder: Path, endpoint: str, wait: float) -> None:
    """Start ``virtuoso-t`` on the folder's configuration in a session of its own; return once ``endpoint`` answers."""
    with (folder / "virtuoso.out").open("ab") as out:
        proc = subprocess.Popen([SERVER, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    (folder / "virtuoso.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + wait
    while True:
        if proc.poll() is not None:
            raise VirtuosoError(f"virtuoso-t exited with {proc.returncode}; see {folder / 'virtuoso.log'}")
        try:
            log = folder / "virtuoso.log"
            online = log.exists() and f"(pid {proc.pid})" in log.read_text(errors="replace")
            if online and httpx.get(endpoint, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stop(folder)
            raise VirtuosoError(f"Virtuoso did not answer at {endpoint} within {wait:g} s; see {folder / 'virtuoso.log'}")
        time.sleep(0.5)


def _secure(folder: Path, sql_port: int) -> None:
    """A new database: a random administrator password, and no role of the public SPARQL account that fetches; then
    the ``secured`` mark (a database without it is made again at the next start)."""
    password = secrets.token_hex(16)
    secret = folder / "dba-password"
    secret.unlink(missing_ok=True)
    secret.touch(mode=0o600)
    secret.write_text(password)
    isql(folder, sql_port, f"USER_CHANGE_PASSWORD('dba', 'dba', '{password}');", password="dba")
    for role in ("SPARQL_SPONGE", "SPARQL_SELECT_FED", "SPARQL_LOAD_SERVICE_DATA", "SPARQL_UPDATE"):
        try:
            isql(folder, sql_port, f"REVOKE \"{role}\" FROM \"SPARQL\";")
        except VirtuosoError as exc:
            if not any(s in str(exc).lower() for s in ("not have granted", "does not exist", "no such role")):
                raise
    (folder / "secured").touch()


def stop(folder: Path, wait: float = 30) -> bool:
    """Stop the server of ``folder`` (SIGTERM, then SIGKILL) and wait until it is gone; False when none ran."""
    folder = folder.resolve()
    pid = _pid(folder)
    if pid is None:
        (folder / "virtuoso.pid").unlink(missing_ok=True)
        return False
    for sig, seconds in ((signal.SIGTERM, wait), (signal.SIGKILL, 10)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + seconds
        while _alive(pid) and time.monotonic() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)  # reaps it when this process started it
            except ChildProcessError:
                pass
            time.sleep(0.2)
        if not _alive(pid):
            break
    (folder / "virtuoso.pid").unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    """The command line; exit 0, or 1 with the error on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "stop", "load"):
        p = sub.add_parser(name)
        p.add_argument("--dir", type=Path, default=REPO / ".virtuoso", help="the server's folder (default .virtuoso)")
        if name == "start":
            p.add_argument("--sql-port", type=int, default=1111)
            p.add_argument("--http-port", type=int, default=8890)
            p.add_argument("--query-seconds", type=int, default=30)
            p.add_argument("--max-rows", type=int, default=1_000_000)
            p.add_argument("--memory-gib", type=float, default=2.0)
            p.add_argument("--no-load", action="store_true", help="start without (re)loading the artifacts")
        if name == "load":
            p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                           help="N-Triples, Turtle or KGX files to merge in, as `oihkg load` does; none: the artifacts")
            p.add_argument("--name", action="append", help="the merged graph's name, one per file (default: the file's)")
            p.add_argument("--drop", action="append", default=[], metavar="NAME", help="drop a merged graph")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            url = start(args.dir, args.http_port, args.sql_port, args.query_seconds, args.max_rows, args.memory_gib,
                        load=not args.no_load)
            print(f"Virtuoso serves SPARQL at {url}; serve oihkg over it with:\n  oihkg serve --endpoint {url}")
        elif args.command == "load" and (args.files or args.drop):
            for r in VirtuosoLoader(args.dir).merge(args.files, args.name, args.drop):
                print(f"merged {r['source']} into {r['graph']}: {r['triples']:,} triples")
            for name in args.drop:
                print(f"dropped {name}")
            print("restart `oihkg serve --endpoint` to serve the change")
        elif args.command == "load":
            VirtuosoLoader(args.dir).upload()
            print("loaded the artifacts")
        else:
            print("stopped" if stop(args.dir) else f"no Virtuoso runs in {args.dir}")
    except (VirtuosoError, LoadError, StoreError, OSError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
