"""The ``oihkg`` command: a thin layer over :mod:`kg` (build, reason, query, paths, perturb, simulate, map, export, serve).

Each command parses its options, calls one ``kg`` function and prints the
answer with rich; errors print their message and exit non-zero.
"""

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

from kg.config import Paths, ReadOnlyModel, default_paths, default_seed, writable
from kg.endpoint.preflight import serve_problem

__all__ = ["app"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help="OIH knowledge graph and mechanism query engine.")
console = Console()
err = Console(stderr=True, soft_wrap=True)  # an error is one line, however long

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
OutDir = Annotated[Optional[Path], typer.Option("--out", help="Folder of the ontology artifacts (default: ontology/).")]
SrcDir = Annotated[Optional[Path], typer.Option("--src", help="Folder of the curated TSV sources (default: ontology/src/).")]


def _paths(src: Path | None, out: Path | None) -> Paths:
    base = default_paths()
    out = out or base.out
    return Paths(src=src or (base.src if out == base.out else out / "src"), out=out)


Project = Annotated[Optional[Path], typer.Option(
    "--project", envvar="OIHKG_PROJECT", show_envvar=False,
    help="A project folder made by `oihkg init` (its ontology/ and queries/); default: the installed model or checkout.")]


def _use_project(project: Path | None) -> None:
    """Read (and write) the model of ``project`` in this command and the processes it starts."""
    if project is None:
        return
    from kg.project import check_project

    try:
        os.environ["OIHKG_PROJECT"] = str(check_project(project))
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def _writable(paths: Paths) -> Paths:
    try:
        return writable(paths)
    except ReadOnlyModel as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


@app.callback()
def _main(ctx: typer.Context, project: Project = None) -> None:
    """OIH knowledge graph and mechanism query engine."""
    if ctx.invoked_subcommand != "init":  # init makes the project (its folder may not exist yet)
        _use_project(project)


@app.command()
def init(
    folder: Annotated[Optional[Path], typer.Argument(help="A new or empty folder (default: the user data folder's "
                                                         "oihkg/project).", show_default=False)] = None,
) -> None:
    """Copy the model (curated TSVs, observations, artifacts) and the named queries into FOLDER, to curate and rebuild."""
    from kg.project import init_project

    try:
        made = init_project(folder)
    except (FileExistsError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"made the project {made}\n  edit {made / 'ontology' / 'src'}/*.tsv, then:\n"
                  f"  oihkg build --project {made} && oihkg reason --project {made}\n"
                  f"  oihkg check --project {made}", highlight=False)


@contextmanager
def _status(message: str, quiet: bool):
    if quiet:
        yield lambda _m: None
        return
    with console.status(message) as st:
        yield lambda m: st.update(f"{message}: {m}")


@app.command()
def build(
    seed: Annotated[Optional[Path], typer.Option(help="The source text, for the quote checks (default: ../shared/seed/*.txt if present).")] = None,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Skip the quote checks.")] = False,
    src: SrcDir = None,
    out: OutDir = None,
    project: Project = None,
    quiet: Quiet = False,
) -> None:
    """Validate ontology/src/*.tsv and write oih.owl and oih.ttl."""
    from kg.compile import BuildError
    from kg.compile import build as run_build

    _use_project(project)
    _writable(_paths(src, out))
    seed_path = None if no_seed else (seed or default_seed())
    if seed is not None and not seed.is_file():
        err.print(f"[red]error:[/red] seed file not found: {seed}")
        raise typer.Exit(2)
    try:
        with _status("building the ontology", quiet):
            result = run_build(_paths(src, out), seed_path)
    except BuildError as exc:
        err.print(f"[red]build failed[/red]: {len(exc.problems)} problem(s) in the sources; nothing was written")
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if not quiet:
        if seed_path is None:
            console.print("[yellow]quote checks skipped[/yellow]: no source text found (use --seed)")
        console.print(
            f"built {result.entities} entities, {result.edges} edges, {result.interventions} intervention rows, "
            f"{result.citations} citations -> {result.triples} triples"
        )
        for f in result.files:
            console.print(f"  wrote {f}")


