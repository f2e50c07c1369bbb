"""Running HermiT: the reasoner call, and readable axioms when the ontology is inconsistent.

This module owns the reasoner itself: :func:`run_hermit` runs HermiT through
owlready2 on a world and raises :class:`InconsistentOntologyError` naming the
offending axioms (rendered by :func:`render`) when the ontology is
inconsistent or a class unsatisfiable.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import owlready2 as ow

from kg import vocab

__all__ = ["InconsistentOntologyError", "run_hermit", "render", "label_of"]


class InconsistentOntologyError(Exception):
    """The ontology is inconsistent or has unsatisfiable classes.

    ``axioms`` lists, in readable form, the axioms that together cause it.
    """

    def __init__(self, message: str, axioms: list[str]):
        self.axioms = axioms
        super().__init__(message + ("\n  " + "\n  ".join(axioms) if axioms else ""))


def run_hermit(world: ow.World, infer_property_values: bool = True) -> float:
    """Run HermiT on every ontology of ``world``; return the seconds it took.

    Raises
    ------
    InconsistentOntologyError
        With the axioms that make the ontology inconsistent.
    """
    import time

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
    curie = vocab.compress(ent.iri) if hasattr(ent, "iri") else str(ent)
    return f"{curie} ({lab})" if lab else curie


def render(expr) -> str:
    """Render a class expression in Manchester syntax with CURIEs."""
    if isinstance(expr, (ow.ThingClass, ow.Thing, ow.ObjectPropertyClass)):
        return vocab.compress(expr.iri)
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
