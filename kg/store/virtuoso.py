"""Virtuoso's bulk loader as the store wing's load capability (:class:`kg.store.Loadable`): the asserted and inferred
artifacts and merged graphs put into a running Virtuoso through ``isql-vt``, all or nothing.

``scripts/virtuoso.py`` starts and stops the server (Debian's ``virtuoso-opensource``); this module loads it. Each
``isql-vt`` call passes the administrator's password (kept in ``DIR/dba-password``, readable by its owner only) as an
argument, and its messages blank it out.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from pyoxigraph import NamedNode

from kg.config import Paths, default_paths
from kg.errors import LoadError, VirtuosoError
from kg.store.interface import Loadable
from kg.store.merge import check_name, prepared
from kg.store.record import ASSERTED, CHECKSUM, INFERRED, LOADED, META, artifacts_checksum, file_sha256, meta_ntriples
from kg.store.remote import RemoteStore

__all__ = ["ISQL", "VirtuosoLoader", "bulk_load", "isql", "sql_text", "ini_port", "endpoint_store", "write_meta"]

ISQL = "isql-vt"


def isql(folder: Path, sql_port: int, sql: str, password: str | None = None, timeout: float = 600) -> str:
    """Run SQL statements with ``isql-vt`` as the administrator; :class:`VirtuosoError` on an error, with the password
    blanked out of its message."""
    password = password or (folder / "dba-password").read_text().strip()
    try:
        proc = subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", password, "VERBOSE=OFF", "BANNER=OFF", f"exec={sql}"],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise VirtuosoError(f"isql did not finish within {timeout:g} s on {sql[:120].replace(password, '***')!r}") from None
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or "*** Error" in out:
        raise VirtuosoError(f"isql failed on {sql[:120]!r}: {out.strip()[:2000]}".replace(password, "***"))
    return out


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ini_port(folder: Path, section: str) -> int:
    """The port a section of the folder's configuration listens on."""
    ini = configparser.ConfigParser(strict=False)
    ini.read(folder / "virtuoso.ini")
    return int(ini[section]["ServerPort"].rsplit(":", 1)[1])


