"""Display text for the map: the stored evidence read as plain text, and the codes beside it named.

The quotes are stored verbatim from the source article, so they keep its inline
LaTeX (``($\\mu$ORs)``, ``TNF-$\\alpha$``, ``$\\frac{\\partial P}{\\partial D}$``).
:func:`display_text` gives the form a reader sees (``(μORs)``, ``TNF-α``,
``∂P/∂D``); the stored quote is never changed, so it can still be matched
against the text. The article uses a handful of math spans (Greek letters, a
partial derivative, a sub- and a superscript), so a small table is used rather
than a LaTeX parser: pylatexenc, the usual choice, is not a dependency of the
project and writes ``Mg^{2+}`` as ``Mg^2+`` rather than ``Mg²⁺``; the table is
short enough to read and every entry is tested.

Examples
--------
>>> display_text("mu-opioid receptors ($\\\\mu$ORs) and TNF-$\\\\alpha$")
'mu-opioid receptors (μORs) and TNF-α'
>>> evidence_label("ECO:0000305")
'curator inference used in manual assertion'
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from kg import schema

if TYPE_CHECKING:
    from kg.catalog import Catalog

#: The reasoner's intervention → pathway relations and the direction each names.
_PATHWAY_LINKS = {"oih:drives_pathway": "drives", "oih:inhibits_pathway": "inhibits"}

__all__ = ["display_text", "evidence_label", "citation_marker", "evidence_display", "pathway_explanations",
           "contextual_pathways", "GREEK"]

#: LaTeX commands of the article's math spans and the characters they stand for.
GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "kappa": "κ", "lambda": "λ",
         "mu": "μ", "sigma": "σ", "tau": "τ", "Delta": "Δ", "partial": "∂", "times": "×", "cdot": "·", "leq": "≤",
         "geq": "≥", "approx": "≈", "to": "→", "rightarrow": "→", "pm": "±", "infty": "∞"}
_SUP = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_FRAC = re.compile(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\S))")
_COMMAND = re.compile(r"\\([A-Za-z]+)\s?")


def _script(match: re.Match) -> str:
    """A super- or subscript in Unicode when every character has one, else written out (``^x`` → ``^x``)."""
    mark, body = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
    table = _SUP if mark == "^" else _SUB
    out = body.translate(table)
    return out if all(c != o or c == " " for c, o in zip(body, out)) else f"{mark}{body}"


def _math(span: str) -> str:
    """One math span as plain text: fractions as ``a/b``, commands by :data:`GREEK`, scripts in Unicode, ``-`` as
    the minus sign; an unknown command keeps its name without the backslash."""
    text = _FRAC.sub(lambda m: f"{_math(m.group(1))}/{_math(m.group(2))}", span)
    # a known command takes the space after it (``\partial P`` is ``∂P``); an unknown one keeps it
    text = _COMMAND.sub(lambda m: GREEK.get(m.group(1)) or m.group(0)[1:], text)
    text = _SCRIPT.sub(_script, text)
    text = re.sub(r"(?<=\s)-(?=\s)", "−", text)
    return text.replace("{", "").replace("}", "").strip()


def display_text(text: str) -> str:
    """The text as a reader should see it: each ``$…$`` math span of the source article written in Unicode.

    A quote cut short inside a math span (an odd number of ``$``) has its last span read to the end, so no ``$`` is
    left; text with no ``$`` comes back unchanged.

    Parameters
    ----------
    text : str
        A stored quote or definition, verbatim from the article.

    Returns
    -------
    str
        The display form; the stored text is left as it is.

    Examples
    --------
    >>> display_text("the relationship $\\\\frac{\\\\partial P}{\\\\partial D}$ flips")
    'the relationship ∂P/∂D flips'
    >>> display_text("So, $P = P_0 - A + H$.")
    'So, P = P₀ − A + H.'
    >>> display_text("a magnesium ion ($Mg^{2+}$)")
    'a magnesium ion (Mg²⁺)'
    >>> display_text("no math here")
    'no math here'
    """
    if "$" not in text:
        return text
    parts = text.split("$")
    # parts at odd positions are math; an unclosed span (even count of parts) runs to the end
    return "".join(_math(p) if i % 2 else p for i, p in enumerate(parts))


def evidence_label(code: str) -> str:
    """The ECO label of an evidence code the project uses (:data:`kg.schema.EVIDENCE_TYPES`); ``""`` for no code or
    one the project does not use.

    Examples
    --------
    >>> evidence_label("ECO:0000304")
    'author statement supported by traceable reference used in manual assertion'
    >>> evidence_label("ECO:9999999")
    ''
    """
    return schema.EVIDENCE_TYPES.get(code, "")


def citation_marker(cid: str) -> str:
    """The marker by which the source article cites a reference (``[@problem_id:N]`` in its text), so a reader can find
    the sentence that cites it.

    Examples
    --------
    >>> citation_marker("4867970")
    'problem_id:4867970'
    >>> citation_marker("problem_id:4867970")
    'problem_id:4867970'
    """
    return cid if cid.startswith("problem_id:") else f"problem_id:{cid}"


def pathway_explanations(catalog: Catalog) -> dict[tuple[str, str, str], list[dict]]:
    """The reasoner's explanation of each inferred intervention → pathway link (the named query
    ``inference-explanations``): its premises and axioms, by (intervention, ``drives`` or ``inhibits``, pathway)."""
    out = {}
    for r in catalog.query("inference-explanations"):
        if r["predicate"] in _PATHWAY_LINKS:
            try:
                steps = json.loads(r["explanation"])
            except (TypeError, ValueError):
                steps = [{"kind": "text", "axiom": str(r["explanation"])}]
            out[(r["subject"], _PATHWAY_LINKS[r["predicate"]], r["object"])] = steps
    return out


def contextual_pathways(catalog: Catalog, why: dict[tuple[str, str, str], list[dict]],
                        matrix: set[tuple[str, str, str]]) -> dict[str, list[dict]]:
    """The intervention → pathway links the reasoner derives only in a context (the statements of opioid-induced
    hyperalgesia, say), which the context-free matrix (``intervention-pathway-matrix``) leaves out: by intervention, each
    with its direction, the contexts it holds in (the named query ``contextual-fact``) and its explanation.

    Parameters
    ----------
    catalog : kg.catalog.Catalog
        The graph's read side.
    why : dict
        :func:`pathway_explanations`.
    matrix : set
        The (intervention, direction, pathway) links that hold in every context.
    """
    out: dict[str, list[dict]] = {}
    for (iv, direction, pathway), steps in sorted(why.items()):
        if (iv, direction, pathway) in matrix:
            continue
        predicate = next(p for p, d in _PATHWAY_LINKS.items() if d == direction)
        rows = catalog.query("contextual-fact", subject=iv, predicate=predicate, object=pathway)
        contexts = sorted({(r["context"], r["contextLabel"]) for r in rows})
        if contexts:
            out.setdefault(iv, []).append({"pathway": pathway, "direction": direction, "explanation": steps,
                                           "contexts": [{"id": c, "label": lab} for c, lab in contexts]})
    return out


def evidence_display(edges: dict) -> dict[str, Any]:
    r"""What the page needs to show evidence it gets from the server (a path answer carries the stored quotes): each
    stored quote that reads differently as text (:func:`kg.present.display.display_text`), the ECO labels, and each citation
    with its marker in the article and how many of the map's statements cite it.

    Examples
    --------
    >>> out = evidence_display({"e0": {"quote": "the term $H$", "quoteText": "the term H", "citations": ["7"]}})
    >>> out["quoteText"], out["citations"]["7"]
    ({'the term $H$': 'the term H'}, {'marker': 'problem_id:7', 'statements': 1})
    """
    counts = Counter(c for e in edges.values() for c in e["citations"])
    return {"quoteText": {e["quote"]: e["quoteText"] for e in edges.values() if e["quote"] != e["quoteText"]},
            "evidenceTypes": dict(schema.EVIDENCE_TYPES),
            "citations": {c: {"marker": citation_marker(c), "statements": n} for c, n in sorted(counts.items())}}

