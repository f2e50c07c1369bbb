"""Results in a notebook: HTML tables, DataFrames, the inline map and plot (kg.present.notebook), and the tutorial notebook run
top to bottom."""

from __future__ import annotations

import json
import pickle
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.compile import Observation
from kg.present.notebook import MAX_ROWS, Card, MapView, Rows, answer, frame
from kg.mechanism.observations import Report, Result
from kg.mechanism.paths import PathResult, PathStatus, SignedPath
from kg.mechanism.perturb import Effect, PerturbResult

pd = pytest.importorskip("pandas")

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ipynb"
EVIL = "<b>a & b</b>"  # a label that would break the page if it were not escaped


class _Cells(HTMLParser):
    """The text of every table cell, header and caption of an HTML fragment, unescaped, and its tags."""

    def __init__(self, html: str):
        super().__init__()
        self.cells: list[list[str]] = []  # one list per <tr>
        self.tags: list[str] = []
        self.captions: list[str] = []
        self._where: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.cells.append([])
        elif tag in ("td", "th"):
            self.cells[-1].append("")
            self._where = "cell"
        elif tag == "caption":
            self.captions.append("")
            self._where = "caption"

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption"):
            self._where = None

    def handle_data(self, data):
        if self._where == "cell":
            self.cells[-1][-1] += data
        elif self._where == "caption":
            self.captions[-1] += data


def _edge(subject: str, obj: str, sign: int, **extra) -> dict:
    return {"subject": subject, "subjectLabel": subject, "relation": "RO:0002213", "object": obj, "objectLabel": obj,
            "sign": sign, "inferred": False, "via": "", "context": "", "inverse_of": "", "citations": ["1"],
            "quote": "a quote", "evidence_type": "ECO:0000304", **extra}


# --------------------------------------------------------------------------- rows, cards, SPARQL answers


def test_rows_show_an_escaped_table_and_a_frame():
    rows = Rows([{"label": EVIL, "sign": -1, "tags": ["x", "y"]}, {"label": "plain", "sign": 1}], caption="two")
    html = rows._repr_html_()
    assert EVIL not in html and "&lt;b&gt;a &amp; b&lt;/b&gt;" in html
    parsed = _Cells(html)
    assert "b" not in parsed.tags  # the label's tag is text, not markup
    assert parsed.cells == [["label", "sign", "tags"], [EVIL, "−", "x, y"], ["plain", "+", ""]]
    assert parsed.captions == ["two: 2 rows"]
    df = rows.to_frame()
    assert list(df.columns) == ["label", "sign", "tags"] and len(df) == 2
    assert df.loc[0, "label"] == EVIL and df.loc[0, "tags"] == ["x", "y"]  # values as held, not as shown


def test_rows_stay_the_list_they_wrap():
    items = [{"a": 1}, {"a": 2}]
    rows = Rows(items, caption="c")
    assert rows == items and isinstance(rows, list) and json.loads(json.dumps(rows)) == items
    again = pickle.loads(pickle.dumps(rows))
    assert again == items and again.caption == "c"


def test_a_long_table_shows_the_first_rows_and_says_how_many_more():
    rows = Rows([{"n": i} for i in range(MAX_ROWS + 5)])
    parsed = _Cells(rows._repr_html_())
    assert len(parsed.cells) == 1 + MAX_ROWS + 1 and "5 more rows" in parsed.cells[-1][0]
    assert len(rows.to_frame()) == MAX_ROWS + 5


def test_an_empty_table_says_so():
    assert _Cells(Rows([], caption="none")._repr_html_()).cells[-1] == ["no rows"]


def test_sparql_answers_by_form():
    triples = answer([("CHEBI:6121", "rdfs:label", EVIL)])
    assert triples == [("CHEBI:6121", "rdfs:label", EVIL)]
    assert list(triples.to_frame().columns) == ["subject", "predicate", "object"]
    assert "&lt;b&gt;" in triples._repr_html_()
    assert answer(True) is True and answer(False) is False


def test_card_is_the_dict_and_shows_its_edges():
    card = Card({"id": "X:1", "iri": "http://x/1", "label": EVIL, "definition": "d < e", "synonyms": ["s"], "xrefs": [],
                 "types": ["oih:Entity"],
                 "edges_out": [{"subjectLabel": EVIL, "predicateLabel": "causes", "objectLabel": "y", "sign": 1}],
                 "edges_in": [{"subjectLabel": "z", "predicateLabel": "causes", "objectLabel": EVIL, "sign": -1},
                              {"subjectLabel": "w", "predicateLabel": "part of", "objectLabel": EVIL, "sign": None}]})
    assert json.loads(json.dumps(card)) == dict(card) and pickle.loads(pickle.dumps(card)) == card
    html = card._repr_html_()
    assert EVIL not in html and "d &lt; e" in html
    parsed = _Cells(html)
    assert parsed.cells[0][:4] == ["direction", "subject", "relation", "object"]
    assert [r[0] for r in parsed.cells[1:]] == ["out", "in", "in"]
    df = card.to_frame()
    assert len(df) == 3 and list(df["direction"]) == ["out", "in", "in"] and df.loc[0, "subject"] == EVIL


