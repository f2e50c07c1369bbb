"""Merging other graphs in (``oihkg load``): N-Triples, Turtle and KGX files, each into a named graph of its own.

A merged graph lives in the store beside the curated (asserted) and inferred graphs, never in them, under
``https://w3id.org/oihkg/graph/loaded/NAME``; the store's record notes its source file, triple count and
checksum, ``/health`` lists it, and loading the same name again replaces it. Queries that name no dataset see the
merged graphs with the curated ones, and the mechanism engine follows every merged triple whose relation has a sign
in the schema (:mod:`kg.mechanism.graph`).

KGX (the Biolink interchange the export writes: ``nodes.tsv`` and ``edges.tsv``, loose or in a zip) is turned into
N-Triples first: a node's ``name`` becomes its ``rdfs:label`` and its ``category`` its type; an edge keeps its
``original_predicate`` when the schema knows it (as this graph exports), a Biolink ``affects`` / ``regulates`` edge
with ``qualified_predicate`` ``causes`` and an ``object_direction_qualifier`` becomes RO's positive or negative causal
relation, and any other edge keeps its Biolink predicate. An edge that holds only in a context, is negated,
qualifies its subject or an aspect that can turn its sign, or was not asserted by a curator (its ``knowledge_level``
and ``agent_type``) keeps its Biolink predicate, so it never becomes an unconditional causal edge.

Examples
--------
>>> graph_name("/data/signor-2026.nt")
'signor-2026'
>>> fmt, _ = detect("edges.tsv"); fmt
'kgx'
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from kg import schema
from kg.store.leftovers import scratch
from kg.progress import Progress, Reading, reading
from kg.errors import LoadError

__all__ = ["graph_name", "detect", "kgx_ntriples", "prepared", "Ready", "load_files", "unload", "check_name", "LoadError", "FORMATS",
           "MAX_UNZIPPED", "MAX_RATIO"]

#: File endings ``oihkg load`` reads, and what it reads them as.
FORMATS = {".nt": RdfFormat.N_TRIPLES, ".ttl": RdfFormat.TURTLE, ".tsv": "kgx", ".zip": "kgx"}
BIOLINK = "https://w3id.org/biolink/vocab/"
RDFS_LABEL, RDF_TYPE = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CAUSAL = {"increased": "RO:0002304", "upregulated": "RO:0002304", "decreased": "RO:0002305", "downregulated": "RO:0002305"}
_MAX_FIELD = 1 << 20
#: Most bytes the tables of a KGX zip may unpack to, and most times their packed size (a zip bomb unpacks to far more).
MAX_UNZIPPED = 4_000_000_000
MAX_RATIO = 100


def graph_name(path: Path | str) -> str:
    """The graph name a file is loaded under by default: its name without the ending, reduced to letters, digits,
    ``.``, ``_`` and ``-``."""
    stem = Path(path).name
    for end in FORMATS:
        if stem.endswith(end):
            stem = stem[: -len(end)]
            break
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")
    return name or "graph"


def detect(path: Path | str) -> tuple[RdfFormat | str, str]:
    """The format of a file by its ending (:data:`FORMATS`) and its default graph name; :class:`LoadError` when the
    ending is not one of them."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise LoadError(f"{p}: cannot tell the format from the ending {p.suffix or '(none)'!r}; "
                        f"use one of {', '.join(FORMATS)} (N-Triples, Turtle, KGX TSV or a KGX zip)")
    return fmt, graph_name(p)


def _iri(curie: str, where: str) -> NamedNode:
    """The IRI of a KGX identifier (a CURIE the schema knows, ``biolink:``, or an IRI)."""
    try:
        if curie.startswith(("http://", "https://")):
            return NamedNode(curie)
        if curie.startswith("biolink:"):
            return NamedNode(BIOLINK + curie.split(":", 1)[1])
        return NamedNode(schema.expand(curie))
    except ValueError:
        raise LoadError(f"{where}: {curie!r} is neither an IRI nor a CURIE of a known prefix") from None


