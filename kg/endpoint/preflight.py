"""What ``oihkg serve`` checks before it starts the server, so that a bad option is one line and not a traceback.

The server opens its store in its lifespan, where a failure is printed with the server's whole startup traceback
(80 lines for a store folder that is a file). So the command opens the store once first, closes it, and says in one
line what is wrong and what to do; the server then opens it again (an on-disk store that is current opens at once).
A remote endpoint is not asked anything here: the server starts degraded while it does not answer, by design.

Examples
--------
>>> serve_problem(0, None, None)
'--port must be between 1 and 65535, got 0'
>>> serve_problem(8000, None, "/etc/passwd")
'cannot open the store at /etc/passwd: it is a file, not a store folder'
"""

from __future__ import annotations

__all__ = ["serve_problem"]


def serve_problem(port: int, endpoint: str | None, store: str | None) -> str | None:
    """Why ``oihkg serve`` cannot start with these options (a port out of range, a store that cannot be opened, a
    selector or endpoint URL that is no such thing), in a sentence; None when it can."""
    from kg.config import default_paths
    from kg.store import StoreError, open_store, selector

    if not 1 <= port <= 65535:
        return f"--port must be between 1 and 65535, got {port}"
    spec = selector(endpoint, store)
    paths = default_paths()
    if spec == "oxigraph:memory" or (spec.startswith("oxigraph:") and not (paths.ttl.is_file() and paths.inferred.is_file())):
        return None  # the artifacts are built by the server's first open
    try:
        open_store(spec, paths).close()  # a remote store only parses its URL here
    except (StoreError, ValueError, OSError) as exc:
        return str(exc) if str(exc).startswith("cannot open the store") else f"cannot open the store: {exc}"
    return None
