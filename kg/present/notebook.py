"""Results in a notebook: HTML tables in Jupyter, pandas DataFrames with ``to_frame()``, the map and the plot inline.

Every tabular result — a path search (:class:`kg.mechanism.paths.PathResult`, :class:`kg.mechanism.paths.SignedPath`), a perturbation
(:class:`kg.mechanism.perturb.PerturbResult`), the check of the text's claims (:class:`kg.mechanism.observations.Report`), and the
rows, edges and entity cards the façade answers (:class:`Rows`, :class:`Card`) — mixes in :class:`Table` and says
what its rows are in one method, ``_table``; this module turns those rows into an escaped HTML table (Jupyter calls
``_repr_html_``) or a DataFrame. pandas is imported only by ``to_frame`` (the ``notebook`` extra), so the package
does not need it. :class:`MapView` shows the mechanism map in an ``<iframe srcdoc>``; a simulation draws its figure
itself (:class:`kg.outputs.figure.Plotted`).

:class:`Rows` and :class:`Card` are a ``list`` and a ``dict``: they compare, index, pickle and serialise to JSON
exactly as the plain values they wrap, and only add the two display methods.

A leaf of the house: it imports only the schema (:mod:`kg.schema`) and :mod:`kg.present.display`, so the result types of
every layer may mix its classes in without an import running up.

Examples
--------
>>> rows = Rows([{"label": "a <b> & c", "sign": 1}, {"label": "d", "sign": -1}], caption="two rows")
>>> rows == [{"label": "a <b> & c", "sign": 1}, {"label": "d", "sign": -1}]
True
>>> "a &lt;b&gt; &amp; c" in rows._repr_html_(), "<b>" in rows._repr_html_()
(True, False)
>>> text(["x", "y"]), text(None), text(-1, "sign"), text(0.123456)
('x, y', '', '−', '0.1235')
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from kg import schema
from kg.present.display import display_text

__all__ = ["MAX_ROWS", "text", "html_table", "frame", "Table", "Rows", "Card", "PathTable", "PathsTable", "EffectsTable",
           "ReportTable", "MapView", "answer", "steps"]

#: Rows an HTML table shows; ``to_frame()`` has them all.
MAX_ROWS = 60

#: Columns whose numbers are signs, shown as ``+`` and ``−``.
_SIGNED = {"sign"}

_STYLE = ("<style>table.oihkg{border-collapse:collapse;font-size:0.9em}"
          "table.oihkg td,table.oihkg th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}"
          "table.oihkg caption{caption-side:top;text-align:left;font-weight:bold;padding:4px 0}</style>")


def text(value: Any, column: str = "") -> str:
    """One cell's value as the text a reader sees (not yet escaped).

    ``None`` is empty, a list is joined with commas, a dict written as ``key: value``, a float to four significant
    digits, a sign (in a ``sign`` column) as ``+`` or ``−``, and a stored quote's LaTeX in Unicode
    (:func:`kg.present.display.display_text`), so the notebook does not typeset it as math.

    Parameters
    ----------
    value : Any
        The cell's value as the result holds it.
    column : str
        The column's name: ``sign`` columns are shown as signs.
    """
    if value is None:
        return ""
    if column in _SIGNED and isinstance(value, int) and not isinstance(value, bool):
        return "+" if value > 0 else "−" if value < 0 else "0"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items())
    return display_text(str(value))


def html_table(columns: list[str], rows: list[list], caption: str = "", limit: int = MAX_ROWS) -> str:
    """An HTML table of ``rows`` (lists in the order of ``columns``), every header, cell and caption escaped.

    Parameters
    ----------
    columns : list of str
        Header names.
    rows : list of list
        Cell values, shown by :func:`text`.
    caption : str
        Shown above the table.
    limit : int
        Most rows shown; a last line says how many more there are.

    Examples
    --------
    >>> print(html_table(["x"], [["<1>"]], caption="a & b").split("</style>")[1])
    <table class="oihkg"><caption>a &amp; b</caption><thead><tr><th>x</th></tr></thead><tbody><tr><td>&lt;1&gt;</td></tr></tbody></table>
    """
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(text(v, c))}</td>" for c, v in zip(columns, row)) + "</tr>"
                   for row in rows[:limit])
    if len(rows) > limit:
        body += f'<tr><td colspan="{len(columns)}">… {len(rows) - limit} more rows (<code>to_frame()</code> has all)</td></tr>'
    if not rows:
        body = f'<tr><td colspan="{max(len(columns), 1)}">no rows</td></tr>'
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'{_STYLE}<table class="oihkg">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def frame(columns: list[str], rows: list[list]):
    """A pandas DataFrame of ``rows`` with the values as the result holds them (lists stay lists).

    Raises
    ------
    ImportError
        pandas is not installed (``pip install 'oihkg[notebook]'``).
    """
    try:
        import pandas as pd
    except ImportError as exc:  # an optional dependency: say how to get it
        raise ImportError("to_frame() needs pandas: pip install 'oihkg[notebook]'") from exc
    return pd.DataFrame([list(r) for r in rows], columns=list(columns))


class Table:
    """A result shown as a table: a subclass defines ``_table()`` → ``(columns, rows, caption)``."""

    def _table(self) -> tuple[list[str], list[list], str]:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        """The result as an HTML table, for Jupyter."""
        columns, rows, caption = self._table()
        return html_table(columns, rows, caption)

    def to_frame(self):
        """The result as a pandas DataFrame, one row per row of the HTML table."""
        columns, rows, _ = self._table()
        return frame(columns, rows)


def _columns(items: list) -> list[str]:
    """Every key of a list of dicts, in the order first seen."""
    return list(dict.fromkeys(k for item in items if isinstance(item, dict) for k in item))


class Rows(Table, list):
    """A list of rows (dicts, or tuples with ``columns`` named) that shows itself as a table.

    Parameters
    ----------
    items : iterable
        The rows.
    columns : list of str, optional
        The column names; by default every key of the dict rows, in the order first seen.
    caption : str
        Shown above the HTML table, after the row count.
    """

    def __init__(self, items=(), columns: list[str] | None = None, caption: str = ""):
        super().__init__(items)
        self.columns = list(columns) if columns is not None else None
        self.caption = caption

    def _table(self) -> tuple[list[str], list[list], str]:
        columns = self.columns or _columns(self)
        rows = [[r.get(c) for c in columns] if isinstance(r, dict) else list(r) for r in self]
        count = f"{len(self)} row{'' if len(self) == 1 else 's'}"
        return columns, rows, f"{self.caption}: {count}" if self.caption else count


#: The columns of an edge a card shows, and their headers.
_EDGE_COLUMNS = {"subjectLabel": "subject", "predicateLabel": "relation", "objectLabel": "object", "sign": "sign",
                 "context": "context", "inferred": "inferred", "via": "via", "citations": "citations", "quote": "quote"}


class Card(Table, dict):
    """An entity's card (``id``, ``label``, ``definition``, ``synonyms``, ``xrefs``, ``types``, ``edges_out``,
    ``edges_in``) that shows itself as a heading over the table of its edges; ``to_frame()`` gives the edges, one row
    each, with a ``direction`` (``out`` or ``in``)."""

    def _table(self) -> tuple[list[str], list[list], str]:
        rows = [[way, *(e.get(k) for k in _EDGE_COLUMNS)] for way in ("out", "in") for e in self.get(f"edges_{way}", ())]
        return ["direction", *_EDGE_COLUMNS.values()], rows, f"{len(rows)} edges"

    def _repr_html_(self) -> str:
        """The card's heading (label, id, definition, synonyms, types, xrefs) and its edges, for Jupyter."""
        lines = [f"<h4>{escape(text(self.get('label')))} <code>{escape(text(self.get('id')))}</code></h4>"]
        if self.get("definition"):
            lines.append(f"<p>{escape(text(self['definition']))}</p>")
        for key in ("synonyms", "types", "xrefs"):
            if self.get(key):
                lines.append(f"<div><b>{key}</b>: {escape(text(self[key]))}</div>")
        columns, rows, caption = self._table()
        return "".join(lines) + html_table(columns, rows, caption)


