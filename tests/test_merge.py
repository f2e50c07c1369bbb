"""Merging other graphs in (`oihkg load`): named graphs of their own, kept across restarts, read by the engine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg import OIHKG
from kg.config import Paths
from kg.store.merge import LoadError
from kg.endpoint.protocol import answer
from kg.store import CHECKSUM, META, StoreError, artifacts_checksum, meta_ntriples

OIH = "https://w3id.org/oihkg/"
RO = "http://purl.obolibrary.org/obo/RO_"
TLR4_IRI = "https://identifiers.org/hgnc:11850"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL = "http://www.w3.org/2002/07/owl#"
MERGED = [
    f'<{OIH}x/gene1> <{LABEL}> "merged gene one" .',
    f"<{OIH}x/gene1> <{RO}0002304> <{TLR4_IRI}> .",  # raises TLR4: a signed relation of the schema
    f"<{OIH}x/gene1> <http://purl.obolibrary.org/obo/BFO_0000050> <{OIH}x/place> .",  # part of: no sign, no edge
    f'<{TLR4_IRI}> <{LABEL}> "another name for TLR4" .',  # must not change a curated answer
    f"_:a <{OWL}annotatedSource> <{OIH}x/gene1> .", f"_:a <{OWL}annotatedProperty> <{RO}0002304> .",
    f"_:a <{OWL}annotatedTarget> <{TLR4_IRI}> .", '_:a <http://purl.org/dc/terms/source> "PMID:123" .',
]
CLI = str(Path(sys.executable).parent / "oihkg")


@pytest.fixture()
def artifacts(tmp_path, repo_paths) -> Paths:
    """A copy of the release artifacts, so a test may change them."""
    out = tmp_path / "artifacts"
    out.mkdir()
    for p in (repo_paths.ttl, repo_paths.inferred, repo_paths.owl):
        shutil.copy(p, out / p.name)
    return Paths(src=repo_paths.src, out=out)


@pytest.fixture()
def nt(tmp_path) -> Path:
    path = tmp_path / "extra-graph.nt"
    path.write_text("\n".join(MERGED) + "\n")
    return path


def test_a_merged_graph_sits_apart_and_the_engine_follows_its_signed_triples(tmp_path, nt, artifacts):
    store = tmp_path / "store"
    kg = OIHKG.open(store_path=store, paths=artifacts)
    curated_rows = kg.query("by-citation", citation="oih:citation/4834506")
    curated_card = kg.entity("TLR4")
    done = kg.load([nt])
    assert done[0]["graph"] == f"{OIH}graph/loaded/extra-graph" and done[0]["triples"] == len(MERGED)
    assert kg.store.served_graphs()[2:] == [done[0]["graph"]]
    assert kg.store.counts()["asserted"] == OIHKG.open(paths=artifacts).store.counts()["asserted"]  # not in the curated graph
    # curated answers are unchanged: named queries read the curated default graph
    assert kg.query("by-citation", citation="oih:citation/4834506") == curated_rows
    assert kg.entity("TLR4")["label"] == curated_card["label"] == "toll-like receptor 4"
    # SPARQL with no dataset sees the merged graph too, and GRAPH names it
    assert kg.sparql(f"ASK {{ <{OIH}x/gene1> <{RO}0002304> <{TLR4_IRI}> }}") is True
    assert kg.sparql(f"ASK {{ GRAPH <{done[0]['graph']}> {{ ?s ?p ?o }} }}") is True
    # the engine: the merged gene reaches hyperalgesia through TLR4, with imported evidence and its axiom's source
    res = kg.paths("merged gene one", "hyperalgesia")
    first = res.paths[0].edges[0]
    assert res.paths and res.paths[0].nodes[1] == "HGNC:11850" and res.paths[0].sign == 1
    assert first["evidence_type"] == "ECO:0000311" and first["citations"] == ["PMID:123"]
    assert not kg.causal_graph().has_edge("oih:x/gene1", "oih:x/place")  # an unsigned relation is not a causal edge
    assert kg.perturb(inhibit=["merged gene one"]).summary()["H"] == "down"
    assert kg.entity("merged gene one")["id"] == "oih:x/gene1"  # a merged entity has a card of its own


def test_merged_data_never_rewrites_curated_data(tmp_path, artifacts):
    curated = OIHKG.open(paths=artifacts)
    before = curated.causal_graph()["CHEBI:18420"]["oih:mg_block"]
    restated = tmp_path / "restate.nt"
    restated.write_text("\n".join([
        f"<http://purl.obolibrary.org/obo/CHEBI_18420> <{RO}0004034> <{OIH}mg_block> .",  # a curated edge, again
        f'<http://purl.uniprot.org/uniprot/O00206> <{LABEL}> "TLR4" .',  # a curated name for another entity
        f"<http://purl.uniprot.org/uniprot/O00206> <{RO}0002304> <{OIH}x/other> .",
        f'<http://example.org/morphine> <{LABEL}> "morphine" .',
        f"<http://example.org/morphine> <{RO}0002305> <{OIH}x/other> .",
    ]) + "\n")
    kg = OIHKG.open(store_path=tmp_path / "store", paths=artifacts)
    kg.load([restated])
    assert dict(kg.causal_graph()["CHEBI:18420"]["oih:mg_block"]) == dict(before)  # the curated evidence stays
    assert kg.resolve("TLR4") == TLR4_IRI and kg.entity("morphine")["id"] == "CHEBI:17303"
    assert kg.perturb(inhibit=["TLR4"]).summary()["H"] == "down"
    assert kg.entity("http://purl.uniprot.org/uniprot/O00206")["label"] == "TLR4"  # reachable by its IRI
    kg.close()
    again = OIHKG.open(store_path=tmp_path / "store", paths=artifacts)
    assert again.store.reloaded is False  # a merged graph's checksum is not taken for the curated one
    again.close()


def test_a_merged_graph_survives_a_restart_and_a_rebuilt_curated_graph(tmp_path, nt, artifacts):
    store = tmp_path / "store"
    res = subprocess.run([CLI, "load", str(nt), "--store", str(store), "--name", "mine"], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "graph/loaded/mine" in res.stdout and f"{len(MERGED)}" in res.stdout
    before = OIHKG.open(store_path=store, paths=artifacts)
    checksum = before.about()["checksum"]
    before.close()
    with artifacts.ttl.open("a") as fh:  # the curated graph is rebuilt: the store reloads it, and keeps the merged one
        fh.write("\n# rebuilt\n")
    after = OIHKG.open(store_path=store, paths=artifacts)
    assert after.store.reloaded and [g["source"] for g in after.store.loaded()] == [nt.name]
    assert after.about()["checksum"] != checksum  # the fingerprint follows what the store holds
    assert after.paths("merged gene one", "hyperalgesia").paths
    after.close()
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://a> <http://b> oops .\n")
    res = subprocess.run([CLI, "load", str(bad), "--store", str(store), "--drop", "mine"], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 2 and "bad.nt" in res.stderr
    assert [g["source"] for g in OIHKG.open(store_path=store, paths=artifacts).store.loaded()] == [nt.name]  # kept
    res = subprocess.run([CLI, "load", "--store", str(store), "--drop", "mine"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "dropped mine" in res.stdout
    assert OIHKG.open(store_path=store, paths=artifacts).store.loaded() == []


def test_kgx_edges_map_to_signed_relations_by_their_qualifiers(tmp_path, artifacts):
    (tmp_path / "k_nodes.tsv").write_text("id\tcategory\tname\noih:x/drug\tbiolink:Drug\tmerged drug\n"
                                          "oih:x/p\tbiolink:BiologicalProcess\tmerged process\n")
    (tmp_path / "k_edges.tsv").write_text(
        "subject\tpredicate\tobject\tqualified_predicate\tobject_direction_qualifier\toriginal_predicate\n"
        "oih:x/drug\tbiolink:affects\tHGNC:11850\tbiolink:causes\tdecreased\t\n"
        "oih:x/p\tbiolink:affects\toih:x/drug\tbiolink:causes\tincreased\t\n"
        "oih:x/drug\tbiolink:related_to\toih:x/p\t\t\t\n"
        "oih:x/p\tbiolink:regulates\toih:hyperalgesia\t\t\tRO:0002305\n")
    (tmp_path / "c_edges.tsv").write_text(  # our own export's columns: context, knowledge level, a non-RO original
        "subject\tpredicate\tobject\tqualified_predicate\tobject_direction_qualifier\toriginal_predicate\t"
        "knowledge_level\tcontext\n"
        "oih:x/drug\tbiolink:affects\toih:x/q1\tbiolink:causes\tincreased\tRO:0002304\tknowledge_assertion\toih:oih\n"
        "oih:x/drug\tbiolink:affects\toih:x/q2\tbiolink:causes\tincreased\toih:promotes\tlogical_entailment\t\n"
        "oih:x/drug\tbiolink:affects\toih:x/q3\t\t\toih:decreases_activity_of\tknowledge_assertion\t\n")
    (tmp_path / "q_edges.tsv").write_text(  # Biolink qualifiers that turn or limit the sign
        "subject\tpredicate\tobject\tqualified_predicate\tobject_direction_qualifier\tobject_aspect_qualifier\t"
        "subject_direction_qualifier\tspecies_context_qualifier\tagent_type\n"
        "oih:x/drug\tbiolink:affects\toih:x/r1\tbiolink:causes\tincreased\tdegradation\t\t\t\n"
        "oih:x/drug\tbiolink:affects\toih:x/r2\tbiolink:causes\tincreased\t\tdecreased\t\t\n"
        "oih:x/drug\tbiolink:affects\toih:x/r3\tbiolink:causes\tincreased\t\t\tNCBITaxon:10090\t\n"
        "oih:x/drug\tbiolink:affects\toih:x/r4\tbiolink:causes\tincreased\t\t\t\tdata_analysis_pipeline\n"
        "oih:x/drug\tbiolink:affects\toih:x/r5\tbiolink:causes\tincreased\tactivity\t\t\tmanual_agent\n")
    kg = OIHKG.open(store_path=tmp_path / "store", paths=artifacts)
    kg.load([tmp_path / "k_edges.tsv", tmp_path / "c_edges.tsv", tmp_path / "q_edges.tsv"])
    g = kg.causal_graph()
    assert [n for n in ("r1", "r2", "r3", "r4", "r5") if g.has_edge("oih:x/drug", f"oih:x/{n}")] == ["r5"]
    assert not g.has_edge("oih:x/drug", "oih:x/q1") and not g.has_edge("oih:x/drug", "oih:x/q2")  # context, entailment
    assert g["oih:x/drug"]["oih:x/q3"]["oih:decreases_activity_of"]["sign"] == -1  # an original the schema knows
    assert g["oih:x/drug"]["HGNC:11850"]["RO:0002305"]["sign"] == -1
    assert g["oih:x/p"]["oih:x/drug"]["RO:0002304"]["sign"] == 1
    assert g["oih:x/p"]["oih:hyperalgesia"]["RO:0002305"]["sign"] == -1  # the RO original wins
    assert not g.has_edge("oih:x/drug", "oih:x/p")  # related_to says no direction: not a causal edge
    assert g.nodes["oih:x/drug"]["label"] == "merged drug"
    assert kg.paths("merged process", "TLR4").paths[0].sign == -1


@pytest.mark.parametrize("name, text, expect", [
    ("bad.nt", f"<{OIH}a> <{OIH}b> <{OIH}c> .\n<{OIH}a> <{OIH}b> oops .\n", "bad.nt: Parser error at line 2"),
    ("bad.ttl", "@prefix x: <http://x/> .\nx:a x:b x:c ;\n", "bad.ttl: Parser error at line"),
    ("bad_edges.tsv", "subject\tpredicate\tobject\noih:a\tbiolink:affects\n", "bad_edges.tsv:2: 2 fields where the header has 3"),
    ("bad2_edges.tsv", "subject\tpredicate\tobject\nnope:a\tbiolink:affects\toih:b\n", "bad2_edges.tsv:2: 'nope:a' is neither"),
    ("graph.json", "{}", "cannot tell the format from the ending '.json'"),
    ("huge_edges.tsv", "subject\tpredicate\tobject\noih:a\tbiolink:affects\t" + "x" * (2**20 + 10) + "\n",
     "huge_edges.tsv:2: field larger than field limit"),
    ("latin_edges.tsv", "subject\tpredicate\tobject\noih:caf\xe9\tbiolink:affects\toih:b\n", "not UTF-8 text"),
])
def test_a_bad_file_is_named_with_its_line_and_loads_nothing(tmp_path, artifacts, name, text, expect):
    bad = tmp_path / name
    bad.write_bytes(text.encode("latin-1") if name.startswith("latin") else text.encode())
    good = tmp_path / "good.nt"
    good.write_text("\n".join(MERGED) + "\n")
    kg = OIHKG.open(store_path=tmp_path / "store", paths=artifacts)
    with pytest.raises(LoadError, match=None) as info:
        kg.load([good, bad])  # the good file first: still nothing is loaded
    assert expect in str(info.value)
    assert kg.store.loaded() == [] and kg.store.served_graphs() == [f"{OIH}graph/asserted", f"{OIH}graph/inferred"]


def test_load_refuses_what_it_cannot_do(tmp_path, nt, remote_kg):
    with pytest.raises(LoadError, match="one name per file"):
        OIHKG.open().load([nt, nt], ["only-one"])
    with pytest.raises(LoadError, match="graph name"):
        OIHKG.open().load([nt], ["no spaces"])
    with pytest.raises(LoadError, match="embedded store"):
        remote_kg.load([nt])
    copy = tmp_path / "other" / nt.name
    copy.parent.mkdir()
    copy.write_bytes(nt.read_bytes())
    with pytest.raises(LoadError, match="give each its own --name"):
        OIHKG.open().load([nt, copy])
    bom = tmp_path / "bom_edges.tsv"
    bom.write_text("\ufeffsubject\tpredicate\tobject\noih:x/a\tbiolink:related_to\toih:x/b\n", encoding="utf-8")
    kg = OIHKG.open(store_path=tmp_path / "store")
    assert kg.load([bom])[0]["triples"] == 1  # a byte-order mark is not part of the first column's name
    kg.close()
    res = subprocess.run([CLI, "load", "--store", str(tmp_path / "store"), "--drop", "a b"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 2 and "graph name 'a b'" in res.stderr and "Traceback" not in res.stderr
    res = subprocess.run([CLI, "load", str(nt)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "--store DIR" in res.stderr


@pytest.mark.slow
def test_health_lists_the_merged_graphs_of_a_served_store(tmp_path, nt, start_server):
    store = tmp_path / "store"
    assert subprocess.run([CLI, "load", str(nt), "--store", str(store)], capture_output=True, timeout=300).returncode == 0
    base = start_server("--store", str(store))
    body = httpx.get(f"{base}/health", timeout=10).json()
    assert [(g["graph"], g["triples"]) for g in body["loaded"]] == [(f"{OIH}graph/loaded/extra-graph", len(MERGED))]
    answer = httpx.get(f"{base}/paths", params={"source": "merged gene one", "target": "hyperalgesia"}, timeout=30).json()
    assert answer["status"] == "found" and answer["complete"] is True
    sparql = httpx.post(f"{base}/sparql", data={"query": f"ASK {{ <{OIH}x/gene1> ?p ?o }}"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert sparql.json()["boolean"] is True  # the query workers see the merged graph too
    card = httpx.get(f"{base}/entities/oih:x%2Fgene1", timeout=10)
    assert card.status_code == 200 and card.json()["label"] == "merged gene one"


# -- the store's record, kept beside it so that a query with no dataset runs over the union default graph ------------

GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def _sparql(store, text: str, default=None, named=None) -> list[dict]:
    """What ``/sparql`` answers: the endpoint path of the store, read back from SPARQL JSON."""
    body = answer(store, text, "application/sparql-results+json", default, named, 10_000).body
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]


def test_a_query_naming_no_dataset_sees_the_served_graphs_and_no_record(tmp_path, nt, artifacts):
    store = OIHKG.open(store_path=tmp_path / "store", paths=artifacts).store
    store.load(nt, "extra", ox.RdfFormat.N_TRIPLES)
    served = [f"{OIH}graph/asserted", f"{OIH}graph/inferred", f"{OIH}graph/loaded/extra"]
    assert [r["g"] for r in _sparql(store, GRAPHS)] == served  # no meta graph among them
    assert not _sparql(store, f"SELECT ?s WHERE {{ ?s <{OIH}artifactsChecksum> ?c }}")  # the record is not data
    assert _sparql(store, f'SELECT ?x WHERE {{ ?x <{LABEL}> "merged gene one" }}')  # the union reaches the merged graph
    asserted_only = _sparql(store, f'SELECT ?x WHERE {{ ?x <{LABEL}> "merged gene one" }}', [served[0]])
    assert asserted_only == []  # a dataset named by the client is still that dataset
    from_named = f"SELECT DISTINCT ?g FROM NAMED <{served[0]}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} ORDER BY ?g"
    assert [r["g"] for r in _sparql(store, from_named)] == [served[0]]  # the query's own, the request naming none
    assert [r["g"] for r in _sparql(store, from_named, named=served)] == served  # the protocol's dataset wins over it
    record = (tmp_path / "store" / "oihkg-record.json").read_text()
    assert "graph/loaded/extra" in record and store.stored_checksum() in record


def test_a_store_written_with_a_meta_graph_moves_its_record_out_and_keeps_its_merged_graphs(tmp_path, nt, artifacts):
    folder = tmp_path / "store"
    first = OIHKG.open(store_path=folder, paths=artifacts)
    first.load([nt], ["old"])
    fingerprint, listed = first.about()["checksum"], first.store.loaded()
    first.close()
    # rewrite it as the earlier version kept it: the record as quads of the meta graph, no record file
    raw = ox.Store(str(folder))
    raw.load(meta_ntriples(artifacts_checksum(artifacts), listed), format=ox.RdfFormat.N_TRIPLES, to_graph=META)
    raw.flush()
    del raw
    (folder / "oihkg-record.json").unlink()
    reader = OIHKG.open(store_path=folder, paths=artifacts).store  # writable: the record moves out
    assert reader.loaded() == listed and reader.checksum() == fingerprint and not reader.reloaded
    assert META.value not in [r["g"] for r in _sparql(reader, GRAPHS)]
    assert (folder / "oihkg-record.json").is_file()


def test_a_load_cut_short_is_dropped_and_a_graph_without_record_is_kept_but_not_served(tmp_path, nt, artifacts, caplog):
    folder = tmp_path / "store"
    OIHKG.open(store_path=folder, paths=artifacts).close()
    raw = ox.Store(str(folder))
    raw.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{OIH}graph/loaded/cut"))
    raw.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{OIH}graph/loaded/unknown"))
    raw.add(ox.Quad(ox.NamedNode(f"{OIH}x/other"), ox.NamedNode(LABEL), ox.Literal("not ours"), ox.NamedNode(f"{OIH}x/g")))
    raw.flush()
    del raw
    record = json.loads((folder / "oihkg-record.json").read_text())
    record["pending"] = [f"{OIH}graph/loaded/cut"]  # as `load` leaves it when stopped during the bulk load
    (folder / "oihkg-record.json").write_text(json.dumps(record))
    with caplog.at_level("WARNING", logger="oihkg.store"):
        store = OIHKG.open(store_path=folder, paths=artifacts).store
    assert store.loaded() == []
    graphs = {g.value for g in ox.Store.read_only(str(folder)).named_graphs()}
    assert f"{OIH}graph/loaded/cut" not in graphs  # dropped, as a failed load leaves it
    assert f"{OIH}x/g" in graphs and f"{OIH}graph/loaded/unknown" in graphs  # kept: the store did not write them
    assert "graph/loaded/unknown" in caplog.text and "not served" in caplog.text
    for text in (f'SELECT ?x WHERE {{ ?x <{LABEL}> "not ours" }}', f'SELECT ?x WHERE {{ ?x <{LABEL}> "merged gene one" }}',
                 f'SELECT ?x WHERE {{ GRAPH ?g {{ ?x <{LABEL}> "not ours" }} }}'):
        assert not _sparql(store, text), text  # graphs the store has no record of are not served
    assert _sparql(store, f"SELECT ?x WHERE {{ ?x <{LABEL}> \"ketamine\" }}")  # the curated graphs still are


def test_a_store_opened_by_the_earlier_version_in_between_keeps_its_merged_graphs(tmp_path, nt, artifacts):
    """The earlier version (meta graph, no record file) opens a store of this one: it reloads the curated graphs and
    writes a meta graph knowing only their checksum. This version then keeps the merged graph its file records."""
    folder = tmp_path / "store"
    kg = OIHKG.open(store_path=folder, paths=artifacts)
    kg.load([nt], ["mine"])
    listed = kg.store.loaded()
    kg.close()
    raw = ox.Store(str(folder))
    raw.add(ox.Quad(META, CHECKSUM, ox.Literal(artifacts_checksum(artifacts)), META))
    raw.flush()
    del raw
    store = OIHKG.open(store_path=folder, paths=artifacts).store
    assert store.loaded() == listed
    assert _sparql(store, f'SELECT ?x WHERE {{ ?x <{LABEL}> "merged gene one" }}')
    assert META.value not in store.graphs()


def test_an_unreadable_record_is_a_clear_error_that_changes_nothing(tmp_path, nt, artifacts):
    folder = tmp_path / "store"
    kg = OIHKG.open(store_path=folder, paths=artifacts)
    kg.load([nt])
    kg.close()
    (folder / "oihkg-record.json").write_text("{ not json")
    with pytest.raises(StoreError, match="oihkg-record.json.* unreadable"):
        OIHKG.open(store_path=folder, paths=artifacts)
    assert (folder / "oihkg-record.json").read_text() == "{ not json"  # nothing was reloaded or dropped