# --------------------------------------------------------------------------- paths, perturbations, the check


def _paths() -> PathResult:
    up = SignedPath(("a", "b", "c"), (_edge("a", "b", 1), _edge("b", "c", -1, objectLabel=EVIL, context="oih:oih")), -1)
    other = SignedPath(("a", "c"), (_edge("a", "c", 1),), 1)
    return PathResult(PathStatus.found, "a", "c", [up, other], "2 path(s)")


def test_paths_show_one_row_per_path_with_sign_steps_and_contexts():
    res = _paths()
    parsed = _Cells(res._repr_html_())
    assert parsed.cells[0] == ["rank", "sign", "length", "steps", "contexts", "weakest evidence", "citations"]
    assert len(parsed.cells) == 1 + 2
    assert parsed.cells[1][:5] == ["1", "−", "2", f"a → b ⊣ {EVIL}", "oih:oih"]
    assert parsed.cells[2][4] == "every context"
    assert parsed.captions == ["a → c: 2 path(s)"]
    assert "&lt;b&gt;" in res._repr_html_() and "<b>" not in res._repr_html_()
    df = res.to_frame()
    assert list(df.columns) == parsed.cells[0] and len(df) == 2 and list(df["sign"]) == [-1, 1]


def test_a_path_shows_its_edges():
    path = _paths().paths[0]
    parsed = _Cells(path._repr_html_())
    assert parsed.cells[0][:4] == ["subject", "relation", "object", "sign"] and len(parsed.cells) == 1 + 2
    assert parsed.cells[2][2] == EVIL and path.to_frame().shape == (2, 8)


def test_no_path_shows_the_reason():
    res = PathResult(PathStatus.no_path, "a", "c", message="c cannot be reached from a <at any length>")
    parsed = _Cells(res._repr_html_())
    assert parsed.captions == ["a → c: c cannot be reached from a <at any length>"] and parsed.cells[-1] == ["no rows"]
    assert res.to_frame().empty


def test_perturbation_shows_a_h_and_p_first():
    from kg import schema

    effects = {"x": Effect("x", EVIL, "up", 0, None, {"up": ["x"]}),
               "y": Effect("y", "why", "down", None, 1, {"down": ["x", "y"]}),
               schema.COMPONENT_H: Effect(schema.COMPONENT_H, "H", "down", None, 2, {"down": ["x", "y", schema.COMPONENT_H]}),
               schema.COMPONENT_A: Effect(schema.COMPONENT_A, "A", "unchanged")}
    res = PerturbResult([], ["x"], [], effects, ["nothing<"])
    parsed = _Cells(res._repr_html_())
    assert [r[0] for r in parsed.cells[1:]] == [schema.COMPONENT_A, schema.COMPONENT_H, "x", "y"]
    assert parsed.cells[2][5] == f"{EVIL} → why → H"  # the example path by label
    assert parsed.captions == ["activate x: A unchanged, H down, P unchanged (not in the graph: nothing<)"]
    df = res.to_frame()
    assert list(df.columns) == ["node", "label", "direction", "shortest up", "shortest down", "example path"]
    assert len(df) == 4 and "<b>" not in res._repr_html_()


def test_report_shows_one_row_per_observation():
    def obs(i: str, subject: str) -> Observation:
        return Observation(i, "path", subject, "", "H", "+", False, ("1",), "ECO:0000304", "q", "", 1)

    report = Report([Result(obs("O1", EVIL), "holds", "path a -> b"), Result(obs("O2", "b"), "contradicted", "none")])
    parsed = _Cells(report._repr_html_())
    assert parsed.cells[0][:3] == ["id", "kind", "status"] and [r[2] for r in parsed.cells[1:]] == ["holds", "contradicted"]
    assert parsed.cells[1][3] == EVIL and "1 holds, 1 contradicted" in parsed.captions[0]
    assert report.to_frame().shape == (2, 9)


# --------------------------------------------------------------------------- the plot and the map


