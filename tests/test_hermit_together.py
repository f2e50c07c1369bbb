"""HermiT over several worlds in one JVM: each world gets what a run of its own gives it, and failures stay named."""

from __future__ import annotations

import io
import re
import subprocess

import owlready2 as ow
import pytest

from kg.compile import build
from kg.reason.hermit import InconsistentOntologyError, run_hermit, run_hermit_together, split_answers
from kg.reason.infer import prepare

_IRI_LINE = re.compile(r"^<[^>\s]*> <[^>\s]*> <[^>\s]*> \.$", re.MULTILINE)

#: An ontology with no class or property hierarchy: its answer starts with the blank line that ends an empty one.
_FLAT = """
<https://example.org/flat> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology> .
<https://example.org/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#ObjectProperty> .
<https://example.org/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#TransitiveProperty> .
<https://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#NamedIndividual> .
<https://example.org/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#NamedIndividual> .
<https://example.org/c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#NamedIndividual> .
<https://example.org/a> <https://example.org/p> <https://example.org/b> .
<https://example.org/b> <https://example.org/p> <https://example.org/c> .
"""


def _worlds(owl) -> list[ow.World]:
    """Three different worlds: the model in every context, under chronic exposure, and a flat ontology."""
    flat = ow.World()
    flat.get_ontology("https://example.org/flat").load(fileobj=io.BytesIO(_FLAT.encode()), format="ntriples")
    return [prepare(owl)[0], prepare(owl, "oih:chronic_exposure")[0], flat]


def _triples(world: ow.World) -> set[str]:
    buf = io.BytesIO()
    world.save(buf, format="ntriples")
    return set(_IRI_LINE.findall(buf.getvalue().decode("utf-8")))


@pytest.mark.slow
def test_one_jvm_gives_each_world_what_a_run_of_its_own_gives(repo_paths, monkeypatch):
    alone, together = _worlds(repo_paths.owl), _worlds(repo_paths.owl)
    before = [_triples(w) for w in together]
    for w in alone:
        run_hermit(w)

    def one_by_one(*_args, **_kwargs):
        raise AssertionError("a world was reasoned on its own: the run over all of them did not cut into answers")

    monkeypatch.setattr(subprocess, "check_output", one_by_one)  # what owlready2 calls to run HermiT on one world
    run_hermit_together(together)
    monkeypatch.undo()
    expected, got = [_triples(w) for w in alone], [_triples(w) for w in together]
    assert [len(g - b) for g, b in zip(got, before)] == [len(e - b) for e, b in zip(expected, before)]
    assert all(len(g - b) > 0 for g, b in zip(got, before)), "each world gains inferences"
    assert got == expected
    # the worlds differ, so an answer handed to the wrong world would show
    assert got[0] != got[1]
    assert "<https://example.org/a> <https://example.org/p> <https://example.org/c> ." in got[2] - before[2]


@pytest.mark.slow
def test_an_inconsistent_world_among_others_is_named(repo_paths, tiny, tiny_seed):
    rows = (tiny.src / "interventions.tsv").read_text(encoding="utf-8")
    rows += "CHEBI:6121\tagonist_of\tGO:0017146\t+1\t\t2\tECO:0000304\tan NMDA antagonist like ketamine\t\n"
    (tiny.src / "interventions.tsv").write_text(rows, encoding="utf-8")
    build(tiny, tiny_seed)
    worlds = [prepare(repo_paths.owl)[0], prepare(tiny.owl)[0]]
    with pytest.raises(InconsistentOntologyError) as info:
        run_hermit_together(worlds)
    assert "RO:0018029 (is antagonist of)" in "\n".join(info.value.axioms)


def test_no_worlds_start_no_jvm():
    assert run_hermit_together([]) == 0.0


@pytest.mark.parametrize("output, count", [
    ("", 1),  # no answer at all
    ("Exception in thread main\n", 1),  # not an answer
    ("SubClassOf( <a> <b> )\n\n\n\nType( <i> <a> )\n", 2),  # one answer where two were asked for
    ("SubClassOf( <a> <b> )\n\n\n\nSubClassOf( <a> <b> )\n\n\n\n", 1),  # two where one was
])
def test_an_output_that_is_not_one_answer_per_ontology_is_refused(output, count):
    assert split_answers(output, count) is None


def test_answers_are_cut_where_the_next_ontology_begins():
    one = "SubClassOf( <a> <b> )\n\nSubObjectPropertyOf( <p> <q> )\n\n\n<p> (known instances: (<i>, <j>) | possible instances: )\nType( <i> <a> )\n"
    flat = "\n\n\n<p> (known instances:  | possible instances: )\n"
    assert split_answers(one + flat + one, 3) == [one, flat, one]
