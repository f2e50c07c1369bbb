"""The model's commands: ``init`` a project, ``build`` and ``reason`` the artifacts, ``check`` the text's claims
(and ``--mutate``), ``summary``, ``materialise`` an OWL 2 RL closure and ``load`` other graphs beside the curated one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from kg.cli.common import (app, console, err, Quiet, OutDir, SrcDir, paths_of, Project, use_project, writable_paths, spinner,
                           Format, EndpointOpt, StoreOpt, open_graph, print_rows)

__all__ = ["init", "build", "reason", "summary", "check", "materialise", "load_cmd"]


@app.command()
def init(
    folder: Annotated[Optional[Path], typer.Argument(help="A new or empty folder (default: the user data folder's "
                                                         "oihkg/project).", show_default=False)] = None,
) -> None:
    """Copy the model (curated TSVs, observations, artifacts) and the named queries into FOLDER, to curate and rebuild."""
    from kg import init_project

    try:
        made = init_project(folder)
    except (FileExistsError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"made the project {made}\n  edit {made / 'ontology' / 'src'}/*.tsv, then:\n"
                  f"  oihkg build --project {made} && oihkg reason --project {made}\n"
                  f"  oihkg check --project {made}", highlight=False)


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
    from kg import build_model as run_build, default_seed
    from kg.errors import BuildError

    use_project(project)
    writable_paths(paths_of(src, out))
    seed_path = None if no_seed else (seed or default_seed())
    if seed is not None and not seed.is_file():
        err.print(f"[red]error:[/red] seed file not found: {seed}")
        raise typer.Exit(2)
    try:
        with spinner("building the ontology", quiet):
            result = run_build(paths_of(src, out), seed_path)
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
    from kg import reason_model as run_reason
    from kg.errors import InconsistentOntologyError

    use_project(project)
    paths = writable_paths(paths_of(None, out))
    if not paths.owl.is_file():
        err.print(f"[red]error:[/red] {paths.owl} not found; run `oihkg build` first")
        raise typer.Exit(2)
    try:
        with spinner("reasoning", quiet) as say:
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
    from kg import OIHKG

    paths = paths_of(None, out)
    missing = [p for p in (paths.ttl, paths.inferred) if not p.is_file()]
    if missing:
        err.print(f"[red]error:[/red] missing {', '.join(map(str, missing))}; run `oihkg build` and `oihkg reason`")
        raise typer.Exit(2)
    kg = OIHKG.open(paths=paths)
    try:
        said = kg.summary()
    finally:
        kg.close()
    c = said["counts"]
    console.print(
        f"[bold]oihkg[/bold]: {c['entities']} entities, {c['edges']} evidence-backed edges, "
        f"{c['citations']} citations, {c['asserted_triples']} asserted + {c['inferred_triples']} inferred triples"
    )
    table = Table(title="Agents and strategies: the pathways they drive or inhibit (inferred by HermiT)")
    for col in ("intervention", "pathways", "classified as"):
        table.add_column(col)
    grouped: dict[str, dict] = {}
    for row in said["interventions"]:
        g = grouped.setdefault(row["intervention"], {"pathways": [], "classes": row["classes"]})
        g["pathways"].append(row["pathway"] + ("" if row["inferred"] else " (asserted)"))
    for name, g in grouped.items():
        table.add_row(name, "\n".join(g["pathways"]), g["classes"].replace("; ", "\n"))
    console.print(table)


@app.command()
def check(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    show: Annotated[str, typer.Option(help="Which observations to list: all, or only those that do not hold (problems).")] = "all",
    mutate: Annotated[bool, typer.Option("--mutate", help="Mutation testing: drop or invert each curated row in turn, rebuild, "
                                         "reason, and check; print the share of wrong models the observations catch "
                                         "and every survivor.")] = False,
    jobs: Annotated[int, typer.Option(min=1, max=16, help="Mutants run at once (--mutate).")] = 2,
    seed: Annotated[Optional[Path], typer.Option(help="The source text, for the mutants' quote checks (--mutate).")] = None,
    endpoint: EndpointOpt = None,
    store: StoreOpt = None,
    project: Project = None,
) -> None:
    """Check the text's claims (ontology/src/observations.tsv) against the graph; exit 1 if any is contradicted."""
    from kg.errors import BuildError

    use_project(project)

    if show not in ("all", "problems"):
        err.print(f"[red]error:[/red] --show takes all or problems, got {show!r}")
        raise typer.Exit(2)
    if mutate:
        _mutation(fmt, jobs, seed)
        return
    try:
        report = open_graph(endpoint, store).check()
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
        print_rows(rows, fmt)
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
    from kg import OIHKG
    from kg.errors import LoadError, NoFixpoint

    paths = paths_of(None, out)
    if not paths.ttl.is_file():
        err.print(f"[red]error:[/red] {paths.ttl} not found; run `oihkg build` first")
        raise typer.Exit(2)
    try:  # progress: bytes read, then rounds
        done = OIHKG.materialise(files or [], paths, show="off" if quiet else None)
    except LoadError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    except NoFixpoint as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    data = done.derived.serialize(format="nt", encoding="utf-8")
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        output.write_bytes(data)
    if not quiet:
        err.print(f"OWL 2 RL: {len(done.derived):,} derived triples ({done.pathway_facts} agent → pathway facts) "
                  f"in {done.seconds:.2f} s, {done.rounds} rounds" + (f"; wrote {output}" if output else ""))


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

    from kg.errors import LoadError, StoreError

    if not store or store.startswith("sparql:") or store == "oxigraph:memory":
        err.print("[red]error:[/red] give --store DIR: a merged graph lives in an embedded store on disk "
                  "(an endpoint has its own bulk loader)", highlight=False)
        raise typer.Exit(2)
    if not files and not drop:
        err.print("[red]error:[/red] give files to load, or --drop NAME", highlight=False)
        raise typer.Exit(2)
    kg = open_graph(None, store)
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
    print_rows([{"graph": g["graph"], "source": g["source"], "triples": g["triples"]} for g in kg.about()["loaded"]],
                Format.table)


def _mutation(fmt: Format, jobs: int, seed: Path | None) -> None:
    """``oihkg check --mutate``: every mutant with a progress bar, then the score and the survivors."""
    from rich.progress import Progress

    from kg import default_paths, default_seed, mutants, mutate

    todo = mutants(default_paths().src)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"{len(todo)} mutants", total=len(todo))
        report = mutate(seed=seed or default_seed(), only=todo, jobs=jobs, progress=lambda _o: bar.advance(task))
    if fmt is Format.json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    print_rows([{"survivor": o.mutant.describe()} for o in report.survivors], fmt)
    killed = sum(o.killed for o in report.outcomes)
    console.print(f"mutation score {report.score:.1%}: {killed} of {len(report.outcomes)} mutants killed "
                  f"({sum(o.by in (('build',), ('reason',)) for o in report.outcomes)} refused by the build or the reasoner)")