@app.command()
def reason(
    out: OutDir = None,
    no_verify: Annotated[bool, typer.Option("--no-verify", help="Skip re-deriving each inference from its explanation.")] = False,
    project: Project = None,
    quiet: Quiet = False,
) -> None:
    """Run HermiT over oih.owl and write oih-inferred.ttl with an explanation per inferred triple."""
    from kg.reason import InconsistentOntologyError
    from kg.reason import reason as run_reason

    _use_project(project)
    paths = _writable(_paths(None, out))
    if not paths.owl.is_file():
        err.print(f"[red]error:[/red] {paths.owl} not found; run `oihkg build` first")
        raise typer.Exit(2)
    try:
        with _status("reasoning", quiet) as say:
            result = run_reason(paths, verify=not no_verify, progress=say)
    except InconsistentOntologyError as exc:
        err.print("[red]reasoning failed[/red]; nothing was written", highlight=False)
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from None
    if not quiet:
        console.print(
            f"HermiT: consistent; {len(result.inferences)} inferred triples "
            f"({result.verified} explanations re-derived) in {result.seconds_reasoning:.2f} s"
        )
        console.print(f"  wrote {result.path}")


@app.command()
def summary(out: OutDir = None) -> None:
    """Print what the graph holds and which interventions the reasoner says target which pathways."""
    from kg.catalog.summary import intervention_pathways, counts

    paths = _paths(None, out)
    missing = [p for p in (paths.ttl, paths.inferred) if not p.is_file()]
    if missing:
        err.print(f"[red]error:[/red] missing {', '.join(map(str, missing))}; run `oihkg build` and `oihkg reason`")
        raise typer.Exit(2)
    c = counts(paths)
    console.print(
        f"[bold]oihkg[/bold]: {c['entities']} entities, {c['edges']} evidence-backed edges, "
        f"{c['citations']} citations, {c['asserted_triples']} asserted + {c['inferred_triples']} inferred triples"
    )
    table = Table(title="Agents and strategies: the pathways they drive or inhibit (inferred by HermiT)")
    for col in ("intervention", "pathways", "classified as"):
        table.add_column(col)
    grouped: dict[str, dict] = {}
    for row in intervention_pathways(paths):
        g = grouped.setdefault(row["intervention"], {"pathways": [], "classes": row["classes"]})
        g["pathways"].append(row["pathway"] + ("" if row["inferred"] else " (asserted)"))
    for name, g in grouped.items():
        table.add_row(name, "\n".join(g["pathways"]), g["classes"].replace("; ", "\n"))
    console.print(table)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (see `oihkg queries`), a .rq file, or SPARQL text (the "
                                             "well-known prefixes, rdfs: or oih: say, need no PREFIX line).")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="k=v; entities by CURIE, IRI, label or synonym.")] = None,
    context: Context = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    endpoint: Annotated[Optional[str], typer.Option(help="A SPARQL 1.1 endpoint URL instead of the embedded store.")] = None,
    store: StoreOpt = None,
) -> None:
    """Run a named competency query, a SPARQL file or SPARQL text, and print its rows (with --context, the rows that
    hold in it)."""
    from kg.schema.contexts import UnknownContextError
    from kg.catalog.queries import AmbiguousEntity, QueryFileError, SparqlSyntaxError, UnknownEntity, parse_query_file, ready
    from kg.endpoint.protocol import check_services
    from kg.store import StoreError

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
        kg = _open(endpoint, store)
        if text is not None:
            check_services(text)  # no outbound request on a file's behalf, as the server makes none
            if headed:
                rows = kg.query(parse_query_file(path), **params)
            else:
                ready(text, path.name)  # a syntax error in a sentence naming the file
                rows = kg.sparql(text)
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
    _print_rows(rows, fmt)


@app.command()
def queries() -> None:
    """List the named queries with their parameters."""
    from kg.catalog.queries import load_queries

    table = Table(title="Named queries (queries/*.rq)")
    for col in ("name", "params", "description"):
        table.add_column(col)
    for q in load_queries().values():
        table.add_row(q.name, ", ".join(f"{p.name} ({p.kind})" for p in q.params), q.description)
    console.print(table)


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


Endpoint = Annotated[Optional[str], typer.Option(help="A SPARQL 1.1 endpoint URL instead of the embedded store.")]
Context = Annotated[Optional[str], typer.Option(help="Only statements that hold in this context: acute, chronic exposure, "
                                                     "OIH or tolerance (by name or CURIE).")]
StoreOpt = Annotated[Optional[str], typer.Option(
    "--store", help="The store: a folder for the embedded store on disk, or a selector (oxigraph:memory, oxigraph:DIR, "
                    "sparql:URL).")]


def _open(endpoint: str | None, store: str | None = None):
    """The graph on the store the options name (:func:`kg.store.selector`); a store that cannot be opened exits 2.

    A remote endpoint is given ``OIHKG_ENDPOINT_TIMEOUT`` seconds (default 30) to answer.
    """
    import os

    from kg import OIHKG
    from kg.store import StoreError, selector

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