def _rows(text: Iterable[str], where: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a KGX TSV with their line numbers; :class:`LoadError` for a row of the wrong width."""
    csv.field_size_limit(_MAX_FIELD)
    reader = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader, None)
        if not header:
            raise LoadError(f"{where}: empty file, no header row")
        for row in reader:
            if row == [] or row == [""]:
                continue
            if len(row) != len(header):
                raise LoadError(f"{where}:{reader.line_num}: {len(row)} fields where the header has {len(header)}")
            yield reader.line_num, dict(zip(header, row))
    except csv.Error as exc:
        raise LoadError(f"{where}:{reader.line_num}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise LoadError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start} of a block)") from None


#: Qualifiers that leave a causal edge's sign as its direction says: what changes (activity or amount) and how.
_PLAIN_QUALIFIERS = {"qualified_predicate", "object_direction_qualifier", "causal_mechanism_qualifier"}
_PLAIN_ASPECTS = {"", "activity", "abundance", "activity_or_abundance", "expression"}
_CURATED_LEVELS = {"", "knowledge_assertion", "not_provided"}
_CURATED_AGENTS = {"", "manual_agent", "manual_validation_of_automated_agent", "not_provided"}


def _conditional(row: dict[str, str]) -> bool:
    """Whether an edge row says more than "the subject raises or lowers the object": it holds only in a context
    (``context``, any ``*_context_qualifier``, ``stage_qualifier``, ``qualifiers``), is negated, qualifies its subject
    or an aspect that turns the sign (degradation, say), or was not asserted by a curator (a ``knowledge_level`` or
    ``agent_type`` other than a manual assertion). Such a row is merged with its Biolink predicate, never as an
    unconditional causal edge."""
    for column, value in row.items():
        if not value:
            continue
        if column in ("context", "qualifiers") or (column.endswith("_qualifier") and column not in _PLAIN_QUALIFIERS
                                                   and column != "object_aspect_qualifier"):
            return True
    return (row.get("negated", "").lower() in ("true", "1")
            or row.get("object_aspect_qualifier", "").removeprefix("biolink:") not in _PLAIN_ASPECTS
            or row.get("knowledge_level", "") not in _CURATED_LEVELS or row.get("agent_type", "") not in _CURATED_AGENTS)


def _edge_predicate(row: dict[str, str]) -> str:
    """The predicate an edge row is merged with: its original predicate when the schema knows it, RO's signed causal
    relation for a Biolink causal edge with a direction, or else its Biolink predicate; a conditional row
    (:func:`_conditional`) always keeps its Biolink predicate."""
    pred = row["predicate"]
    if _conditional(row):
        return pred
    original = row.get("original_predicate", "")
    if original:
        try:
            schema.relation(original)
            return original
        except KeyError:
            pass
    if (pred in ("biolink:affects", "biolink:regulates") and row.get("qualified_predicate") == "biolink:causes"
            and row.get("object_direction_qualifier", "").removeprefix("biolink:") in _CAUSAL):
        return _CAUSAL[row["object_direction_qualifier"].removeprefix("biolink:")]
    return pred


def kgx_ntriples(nodes: Iterable[str] | None, edges: Iterable[str], out: io.TextIOBase, where: tuple[str, str]) -> int:
    """Write a KGX graph (its node and edge TSV lines) as N-Triples to ``out``; returns the triples written.

    ``where`` names the two files for errors, which give the file and line of a bad row (a missing ``id``,
    ``subject``, ``predicate`` or ``object``, an identifier of no known prefix, a row of the wrong width).
    """
    written = 0
    if nodes is not None:
        for line, row in _rows(nodes, where[0]):
            at = f"{where[0]}:{line}"
            if not row.get("id"):
                raise LoadError(f"{at}: a node row without an id")
            node = _iri(row["id"], at)
            if row.get("name"):
                out.write(f"{node} <{RDFS_LABEL}> {Literal(row['name'])} .\n")
                written += 1
            for category in filter(None, row.get("category", "").split("|")):
                out.write(f"{node} <{RDF_TYPE}> {_iri(category, at)} .\n")
                written += 1
    for line, row in _rows(edges, where[1]):
        at = f"{where[1]}:{line}"
        missing = [k for k in ("subject", "predicate", "object") if not row.get(k)]
        if missing:
            raise LoadError(f"{at}: an edge row without {', '.join(missing)}")
        out.write(f"{_iri(row['subject'], at)} {_iri(_edge_predicate(row), at)} {_iri(row['object'], at)} .\n")
        written += 1
    return written


def _kgx_sources(path: Path, stack: ExitStack,
                 counted: Progress | None = None) -> tuple[Iterable[str] | None, Iterable[str], tuple[str, str]]:
    """The node and edge lines of a KGX zip, or of an ``*edges.tsv`` with its ``*nodes.tsv`` beside it (optional);
    their bytes read are counted in ``counted``, whose total becomes their size."""

    def text(raw, size: int) -> io.TextIOWrapper:
        if counted is not None:
            counted.update(total=(counted.total or 0) + size)
            raw = Reading(raw, counted)
        return stack.enter_context(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))

    if path.suffix.lower() == ".zip":
        try:
            archive = stack.enter_context(zipfile.ZipFile(path))
        except zipfile.BadZipFile:
            raise LoadError(f"{path}: not a zip file") from None
        names = archive.namelist()
        edge_file = next((n for n in names if n.endswith("edges.tsv")), None)
        if edge_file is None:
            raise LoadError(f"{path}: no edges.tsv inside")
        node_file = next((n for n in names if n.endswith("nodes.tsv")), None)
        _check_unzipped(path, [archive.getinfo(n) for n in (node_file, edge_file) if n])
        opened = [text(archive.open(n), archive.getinfo(n).file_size) if n else None for n in (node_file, edge_file)]
        return opened[0], opened[1], (f"{path}!{node_file}", f"{path}!{edge_file}")
    if not path.name.endswith("edges.tsv"):
        raise LoadError(f"{path}: a KGX TSV is loaded by its edges file (*edges.tsv; its *nodes.tsv beside it is read too)")
    node_path = path.with_name(path.name[: -len("edges.tsv")] + "nodes.tsv")
    nodes = text(node_path.open("rb"), node_path.stat().st_size) if node_path.is_file() else None
    return nodes, text(path.open("rb"), path.stat().st_size), (str(node_path), str(path))


def _check_unzipped(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """:class:`LoadError` when the tables of a KGX zip unpack to more than :data:`MAX_UNZIPPED` bytes, or to more than
    :data:`MAX_RATIO` times their packed size. The sizes are the archive's own; reading stops at them (a member that
    unpacks to more fails its checksum), so they bound what the load writes."""
    unpacked, packed = sum(m.file_size for m in members), sum(m.compress_size for m in members)
    if unpacked > MAX_UNZIPPED or unpacked > MAX_RATIO * max(packed, 1):
        raise LoadError(f"{path}: its tables unpack to {unpacked / 1e6:,.1f} MB from {packed / 1e6:,.2f} MB, and a KGX "
                        f"zip may unpack to at most {MAX_RATIO} times its packed size and {MAX_UNZIPPED / 1e9:g} GB; if "
                        "you trust it, unzip it and load its *edges.tsv")


#: A graph name: letters, digits, '.', '_' and '-', not starting with a dot.
NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


def check_name(name: str) -> str:
    """``name`` if it can name a merged graph; :class:`LoadError` otherwise."""
    if not NAME.fullmatch(name):
        raise LoadError(f"graph name {name!r}: use 1-100 letters, digits, '.', '_' or '-', not starting with '.'")
    return name


@dataclass(frozen=True)
class Ready:
    """A file read whole and ready to load: ``path`` (the file, or its N-Triples conversion for KGX), ``fmt`` (its RDF
    syntax), ``name`` (of the merged graph), ``label`` (the source file's name, for the record)."""

    path: Path
    fmt: RdfFormat
    name: str
    label: str


@contextmanager
def prepared(files: Iterable[Path | str], names: Iterable[str] | None = None,
             workdir: Path | str | None = None) -> Iterator[list[Ready]]:
    """Read every file whole before anything changes: its format (by ending), every KGX row (converted to N-Triples in
    a scratch folder in ``workdir``, which lasts as long as the context and is swept by the next load should this
    process die: :func:`kg.store.leftovers.scratch`), every RDF statement (parsed); graph names must be valid and differ. Any
    loader may then take the files: the embedded store (:func:`load_files`) or an endpoint's bulk loader
    (``scripts/virtuoso.py load``).

    Raises
    ------
    LoadError
        Naming the file (and line) that cannot be read, or the names that clash.
    """
    files = [Path(f) for f in files]
    names = list(names) if names is not None else []
    if names and len(names) != len(files):
        raise LoadError(f"{len(names)} graph name(s) for {len(files)} file(s): give one name per file, or none")
    plan = []
    for i, f in enumerate(files):
        if f.is_dir():
            raise LoadError(f"{f} is a folder, not a file: give the files in it to load (.nt, .ttl, a KGX *edges.tsv "
                            "or .zip)")
        if not f.is_file():
            raise LoadError(f"{f}: no such file; check the path")
        fmt, default = detect(f)
        plan.append((f, fmt, check_name(names[i] if names else default)))
    taken = [name for _, _, name in plan]
    if len(set(taken)) != len(taken):
        twice = sorted({n for n in taken if taken.count(n) > 1})
        raise LoadError(f"two files would be merged as {', '.join(twice)}: give each its own --name")
    with scratch(workdir) as tmp:
        ready = []
        for k, (f, fmt, name) in enumerate(plan):
            if fmt == "kgx":
                nt = Path(tmp) / f"{k}.nt"
                with ExitStack() as stack, nt.open("w", encoding="utf-8") as out:
                    counted = stack.enter_context(Progress(f"converting {f.name} (KGX)", unit="bytes"))
                    nodes, edges, where = _kgx_sources(f, stack, counted)
                    kgx_ntriples(nodes, edges, out, where)
                ready.append(Ready(nt, RdfFormat.N_TRIPLES, name, f.name))
            else:
                try:
                    with reading(f, f"checking {f.name}") as data:  # its bytes read: the parser reports nothing
                        for _ in parse(data, format=fmt):
                            pass
                except SyntaxError as exc:
                    raise LoadError(f"{f}: {exc}") from None
                except (OSError, ValueError) as exc:
                    raise LoadError(f"{f}: {exc}") from None
                ready.append(Ready(f, fmt, name, f.name))
        yield ready


def load_files(store, files: Iterable[Path | str], names: Iterable[str] | None = None,
               drop: Iterable[str] = ()) -> list[dict]:
    """Merge each file into its own named graph of an embedded store (:meth:`kg.store.EmbeddedStore.load`).

    Every file is read whole first (:func:`prepared`), and every graph to ``drop`` must exist. Only then are the
    ``drop`` graphs removed and each file loaded. Returns the store's record of each loaded graph.

    Raises
    ------
    LoadError
        Naming the file (and line) that cannot be read; then nothing is loaded.
    """
    if not hasattr(store, "load"):
        raise LoadError("oihkg load merges into the embedded store (--store DIR); for Virtuoso use "
                        "`scripts/virtuoso.py load FILE...`; another endpoint has its own bulk loader")
    drop = [check_name(d) for d in drop]
    merged = {g["graph"].rsplit("/", 1)[-1] for g in store.loaded()}
    absent = [d for d in drop if d not in merged]
    if absent:
        raise LoadError(f"no merged graph named {', '.join(map(repr, absent))}")
    with prepared(files, names, getattr(store, "location", None)) as ready:  # scratch in the store's folder
        for name in drop:
            store.unload(name)
        return [store.load(r.path, r.name, r.fmt, label=r.label) for r in ready]


def unload(store, name: str) -> None:
    """Drop the graph merged in as ``name`` (:meth:`kg.store.EmbeddedStore.unload`); :class:`LoadError` when the
    store is not embedded, the name cannot be a graph name, or no graph was merged under it."""
    if not hasattr(store, "unload"):
        raise LoadError("oihkg load merges into the embedded store (--store DIR); for Virtuoso use "
                        "`scripts/virtuoso.py load --drop NAME`; another endpoint has its own bulk loader")
    if not store.unload(check_name(name)):
        raise LoadError(f"no merged graph named {name!r}")
