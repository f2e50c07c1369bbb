"""``oihkg query`` (a named query, a ``.rq`` file or SPARQL text) and ``oihkg queries`` (the named ones).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from kg.cli.common import app, console, err, Format, Context, EndpointOpt, StoreOpt, open_graph, print_rows

__all__ = ["query", "queries"]


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (see `oihkg queries`), a .rq file, or SPARQL text (the "
                                             "well-known prefixes, rdfs: or oih: say, need no PREFIX line).")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="k=v; entities by CURIE, IRI, label or synonym.")] = None,
    context: Context = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
) -> None:
    """Run a named competency query, a SPARQL file or SPARQL text, and print its rows (with --context, the rows that
    hold in it)."""
    from kg import parse_query_file
    from kg.endpoint import check_services
    from kg.errors import (AmbiguousEntity, QueryFileError, SparqlSyntaxError, StoreError, UnknownContextError,
                           UnknownEntity)

    params = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            err.print(f"[red]error:[/red] --param takes k=v, got {item!r}")
            raise typer.Exit(2)
        params[key.strip()] = value
    if "context" in params:  # -p context=X is --context X
        context = context or params.pop("context")
        params.pop("context", None)
    path = Path(name)
    text = path.read_text(encoding="utf-8") if path.suffix == ".rq" and path.is_file() else None
    spelled = text is None and (any(c.isspace() for c in name) or "{" in name)  # SPARQL itself: a name has neither
    named = text is None and not spelled
    headed = text is not None and text.lstrip().startswith("# name:")
    if (context and not named) or (params and not (named or headed)):  # never ignored in silence
        err.print(f"[red]error:[/red] {'--context' if context and not named else '--param'} applies to a named query "
                  f"{'(by its name)' if context and not named else 'or a .rq file with a # name: header'}; put it in "
                  "the SPARQL itself", highlight=False)
        raise typer.Exit(2)
    try:
        kg = open_graph(endpoint, store)
        if text is not None:
            check_services(text)  # no outbound request on a file's behalf, as the server makes none
            if headed:
                rows = kg.query(parse_query_file(path), **params)
            else:
                rows = kg.sparql(text, source=path.name)  # a syntax error in a sentence naming the file
        elif spelled:
            check_services(name)
            rows = kg.sparql(name)
        else:
            rows = kg.query_in_context(name, context, **params)
    except (SparqlSyntaxError, QueryFileError) as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    except (UnknownEntity, AmbiguousEntity, KeyError, ValueError, StoreError, UnknownContextError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    print_rows(rows, fmt)


@app.command()
def queries() -> None:
    """List the named queries with their parameters."""
    from kg import load_queries

    table = Table(title="Named queries (queries/*.rq)")
    for col in ("name", "params", "description"):
        table.add_column(col)
    for q in load_queries().values():
        table.add_row(q.name, ", ".join(f"{p.name} ({p.kind})" for p in q.params), q.description)
    console.print(table)
