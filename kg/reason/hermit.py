"""Running HermiT: the reasoner call, and readable axioms when the ontology is inconsistent.

This module owns the reasoner itself: :func:`run_hermit` runs HermiT through
owlready2 on a world and raises :class:`InconsistentOntologyError` naming the
offending axioms (rendered by :func:`render`) when the ontology is
inconsistent or a class unsatisfiable. :func:`run_hermit_together` reasons over
several worlds in one JVM, each ontology on its own, with the same results.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import owlready2 as ow
import owlready2.reasoning

from kg import schema
from kg.errors import InconsistentOntologyError

log = logging.getLogger("oihkg.reason")

__all__ = ["InconsistentOntologyError", "run_hermit", "run_hermit_together", "split_answers", "render", "label_of"]


def run_hermit(world: ow.World, infer_property_values: bool = True) -> float:
    """Run HermiT on every ontology of ``world``; return the seconds it took.

    Raises
    ------
    InconsistentOntologyError
        With the axioms that make the ontology inconsistent.
    """
    t0 = time.perf_counter()
    try:
        with _quick_jvm():
            ow.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    except ow.OwlReadyInconsistentOntologyError as exc:
        raise InconsistentOntologyError("the ontology is inconsistent", _suspects(world)) from exc
    unsat = [c for c in world.inconsistent_classes() if c is not ow.Nothing]
    if unsat:
        lines = [f"unsatisfiable class {label_of(c)}" for c in unsat]
        for c in unsat:
            lines += [f"  {label_of(c)} SubClassOf {render(p)}" for p in c.is_a]
            lines += [f"  {label_of(c)} EquivalentTo {render(e)}" for e in c.equivalent_to]
        raise InconsistentOntologyError("the ontology has unsatisfiable classes", lines)
    return time.perf_counter() - t0


def run_hermit_together(worlds: Sequence[ow.World], infer_property_values: bool = True) -> float:
    """Run HermiT over several worlds in one JVM; return the seconds it took.

    Each world is reasoned on its own, as :func:`run_hermit` would, and gets the same inferences: HermiT's command
    line takes several ontologies and answers for each in turn. A JVM's start and warm-up cost more than reasoning
    over this ontology, so one run over the five contexts takes about half the CPU of five runs.

    Raises
    ------
    InconsistentOntologyError
        As :func:`run_hermit`, for the first world that is inconsistent or has an unsatisfiable class.
    """
    t0 = time.perf_counter()
    if not worlds:
        return 0.0
    files = []
    try:
        for world in worlds:
            fd, name = tempfile.mkstemp(prefix="oihkg-hermit-", suffix=".nt")
            files.append(name)
            with os.fdopen(fd, "wb") as fh:  # what owlready2 gives HermiT: the world without its imports
                world.save(fh, format="ntriples", filter=lambda _g, _s, p, _o, _d: p != ow.owl_imports)
        command = [ow.JAVA_EXE, f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M", "-cp", _HERMIT_CLASSPATH,
                   "org.semanticweb.HermiT.cli.CommandLine", "-c", "-O", "-D", "-I",
                   *(["-Y"] if infer_property_values else []), *(Path(f).as_uri() for f in files)]
        try:
            with _quick_jvm():
                output = subprocess.run(command, capture_output=True, check=True).stdout
            answers = split_answers(_decoded(output), len(worlds))
            if answers is None:
                log.warning("HermiT's answer over %d ontologies did not cut into one each; reasoning one by one", len(worlds))
        except subprocess.CalledProcessError:  # an inconsistent ontology ends the run: find which, one by one
            answers = None
    finally:
        for name in files:
            os.unlink(name)
    for k, world in enumerate(worlds):
        if answers is None:
            run_hermit(world, infer_property_values)
            continue
        _answer.text = answers[k].encode("utf-8")
        try:
            run_hermit(world, infer_property_values)
        finally:
            _answer.text = None
    return time.perf_counter() - t0


#: Where owlready2 keeps HermiT: its jar, and its own classes that write HermiT's answer.
_HERMIT_CLASSPATH = os.pathsep.join((str(Path(ow.__file__).parent / "hermit"), str(Path(ow.__file__).parent / "hermit" / "HermiT.jar")))

#: The first line of an ontology's answer: its class or property hierarchy, or the blank line after an empty one.
_FIRST = re.compile(r"^(|Sub\w*Of\(.*|Equivalent\w*\(.*)$")


def _decoded(output: bytes) -> str:
    """HermiT's output as text, read as owlready2 reads it (UTF-8, else Latin-1; no carriage returns)."""
    try:
        text = output.decode("utf-8")
    except UnicodeDecodeError:
        text = output.decode("latin-1")
    return text.replace("\r", "")


def split_answers(output: str, count: int) -> list[str] | None:
    """Cut HermiT's output over ``count`` ontologies into each one's answer, or None when it does not parse so.

    An answer is the class, object property and data property hierarchies, each ended by a blank line, then one
    line per object property (its values) and one per inferred type, none of which is blank or a hierarchy's line.
    """
    answers: list[list[str]] = []
    blanks = 3
    lines = output.split("\n")
    if lines[-1] == "":  # the last line's newline
        lines.pop()
    for line in lines:
        if blanks == 3 and _FIRST.match(line):
            answers.append([])
            blanks = 0
        elif not answers:
            return None
        if not line:
            blanks += 1
        answers[-1].append(line)
    return ["\n".join(a) + "\n" for a in answers] if len(answers) == count else None


