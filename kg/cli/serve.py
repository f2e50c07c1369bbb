"""``oihkg serve``: the HTTP API under uvicorn, its options checked first so that a bad one is one line.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from kg.cli.common import app, console, err, StoreOpt

__all__ = ["serve"]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (1-65535).")] = 8000,
    endpoint: Annotated[Optional[str], typer.Option(help="Serve a SPARQL 1.1 endpoint instead of the embedded store.")] = None,
    store: StoreOpt = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="uvicorn worker processes.")] = 1,
    query_workers: Annotated[Optional[int], typer.Option(min=1, max=64, help="SPARQL queries that may run at once "
                                                         "(default: the number of cores).")] = None,
    query_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds before a SPARQL query is stopped (503).")] = 30.0,
    queue_wait: Annotated[float, typer.Option(min=0, help="Seconds a query (or TRAPI answer, plot) waits for its "
                                              "client's turn at a worker before 503 with Retry-After.")] = 20.0,
    client_queries: Annotated[int, typer.Option(min=1, help="Requests one client may have waiting for a worker; more "
                                                "get 503 with Retry-After (clients take turns).")] = 64,
    short_lane: Annotated[int, typer.Option(min=0, max=16, help="Workers more, kept for clients whose queries have "
                                            "not run long lately.")] = 1,
    worker_memory: Annotated[int, typer.Option(min=256, help="Memory limit of each SPARQL worker, MiB (RLIMIT_AS).")] = 4096,
    result_limit: Annotated[int, typer.Option(min=1, help="Most rows (or triples) a SPARQL query may return (413).")] = 10_000,
    answer_limit: Annotated[int, typer.Option(min=1, help="Largest SPARQL answer, MiB (413).")] = 256,
    allow_service: Annotated[Optional[list[str]], typer.Option(help="An endpoint a SPARQL SERVICE clause may call "
                                                                    "(repeatable; none by default).")] = None,
    max_body: Annotated[int, typer.Option(min=1, help="Largest request body, bytes (413).")] = 1_000_000,
    endpoint_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for the --endpoint's answer (504).")] = 30.0,
    cors: Annotated[Optional[list[str]], typer.Option(help="An origin allowed by CORS (repeatable).")] = None,
) -> None:
    """Serve the HTTP API (REST, SPARQL 1.1 Protocol, exports, the map) with uvicorn."""
    import os

    import uvicorn

    from kg.endpoint import serve_problem

    if problem := serve_problem(port, endpoint, store):  # a bad port or store: one line here, not the server's traceback
        err.print(f"[red]error:[/red] {problem}", highlight=False)
        raise typer.Exit(2)
    env = {
        "OIHKG_QUERY_TIMEOUT": str(query_timeout), "OIHKG_RESULT_LIMIT": str(result_limit),
        "OIHKG_ANSWER_LIMIT_MB": str(answer_limit), "OIHKG_QUEUE_WAIT": str(queue_wait),
        "OIHKG_QUERY_WORKERS": str(query_workers or ""), "OIHKG_WORKER_MEMORY_MB": str(worker_memory),
        "OIHKG_CLIENT_QUERIES": str(client_queries), "OIHKG_SHORT_LANE": str(short_lane), "OIHKG_UVICORN_WORKERS": str(workers),
        "OIHKG_MAX_BODY": str(max_body), "OIHKG_ENDPOINT_TIMEOUT": str(endpoint_timeout),
        "OIHKG_ALLOW_SERVICE": " ".join(allow_service or []),
        "OIHKG_ENDPOINT": endpoint or "", "OIHKG_STORE": str(store or ""), "OIHKG_CORS_ORIGINS": ",".join(cors or []),
        "OIHKG_PROGRESS": os.environ.get("OIHKG_PROGRESS") or "lines",  # a server's output is a log: lines, not bars
    }
    os.environ.update(env)
    base = f"http://{host}:{port}"
    console.print(f"oihkg API on {base}\n  docs:   {base}/docs\n  sparql: {base}/sparql\n  map:    {base}/map\n"
                  f"  health: {base}/health")
    # an import string, so kg never imports api
    try:
        # proxy_headers off: a client must not pick its identity (the workers' fair turns) with X-Forwarded-For
        uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning",
                    proxy_headers=False)
    except (OSError, SystemExit) as exc:
        if isinstance(exc, SystemExit) and not exc.code:
            raise
        err.print(f"[red]error:[/red] the server could not start or stopped: {exc}", highlight=False)
        raise typer.Exit(2) from None
