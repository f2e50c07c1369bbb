"""The record of what a store holds: the graph IRIs it serves, and the checksums that tell a stale store.

Asserted triples live in :data:`ASSERTED`, inferred ones in :data:`INFERRED`; a graph merged in with ``oihkg load``
lives under :data:`LOADED` and its name. What was loaded is recorded in the shape of the meta graph (:data:`META`):
the artifacts' checksum (:data:`CHECKSUM`, :func:`artifacts_checksum`) and each merged graph's source
(:data:`SOURCE`), triple count (:data:`TRIPLES`) and SHA-256 (:func:`file_sha256`); an endpoint keeps it as the
N-Triples :func:`meta_ntriples` writes, the embedded store beside itself. :func:`fingerprint` hashes the recorded
checksums into the store's fingerprint, the same whichever store keeps them.

Examples
--------
>>> fingerprint([]) is None, len(fingerprint(["b", "a"])), fingerprint(["b", "a"]) == fingerprint(["a", "b"])
(True, 64, True)
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from kg import schema
from kg.config import Paths

__all__ = ["ASSERTED", "INFERRED", "META", "CHECKSUM", "LOADED", "SOURCE", "TRIPLES", "fingerprint", "meta_ntriples",
           "file_sha256", "artifacts_checksum"]

ASSERTED = NamedNode(str(schema.GRAPH_ASSERTED))
INFERRED = NamedNode(str(schema.GRAPH_INFERRED))
META = NamedNode("https://w3id.org/oihkg/graph/meta")
CHECKSUM = NamedNode(str(schema.OIH) + "artifactsChecksum")
#: Where ``oihkg load`` puts a merged graph: this prefix and the graph's name.
LOADED = "https://w3id.org/oihkg/graph/loaded/"
SOURCE = NamedNode(str(schema.OIH) + "loadedFrom")
TRIPLES = NamedNode(str(schema.OIH) + "triples")
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def fingerprint(checksums: list[str]) -> str | None:
    """The store's fingerprint from its recorded checksums, the same whichever store keeps them; None for none."""
    return hashlib.sha256("\n".join(sorted(checksums)).encode()).hexdigest() if checksums else None


def meta_ntriples(checksum: str | None, records: list[dict[str, Any]]) -> str:
    """The meta graph an endpoint keeps, as N-Triples: the artifacts' checksum and each merged graph's record, in the
    shape :meth:`Store.loaded` and :meth:`Store.checksum` read."""
    lines = [f"{META} {CHECKSUM} {Literal(checksum)} ."] if checksum else []
    for r in records:
        g = NamedNode(r["graph"])
        lines += [f"{g} {SOURCE} {Literal(r['source'])} .", f"{g} {CHECKSUM} {Literal(r['checksum'])} .",
                  f"{g} {TRIPLES} {Literal(str(r['triples']), datatype=NamedNode(_XSD_INTEGER))} ."]
    return "".join(line + "\n" for line in lines)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (a merged graph may be gigabytes)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def artifacts_checksum(paths: Paths) -> str:
    """SHA-256 over the asserted and inferred artifacts, to tell a stale store."""
    h = hashlib.sha256()
    for p in (paths.ttl, paths.inferred):
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()

