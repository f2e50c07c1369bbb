"""One selector string for a store, in the manner of oaklib's ``get_adapter``: ``oxigraph:memory``, ``oxigraph:DIR``
or ``sparql:URL``; :func:`open_store` opens the backend it names, :func:`selector` writes it from the command line's
and the API's options."""

from __future__ import annotations

import re
from pathlib import Path

from kg.config import Paths
from kg.store.embedded import EmbeddedStore
from kg.store.interface import Store
from kg.store.remote import RemoteStore

__all__ = ["open_store", "selector"]


def selector(endpoint: str | None = None, store_path: Path | str | None = None) -> str:
    """The selector string for the CLI's and API's ``--endpoint`` / ``--store`` options (``--store`` takes a folder
    or a selector).

    Examples
    --------
    >>> selector(), selector(store_path="/tmp/s"), selector("http://localhost:7878/query")
    ('oxigraph:memory', 'oxigraph:/tmp/s', 'sparql:http://localhost:7878/query')
    >>> selector(store_path="sparql:http://localhost:7878/query")  # a selector passes through
    'sparql:http://localhost:7878/query'
    """
    if endpoint:
        return f"sparql:{endpoint}"
    if store_path and re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", str(store_path)) and not Path(store_path).exists():
        return str(store_path)  # already a selector (open_store refuses an unknown scheme)
    return f"oxigraph:{store_path}" if store_path else "oxigraph:memory"


def open_store(spec: str = "oxigraph:memory", paths: Paths | None = None, graph_store: str | None = None,
               timeout: float = 30.0, read_only: bool = False) -> Store:
    """Open a store from a selector string.

    Parameters
    ----------
    spec : str
        ``oxigraph:memory`` (the embedded store in memory), ``oxigraph:DIR`` (on disk
        in DIR, reused while current) or ``sparql:URL`` (a SPARQL 1.1 endpoint).
    paths : Paths, optional
        Where the artifacts are.
    graph_store : str, optional
        With ``sparql:``: a Graph Store Protocol URL to upload the artifacts to first.
    timeout : float
        With ``sparql:``: seconds to wait for the endpoint's answer (connecting: at most 5).
    read_only : bool
        With ``oxigraph:DIR``: open the existing store read-only.

    Raises
    ------
    ValueError
        For a selector of no known scheme.
    """
    scheme, _, rest = spec.partition(":")
    if scheme == "sparql" and rest.startswith(("http://", "https://")):
        store = RemoteStore(rest, graph_store, timeout)
        if graph_store:
            store.upload(paths)
        return store
    if scheme == "oxigraph" and rest:
        return EmbeddedStore(paths, None if rest == "memory" else Path(rest), read_only=read_only)
    raise ValueError(f"unknown store selector {spec!r}; use oxigraph:memory, oxigraph:DIR or sparql:http(s)://URL")
