"""kg.mechanism.mutation: one planted wrong model is caught by the observations; the mutants cover every curated row."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.config import default_seed
from kg.mechanism.mutation import Mutant, mutants, run_mutant


def test_every_curated_row_is_dropped_and_every_signed_one_inverted_where_a_relation_of_the_other_sign_fits(repo_paths):
    ms = mutants(repo_paths.src)
    edges = [line for line in (repo_paths.src / "edges.tsv").read_text(encoding="utf-8").splitlines()[1:] if line]
    assert sum(m.kind == "drop" and m.file == "edges.tsv" for m in ms) == len(edges)
    flips = {(m.row[1], m.value) for m in ms if m.kind == "invert"}
    assert ("RO:0002304", "RO:0002305") in flips and ("agonist_of", "antagonist_of") in flips
    assert not any(m.row[1] in ("RO:0002215", "RO:0000056", "oih:releases") for m in ms if m.kind == "invert"), \
        "capable of, participates in and releases have no opposite"
    assert {m.value for m in ms if m.file == "entities.tsv"} >= {"oih:glial_neuroinflammatory_pathway"}


@pytest.mark.slow
def test_a_planted_wrong_model_is_killed_by_the_observations(repo_paths):
    # the TLR4 antagonist no longer blocks TLR4: "agents that block TLR4 ... can drastically reduce H" must notice
    m = next(m for m in mutants(repo_paths.src)
             if m.kind == "drop" and m.file == "interventions.tsv" and m.row[:3] == ("oih:tlr4_antagonist", "antagonist_of", "HGNC:11850"))
    outcome = run_mutant(m, repo_paths.src, default_seed())
    assert outcome.killed and outcome.by and all(b.startswith("O") for b in outcome.by)


@pytest.mark.slow
def test_a_mutant_the_build_refuses_counts_as_killed(repo_paths):
    row = ("HGNC:8156", "RO:0004034", "oih:nowhere", "+1")  # an unknown object: the build names it and writes nothing
    lines = (repo_paths.src / "edges.tsv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, x in enumerate(lines, 1) if x.startswith("HGNC:8156\toih:sets_off\toih:chronic_mor_signaling"))
    outcome = run_mutant(Mutant("invert", "edges.tsv", line, tuple(lines[line - 1].split("\t")), "oih:no_such_relation"),
                         repo_paths.src, default_seed())
    assert outcome.killed and outcome.by == ("build",) and "no_such_relation" in outcome.detail + str(row)


def test_the_cli_refuses_a_bad_job_count():
    out = CliRunner().invoke(app, ["check", "--mutate", "--jobs", "0"])
    assert out.exit_code == 2 and "Traceback" not in out.output