def test_simulation_draws_itself_and_gives_its_curves(kg):
    res = kg.simulate(interventions=["test taper"])
    assert "<svg" in res._repr_svg_() and res._repr_png_().startswith(b"\x89PNG")
    df = res.to_frame()
    assert list(df.columns) == list(res.curves) and len(df) == len(res.curves["dose"]) == res.params["points"]
    assert df["P"].tolist() == res.curves["P"]


def test_map_is_escaped_into_the_frame():
    page = '<html><body><p class="x">a & b</p><script>let s = "</iframe>";</script></body></html>'
    html = MapView(page, height=300)._repr_html_()

    class Frame(HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, dict(attrs)))

    parser = Frame()
    parser.feed(html)
    assert [t for t, _ in parser.found] == ["iframe"]  # nothing of the page leaks out as markup
    attrs = parser.found[0][1]
    assert attrs["srcdoc"] == page and "allow-scripts" in attrs["sandbox"] and "300px" in attrs["style"]


def test_map_from_the_facade(kg, tmp_path):
    view = kg.map()
    assert isinstance(view, MapView) and view._repr_html_().startswith("<iframe srcdoc=")
    assert view.save(tmp_path / "map.html").read_text(encoding="utf-8") == str(view)


# --------------------------------------------------------------------------- the façade's answers


def test_facade_answers_show_as_tables_and_still_serialise(kg):
    from fastapi.encoders import jsonable_encoder
    from pydantic import TypeAdapter

    from api.schemas import Edge, Entity

    card = kg.entity("TLR4")
    assert isinstance(card, Card) and card == kg.catalog.entity("TLR4")
    assert Entity.model_validate(card).id == "HGNC:11850" and jsonable_encoder(card) == jsonable_encoder(dict(card))
    assert "toll-like receptor 4" in card._repr_html_()
    edges = kg.edges(subject="TLR4")
    assert isinstance(edges, Rows) and len(TypeAdapter(list[Edge]).validate_python(edges)) == len(edges)
    rows = kg.query("analgesia-sparing-interventions")
    assert isinstance(rows, Rows) and "TLR4 antagonist" in rows._repr_html_() and len(rows.to_frame()) == len(rows)
    selected = kg.sparql("SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> "
                         "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert selected == [{"l": "ketamine"}] and list(selected.to_frame().columns) == ["l"]
    assert isinstance(kg.query_in_context("pathways-for-intervention", "acute", intervention="morphine"), Rows)
    res = kg.paths("morphine", "hyperalgesic component", context="chronic exposure")
    assert len(_Cells(res._repr_html_()).cells) == 1 + len(res.paths) > 1
    assert "0 contradicted" in kg.check()._repr_html_()


def test_to_frame_without_pandas_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"oihkg\[notebook\]"):
        frame(["a"], [[1]])


# --------------------------------------------------------------------------- the tutorial


def test_tutorial_is_committed_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(TUTORIAL, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.slow
def test_tutorial_runs_top_to_bottom(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # the kernel named python3 is this interpreter's ipykernel, whatever else is installed on the machine
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (oihkg)", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    nb = nbformat.read(TUTORIAL, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(TUTORIAL.parent)}}).execute()  # raises on an error
    out = {c.metadata["tags"][0]: c.outputs for c in nb.cells if c.cell_type == "code" and c.metadata.get("tags")}
    assert not [o for outs in out.values() for o in outs if o.output_type == "error"]

    def data(tag: str, mime: str) -> str:
        return "".join(o.get("data", {}).get(mime, "") for o in out[tag] if o.output_type in ("execute_result", "display_data"))

    chronic = data("paths-chronic", "text/html")
    assert '<table class="oihkg">' in chronic and "morphine" in chronic and "hyperalgesic component" in chronic
    assert len(_Cells(chronic).cells) > 1  # a header and at least one path
    printed = "".join(o.get("text", "") for o in out["paths-oih"] if o.output_type == "stream")
    assert int(printed.split()[0]) > 0 and "paths from morphine to H in OIH" in printed
    assert "cannot be reached" in data("paths-acute-h", "text/plain")
    assert "toll-like receptor 4" in data("entity", "text/html")
    assert "TLR4 antagonist" in data("query-sparing", "text/html")
    assert "hyperalgesic component" in data("perturb-one", "text/html")
    assert "ketamine" in data("compare", "text/plain")
    assert data("simulate", "image/svg+xml") and data("simulate", "image/png")
    assert "pain falls: points to OIH" in data("taper-outcome", "text/plain")
    assert "pain rises: points to tolerance" in data("taper-compare", "text/html")
    assert "0 contradicted" in data("check", "text/html")
    assert data("map", "text/html").startswith("<iframe srcdoc=")
