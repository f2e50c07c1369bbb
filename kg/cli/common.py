"""What every ``oihkg`` command shares: the app and its consoles, the common options, the model's paths and project,
opening the graph, and printing rows or writing files."""

from __future__ import annotations

import csv
import json
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from kg import Paths, default_paths, writable
from kg.errors import ReadOnlyModel

__all__ = ["app", "console", "err", "Quiet", "OutDir", "SrcDir", "paths_of", "Project", "use_project",
           "writable_paths", "spinner", "Format", "EndpointOpt", "Context", "StoreOpt", "open_graph",
           "write_file", "print_rows"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help="OIH knowledge graph and mechanism query engine.")
console = Console()
err = Console(stderr=True, soft_wrap=True)  # an error is one line, however long

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
OutDir = Annotated[Optional[Path], typer.Option("--out", help="Folder of the ontology artifacts (default: ontology/).")]
SrcDir = Annotated[Optional[Path], typer.Option("--src", help="Folder of the curated TSV sources (default: ontology/src/).")]


def paths_of(src: Path | None, out: Path | None) -> Paths:
    """The model's paths with ``--src`` and ``--out`` applied: sources beside a non-default ``--out`` unless given."""
    base = default_paths()
    out = out or base.out
    return Paths(src=src or (base.src if out == base.out else out / "src"), out=out)


Project = Annotated[Optional[Path], typer.Option(
    "--project", envvar="OIHKG_PROJECT", show_envvar=False,
    help="A project folder made by `oihkg init` (its ontology/ and queries/); default: the installed model or checkout.")]


def use_project(project: Path | None) -> None:
    """Read (and write) the model of ``project`` in this command and the processes it starts."""
    if project is None:
        return
    from kg import check_project

    try:
        os.environ["OIHKG_PROJECT"] = str(check_project(project))
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def writable_paths(paths: Paths) -> Paths:
    """``paths`` when their output may be written; the installed model's exits 2 naming ``oihkg init``."""
    try:
        return writable(paths)
    except ReadOnlyModel as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


@app.callback()
def main_options(ctx: typer.Context, project: Project = None) -> None:
    """OIH knowledge graph and mechanism query engine."""
    if ctx.invoked_subcommand != "init":  # init makes the project (its folder may not exist yet)
        use_project(project)


@contextmanager
def spinner(message: str, quiet: bool):
    """A status line while work runs (nothing with ``quiet``); yields a function that says the current step."""
    if quiet:
        yield lambda _m: None
        return
    with console.status(message) as st:
        yield lambda m: st.update(f"{message}: {m}")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


EndpointOpt = Annotated[Optional[str], typer.Option(help="A SPARQL 1.1 endpoint URL instead of the embedded store.")]
Context = Annotated[Optional[str], typer.Option(help="Only statements that hold in this context: acute, chronic exposure, "
                                                     "OIH or tolerance (by name or CURIE).")]
StoreOpt = Annotated[Optional[str], typer.Option(
    "--store", help="The store: a folder for the embedded store on disk, or a selector (oxigraph:memory, oxigraph:DIR, "
                    "sparql:URL).")]


def open_graph(endpoint: str | None, store: str | None = None):
    """The graph on the store the options name (:func:`kg.store.selector`, the door's ``selector``); a store that
    cannot be opened exits 2.

    A remote endpoint is given ``OIHKG_ENDPOINT_TIMEOUT`` seconds (default 30) to answer.
    """
    from kg import OIHKG, selector
    from kg.errors import StoreError

    try:
        kg = OIHKG.open(selector=selector(endpoint, store), timeout=float(os.environ.get("OIHKG_ENDPOINT_TIMEOUT", 30)))
        if not kg.catalog.names.curies:  # read now, so an unreachable endpoint is said here, once
            raise StoreError(f"{kg.store.selector} holds no oihkg graph (no entity with an oboInOwl:id); upload the "
                             "artifacts to it, or check the URL")
        return kg
    except (StoreError, ValueError, OSError) as exc:
        reason = str(exc) if str(exc).startswith("cannot open the store") else f"cannot open the store: {exc}"
        err.print(f"[red]error:[/red] {reason}", highlight=False)
        raise typer.Exit(2) from None


def write_file(path: Path, data: bytes) -> None:
    """Write an output file; a path that cannot be written (missing folder, a folder, no permission) exits 2 in a line."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot write {path}: {exc.strerror or exc}", highlight=False)
        raise typer.Exit(2) from None


def print_rows(rows, fmt: Format) -> None:
    if isinstance(rows, bool):
        console.print("true" if rows else "false")
        return
    rows = [r if isinstance(r, dict) else {"subject": r[0], "predicate": r[1], "object": r[2]} for r in rows]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    else:
        table = Table(*cols)
        for r in rows:
            table.add_row(*("" if r.get(c) is None else str(r[c]) for c in cols))
        console.print(table)
        console.print(f"{len(rows)} row(s)")


