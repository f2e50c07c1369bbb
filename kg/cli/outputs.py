"""The outputs: the interactive ``map`` as one HTML file, and ``export`` in one format.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.common import app, console, err, EndpointOpt, StoreOpt, open_graph, write_file

__all__ = ["map_cmd", "export_cmd"]


@app.command(name="map")
def map_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("map.html"),
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write the interactive mechanism map as one self-contained HTML file (no external requests)."""
    html = open_graph(endpoint, store).map_html()
    write_file(output, html.encode("utf-8"))
    console.print(f"wrote {output} ({len(html) // 1024} KiB); open it in a browser, offline")


@app.command(name="export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="owl, ttl, jsonld, kgx, graphml, cytoscape or cx2.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
) -> None:
    """Export the graph (asserted and inferred) in one format."""
    from kg import FORMATS

    if fmt not in FORMATS:
        err.print(f"[red]error:[/red] unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    data = open_graph(endpoint, store).export(fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        write_file(output, data)
        console.print(f"wrote {output} ({len(data)} bytes)")
