"""The SPARQL workbench: the query editor a browser gets at /sparql (Debian's chromium, network cut), its completion
data, and the strict protocol.

Every request to a host other than 127.0.0.1 is aborted and recorded, and each browser test asserts none was
attempted and no console error. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from kg import OIHKG

ARTIFACTS = Path(__file__).parent / "artifacts"
READY = "document.body.dataset.ready === '1'"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture()
def editor(open_page, api_server):
    return open_page(f"{api_server}/sparql", READY)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _type_at_end(page, text: str) -> None:
    page.click(".CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _hints(page) -> list[str]:
    for _ in range(30):
        hints = page.eval_on_selector_all(".CodeMirror-hints li", "els => els.map(e => e.textContent)")
        if hints:
            return hints
        page.wait_for_timeout(100)
    return []


def _run_and_wait(p, selector: str) -> None:
    p.js("document.querySelectorAll('.yasr_results').forEach(e => e.replaceChildren())")  # the answer shown so far goes
    p.page.click(".yasqe_queryButton")
    p.page.wait_for_selector(selector, timeout=30_000)


# -- in the browser


def test_the_editor_loads_offline_and_completes_a_name_to_its_identifier(editor):
    _type_at_end(editor.page, "\nketam")
    hints = _hints(editor.page)
    assert hints and hints[0].startswith("CHEBI:6121") and "ketamine" in hints[0]
    _shot(editor.page, "editor-completion.png")
    editor.page.keyboard.press("Enter")
    assert "CHEBI:6121" in editor.js("oihkgEditor.getTab().getQuery()")
    editor.clean()


@pytest.mark.parametrize("typed, expected", [("μOR", "HGNC:8156"), ("TNF", "HGNC:11892"), ("RO:00023", "RO:0002304")])
def test_synonyms_and_schema_terms_complete(editor, typed, expected):
    _type_at_end(editor.page, "\n" + typed)
    assert any(h.startswith(expected) for h in _hints(editor.page)), typed
    editor.clean()


def test_a_named_query_runs_from_the_examples_and_links_its_terms(editor):
    editor.page.click("#example-list button[data-query='releases-mediator']")
    assert "VALUES (?mediator) { (UNDEF) }" in editor.js("oihkgEditor.getTab().getQuery()")
    assert "Loaded “releases-mediator”" in editor.page.inner_text("#editor-note")
    assert "PREFIX oih:" not in editor.page.inner_text(".CodeMirror-code")  # its PREFIX block folded to one line
    _run_and_wait(editor, ".yasr table tbody tr")
    rows = editor.page.eval_on_selector_all(".yasr table tbody tr", "els => els.map(e => e.innerText)")
    assert any("HGNC:1033" in r and "microglial cell" in r for r in rows)  # BDNF, released by microglia
    links = dict(editor.page.eval_on_selector_all(".yasr table a", "els => els.map(e => [e.textContent, e.getAttribute('href')])"))
    assert links["HGNC:1033"] == "/map#node=HGNC:1033"  # an entity opens on the map, not as raw JSON
    _shot(editor.page, "editor-named-query.png")
    editor.clean()


def test_a_syntax_error_shows_the_parsers_message(editor, http):
    bad = "SELECT ?x WHERE { ?x ?y }"
    message = http.get("/sparql", params={"query": bad}).json()["detail"]
    assert message.startswith("error at 1:")
    editor.js(f"oihkgEditor.getTab().setQuery({bad!r})")
    _run_and_wait(editor, ".yasr .errorResult")
    assert message in editor.page.inner_text(".yasr .errorResult")
    _shot(editor.page, "editor-syntax-error.png")
    editor.errors = [e for e in editor.errors if "400" not in e]  # the browser logs the failed request itself
    editor.clean()


def test_the_url_of_a_run_query_reopens_it(editor, open_page):
    query = "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    editor.js(f"oihkgEditor.getTab().setQuery({query!r})")
    _run_and_wait(editor, ".yasr table tbody tr")
    url = editor.page.url
    assert "query=" in url
    again = open_page(url, READY)
    assert again.js("oihkgEditor.getTab().getQuery()") == query
    again.page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    assert "ketamine" in again.page.inner_text(".yasr table tbody")
    _shot(again.page, "editor-shared-link.png")
    editor.clean()
    again.clean()


def test_results_download_as_csv_tsv_and_json(editor, tmp_path):
    editor.page.click("#example-list button[data-query='releases-mediator']")
    for ext in ("csv", "tsv", "json"):
        with editor.page.expect_download() as info:
            editor.page.click(f"#downloads button[data-ext='{ext}']")
        path = tmp_path / f"r.{ext}"
        info.value.save_as(path)
        text = path.read_text(encoding="utf-8")
        assert "1033" in text, ext
    editor.clean()


def _query(p) -> str:
    return p.js("oihkgEditor.getTab().getQuery()")


def test_completion_leaves_keywords_alone_takes_whole_words_and_declares_prefixes(editor):
    editor.page.click("#example-list button[data-query='releases-mediator']")
    _type_at_end(editor.page, "\nSELECT")
    editor.page.wait_for_timeout(300)
    editor.page.keyboard.press("Enter")  # a keyword offers nothing to pick, so Enter stays Enter
    assert "SELECT\n" in _query(editor) and "GO:0017146" not in _query(editor).split("VALUES")[-1]
    _type_at_end(editor.page, "TNF-α")
    assert _hints(editor.page)[0].startswith("HGNC:11892")
    editor.page.keyboard.press("Enter")
    tail = _query(editor).rstrip().splitlines()[-1]
    assert tail == "HGNC:11892"  # the whole "TNF-α" replaced, not "TNF-HGNC:11892"
    assert "PREFIX HGNC: <https://identifiers.org/hgnc:>" in _query(editor)  # the example did not declare HGNC
    editor.clean()


def test_the_editor_opens_on_a_short_starter_query_already_run(open_page, api_server):
    p = open_page(f"{api_server}/sparql", READY)
    page, failed, errors = p.page.context.new_page(), [], []  # a second load, watched from its first request
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.page.close()
    p.page = page
    page.goto(f"{api_server}/sparql")
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    assert p.js(READY)
    query = _query(p)
    assert query.count("PREFIX") <= 2 and "SELECT" in query
    shown = p.page.inner_text(".CodeMirror-code")
    assert "SELECT ?intervention" in shown and "LIMIT 50" in shown  # the query itself is in view, not 24 PREFIX lines
    rows = p.page.inner_text(".yasr table tbody")
    assert "ketamine" in rows and "inhibits pathway" in rows  # it ran as the editor opened
    assert "ran as the editor opened" in p.page.inner_text("#editor-note")
    links = dict(p.page.eval_on_selector_all(".yasr table a", "els => els.map(e => [e.textContent, e.getAttribute('href')])"))
    assert links["oih:glial_neuroinflammatory_pathway"] == "/map#node=oih:glial_neuroinflammatory_pathway"
    assert p.page.eval_on_selector("link[rel=icon]", "e => e.getAttribute('href')") == "/assets/favicon.svg"
    _shot(p.page, "editor-open.png")
    assert failed == [] and errors == []  # the icon included
    p.clean()


def test_a_well_known_prefix_is_declared_for_the_user(editor):
    query = "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> rdfs:label ?label }"
    editor.js(f"oihkgEditor.getTab().setQuery({query!r})")
    _run_and_wait(editor, ".yasr table tbody tr")
    assert "ketamine" in editor.page.inner_text(".yasr table tbody")
    assert _query(editor).startswith("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")  # shown, in the editor
    assert "Declared rdfs:" in editor.page.inner_text("#editor-note")
    editor.clean()


@pytest.mark.parametrize("query, named", [("SELECT ?x WHERE { ?x foo:bar ?y }", "“foo:”"),
                                          ('SELECT ?x WHERE { ?x rdfs:label "a:b" ; zz:p <http://x/#c> }', "“zz:”")])
def test_an_unknown_prefix_gets_one_sentence_naming_it(editor, query, named):
    editor.js(f"oihkgEditor.getTab().setQuery({query!r})")
    _run_and_wait(editor, ".yasr .errorResult")
    said = editor.page.inner_text(".yasr .errorResult").strip()
    assert f"the prefix {named} without declaring it" in said
    assert "expected one of" not in said and "\\u{" not in said and len(said) < 200  # not the parser's dump
    assert said.count(". ") == 0 and said.endswith(".")  # one sentence
    _shot(editor.page, "editor-unknown-prefix.png")
    editor.errors = [e for e in editor.errors if "400" not in e]  # the browser logs the failed request itself
    editor.clean()


@pytest.mark.parametrize("typed, first, offered", [("inhibits", "oih:inhibits", {"oih:inhibits_pathway", "RO:0018029"}),
                                                   ("agonist", None, {"RO:0018027", "RO:0018029"}),
                                                   ("causally upstream", None, {"RO:0002304", "RO:0002305"})])
def test_relations_complete_by_their_label(editor, typed, first, offered):
    _type_at_end(editor.page, "\n?s " + typed)
    hints = _hints(editor.page)
    ids = {h.split()[0] for h in hints}
    assert offered <= ids, hints
    if first:
        assert hints[0].startswith(first + " ")
        _shot(editor.page, "editor-relation-completion.png")
    if "RO:0018029" in offered:
        antagonist = next(h for h in hints if h.startswith("RO:0018029"))
        assert "is antagonist of" in antagonist and "relation" in antagonist
    editor.clean()


def test_an_entity_in_the_results_opens_on_the_map(editor, open_page):
    _run_and_wait(editor, ".yasr table tbody tr")
    href = editor.page.eval_on_selector(".yasr table a[title*='CHEBI:6121']", "e => e.getAttribute('href')")
    assert href == "/map#node=CHEBI:6121"
    with editor.page.expect_navigation():
        editor.page.click(".yasr table a[title*='CHEBI:6121']")
    deadline = 600  # tenths of a second: the map lays itself out first
    while not editor.js("Boolean(window.oihMap && window.oihMap.isStabilized())") and deadline:
        editor.page.wait_for_timeout(100)
        deadline -= 1
    assert editor.js("oihMap.selected()") == ["CHEBI:6121"]  # the map opens on ketamine, not on raw JSON
    editor.clean()


def test_ctrl_space_stays_on_this_server(editor):
    _type_at_end(editor.page, "\n?s rdfs:lab")
    editor.page.keyboard.press("Control+Space")
    editor.page.wait_for_timeout(500)
    _type_at_end(editor.page, "\n?s a oih:Rec")
    editor.page.keyboard.press("Control+Space")
    assert any(h.startswith("oih:Receptor") for h in _hints(editor.page))
    editor.clean()  # no request to LOV or prefix.cc, no console error


def test_the_share_button_links_to_the_current_query(editor, api_server):
    editor.js("oihkgEditor.getTab().setQuery('ASK { ?s ?p ?o }')")
    editor.page.click(".yasqe_share")
    link = editor.page.input_value(".yasqe_sharePopup input")
    assert link == f"{api_server}/sparql?query=" + quote("ASK { ?s ?p ?o }", safe="")
    editor.clean()


def test_only_entities_link_to_entity_pages(editor):
    editor.js("oihkgEditor.getTab().setQuery('SELECT ?p ?o WHERE { <http://purl.obolibrary.org/obo/CHEBI_6121> ?p ?o } ORDER BY ?p')")
    _run_and_wait(editor, ".yasr table tbody tr")
    links = dict(editor.page.eval_on_selector_all(".yasr table a", "els => els.map(e => [e.textContent, e.getAttribute('href')])"))
    assert links["rdfs:label"] == "http://www.w3.org/2000/01/rdf-schema#label"  # shortened, its own link kept
    assert links["oih:Drug"] == "https://w3id.org/oihkg/Drug"  # a class of the schema: no entity page
    assert links["GO:0017146"] == "/map#node=GO:0017146"  # an entity: its node on the map
    editor.clean()


# -- over HTTP


def test_a_browser_gets_the_editor_and_protocol_clients_keep_their_answers(http):
    page = http.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/sparql/editor/yasgui.min.js" in page.text and "cdn" not in page.text.lower()
    assert http.get("/sparql").headers["content-type"].startswith("text/turtle")  # the service description
    assert http.get("/sparql", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    q = "ASK { ?s ?p ?o }"
    assert http.get("/sparql", params={"query": q}).json()["boolean"] is True
    assert http.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"}).json()["boolean"]
    shared = http.get("/sparql", params={"query": q}, headers={"Accept": BROWSER_ACCEPT})
    assert shared.headers["content-type"].startswith("text/html")  # a shared link opens the editor


def test_the_editor_links_from_docs_map_and_readme(http):
    assert "[SPARQL query editor](/sparql)" in http.get("/openapi.json").json()["info"]["description"]  # shown by /docs
    assert 'href="/sparql"' in http.get("/map").text
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/sparql" in "\n".join(readme.splitlines()[:20])  # on the first screen


def test_ties_and_other_parameters_keep_the_protocol(http):
    q = {"query": "ASK { ?s ?p ?o }"}
    tie = http.get("/sparql", params=q, headers={"Accept": "application/sparql-results+json, text/html"})
    assert tie.headers["content-type"].startswith("application/sparql-results+json") and tie.headers["vary"] == "Accept"
    assert http.get("/sparql?query=ASK%20%7B%7D&utm=%E9").status_code == 200  # a parameter the protocol does not read
    assert http.post("/sparql", content=b"INSERT DATA {\xff}", headers={"Content-Type": "application/sparql-update"}).status_code == 403
    assert http.post("/sparql", content=b"\xff", headers={"Content-Type": "text/plain"}).status_code == 415


def test_completions_come_from_the_served_graph_and_are_cached(http):
    r = http.get("/sparql/completions")
    body, etag = r.json(), r.headers["etag"]
    assert http.get("/sparql/completions", headers={"If-None-Match": etag}).status_code == 304
    assert http.get("/sparql/completions", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    ids = {e["id"]: e for e in body["entities"]}
    assert ids["CHEBI:6121"]["label"] == "ketamine" and "Ketalar" in ids["CHEBI:6121"]["synonyms"]
    assert {"oih", "RO", "HGNC"} <= set(body["prefixes"])
    schema = {t["id"]: t for t in body["schema"]}
    assert schema["RO:0002304"]["kind"] == "relation" and schema["oih:Receptor"]["kind"] == "class"
    assert schema["oih:class/opioid"]["sparql"] == "<https://w3id.org/oihkg/class/opioid>"  # "/" cannot stay in a prefixed name
    assert len(body["examples"]) == len(OIHKG.open().queries)


def test_every_example_runs_and_its_commented_example_binding_too():
    kg = OIHKG.open()
    for ex in kg.completions()["examples"]:
        assert isinstance(kg.sparql(ex["text"]), (list, bool)), ex["name"]
        if ex["params"]:
            line = next(x for x in ex["text"].splitlines() if x.startswith("# parameters:"))
            one = line.split("e.g. ", 1)[1]
            text = "\n".join(x for x in ex["text"].splitlines() if not x.startswith("VALUES")) + "\n" + one
            assert kg.sparql(text), ex["name"]  # the example the header gives has answers


@pytest.mark.parametrize("how", ["get", "form"])
def test_two_query_parameters_are_refused(http, how):
    if how == "get":
        r = http.get("/sparql?query=" + quote("ASK {}") + "&query=" + quote("ASK { ?s ?p ?o }"))
    else:
        r = http.post("/sparql", content="query=ASK%20%7B%7D&query=ASK%20%7B%7D",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and "2 queries" in r.json()["detail"]


@pytest.mark.parametrize("body, ctype", [(b"ASK {\xff}", "application/sparql-query"),
                                         (b"query=ASK%20%7B%FF%7D", "application/x-www-form-urlencoded")])
def test_a_body_that_is_not_utf8_is_refused(http, body, ctype):
    r = http.post("/sparql", content=body, headers={"Content-Type": ctype})
    assert r.status_code == 400 and "UTF-8" in r.json()["detail"]


def test_a_query_string_that_is_not_utf8_is_refused(http):
    r = http.get("/sparql?query=ASK%20%7B%FF%7D")
    assert r.status_code == 400 and "UTF-8" in r.json()["detail"]


def test_the_site_has_an_icon_and_no_other_asset(http):
    ico = http.get("/favicon.ico")
    assert ico.status_code == 200 and ico.headers["content-type"] == "image/x-icon" and ico.content[:4] == b"\x00\x00\x01\x00"
    svg = http.get("/assets/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    for name in ("nope.js", "..%2Fmain.py", "..%2F..%2Fpyproject.toml", "sub/favicon.svg", "favicon.svg.bak"):
        r = http.get(f"/assets/{name}")
        assert r.status_code == 404 and r.json()["detail"].startswith("this server has no asset"), name
    assert '<link rel="icon" href="/assets/favicon.svg"' in http.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).text


def test_editor_assets_are_whitelisted(http):
    assert http.get("/sparql/editor/yasgui.min.js").status_code == 200
    assert http.get("/sparql/editor/..%2F..%2Fmain.py").status_code == 404
    assert http.get("/sparql/editor/package.json").status_code == 404
