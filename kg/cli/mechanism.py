"""The mechanism's commands: signed ``paths``, what-if ``perturb`` and the illustrative pain model ``simulate``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from kg.cli.common import (app, console, err, Format, EndpointOpt, Context, StoreOpt, open_graph, write_file, print_rows)

__all__ = ["paths", "perturb", "simulate"]


@app.command()
def paths(
    source: Annotated[str, typer.Argument(help="Start entity: CURIE, IRI, label or synonym.")],
    target: Annotated[str, typer.Argument(help="End entity.")],
    max_length: Annotated[int, typer.Option("--max-length", min=1, max=12, help="Longest path, in edges.")] = 8,
    sign: Annotated[Optional[str], typer.Option(help="Keep paths of this net sign: + or -.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most paths shown.")] = 20,
    context: Context = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
) -> None:
    """Signed causal paths from SOURCE to TARGET, shortest first, with their evidence and the contexts they hold in."""
    from kg.errors import AmbiguousEntity, UnknownContextError

    if sign not in (None, "+", "-"):
        err.print(f"[red]error:[/red] --sign takes + or -, got {sign!r}")
        raise typer.Exit(2)
    try:
        res = open_graph(endpoint, store).paths(source, target, max_length=max_length, sign=None if sign is None else int(f"{sign}1"),
                                    limit=limit, context=context)
    except (AmbiguousEntity, UnknownContextError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if fmt is Format.json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    elif res.status.value != "found":
        err.print(f"{res.status.value}: {res.message}", highlight=False)
    elif fmt is Format.csv:
        print_rows([{"rank": i, "sign": "+" if p.sign > 0 else "-", "length": p.length, "path": " > ".join(p.nodes),
                      "contexts": " ".join(p.contexts), "weakest evidence": p.weakest_evidence,
                      "citations": " ".join(sorted({c for e in p.edges for c in e["citations"]}))}
                     for i, p in enumerate(res.paths, 1)], fmt)
    else:
        table = Table("#", "sign", "path", "holds in", "weakest evidence", "citations", title=f"{res.source} -> {res.target}: {res.message}")
        from kg import steps

        for i, p in enumerate(res.paths, 1):
            table.add_row(str(i), "+" if p.sign > 0 else "-", steps(p, "->", "-|"), ", ".join(p.contexts) or "every context",
                          p.weakest_evidence, " ".join(sorted({c for e in p.edges for c in e["citations"]})))
        console.print(table, highlight=False)
    if res.status.value == "unknown_node":
        raise typer.Exit(2)
    if res.status.value == "no_path":
        raise typer.Exit(1)


@app.command()
def perturb(
    inhibit: Annotated[Optional[list[str]], typer.Option(help="Entity to inhibit (repeatable).")] = None,
    activate: Annotated[Optional[list[str]], typer.Option(help="Entity to activate or give (repeatable).")] = None,
    knockout: Annotated[Optional[list[str]], typer.Option(help="Entity to knock out (repeatable).")] = None,
    max_length: Annotated[int, typer.Option("--max-length", min=1, max=12, help="Longest path followed.")] = 8,
    context: Context = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
) -> None:
    """Predict the direction of every downstream node, and of A, H and P, after a perturbation (over the statements
    that hold in --context, or in every context)."""
    from kg.errors import AmbiguousEntity, UnknownEntity

    if not (inhibit or activate or knockout):
        err.print("[red]error:[/red] give at least one --inhibit, --activate or --knockout")
        raise typer.Exit(2)
    try:
        res = open_graph(endpoint, store).perturb(inhibit or [], activate or [], knockout or [], max_length=max_length, context=context)
    except (UnknownEntity, AmbiguousEntity, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if fmt is Format.json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
        return
    rows = [{"node": e.node, "label": e.label, "direction": e.direction, "shortest up": e.shortest_up, "shortest down": e.shortest_down}
            for e in sorted(res.effects.values(), key=lambda e: e.label.casefold())]
    if fmt is Format.csv:
        print_rows(rows, fmt)
        return
    s = res.summary()
    if res.inert:
        err.print(f"[yellow]note:[/yellow] {', '.join(res.inert)} has no causal edge out; perturbing it moves nothing", highlight=False)
    console.print(f"analgesia A: [bold]{s['A']}[/bold]   hyperalgesic component H: [bold]{s['H']}[/bold]   "
                  f"net pain P: [bold]{s['P']}[/bold]")
    print_rows(rows, fmt)


@app.command()
def simulate(
    intervention: Annotated[Optional[list[str]], typer.Option("--intervention", "-i", help="Intervention or agent (repeatable).")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="k=v overriding kg/mechanism/model_params.toml; gains as gain.PATHWAY=v.")] = None,
    profile: Annotated[Optional[str], typer.Option(help="A patient profile: a condition that predisposes to OIH (e.g. fibromyalgia).")] = None,
    context: Annotated[Optional[str], typer.Option(help="How the drug is given: chronic (default; exposure in weeks) or acute (one dose).")] = None,
    plot: Annotated[Optional[Path], typer.Option(help="Write the plot here (.png or .svg).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table: summary; json: everything incl. curves; csv: curves.")] = Format.table,
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
) -> None:
    """Run the illustrative pain model P = P0 - A + H: classification, test taper, curves and plot."""
    from pydantic import ValidationError

    from kg import plot as draw
    from kg.errors import AmbiguousEntity, UnknownEntity

    params: dict = {"gains": {}, "profile": profile, "context": context}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            err.print(f"[red]error:[/red] --param takes k=v, got {item!r}")
            raise typer.Exit(2)
        if key.startswith("gain."):
            params["gains"][key[5:]] = value
        else:
            params[key.strip()] = value
    if plot is not None and plot.suffix not in (".png", ".svg"):
        err.print(f"[red]error:[/red] --plot must end in .png or .svg, got {plot}")
        raise typer.Exit(2)
    try:
        res = open_graph(endpoint, store).simulate(intervention or [], **params)
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]invalid[/red] {'.'.join(map(str, e['loc'])) or 'parameters'}: {e['msg']}", highlight=False)
        raise typer.Exit(2) from None
    except (UnknownEntity, AmbiguousEntity, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if plot is not None:
        write_file(plot, draw(res, plot.suffix[1:]))
    if fmt is Format.json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        c = res.curves
        print_rows([{k: c[k][i] for k in c} for i in range(len(c["dose"]))], fmt)
    else:
        _print_simulation(res)
        if plot is not None:
            console.print(f"  wrote {plot}")


def _print_simulation(res) -> None:
    """The summary of a simulation: operating point and classification, test taper, profile, what each intervention did."""
    a = res.at_dose
    console.print(f"[dim]{res.note}[/dim]")
    given = "one dose (acute)" if res.context == "oih:acute_administration" else f"exposure t = {res.params['exposure']:g}"
    console.print(f"at dose {res.dose:g} (prescribed {res.prescribed_dose:g}), {given}: "
                  f"P = {a['P']:.2f}, A = {a['A']:.2f}, H = {a['H']:.2f}, dP/dD = {a['dP_dD']:+.3f} -> "
                  f"[bold]{res.classification}[/bold]")
    if res.oih_threshold_dose is not None:
        console.print(f"dP/dD > 0 above dose {res.oih_threshold_dose:g}")
    t = res.test_taper
    console.print(f"test taper to {t['dose']:g}: P = {t['P']:.2f} ({t['delta_P']:+.2f}), {t['outcome']}")
    if res.profile:
        pr = res.profile
        console.print(f"profile {pr['label']} ({pr['id']}): A {pr['A']}, H {pr['H']} -> Emax x{pr['Emax_factor']:g}, "
                      f"gains x{pr['gain_factor']:g}", highlight=False)
    if res.baseline:
        b = res.baseline
        console.print(f"without interventions: P = {b['P']:.2f}, A = {b['A']:.2f}, H = {b['H']:.2f}")
    for e in res.applied:
        what = f"gain of {e['pathway']}" if e["change"] == "gain" else "Emax" if e["change"] == "Emax" else "dose"
        via = f" (via {e['via']})" if e.get("via") else ""
        console.print(f"  {e['intervention']}{via}: {e['action']} {e['target']} -> {what} x{e['factor']:g}", highlight=False)