class _Answer(threading.local):
    """HermiT's answer for the world a thread is applying it to (:func:`run_hermit_together`), else None."""

    text: bytes | None = None


_answer = _Answer()


class _Subprocess:
    """The subprocess module as owlready2's reasoning code sees it: a thread holding an answer gets it instead of
    running HermiT, so owlready2 itself applies each world's part of one run; everything else is subprocess's."""

    def __getattr__(self, name: str):
        return getattr(subprocess, name)

    @staticmethod
    def check_output(command, **kwargs):
        """The answer this thread holds, else the command's output (:func:`subprocess.check_output`)."""
        return _answer.text if _answer.text is not None else subprocess.check_output(command, **kwargs)


owlready2.reasoning.subprocess = _Subprocess()


#: JVM options for a short HermiT run: the quick JIT only and the serial collector. On this ontology they take a
#: HermiT call from about 1.9 s to 0.6-1.0 s (two cores); the JVM's results are the same.
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


_JVM_LOCK = threading.Lock()
_jvm_runs = [0, None]  # runs in progress, and the user's own options to restore after the last


@contextmanager
def _quick_jvm():
    """Give the java launcher :data:`QUICK_JVM` (before any options of the user's own) while HermiT runs; runs in
    several threads share the setting, and the last to end restores the user's."""
    with _JVM_LOCK:
        if _jvm_runs[0] == 0:
            _jvm_runs[1] = os.environ.get("JDK_JAVA_OPTIONS")
            os.environ["JDK_JAVA_OPTIONS"] = f"{QUICK_JVM} {_jvm_runs[1]}" if _jvm_runs[1] else QUICK_JVM
        _jvm_runs[0] += 1
    try:
        yield
    finally:
        with _JVM_LOCK:
            _jvm_runs[0] -= 1
            if _jvm_runs[0] == 0:
                if _jvm_runs[1] is None:
                    os.environ.pop("JDK_JAVA_OPTIONS", None)
                else:
                    os.environ["JDK_JAVA_OPTIONS"] = _jvm_runs[1]


def label_of(ent) -> str:
    try:
        lab = ent.label.first() if hasattr(ent, "label") else None
    except Exception:  # noqa: BLE001 - anonymous class expressions have no label
        lab = None
    curie = schema.compress(ent.iri) if hasattr(ent, "iri") else str(ent)
    return f"{curie} ({lab})" if lab else curie


def render(expr) -> str:
    """Render a class expression in Manchester syntax with CURIEs."""
    if isinstance(expr, (ow.ThingClass, ow.Thing, ow.ObjectPropertyClass)):
        return schema.compress(expr.iri)
    if isinstance(expr, ow.And):
        return "(" + " and ".join(render(c) for c in expr.Classes) + ")"
    if isinstance(expr, ow.Or):
        return "(" + " or ".join(render(c) for c in expr.Classes) + ")"
    if isinstance(expr, ow.Not):
        return f"not {render(expr.Class)}"
    if isinstance(expr, ow.OneOf):
        return "{" + ", ".join(render(i) for i in expr.instances) + "}"
    if isinstance(expr, ow.Inverse):
        return f"inverse {render(expr.property)}"
    if isinstance(expr, ow.Restriction):
        kind = {ow.SOME: "some", ow.ONLY: "only", ow.VALUE: "value"}.get(expr.type, "?")
        return f"({render(expr.property)} {kind} {render(expr.value)})"
    return str(expr)


def _suspects(world: ow.World) -> list[str]:
    """Name the axioms behind an inconsistency.

    HermiT reports only that the ontology is inconsistent; we then find the
    individuals whose own assertions clash: two values of disjoint properties
    on the same pair, or types from disjoint classes.
    """
    lines: list[str] = []
    props = list(world.object_properties())
    for p in props:
        for disj in p.disjoints():
            q = [e for e in disj.entities if e is not p]
            if not q:
                continue
            q = q[0]
            for s, o in p.get_relations():
                if o in getattr(s, q.python_name, []):
                    lines.append(
                        f"{label_of(s)} {label_of(p)} {label_of(o)}  AND  {label_of(s)} {label_of(q)} {label_of(o)}"
                        f"  conflict with DisjointObjectProperties({label_of(p)}, {label_of(q)})"
                    )
    for ind in world.individuals():
        named = [c for c in ind.is_a if isinstance(c, ow.ThingClass)]
        for disj in world.disjoint_classes():
            hit = [c for c in named if any(c is e or e in c.ancestors() for e in disj.entities)]
            if len(hit) > 1:
                lines.append(f"{label_of(ind)} has types {', '.join(label_of(c) for c in hit)}  conflict with DisjointClasses")
    return sorted(set(lines)) or ["(no single clash found: see the closure axioms and defined classes)"]
