"""The display text of the map's evidence (kg/present/display.py): quotes read as text, evidence codes named, citations
explained; and the map data that carries them (kg/outputs/map.py)."""

from __future__ import annotations

import pytest

from kg import schema
from kg.present.display import citation_marker, display_text, evidence_display, evidence_label


@pytest.mark.parametrize(("stored", "shown"), [
    ("mu-opioid receptors ($\\mu$ORs)", "mu-opioid receptors (μORs)"),
    ("tumor necrosis factor-alpha (TNF-$\\alpha$)", "tumor necrosis factor-alpha (TNF-α)"),
    ("interleukin-1$\\beta$", "interleukin-1β"),
    ("the relationship $\\frac{\\partial P}{\\partial D}$ flips", "the relationship ∂P/∂D flips"),
    ("So, $P = P_0 - A + H$.", "So, P = P₀ − A + H."),
    ("a magnesium ion ($Mg^{2+}$)", "a magnesium ion (Mg²⁺)"),
    ("a higher dose ($D$) is required", "a higher dose (D) is required"),
])
def test_math_spans_read_as_text(stored, shown):
    assert display_text(stored) == shown


def test_text_without_math_is_left_as_it_is():
    for text in ["", "no math here", "TNF-alpha and IL-1 beta", "a 5 % rise"]:
        assert display_text(text) == text


def test_a_quote_cut_inside_a_math_span_leaves_no_dollar():
    assert display_text("reduce the term $H$ without affecting the term $A") == "reduce the term H without affecting the term A"


def test_an_unknown_command_keeps_its_name_and_an_unmapped_script_is_written_out():
    assert display_text("$\\foo x$") == "foo x"
    assert display_text("$x^{q}$") == "x^q"  # no superscript q in Unicode: written out, not dropped


def test_evidence_codes_have_their_eco_labels_and_unknown_ones_none():
    assert evidence_label("ECO:0000304") == "author statement supported by traceable reference used in manual assertion"
    assert evidence_label("ECO:0000305") == "curator inference used in manual assertion"
    assert evidence_label("ECO:0000303") == "author statement without traceable support used in manual assertion"
    assert evidence_label("") == "" and evidence_label("ECO:0000269") == ""


def test_a_citation_is_the_articles_reference_marker():
    assert citation_marker("4867970") == "problem_id:4867970"
    assert citation_marker("problem_id:4867970") == "problem_id:4867970"  # not doubled


def test_evidence_display_lists_only_quotes_that_read_differently_and_counts_citations():
    edges = {"e0": {"quote": "TNF-$\\alpha$", "quoteText": "TNF-α", "citations": ["1", "2"]},
             "e1": {"quote": "plain", "quoteText": "plain", "citations": ["1"]}}
    out = evidence_display(edges)
    assert out["quoteText"] == {"TNF-$\\alpha$": "TNF-α"}
    assert out["citations"] == {"1": {"marker": "problem_id:1", "statements": 2}, "2": {"marker": "problem_id:2", "statements": 1}}
    assert out["evidenceTypes"] == schema.EVIDENCE_TYPES
    assert evidence_display({}) == {"quoteText": {}, "evidenceTypes": schema.EVIDENCE_TYPES, "citations": {}}


@pytest.fixture(scope="module")
def meta():
    from kg import OIHKG
    from kg.outputs.map import map_data

    kg = OIHKG.open()
    return map_data(kg.catalog, kg.causal_graph())["meta"]


def test_the_map_data_carries_every_quote_as_text_and_keeps_the_stored_one(meta):
    quoted = [e for e in meta["edges"].values() if e["quote"]]
    with_math = [e for e in quoted if "$" in e["quote"]]
    assert with_math, "the article's quotes hold LaTeX; this test checks they are shown as text"
    assert all("$" not in e["quoteText"] for e in quoted)
    assert all(e["quoteText"] == display_text(e["quote"]) for e in quoted)
    assert any("μ" in e["quoteText"] for e in with_math) and any("α" in e["quoteText"] for e in with_math)
    assert all(meta["quoteText"][e["quote"]] == e["quoteText"] for e in with_math)
    assert all(e["evidenceLabel"] == schema.EVIDENCE_TYPES.get(e["evidenceType"], "") for e in meta["edges"].values())
    assert all("$" not in (n.get("definition") or "") for n in meta["nodes"].values())


def test_the_map_data_says_whether_an_intervention_drives_or_inhibits_and_explains_inferred_links(meta):
    iv = meta["interventions"]
    assert iv["CHEBI:6121"]["directions"] == {"oih:nmda_central_sensitization_pathway": "inhibits"}
    assert iv["oih:opioid"]["directions"]["oih:mor_analgesic_pathway"] == "drives"
    assert iv["oih:dose_reduction"]["directions"] == {} and iv["oih:dose_reduction"]["explanations"] == {}
    steps = iv["oih:tlr4_antagonist"]["explanations"]["oih:glial_neuroinflammatory_pathway"]
    assert steps and all("kind" in s for s in steps)
    assert set(iv["CHEBI:17303"]["explanations"]) == set(iv["CHEBI:17303"]["inferred"])


class _Catalog:
    """A catalog that answers the two named queries the display reads from canned rows."""

    def __init__(self, explanations, contexts):
        self.explanations, self.contexts = explanations, contexts

    def query(self, name, **params):
        if name == "inference-explanations":
            return self.explanations
        assert name == "contextual-fact"
        return self.contexts.get((params["subject"], params["predicate"], params["object"]), [])


def test_pathway_links_keep_their_direction_and_only_context_bound_ones_are_listed_as_such():
    from kg.present.display import contextual_pathways, pathway_explanations

    rows = [{"subject": "d", "predicate": "oih:drives_pathway", "object": "pw", "explanation": '[{"kind": "axiom"}]'},
            {"subject": "d", "predicate": "oih:inhibits_pathway", "object": "pw", "explanation": "not json"},
            {"subject": "x", "predicate": "oih:drives_pathway", "object": "pw", "explanation": "[]"},
            {"subject": "d", "predicate": "oih:promotes", "object": "pw", "explanation": "[]"}]
    why = pathway_explanations(_Catalog(rows, {}))
    assert set(why) == {("d", "drives", "pw"), ("d", "inhibits", "pw"), ("x", "drives", "pw")}  # no other relation
    assert why[("d", "inhibits", "pw")] == [{"kind": "text", "axiom": "not json"}]  # unreadable: shown as written
    ctx = {("d", "oih:drives_pathway", "pw"): [{"context": "oih:oih", "contextLabel": "OIH"}]}
    out = contextual_pathways(_Catalog(rows, ctx), why, matrix={("d", "inhibits", "pw")})
    # the every-context link is not repeated, and a link with no context row ("x") is not made context-bound
    assert out == {"d": [{"pathway": "pw", "direction": "drives", "explanation": [{"kind": "axiom"}],
                          "contexts": [{"id": "oih:oih", "label": "OIH"}]}]}
