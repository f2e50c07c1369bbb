"""kg.mechanism.observations: the text's claims as expectations, all holding, and each negative one shown to fire."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kg import OIHKG, schema
from kg.compile import Observation
from kg.cli import app
from kg.config import Paths
from kg.mechanism.observations import check, check_one, load

E = schema.expand


@pytest.fixture(scope="module")
def report(kg):
    return kg.check()


def test_every_observation_of_the_text_holds(report):
    counts = report.counts()
    bad = [f"{r.observation.id} {r.status}: {r.detail}" for r in report.results if r.status != "holds"]
    assert not bad, "\n".join(bad)
    assert counts["observations"] >= 100 and counts["negative"] >= 15


def test_observations_cover_every_kind_and_every_citation(report, repo_paths):
    from kg.compile import load_model

    kinds = {r.observation.kind for r in report.results}
    assert kinds == {"path", "perturb", "fact", "class", "simulate", "members"}
    cited = {c for r in report.results for c in r.observation.citations}
    assert cited == set(load_model(repo_paths.src).citations), "each citation of the text has a checked claim"
    assert any(not r.observation.citations for r in report.results), "uncited statements are checked too"


def test_the_issue_s_done_criteria_are_observations(report):
    said = {(r.observation.kind, r.observation.subject, r.observation.object, r.observation.expected, r.observation.negative)
            for r in report.results}
    assert ("path", "CHEBI:17303", "HGNC:11850", "+", False) in said  # morphine -> TLR4
    assert ("path", "oih:off_cell", "oih:spinal_pain_transmission", "-", False) in said
    assert ("class", "oih:mor_analgesic_pathway", "oih:PronociceptivePathway", "true", True) in said
    assert ("class", "oih:test_taper", "oih:GlialTargetingIntervention", "true", True) in said
    assert ("class", "CHEBI:6121", "oih:GlialTargetingIntervention", "true", True) in said
    assert ("simulate", "profile=fibromyalgia", "default", "<", False) in said


def test_a_contradicted_derivation_shows_its_explanation(kg):
    o = Observation("O99", "fact", "CHEBI:6807", "RO:0018029", "GO:0017146", "true", True, (), "ECO:0000305", "q", "", 0)
    r = check_one(kg, o)
    assert r.status == "contradicted" and "inferred" in r.detail
    assert r.evidence[0]["rule"] == "class statement"


def test_an_unknown_name_is_an_error_not_an_exception(kg):
    o = Observation("O98", "path", "no such thing", "", "oih:hyperalgesia", "+", False, (), "ECO:0000305", "q", "", 0)
    r = check_one(kg, o)
    assert r.status == "error" and "no such thing" in r.detail


# ---------------------------------------------------------------- negative expectations fire when their defect is planted

_SIGNED = {"+": ("oih:positively_influences", 1), "-": ("oih:negatively_influences", -1), "any": ("oih:positively_influences", 1)}


def _plant(o: Observation) -> tuple[str, str]:
    """N-Triples that make a negative observation true: (asserted additions, inferred additions)."""
    if o.kind == "path":
        rel, sign = _SIGNED[o.expected]
        s, p, t = E(o.subject), E(rel), E(o.object)
        ax = f"_:planted{o.id}"
        asserted = (f"<{s}> <{p}> <{t}> .\n{ax} a <http://www.w3.org/2002/07/owl#Axiom> ; "
                    f"<http://www.w3.org/2002/07/owl#annotatedSource> <{s}> ; <http://www.w3.org/2002/07/owl#annotatedProperty> <{p}> ; "
                    f"<http://www.w3.org/2002/07/owl#annotatedTarget> <{t}> ; <{schema.OIH}sign> {sign} ; "
                    f"<{schema.OIH}quote> \"planted\" ; <{schema.OIH}evidence_type> <{E('ECO:0000305')}> .\n")
        return asserted, ""
    if o.kind == "class":
        return "", f"<{E(o.subject)}> a <{E(o.object)}> .\n"
    if o.kind == "fact":  # planted in every context, so in the one the observation names too
        rel = o.relation.partition(" in ")[0]
        triple = f"<{E(o.subject)}> <{E(rel)}> <{E(o.object)}> .\n"
        return ("", triple) if rel.startswith(("oih:inhibits_pathway", "oih:drives_pathway")) else (triple, "")
    raise AssertionError(f"no planting for a negative {o.kind} observation ({o.id}): add one here")


@pytest.fixture(scope="module")
def planted_kg(repo_paths, tmp_path_factory):
    """The release artifacts with every negative observation's defect planted, opened as an embedded store."""
    out = tmp_path_factory.mktemp("planted")
    for f in (repo_paths.ttl, repo_paths.inferred, repo_paths.owl):
        shutil.copy(f, out / f.name)
    negatives = [o for o in load(repo_paths) if o.negative]
    asserted, inferred = zip(*(_plant(o) for o in negatives))
    with (out / "oih.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n" + "".join(asserted))
    with (out / "oih-inferred.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n" + "".join(inferred))
    return OIHKG.open(paths=Paths(src=repo_paths.src, out=out)), negatives