@app.command()
def paths(
    source: Annotated[str, typer.Argument(help="Start entity: CURIE, IRI, label or synonym.")],
    target: Annotated[str, typer.Argument(help="End entity.")],
    max_length: Annotated[int, typer.Option("--max-length", min=1, max=12, help="Longest path, in edges.")] = 8,
    sign: Annotated[Optional[str], typer.Option(help="Keep paths of this net sign: + or -.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most paths shown.")] = 20,
    context: Context = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    endpoint: Endpoint = None,
    store: StoreOpt = None,
) -> None:
    """Signed causal paths from SOURCE to TARGET, shortest first, with their evidence and the contexts they hold in."""
    from kg.schema.contexts import UnknownContextError
    from kg.catalog.queries import AmbiguousEntity

    if sign not in (None, "+", "-"):
        err.print(f"[red]error:[/red] --sign takes + or -, got {sign!r}")
        raise typer.Exit(2)
    try:
        res = _open(endpoint, store).paths(source, target, max_length=max_length, sign=None if sign is None else int(f"{sign}1"),
                                    limit=limit, context=context)
    except (AmbiguousEntity, UnknownContextError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if fmt is Format.json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    elif res.status.value != "found":
        err.print(f"{res.status.value}: {res.message}", highlight=False)
    elif fmt is Format.csv:
        _print_rows([{"rank": i, "sign": "+" if p.sign > 0 else "-", "length": p.length, "path": " > ".join(p.nodes),
                      "contexts": " ".join(p.contexts), "weakest evidence": p.weakest_evidence,
                      "citations": " ".join(sorted({c for e in p.edges for c in e["citations"]}))}
                     for i, p in enumerate(res.paths, 1)], fmt)
    else:
        table = Table("#", "sign", "path", "holds in", "weakest evidence", "citations", title=f"{res.source} -> {res.target}: {res.message}")
        from kg.present.notebook import steps

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
    endpoint: Endpoint = None,
    store: StoreOpt = None,
) -> None:
    """Predict the direction of every downstream node, and of A, H and P, after a perturbation (over the statements
    that hold in --context, or in every context)."""
    from kg.catalog.queries import AmbiguousEntity, UnknownEntity

    if not (inhibit or activate or knockout):
        err.print("[red]error:[/red] give at least one --inhibit, --activate or --knockout")
        raise typer.Exit(2)
    try:
        res = _open(endpoint, store).perturb(inhibit or [], activate or [], knockout or [], max_length=max_length, context=context)
    except (UnknownEntity, AmbiguousEntity, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if fmt is Format.json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
        return
    rows = [{"node": e.node, "label": e.label, "direction": e.direction, "shortest up": e.shortest_up, "shortest down": e.shortest_down}
            for e in sorted(res.effects.values(), key=lambda e: e.label.casefold())]
    if fmt is Format.csv:
        _print_rows(rows, fmt)
        return
    s = res.summary()
    if res.inert:
        err.print(f"[yellow]note:[/yellow] {', '.join(res.inert)} has no causal edge out; perturbing it moves nothing", highlight=False)
    console.print(f"analgesia A: [bold]{s['A']}[/bold]   hyperalgesic component H: [bold]{s['H']}[/bold]   "
                  f"net pain P: [bold]{s['P']}[/bold]")
    _print_rows(rows, fmt)


@app.command()
def simulate(
    intervention: Annotated[Optional[list[str]], typer.Option("--intervention", "-i", help="Intervention or agent (repeatable).")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="k=v overriding kg/mechanism/model_params.toml; gains as gain.PATHWAY=v.")] = None,
    profile: Annotated[Optional[str], typer.Option(help="A patient profile: a condition that predisposes to OIH (e.g. fibromyalgia).")] = None,
    context: Annotated[Optional[str], typer.Option(help="How the drug is given: chronic (default; exposure in weeks) or acute (one dose).")] = None,
    plot: Annotated[Optional[Path], typer.Option(help="Write the plot here (.png or .svg).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table: summary; json: everything incl. curves; csv: curves.")] = Format.table,
    endpoint: Endpoint = None,
    store: StoreOpt = None,
) -> None:
    """Run the illustrative pain model P = P0 - A + H: classification, test taper, curves and plot."""
    from pydantic import ValidationError

    from kg.outputs.figure import plot as draw
    from kg.catalog.queries import AmbiguousEntity, UnknownEntity

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
        res = _open(endpoint, store).simulate(intervention or [], **params)
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]invalid[/red] {'.'.join(map(str, e['loc'])) or 'parameters'}: {e['msg']}", highlight=False)
        raise typer.Exit(2) from None
    except (UnknownEntity, AmbiguousEntity, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if plot is not None:
        _write(plot, draw(res, plot.suffix[1:]))
    if fmt is Format.json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        c = res.curves
        _print_rows([{k: c[k][i] for k in c} for i in range(len(c["dose"]))], fmt)
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


@app.command()
def check(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    show: Annotated[str, typer.Option(help="Which observations to list: all, or only those that do not hold (problems).")] = "all",
    mutate: Annotated[bool, typer.Option("--mutate", help="Mutation testing: drop or invert each curated row in turn, rebuild, "
                                         "reason, and check; print the share of wrong models the observations catch "
                                         "and every survivor.")] = False,
    jobs: Annotated[int, typer.Option(min=1, max=16, help="Mutants run at once (--mutate).")] = 2,
    seed: Annotated[Optional[Path], typer.Option(help="The source text, for the mutants' quote checks (--mutate).")] = None,
    endpoint: Endpoint = None,
    store: StoreOpt = None,
    project: Project = None,
) -> None:
    """Check the text's claims (ontology/src/observations.tsv) against the graph; exit 1 if any is contradicted."""
    from kg.compile import BuildError

    _use_project(project)

    if show not in ("all", "problems"):
        err.print(f"[red]error:[/red] --show takes all or problems, got {show!r}")
        raise typer.Exit(2)
    if mutate:
        _mutation(fmt, jobs, seed)
        return
    try:
        report = _open(endpoint, store).check()
    except BuildError as exc:
        err.print(f"[red]invalid observations[/red]:\n{exc}", highlight=False)
        raise typer.Exit(2) from None
    results = [r for r in report.results if show == "all" or r.status != "holds"]
    if fmt is Format.json:
        typer.echo(json.dumps({"counts": report.counts(), "results": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2))
    else:
        rows = [{"id": r.observation.id, "status": r.status, "kind": r.observation.kind,
                 "statement": _statement(r.observation), "citations": " ".join(r.observation.citations) or "(uncited)",
                 "detail": r.detail} for r in results]
        _print_rows(rows, fmt)
        if fmt is Format.table:
            c = report.counts()
            colour = "green" if report.ok else "red"
            console.print(f"[{colour}]{c['holds']} of {c['observations']} observations hold[/{colour}] "
                          f"({c['negative']} negative expectations); {c['contradicted']} contradicted, {c['error']} errors")
    if not report.ok:
        raise typer.Exit(1)


def _statement(o) -> str:
    """An observation in a line: what is expected, 'not' for a negative expectation."""
    body = {"path": f"{o.subject} ~> {o.object} ({o.expected})", "perturb": f"{o.subject}: {o.expected}",
            "fact": f"{o.subject} {o.relation} {o.object}", "class": f"{o.subject} a {o.object}",
            "simulate": f"[{o.subject or 'default'}] {o.relation} {o.expected} {o.object}".rstrip(),
            "members": f"{o.subject} has {o.expected} {o.object.replace('|', ', ')}"}[o.kind]
    return ("NOT " if o.negative else "") + body


@app.command(name="map")
def map_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("map.html"),
    endpoint: Endpoint = None,
    store: StoreOpt = None,
) -> None:
    """Write the interactive mechanism map as one self-contained HTML file (no external requests)."""
    html = _open(endpoint, store).map_html()
    _write(output, html.encode("utf-8"))
    console.print(f"wrote {output} ({len(html) // 1024} KiB); open it in a browser, offline")


@app.command()
def materialise(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Instance graphs (Turtle, N-Triples, RDF/XML) to reason "
                                                               "with the schema.", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the derived triples here "
                                                                        "(N-Triples; default: standard output).")] = None,
    out: OutDir = None,
    quiet: Quiet = False,
) -> None:
    """OWL 2 RL closure of the built ontology (oih.ttl) with instance graphs: writes only the triples that neither the
    input nor oih-inferred.ttl holds, ready for `oihkg load`. For large instance graphs; HermiT (`oihkg reason`) stays
    the curated ontology's reasoner and its consistency check."""
    import rdflib

    from kg.progress import Progress
    from kg.reason.rl import NoFixpoint, materialise as run_rl, pathway_facts, read_graph

    paths = _paths(None, out)
    if not paths.ttl.is_file():
        err.print(f"[red]error:[/red] {paths.ttl} not found; run `oihkg build` first")
        raise typer.Exit(2)
    given = rdflib.Graph()
    inputs, show = [paths.ttl, *(files or [])], "off" if quiet else None  # progress: bytes read, then rounds
    with Progress("reading the graphs", total=sum(p.stat().st_size for p in inputs if p.is_file()), unit="bytes",
                  show=show) as read:
        for path in inputs:
            try:
                read_graph(given, path, read)
            except Exception as exc:  # noqa: BLE001 - rdflib's parsers raise many kinds; each is a bad input file
                err.print(f"[red]error:[/red] {path}: {exc}", highlight=False)
                raise typer.Exit(2) from None
    try:
        with Progress("materialising (OWL 2 RL)", unit="rounds", show=show) as rounds:
            result = run_rl(given, on_round=lambda n: rounds.update(done=n))
    except NoFixpoint as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    known = given + (rdflib.Graph().parse(paths.inferred) if paths.inferred.is_file() else rdflib.Graph())
    derived = result.derived(known)  # what neither the input nor HermiT's inferred graph already holds
    data = derived.serialize(format="nt", encoding="utf-8")
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        output.write_bytes(data)
    if not quiet:
        err.print(f"OWL 2 RL: {len(derived):,} derived triples ({len(pathway_facts(result.graph))} agent → pathway facts) "
                  f"in {result.seconds:.2f} s, {result.rounds} rounds" + (f"; wrote {output}" if output else ""))