def answer(result: Any) -> Any:
    """A SPARQL answer ready to show: SELECT rows and CONSTRUCT/DESCRIBE triples as :class:`Rows`, ASK as its bool.

    Examples
    --------
    >>> answer([("a", "b", "c")]).to_frame().columns.tolist()
    ['subject', 'predicate', 'object']
    >>> answer(True)
    True
    """
    if isinstance(result, bool):
        return result
    triples = bool(result) and isinstance(result[0], tuple)
    return Rows(result, columns=["subject", "predicate", "object"] if triples else None)


def steps(path, up: str = "→", down: str = "⊣") -> str:
    """A path as its labels joined by ``up`` (the step raises) and ``down`` (it lowers), a step that reverses an
    asserted relation marked "(taking part in it)": how the notebook and the CLI (``->``, ``-|``) write a path.

    Parameters
    ----------
    path : kg.mechanism.paths.SignedPath
        One path of a path search.
    up, down : str
        The arrows of a raising and a lowering step.
    """
    if not path.edges:
        return ""
    out = [path.edges[0]["subjectLabel"]]
    for e in path.edges:
        out.append(f"{up if e['sign'] > 0 else down} {e['objectLabel']}" + (" (taking part in it)" if e.get("inverse_of") else ""))
    return " ".join(out)