def test_each_negative_expectation_fires_when_its_defect_is_planted(planted_kg):
    kg, negatives = planted_kg
    report = check(kg, negatives)
    assert len(report.results) >= 15
    held = [f"{r.observation.id} ({r.observation.kind} {r.observation.subject} {r.observation.object})"
            for r in report.results if r.status != "contradicted"]
    assert not held, f"these negative observations did not notice their planted defect: {held}"
    assert all("rules out" in r.detail for r in report.results)


def test_the_test_taper_outcome_is_not_confused_across_conditions(kg):
    # swap the condition: "a test taper worsens pain in OIH" must be reported contradicted
    o = Observation("O97", "fact", "oih:test_taper", "oih:positively_influences in oih:oih", "oih:net_pain", "true", False,
                    (), "ECO:0000304", "q", "", 0)
    assert check_one(kg, o).status == "contradicted"


def test_a_simulator_claim_fails_when_the_model_disagrees(kg):
    o = Observation("O96", "simulate", "default_gain=0", "classification", "", "OIH", False, (), "ECO:0000304", "q", "", 0)
    r = check_one(kg, o)
    assert r.status == "contradicted" and "tolerance" in r.detail


def test_cli_check_prints_the_report_and_exits_0(tmp_path):
    out = CliRunner().invoke(app, ["check", "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["counts"]["contradicted"] == 0 and body["counts"]["holds"] == body["counts"]["observations"]
    out = CliRunner().invoke(app, ["check", "--show", "problems"])
    assert out.exit_code == 0 and "observations hold" in out.output


def test_cli_check_exits_1_on_a_contradiction(tmp_path, repo_paths):
    src = tmp_path / "src"
    shutil.copytree(repo_paths.src, src)
    with (src / "observations.tsv").open("a", encoding="utf-8") as fh:  # the brake promoting hyperalgesia: false
        fh.write("O999\tpath\toih:off_cell\t\toih:hyperalgesia\t+\t+1\t4834506\tECO:0000304\t"
                 "It can send inhibitory signals via \"OFF-cells\" that act as a brake on pain\t\n")
    out = tmp_path / "out"
    out.mkdir()
    for f in (repo_paths.ttl, repo_paths.inferred, repo_paths.owl):
        shutil.copy(f, out / f.name)
    import os

    env = {"OIHKG_OUT": str(out), "OIHKG_SRC": str(src)}
    res = CliRunner().invoke(app, ["check", "--show", "problems"], env={**os.environ, **env})
    assert res.exit_code == 1, res.output
    assert "O999" in res.output and "contradicted" in res.output


@pytest.mark.slow
def test_observations_route_answers_503_when_the_sources_cannot_be_read(tmp_path, repo_paths, start_server):
    import httpx

    out = tmp_path / "out"
    out.mkdir()
    for f in (repo_paths.ttl, repo_paths.inferred, repo_paths.owl):
        shutil.copy(f, out / f.name)
    (tmp_path / "src").mkdir()  # no curated sources beside the artifacts
    base = start_server(env={"OIHKG_OUT": str(out), "OIHKG_SRC": str(tmp_path / "src")})
    r = httpx.get(f"{base}/observations", timeout=30)
    assert r.status_code == 503 and "observations.tsv" in r.json()["detail"]
    assert httpx.get(f"{base}/health", timeout=10).status_code == 200, "the server keeps serving"