def bulk_load(folder: Path, sql_port: int, files: dict[Path, str],
              record: Callable[[dict[str, str]], Path] | None = None, clear: list[str] | tuple = ()) -> None:
    """Replace each graph by the file given for it with Virtuoso's bulk loader, all or nothing: every file goes into a
    staging graph first, and the graphs are replaced only once the loader took them all; otherwise the staging graphs
    are dropped and :class:`VirtuosoError` names the file.

    ``record``, when given, is called once every file is staged, with each graph's staging graph, and returns the
    meta graph's file, staged in turn. Then one batch replaces the graphs (the last file's last, and the meta graph
    after them, so a record follows its data) and clears the graphs in ``clear``.
    """
    folder = folder.resolve()
    staged: dict[Path, tuple[str, str]] = {}

    def stage(items: dict[Path, str]) -> None:
        batch = {}
        for src, graph in items.items():
            dst = folder / "load" / f"{len(staged)}-{src.name}"
            shutil.copyfile(src, dst)
            staged[dst] = batch[dst] = (graph, f"{graph}#staging")
        if not batch:
            return
        sql = "DELETE FROM DB.DBA.load_list; "
        sql += " ".join(f"SPARQL CLEAR GRAPH <{tmp}>; ld_add({sql_text(str(p))}, {sql_text(tmp)});"
                        for p, (_, tmp) in batch.items())
        isql(folder, sql_port, sql + " rdf_loader_run();")
        report = isql(folder, sql_port, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        refused = [p for p in batch if str(p) in report]
        if refused:
            raise VirtuosoError(f"Virtuoso's bulk loader refused {refused[0].name}, so no graph was replaced: "
                                f"{report.strip()[:2000]}")

    try:
        stage(files)
        if record is not None:
            stage({record({g: tmp for g, tmp in staged.values()}): META.value})
        isql(folder, sql_port, " ".join(f"SPARQL CLEAR GRAPH <{g}>; SPARQL ADD <{tmp}> TO <{g}>; SPARQL CLEAR GRAPH <{tmp}>;"
                                         for g, tmp in staged.values())
              + " ".join(f" SPARQL CLEAR GRAPH <{g}>;" for g in clear) + " checkpoint;")
    except BaseException:
        if staged:
            with suppress(VirtuosoError):
                isql(folder, sql_port, " ".join(f"SPARQL CLEAR GRAPH <{tmp}>;" for _, tmp in staged.values()))
        raise
    finally:
        for path in staged:
            path.unlink(missing_ok=True)


def endpoint_store(folder: Path) -> RemoteStore:
    """The running server's SPARQL endpoint, as oihkg reads it."""
    return RemoteStore(f"http://127.0.0.1:{ini_port(folder, 'HTTPServer')}/sparql", timeout=120)


def write_meta(folder: Path, checksum: str | None, records: list[dict]) -> Path:
    """The meta graph's file to bulk-load (:func:`kg.store.meta_ntriples`)."""
    meta = folder / "meta.nt"
    meta.write_text(meta_ntriples(checksum, records), encoding="utf-8")
    return meta


class VirtuosoLoader(Loadable):
    """Virtuoso's bulk loader on the server of ``folder``, through ``isql-vt``: the wing's capability of putting graphs
    into a store and taking them out (:class:`kg.store.Loadable`), as the embedded store has it.

    Parameters
    ----------
    folder : Path
        The server's folder (as :func:`start` made it).
    sql_port : int, optional
        Its SQL listener's port; read from the folder's configuration when omitted.
    """

    def __init__(self, folder: Path, sql_port: int | None = None):
        self.folder = folder.resolve()
        self.sql_port = sql_port if sql_port is not None else ini_port(self.folder, "Parameters")

    def upload(self, paths: Paths | None = None) -> None:
        """Load the asserted and inferred artifacts (``paths``, or the project's) and record their checksum in the meta
        graph, which keeps the records of the graphs merged in (:meth:`merge`)."""
        paths = paths or default_paths()
        meta = write_meta(self.folder, artifacts_checksum(paths), endpoint_store(self.folder).loaded())
        bulk_load(self.folder, self.sql_port, {paths.ttl: ASSERTED.value, paths.inferred: INFERRED.value, meta: META.value})

    def merge(self, files: Iterable[Path | str], names: Iterable[str] | None = None,
              drop: Iterable[str] = ()) -> list[dict]:
        """Merge N-Triples, Turtle or KGX files into a running server, each into the named graph ``oihkg load`` would give
        it (``…/graph/loaded/NAME``), and record each in the meta graph (the source, triples and SHA-256 that the
        embedded store records in its folder); drop the merged graphs named in ``drop`` first, as ``oihkg load`` does.
        Returns the records of the graphs loaded.

        Every file is read whole first (:func:`kg.store.merge.prepared`); then the bulk loader stages them all, their
        triples are counted in the staging graphs, and one batch replaces the graphs, then the meta graph, then clears
        the dropped ones (:func:`bulk_load`): a file the loader refuses changes nothing. A server already serving the
        endpoint sees the change after a restart.
        """
        store = endpoint_store(self.folder)
        records = {r["graph"]: r for r in store.loaded()}
        drop = [check_name(d) for d in drop]
        absent = [d for d in drop if LOADED + d not in records]
        if absent:
            raise LoadError(f"no merged graph named {', '.join(map(repr, absent))}")
        found = store.query(f"SELECT ?c WHERE {{ GRAPH {META} {{ {META} {CHECKSUM} ?c }} }}", default_graphs=[META.value],
                            named_graphs=[META.value])
        checksum = found.rows[0]["c"].value if found.rows else None
        with prepared(files, names) as ready:
            for d in drop:
                del records[LOADED + d]
            digests = {r.name: file_sha256(r.path) for r in ready}

            def record(staging: dict[str, str]) -> Path:
                for r in ready:
                    graph = LOADED + r.name
                    counted = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {NamedNode(staging[graph])} {{ ?s ?p ?o }} }}",
                                          default_graphs=[staging[graph]], named_graphs=[staging[graph]])
                    records[graph] = {"graph": graph, "source": r.label, "triples": int(counted.rows[0]["n"].value),
                                      "checksum": digests[r.name]}
                return write_meta(self.folder, checksum, sorted(records.values(), key=lambda r: r["graph"]))

            again = {r.name for r in ready}  # a dropped name that is also loaded is loaded afresh
            bulk_load(self.folder, self.sql_port, {r.path: LOADED + r.name for r in ready}, record,
                      clear=[LOADED + d for d in drop if d not in again])
            return [records[LOADED + r.name] for r in ready]
