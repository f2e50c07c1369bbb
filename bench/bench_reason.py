"""Benchmark: build + reason + write, ours against owlready2's plain ``sync_reasoner()``.

For the OIH ontology and for synthetic models of 500 and 5,000 individuals
(generated as curated rows, so they go through the same validation), time:

- ``build``: validate rows, create the ontology, write oih.owl / oih.ttl;
- ``reason``: HermiT with property values, explain every inferred triple;
- ``verify``: re-derive every explanation (one more HermiT run);
- ``write``: oih-inferred.ttl;
- ``baseline``: owlready2 ``sync_reasoner()`` (HermiT, classification only) on the same oih.owl;
- ``rl``: the OWL 2 RL closure of the same oih.ttl (``kg.reason.rl``: reasonable plus property chains), parse
  included, and whether it gives HermiT's agent → pathway facts.

``--rl-sizes`` (default 50,000) adds models where only the build, the OWL 2 RL closure and the baseline run (our
HermiT pipeline's property realisation is quadratic there); the baseline runs in a child process cut at
``--baseline-cap`` seconds.

The "cold" column runs ``oihkg build && oihkg reason`` in a fresh process, JVM start included.
Each phase runs ``--repeat`` times (default 3) and the median is shown. Usage::

    .venv/bin/python bench/bench_reason.py [--sizes 500 5000] [--rl-sizes 50000] [--repeat 3] [--baseline-cap 900]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import owlready2 as ow
import rdflib

from kg.compile import build
from kg.compile.rows import CitationRow, EdgeRow, EntityRow, InterventionRow, ObservationRow
from kg.config import Paths, default_paths, default_seed
from kg.reason import infer, inferred_graph, verify_explanations
from kg.reason.rl import materialise, pathway_facts

REPO = Path(__file__).resolve().parent.parent

HEAD = {name: "\t".join(getattr(cls, "COLUMNS", None) or cls.model_fields) for name, cls in (
    ("entities.tsv", EntityRow), ("edges.tsv", EdgeRow), ("interventions.tsv", InterventionRow),
    ("evidence.tsv", CitationRow), ("observations.tsv", ObservationRow))}


def synthetic_sources(n: int, folder: Path, seed: int = 7) -> Path:
    """Write curated rows of a synthetic model with about ``n`` individuals.

    Entities come in causal blocks of 10 (chains with a few skips, so the
    transitive closures stay local), one pathway per 50 entities, one agent
    per 20 entities acting on one or two targets. The five entities the
    reasoning axioms name are always present.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    pathways = [f"oih:pathway_{i}" for i in range(max(2, n // 50))] + [
        "oih:mor_analgesic_pathway", "oih:glial_neuroinflammatory_pathway"]
    ents = [f"oih:e{i}" for i in range(n)]
    ent_rows = [f"{p}\tpathway {p}\tPathway\t\tA synthetic pathway.\t\t" for p in pathways]
    for i, e in enumerate(ents):
        pw = pathways[(i // 50) % len(pathways)]
        ent_rows.append(f"{e}\tentity {i}\tBiologicalProcess\tsyn {i}\tA synthetic process.\t\t{pw}")
    ent_rows += [
        "GO:0017146\tNMDA receptor\tReceptor\t\tThe receptor.\t\toih:pathway_0",
        "oih:analgesia\tA\tModelQuantity\t\tAnalgesia.\t\toih:mor_analgesic_pathway",
        "oih:hyperalgesic_component\tH\tModelQuantity\t\tHyperalgesia.\t\t",
        "oih:opioid_dose\tD\tModelQuantity\t\tThe dose.\t\t",
    ]
    edge_rows = []
    for b in range(0, n, 10):
        block = ents[b:b + 10]
        for i in range(len(block) - 1):
            up = rng.random() < 0.8
            edge_rows.append(f"{block[i]}\t{'RO:0002304' if up else 'RO:0002305'}\t{block[i + 1]}\t{'+1' if up else '-1'}\t\t1\tECO:0000304\tsynthetic\t")
        edge_rows.append(f"{block[-1]}\toih:positively_influences\toih:hyperalgesic_component\t+1\t\t1\tECO:0000304\tsynthetic\t")
    edge_rows.append(f"{ents[0]}\toih:positively_influences\toih:analgesia\t+1\t\t1\tECO:0000304\tsynthetic\t")
    agents, int_rows = [], []
    for a in range(max(1, n // 20)):
        agent = f"oih:agent_{a}"
        agents.append(f"{agent}\tagent {a}\tDrug\t\tA synthetic drug.\t\t")
        for t in rng.sample(ents, 2 if rng.random() < 0.3 else 1):
            int_rows.append(f"{agent}\tinhibitor_of\t{t}\t-1\t\t1\tECO:0000304\tsynthetic\t")
    files = {
        "entities.tsv": ent_rows + agents,
        "edges.tsv": edge_rows,
        "interventions.tsv": int_rows,
        "evidence.tsv": ["1\tsynthetic\tsynthetic"],
        "observations.tsv": [],
    }
    for name, rows in files.items():
        (folder / name).write_text(HEAD[name] + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return folder


def _time(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def _baseline(owl: Path) -> float:
    world = ow.World()
    world.get_ontology(owl.resolve().as_uri()).load()
    t0 = time.perf_counter()
    ow.sync_reasoner(world, debug=0)
    dt = time.perf_counter() - t0
    world.close()
    return dt


def measure(paths: Paths, seed: Path | None, verify_max: int) -> dict[str, float]:
    """One run of every phase on ``paths``; seconds per phase and the inferred count."""
    t_build, _ = _time(lambda: build(paths, seed))
    t_reason, (infs, _, asserted) = _time(lambda: infer(paths.owl))
    t_verify = float("nan")
    if len(infs) <= verify_max:
        t_verify, _ = _time(lambda: verify_explanations(infs, asserted))
    t_write, _ = _time(lambda: paths.inferred.write_bytes(inferred_graph(infs).serialize(format="turtle").encode()))
    t_rl, closed = _time(lambda: materialise(rdflib.Graph().parse(paths.ttl)).graph)
    hermit = pathway_facts(rdflib.Graph().parse(paths.ttl) + rdflib.Graph().parse(paths.inferred))
    return {"build": t_build, "reason": t_reason, "verify": t_verify, "write": t_write,
            "baseline": _baseline(paths.owl), "inferred": len(infs), "rl": t_rl,
            "same": float(pathway_facts(closed) == hermit)}


def _capped_baseline(owl: Path, cap: float) -> float:
    """:func:`_baseline` in a child process, cut at ``cap`` seconds (then ``inf``)."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); from bench_reason import _baseline; "
            f"from pathlib import Path; print(_baseline(Path({str(owl)!r})))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and HermiT's JVM, which a plain kill would leave running
        proc.wait()
        return float("inf")
    return float(out.strip().splitlines()[-1])


def rl_at_scale(n: int, folder: Path, cap: float) -> dict[str, float]:
    """Build a synthetic model of ``n`` individuals, close it under OWL 2 RL, and run the capped baseline."""
    paths = Paths(src=synthetic_sources(n, folder / "src"), out=folder / "out")
    t_build, _ = _time(lambda: build(paths, None))
    t_rl, result = _time(lambda: materialise(rdflib.Graph().parse(paths.ttl)))
    return {"build": t_build, "rl": t_rl, "rounds": result.rounds, "facts": len(pathway_facts(result.graph)),
            "triples": len(result.graph), "baseline": _capped_baseline(paths.owl, cap)}


def cold(paths: Paths, seed: Path | None, verify: bool = False) -> float:
    """``oihkg build && oihkg reason [--no-verify]`` as fresh processes (imports and JVM start included)."""
    exe = Path(sys.executable).parent / "oihkg"
    seed_args = ["--seed", str(seed)] if seed else ["--no-seed"]
    t0 = time.perf_counter()
    subprocess.run([str(exe), "build", "-q", "--src", str(paths.src), "--out", str(paths.out), *seed_args], check=True)
    subprocess.run([str(exe), "reason", "-q", *([] if verify else ["--no-verify"]), "--out", str(paths.out)], check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[500, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--verify-max", type=int, default=1000,
                    help="skip the explanation check above this many inferences (HermiT's property realization is quadratic)")
    ap.add_argument("--rl-sizes", type=int, nargs="*", default=[50000])
    ap.add_argument("--baseline-cap", type=float, default=900.0, help="seconds the baseline may take at --rl-sizes")
    args = ap.parse_args()
    rows, scale = [], []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("OIH ontology", default_paths().src, default_seed())]
        for n in args.sizes:
            cases.append((f"synthetic {n}", synthetic_sources(n, Path(tmp) / f"s{n}" / "src"), None))
        for name, src, seed in cases:
            out = Path(tmp) / name.replace(" ", "_")
            paths = Paths(src=src, out=out)
            repeat = args.repeat if "5000" not in name else 1  # one run of the big case takes minutes
            runs = [measure(paths, seed, args.verify_max) for _ in range(repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            med["cold"] = statistics.median(cold(paths, seed) for _ in range(repeat))
            med["cold+v"] = (statistics.median(cold(paths, seed, verify=True) for _ in range(repeat))
                             if med["inferred"] <= args.verify_max else float("nan"))
            rows.append((name, med))
            print(f"done: {name}", file=sys.stderr)
        for n in args.rl_sizes:
            scale.append((n, rl_at_scale(n, Path(tmp) / f"rl{n}", args.baseline_cap)))
            print(f"done: OWL 2 RL at {n}", file=sys.stderr)
    cols = ["build", "reason", "verify", "write", "cold", "cold+v", "baseline", "rl"]
    print(f"\nmedian of {args.repeat} runs (1 for synthetic 5000), seconds (2-core machine); ours = build+reason+write (verify reported apart; nan = skipped)")
    print(f"{'ontology':<16}{'inferred':>9}" + "".join(f"{c:>9}" for c in cols) + f"{'ours':>9}{'ours/base':>10}")
    for name, m in rows:
        ours = m["build"] + m["reason"] + m["write"]
        print(f"{name:<16}{int(m['inferred']):>9}" + "".join(f"{m[c]:>9.2f}" for c in cols) + f"{ours:>9.2f}{ours / m['baseline']:>10.1f}")
    print("\nrl: OWL 2 RL closure of oih.ttl (reasonable + property chains, parse included); "
          + ", ".join(f"{name}: {'same' if m['same'] else 'DIFFERENT'} agent-pathway facts as HermiT" for name, m in rows))
    if scale:
        print(f"\nOWL 2 RL at scale (one run; baseline cut at {args.baseline_cap:g} s)")
        print(f"{'individuals':<12}{'triples':>10}{'build':>9}{'rl':>9}{'rounds':>7}{'facts':>7}{'baseline':>10}{'base/rl':>9}")
        for n, m in scale:
            base = f"{m['baseline']:>10.1f}" if m["baseline"] != float("inf") else f"{'>' + format(args.baseline_cap, 'g'):>10}"
            ratio = (f"{m['baseline'] / m['rl']:>9.1f}" if m["baseline"] != float("inf")
                     else f"{'>' + format(args.baseline_cap / m['rl'], '.1f'):>9}")
            print(f"{n:<12}{m['triples']:>10}{m['build']:>9.1f}{m['rl']:>9.1f}{m['rounds']:>7}{m['facts']:>7}{base}{ratio}")
    print("\nbaseline: owlready2 sync_reasoner() (HermiT, classification only, no property values, no explanations)")
    print("cold: `oihkg build && oihkg reason --no-verify` as fresh processes: HermiT over what holds in every "
          "context and in each context the rows name (4 for the OIH ontology), five ontologies in two JVMs; "
          "goal <= 5 s for the OIH ontology")
    print("cold+v: the same with `oihkg reason` as `make run` calls it: every explanation of every context re-derived "
          "(two more JVMs)")
    print("reason, verify, ours: the run over what holds in every context (the per-context runs are in cold)")


if __name__ == "__main__":
    main()
