"""kg.catalog.queries and the façade: every named query's expected answer, on the embedded store and on Oxigraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import OIHKG
from kg.cli import app
from kg.catalog.queries import AmbiguousEntity, QueryFileError, UnknownEntity, load_queries, parse_query_file

PARAMS = {
    "interventions-for-pathway": {"pathway": "glial pathway"},
    "pathways-for-intervention": {"intervention": "methadone"},
    "downstream-effects": {"entity": "TLR4"},
    "releases-mediator": {"mediator": "TNF-α"},
    "edge-evidence": {"subject": "ketamine", "object": "NMDA receptor"},
    "by-citation": {"citation": "problem_id:4834506"},
    "entity-card": {"entity": "fibromyalgia"},
    "pathway-members": {"pathway": "dynorphin pathway"},
    "fact-status": {"subject": "ketamine", "predicate": "rdf:type", "object": "oih:AntiHyperalgesicAgent"},
    "contextual-fact": {"subject": "morphine", "predicate": "oih:drives_pathway", "object": "dynorphin pathway"},
    "qualified-statement": {"subject": "test taper", "object": "net pain"},
}


@pytest.fixture(scope="module")
def embedded():
    return OIHKG.open()


def _labels(rows, key):
    return sorted(r[key] for r in rows)


def test_there_are_at_least_fifteen_named_queries():
    assert len(load_queries()) >= 15


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def endpoint_kg(request):
    """The façade over a real SPARQL endpoint: an Oxigraph server (artifacts uploaded with the Graph Store Protocol),
    then Virtuoso (bulk-loaded by scripts/virtuoso.py)."""
    return request.getfixturevalue("remote_kg" if request.param == "oxigraph" else "virtuoso_kg")


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_named_query_rows_are_equal_on_embedded_and_endpoints(name, embedded, endpoint_kg):
    key = lambda r: sorted((k, str(v)) for k, v in r.items())  # noqa: E731
    a = sorted(embedded.query(name, **PARAMS.get(name, {})), key=key)
    b = sorted(endpoint_kg.query(name, **PARAMS.get(name, {})), key=key)
    assert a == b
    if name.startswith("loaded-"):  # the merged graphs' queries: nothing is merged here, and no curated triple counts
        assert a == [], f"{name} reads the curated graph as if it were merged"
        return
    assert a, f"{name} returned no rows"


def test_interventions_for_glial_pathway_by_direction(embedded):
    rows = embedded.query("interventions-for-pathway", pathway="oih:glial_neuroinflammatory_pathway")
    by = {d: sorted(r["interventionLabel"] for r in rows if r["direction"] == d) for d in ("inhibits", "drives")}
    assert by["inhibits"] == ["TLR4 antagonist", "ibudilast", "microglial activation inhibitor", "minocycline"]
    assert by["drives"] == ["methadone", "morphine", "opioid agonist"]  # opioids act through TLR4; rotation adds no drive
    assert all(r["inferred"] for r in rows)
    assert not {"test taper", "opioid dose reduction (taper)", "opioid dose escalation"} & {r["interventionLabel"] for r in rows}


def test_pathways_for_methadone_are_inferred_with_explanations(embedded):
    rows = embedded.query("pathways-for-intervention", intervention="methadone")
    assert {(r["pathwayLabel"], r["direction"], r.get("context")) for r in rows} == {
        ("NMDA receptor / central sensitization pathway", "inhibits", None), ("mu-opioid receptor analgesic pathway", "drives", None),
        ("glial neuroinflammatory pathway", "drives", "oih:oih"),
        ("NMDA receptor / central sensitization pathway", "drives", "oih:chronic_exposure"),
        ("spinal dynorphin pathway", "drives", "oih:chronic_exposure"),
        ("descending facilitation pathway", "drives", "oih:chronic_exposure")}
    assert all(r["inferred"] and r["rule"] == "property chain" and "part_of_pathway" in r["explanation"] for r in rows)
    assert all('"class statement"' in r["explanation"] for r in rows), "methadone acts through its drug classes"


def test_downstream_effects_of_tlr4_carry_signs(embedded):
    rows = embedded.query("downstream-effects", entity="TLR4")
    direct = {(r["targetLabel"], r["sign"]) for r in rows if not r["inferred"]}
    assert direct == {("microglial cell activation", 1), ("astrocyte activation", 1)}
    reached = {r["targetLabel"] for r in rows if r["inferred"] and r["relation"] == "oih:promotes"}
    assert {"tumor necrosis factor alpha", "NMDA selective glutamate receptor complex", "central sensitization", "hyperalgesia",
            "hyperalgesic component (H)"} <= reached


def test_microglia_release_the_three_mediators(embedded):
    for mediator in ("TNF-α", "IL-1β", "BDNF"):
        cells = _labels(embedded.query("releases-mediator", mediator=mediator), "cellLabel")
        assert "microglial cell" in cells
    assert _labels(embedded.query("releases-mediator", mediator="BDNF"), "cellLabel") == ["microglial cell"]


def test_opioids_activate_glia_through_tlr4_not_the_mu_receptor(embedded):
    rows = embedded.query("glia-activating-receptor")
    assert {(r["receptorLabel"], r.get("context")) for r in rows} == {("toll-like receptor 4", "oih:oih")}  # "In OIH, opioids can trigger"


def test_on_cells_facilitate_and_off_cells_inhibit(embedded):
    roles = {(r["cellLabel"], r["role"], r.get("changedByLabel"), r.get("change")) for r in embedded.query("descending-modulation")}
    assert roles == {
        ("ON-cell", "facilitates", "chronic mu-opioid receptor signaling", "increased"),
        ("OFF-cell", "inhibits", "opioid receptor desensitization", "decreased"),
    }
    signs = {r["cellLabel"]: r["transmissionSign"] for r in embedded.query("descending-modulation")}
    assert signs == {"ON-cell": 1, "OFF-cell": -1}


def test_analgesia_sparing_interventions_exclude_methadone_and_taper(embedded):
    names = set(_labels(embedded.query("analgesia-sparing-interventions"), "interventionLabel"))
    # the text says "without affecting A" of the agents that block TLR4 or inhibit microglial activation alone
    assert names == {"TLR4 antagonist", "ibudilast", "microglial activation inhibitor", "minocycline"}


def test_edge_evidence_gives_citation_and_quote(embedded):
    rows = embedded.query("edge-evidence", subject="ketamine", object="NMDA receptor")
    assert [(r["relation"], r["sign"], r["problemId"], r["evidenceType"]) for r in rows] == [
        ("RO:0018029", -1, "4974662", "ECO:0000304")]
    assert rows[0]["quote"] == "a drug like ketamine, which blocks the NMDA receptor"


def test_edge_evidence_of_an_uncited_sentence_has_no_citation(embedded):
    rows = embedded.query("edge-evidence", subject="opioid exposure", object="central sensitization")
    assert [(r.get("problemId"), r["evidenceType"]) for r in rows] == [(None, "ECO:0000303")]


def test_phenotypes_of_oih(embedded):
    assert _labels(embedded.query("oih-phenotypes"), "phenotypeLabel") == [
        "Allodynia", "diffuse widespread pain", "hyperalgesia", "positive dose-pain slope (dP/dD > 0)"]


def test_fibromyalgia_is_a_vulnerability_factor_weakening_descending_inhibition(embedded):
    rows = embedded.query("vulnerability-factors")
    assert [(r["factorLabel"], r["conditionLabel"], r["actsLabel"], r["sign"]) for r in rows] == [
        ("fibromyalgia", "opioid-induced hyperalgesia", "descending inhibition", -1)]


def test_everything_with_a_citation(embedded):
    rows = embedded.query("by-citation", citation="problem_id:4834506")
    pairs = {(r["subjectLabel"], r["objectLabel"]) for r in rows}
    assert ("fibromyalgia", "opioid-induced hyperalgesia") in pairs and ("OFF-cell", "descending inhibition") in pairs
    # with "descending modulation has participant dorsal horn" and fibromyalgia's flip to facilitation; without "spinal
    # transmission causes hyperalgesia", which its quote (the descending system modulates the cord's sensitivity) does not support
    assert len(rows) == 14


def test_tolerance_versus_oih(embedded):
    rows = embedded.query("tolerance-versus-oih")
    assert {(r["conditionLabel"], r["otherLabel"]) for r in rows if "sign" not in r} == {
        ("opioid tolerance", "negative dose-pain slope (dP/dD < 0)"), ("opioid tolerance", "test taper"),
        ("opioid-induced hyperalgesia", "positive dose-pain slope (dP/dD > 0)"), ("opioid-induced hyperalgesia", "test taper"),
    }
    # what a taper or an escalation does to net pain, qualified by the condition
    assert {(r["conditionLabel"], r["otherLabel"], r["sign"]) for r in rows if "sign" in r} == {
        ("opioid-induced hyperalgesia", "test taper", -1), ("opioid tolerance", "test taper", 1),
        ("opioid-induced hyperalgesia", "opioid dose escalation", 1), ("opioid tolerance", "opioid dose escalation", -1),
    }


def test_mu_pathway_is_analgesic_only_and_the_others_pronociceptive(embedded):
    rows = {r["pathwayLabel"]: (r["pronociceptive"], r["analgesic"]) for r in embedded.query("pathway-classes")}
    assert rows["mu-opioid receptor analgesic pathway"] == (False, True)
    assert [v for k, v in rows.items() if k != "mu-opioid receptor analgesic pathway"] == [(True, False)] * 4


def test_graph_nodes_give_each_entity_its_type_and_pathways(embedded):
    rows = embedded.query("graph-nodes")
    by = {}
    for r in rows:
        by.setdefault(r["curie"], set()).add((r["type"], r.get("pathway")))
    assert by["HGNC:11850"] == {("oih:Receptor", "oih:glial_neuroinflammatory_pathway")}
    # dose and exposure are inputs to the pathways, not parts of them
    assert by["oih:opioid_dose"] == by["oih:opioid_exposure"] == {("oih:ModelQuantity", None)}
    assert {p for _, p in by["oih:chronic_mor_signaling"]} == {
        "oih:nmda_central_sensitization_pathway", "oih:descending_facilitation_pathway", "oih:dynorphin_pathway"}
    assert len(by) == 66  # with the two exposure contexts and rotation to methadone


def test_search_finds_by_synonym_and_resolves_names(embedded):
    assert embedded.search("μOR")[0]["id"] == "HGNC:8156"
    assert embedded.search("gas pedal")[0]["label"] in {"ON-cell", "descending facilitation"}
    assert embedded.resolve("mu opioid receptor") == embedded.resolve("OPRM1") == embedded.resolve("HGNC:8156")
    with pytest.raises(UnknownEntity):
        embedded.resolve("no such thing")


def test_ambiguous_name_lists_candidates(embedded):
    with pytest.raises(AmbiguousEntity) as info:
        embedded.resolve("gas pedal")
    assert {c for c, _ in info.value.candidates} == {"oih:on_cell", "oih:descending_facilitation"}


def test_entity_has_edges_with_evidence(embedded):
    e = embedded.entity("TLR4")
    assert e["id"] == "HGNC:11850" and "UniProtKB:O00206" in e["xrefs"]
    incoming = {(x["subject"], x["predicate"]) for x in e["edges_in"] if not x["inferred"]}
    assert ("oih:tlr4_antagonist", "RO:0018029") in incoming
    assert all(x["citations"] and x["quote"] for x in e["edges_in"] if not x["inferred"])
    # "In OIH, opioids can trigger these cells": the opioid's TLR4 activation holds in OIH, and so does what drugs inherit
    inherited = {x["subject"]: x for x in e["edges_in"] if x.get("via")}
    assert set(inherited) == {"CHEBI:17303", "CHEBI:6807"} and {x["context"] for x in inherited.values()} == {"oih:oih"}
    assert inherited["CHEBI:17303"]["citations"] == ["4539328"] and inherited["CHEBI:17303"]["inferred"]
    nmda = {x["subject"]: x for x in OIHKG.open().entity("NMDA receptor")["edges_in"] if x.get("via")}
    assert nmda["CHEBI:6807"]["via"] == "oih:nmda_antagonist" and nmda["CHEBI:6807"]["inferred"]


def test_interventions_list_targets_and_pathways(embedded):
    items = {i["label"]: i for i in embedded.interventions()}
    assert {(t["label"], t["inferred"]) for t in items["methadone"]["targets"]} == {
        ("mu-opioid receptor", True), ("NMDA selective glutamate receptor complex", True)}  # TLR4 only in OIH
    assert "analgesia-sparing anti-hyperalgesic agent" in items["TLR4 antagonist"]["classes"]
    assert items["test taper"]["classes"] == ["dose strategy", "dose-reducing strategy"] and not items["test taper"]["pathways"]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / f"{name}.rq"
    p.write_text(text, encoding="utf-8")
    return p


def test_bad_header_is_named(tmp_path):
    p = _write(tmp_path, "broken", "# name: broken\n# returns: x\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(QueryFileError, match=r"broken.rq: header needs exactly one '# description:'"):
        parse_query_file(p)


def test_bad_sparql_is_named_with_line_and_column(tmp_path):
    p = _write(tmp_path, "bad", "# name: bad\n# description: d\n# returns: x\nSELECT ?x WHERE {\n  ?x ?p\n}\n")
    with pytest.raises(QueryFileError, match=r"bad.rq: SPARQL syntax error at line \d+, column \d+"):
        parse_query_file(p)
    with pytest.raises(QueryFileError, match="bad.rq"):
        load_queries(tmp_path)


def test_a_parameter_outside_the_projection_is_refused_at_load(tmp_path):
    """Both backends bind only projected variables alike, so a query file that binds another one is refused."""
    p = _write(tmp_path, "unprojected", "# name: unprojected\n# description: d\n# param: x (IRI) x\n# returns: l\n"
                                        "SELECT ?l WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }\n")
    with pytest.raises(QueryFileError, match="unprojected.rq: parameter 'x' must be in the SELECT projection"):
        parse_query_file(p)


def test_cli_query_prints_table_json_csv_and_exit_2_on_syntax_error(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["query", "releases-mediator", "--param", "mediator=BDNF", "--format", "csv"])
    assert res.exit_code == 0 and res.output.splitlines()[0] == "mediator,cell,cellLabel,quote"
    res = runner.invoke(app, ["query", "oih-phenotypes", "--format", "json"])
    assert res.exit_code == 0 and '"Allodynia"' in res.output
    res = runner.invoke(app, ["query", "oih-phenotypes"])
    assert res.exit_code == 0 and "4 row(s)" in res.output
    bad = _write(tmp_path, "plain", "SELECT ?x WHERE {\n  ?x ?p\n}\n")
    res = runner.invoke(app, ["query", str(bad)])
    assert res.exit_code == 2 and "line 2, column" in res.output


def test_facade_sparql_answers_every_form_on_a_remote_store(embedded, endpoint_kg):
    ket = "<http://purl.obolibrary.org/obo/CHEBI_6121>"
    for kg in (embedded, endpoint_kg):
        assert kg.sparql(f"ASK {{ {ket} <http://www.w3.org/2000/01/rdf-schema#label> 'ketamine' }}") is True
        assert kg.sparql(f"ASK {{ {ket} <http://www.w3.org/2000/01/rdf-schema#label> 'morphine' }}") is False
        built = kg.sparql(f"CONSTRUCT {{ {ket} <http://www.w3.org/2000/01/rdf-schema#label> ?l }} "
                          f"WHERE {{ {ket} <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
        assert built == [("CHEBI:6121", "rdfs:label", "ketamine")]
        described = kg.sparql(f"DESCRIBE {ket}")
        assert ("CHEBI:6121", "RO:0018029", "GO:0017146") in described
        assert kg.sparql(f"SELECT ?l WHERE {{ {ket} <http://www.w3.org/2000/01/rdf-schema#label> ?l }}") == [{"l": "ketamine"}]


def test_summary_counts_what_the_artifacts_hold(embedded):
    """`oihkg summary` reads the store: its triple counts are those of the artifacts read apart with rdflib."""
    import rdflib

    from kg import schema
    from kg.config import default_paths

    said = embedded.summary()
    paths = default_paths()
    inferred = rdflib.Graph().parse(paths.inferred)
    assert said["counts"]["asserted_triples"] == len(rdflib.Graph().parse(paths.ttl))
    assert said["counts"]["inferred_triples"] == len(set(inferred.subjects(rdflib.RDF.type, schema.OIH.Inference))) > 0
    assert said["interventions"] and {r["pathway"].split()[0] for r in said["interventions"]} == {"drives", "inhibits"}