@app.command(name="load")
def load_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="N-Triples (.nt), Turtle (.ttl) or KGX files (*edges.tsv, with its *nodes.tsv beside it, or a KGX .zip).",
        show_default=False)] = None,
    store: Annotated[str, typer.Option("--store", help="The embedded store's folder (made if missing); `oihkg serve "
                                                        "--store` serves what was merged into it.")] = "",
    name: Annotated[Optional[list[str]], typer.Option("--name", help="The graph name of each file, in order (default: "
                                                                      "the file's name without its ending).")] = None,
    drop: Annotated[Optional[list[str]], typer.Option("--drop", help="Remove the merged graph of this name.")] = None,
) -> None:
    """Merge other graphs into the store, each into a named graph of its own beside the curated one, and list them."""
    import time

    from kg.store.merge import LoadError
    from kg.store import StoreError

    if not store or store.startswith("sparql:") or store == "oxigraph:memory":
        err.print("[red]error:[/red] give --store DIR: a merged graph lives in an embedded store on disk "
                  "(an endpoint has its own bulk loader)", highlight=False)
        raise typer.Exit(2)
    if not files and not drop:
        err.print("[red]error:[/red] give files to load, or --drop NAME", highlight=False)
        raise typer.Exit(2)
    kg = _open(None, store)
    try:
        started = time.perf_counter()
        done = kg.load(files or [], name or None, drop or [])  # every file read before anything is dropped or loaded
        for gone in drop or []:
            console.print(f"dropped {gone}")
        if files:
            console.print(f"loaded {sum(d['triples'] for d in done):,} triples in {time.perf_counter() - started:.1f} s")
    except (LoadError, StoreError, OSError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    _print_rows([{"graph": g["graph"], "source": g["source"], "triples": g["triples"]} for g in kg.about()["loaded"]],
                Format.table)


@app.command(name="export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="owl, ttl, jsonld, kgx, graphml, cytoscape or cx2.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    endpoint: Endpoint = None,
    store: StoreOpt = None,
) -> None:
    """Export the graph (asserted and inferred) in one format."""
    from kg.outputs.export import FORMATS

    if fmt not in FORMATS:
        err.print(f"[red]error:[/red] unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    data = _open(endpoint, store).export(fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        _write(output, data)
        console.print(f"wrote {output} ({len(data)} bytes)")


def _write(path: Path, data: bytes) -> None:
    """Write an output file; a path that cannot be written (missing folder, a folder, no permission) exits 2 in a line."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot write {path}: {exc.strerror or exc}", highlight=False)
        raise typer.Exit(2) from None


def _print_rows(rows, fmt: Format) -> None:
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


def _mutation(fmt: Format, jobs: int, seed: Path | None) -> None:
    """``oihkg check --mutate``: every mutant with a progress bar, then the score and the survivors."""
    from rich.progress import Progress

    from kg.mechanism.mutation import mutants, mutate

    todo = mutants(default_paths().src)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"{len(todo)} mutants", total=len(todo))
        report = mutate(seed=seed or default_seed(), only=todo, jobs=jobs, progress=lambda _o: bar.advance(task))
    if fmt is Format.json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    _print_rows([{"survivor": o.mutant.describe()} for o in report.survivors], fmt)
    killed = sum(o.killed for o in report.outcomes)
    console.print(f"mutation score {report.score:.1%}: {killed} of {len(report.outcomes)} mutants killed "
                  f"({sum(o.by in (('build',), ('reason',)) for o in report.outcomes)} refused by the build or the reasoner)")
