"""SPARQL from Python and the command line as in the editor: the well-known prefixes need no PREFIX line, a query's
own declarations hold, and a query that does not parse is one sentence on every surface (façade, CLI, /sparql)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.catalog.queries import SparqlSyntaxError
from kg.store.text import undeclared_prefixes, with_prefixes
from kg.schema import CONVERTER

LABEL_Q = "SELECT ?l WHERE { ?s rdfs:label ?l } LIMIT 1"
#: Queries that do not parse, and what the sentence about each must name.
TYPOS = [("SELEC ?l WHERE { ?s rdfs:label ?l }", "SELEC"), ("SELECT ?l WHERE { ?s foo:bar ?l }", "foo:"),
         ("SELECT ?l WHERE {\n  ?s rdfs:label ?l", "end of the query")]


def _one_sentence(said: str, names: str) -> None:
    assert "\n" not in said.strip() and len(said.strip()) < 200, said
    assert names in said and "expected one of Prefix not found" not in said and "Traceback" not in said, said


def test_the_well_known_prefixes_need_no_declaration(kg):
    rows = kg.sparql(LABEL_Q)
    assert len(rows) == 1 and rows[0]["l"]
    typed = kg.sparql("SELECT ?c WHERE { ?c a owl:Class ; rdfs:label ?l . FILTER(datatype(?l) = xsd:string) } LIMIT 1")
    assert typed and typed[0]["c"]
    assert kg.sparql("ASK { ?s skos:exactMatch|oboInOwl:hasExactSynonym|rdfs:label ?o . ?x rdf:type ?t }") is True


def test_a_prefix_the_query_declares_is_kept(kg):
    mine = "PREFIX rdfs: <http://example.org/not-rdfs#>\n" + LABEL_Q
    assert kg.sparql(mine) == []  # its own rdfs:, which labels nothing here
    assert with_prefixes(mine, CONVERTER.prefix_map) == mine


def test_only_the_prefixes_used_are_added_and_only_known_ones():
    text = "PREFIX oih: <https://w3id.org/oihkg/> SELECT * { ?s rdfs:label 'a:b' ; oih:x <urn:owl:y> ; zz:q ?o } # owl:z"
    added = with_prefixes(text, CONVERTER.prefix_map)
    first, rest = added.split("\n", 1)
    assert rest == text and first == "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"  # not owl:, oih:, zz:
    assert [p for _, p in undeclared_prefixes(text)] == ["rdfs", "zz"]
    assert with_prefixes("SELECT * { ?s ?p ?o }", CONVERTER.prefix_map) == "SELECT * { ?s ?p ?o }"


@pytest.mark.parametrize("query, names", TYPOS)
def test_the_facade_says_a_syntax_error_in_one_sentence(kg, query, names):
    with pytest.raises(SparqlSyntaxError) as caught:
        kg.sparql(query)
    _one_sentence(str(caught.value), names)
    assert caught.value.line == query.count("\n") + 1  # the line of the query as given, not after the PREFIX lines


def test_cli_query_takes_text_and_files_with_the_well_known_prefixes(tmp_path):
    runner = CliRunner()
    ran = runner.invoke(app, ["query", LABEL_Q, "--format", "json"])
    assert ran.exit_code == 0 and '"l"' in ran.output, ran.output
    rq = tmp_path / "label.rq"
    rq.write_text(LABEL_Q + "\n")
    ran = runner.invoke(app, ["query", str(rq), "--format", "csv"])
    assert ran.exit_code == 0 and ran.output.splitlines()[0] == "l", ran.output


@pytest.mark.parametrize("query, names", TYPOS)
def test_cli_query_says_a_syntax_error_in_one_sentence(tmp_path, query, names):
    runner = CliRunner()
    said = runner.invoke(app, ["query", query])
    assert said.exit_code == 2, said.output  # typer.Exit(2): no traceback
    _one_sentence(said.output, names)
    rq = tmp_path / "typo.rq"
    rq.write_text(query)
    said = runner.invoke(app, ["query", str(rq)])
    assert said.exit_code != 0 and said.output.startswith("typo.rq: "), said.output
    _one_sentence(said.output, names)


@pytest.fixture(scope="module")
def client():
    from starlette.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.mark.parametrize("query, names", [("SELEC ?l WHERE { ?s rdfs:label ?l }", "SELEC"),  # the first problem
                                          ("SELECT ?l WHERE { ?s foo:bar ?l }", "foo:"),
                                          ("SELECT ?l WHERE {\n  ?s <urn:p> ?l", "end of the query")])
def test_sparql_endpoint_says_a_syntax_error_in_one_sentence(client, query, names):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400, r.text
    said = r.json()["detail"]
    assert said.startswith("error at ")
    _one_sentence(said, names)


#: Texts that made the message's own reading of the query backtrack for ever (a run of spaces or comment signs before
#: something that is no query form, an open string of escaped quotes), and comments that once lent it a "form".
HOSTILE = [" " * 64 + "{", "#" * 64 + "\n{", "\t \n" * 40 + "{ ?s ?p ?o }", 'SELECT * { ?s ?p "' + '\\"' * 8000]


@pytest.mark.parametrize("query", HOSTILE, ids=["spaces", "hashes", "blank-lines", "open-string"])
def test_reading_a_hostile_query_for_its_message_is_linear(client, kg, query):
    import time

    started = time.monotonic()
    r = client.get("/sparql", params={"query": query})  # exponential before: 30 spaces held a worker to its timeout
    assert r.status_code == 400 and r.json()["detail"].startswith("error at "), r.text[:300]
    assert time.monotonic() - started < 5.0
    short = query[:26] + query[-1] if query.startswith((" ", "#")) else query  # 26 spaces took 3.7 s in-process before
    started = time.monotonic()
    with pytest.raises(SparqlSyntaxError):
        kg.sparql(short)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("query", ["# all labels\n{ ?s ?p ?o }", "# TODO: select the labels\n"])
def test_a_comment_lends_the_query_no_form(kg, query):
    with pytest.raises(SparqlSyntaxError) as caught:
        kg.sparql(query)
    said = str(caught.value)
    assert "is not a query form" not in said or "select" not in said.lower().split("is not")[0], said
    assert " s is not" not in said and "TODO" not in said, said


@pytest.mark.parametrize("extra, named", [(["--context", "acute"], "--context"), (["-p", "x=y"], "--param")])
def test_cli_query_text_refuses_the_options_it_would_ignore(extra, named):
    ran = CliRunner().invoke(app, ["query", LABEL_Q, *extra])
    assert ran.exit_code == 2 and named in ran.output and "Traceback" not in ran.output, ran.output