class PathTable(Table):
    """A path (:class:`kg.mechanism.paths.SignedPath`) as a table: one row per edge, the path's steps as the caption."""

    _COLUMNS = ("subjectLabel", "relation", "objectLabel", "sign", "context", "inferred", "citations", "quote")

    def _table(self) -> tuple[list[str], list[list], str]:
        rows = [[e.get(k) for k in self._COLUMNS] for e in self.edges]
        caption = f"{text(self.sign, 'sign')} path of {len(self.edges)} edge(s): {steps(self)}"
        return ["subject", "relation", "object", "sign", "context", "inferred", "citations", "quote"], rows, caption


class PathsTable(Table):
    """A path search (:class:`kg.mechanism.paths.PathResult`) as a table: one row per path with its sign, steps and the
    contexts it holds in; the status message as the caption."""

    def _table(self) -> tuple[list[str], list[list], str]:
        rows = [[i, p.sign, p.length, steps(p), list(p.contexts) or "every context", p.weakest_evidence,
                 sorted({c for e in p.edges for c in e["citations"]})] for i, p in enumerate(self.paths, 1)]
        columns = ["rank", "sign", "length", "steps", "contexts", "weakest evidence", "citations"]
        return columns, rows, f"{self.source} → {self.target}: {self.message or self.status.value}"


class EffectsTable(Table):
    """A perturbation (:class:`kg.mechanism.perturb.PerturbResult`) as a table: one row per effect, A, H and P first, with a
    shortest path of the effect's direction; what was perturbed and the summary as the caption."""

    def _table(self) -> tuple[list[str], list[list], str]:
        first = [n for n in (schema.COMPONENT_A, schema.COMPONENT_H, schema.NET_PAIN) if n in self.effects]
        order = first + [n for n in self.effects if n not in first]
        rows = []
        for e in map(self.effects.get, order):
            example = e.examples.get(e.direction) or next(iter(e.examples.values()), [])
            named = (self.effects[n].label if n in self.effects else n for n in example)
            rows.append([e.node, e.label, e.direction, e.shortest_up, e.shortest_down, " → ".join(named)])
        given = "; ".join(f"{k} {', '.join(v)}" for k, v in (("inhibit", self.inhibit), ("activate", self.activate),
                                                             ("knockout", self.knockout)) if v)
        caption = f"{given or 'no perturbation'}: " + ", ".join(f"{k} {v}" for k, v in self.summary().items())
        if self.unknown:
            caption += f" (not in the graph: {', '.join(self.unknown)})"
        return ["node", "label", "direction", "shortest up", "shortest down", "example path"], rows, caption


class ReportTable(Table):
    """The check of the text's claims (:class:`kg.mechanism.observations.Report`) as a table: one row per observation; the
    counts as the caption."""

    _COLUMNS = ("id", "kind", "status", "subject", "relation", "object", "expected", "detail", "citations")

    def _table(self) -> tuple[list[str], list[list], str]:
        rows = [[d[c] for c in self._COLUMNS] for d in (r.as_dict() for r in self.results)]
        return list(self._COLUMNS), rows, ", ".join(f"{v} {k}" for k, v in self.counts().items())


class MapView:
    """The interactive mechanism map (:func:`kg.outputs.map.render_map`), shown inline in Jupyter in a sandboxed
    ``<iframe srcdoc>``.

    The map's path search and simulator ask the API server (``oihkg serve``) and are unavailable inline; the graph,
    its panels and the evidence work. ``str()`` gives the page; :meth:`save` writes it.

    Parameters
    ----------
    html : str
        The map as one self-contained HTML page.
    height : int
        Height of the inline frame, in pixels.

    Examples
    --------
    >>> MapView('<p title="a">x & y</p>')._repr_html_()[:60]
    '<iframe srcdoc="&lt;p title=&quot;a&quot;&gt;x &amp; y&lt;/p'
    """

    def __init__(self, html: str, height: int = 720):
        self.html = html
        self.height = height

    def _repr_html_(self) -> str:
        """The page in an iframe: its whole text escaped into ``srcdoc``, so no quote or ``&`` of it ends the attribute."""
        return (f'<iframe srcdoc="{escape(self.html, quote=True)}" sandbox="allow-scripts allow-popups allow-downloads" '
                f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" title="oihkg mechanism map"></iframe>')

    def __str__(self) -> str:
        return self.html

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (to open in a browser); returns the path."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path
