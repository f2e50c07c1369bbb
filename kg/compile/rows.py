"""The sources' shape: one pydantic model per curated file's row, and :func:`read_tsv`, which reads a file into them.

Each bad row becomes a :class:`Problem` naming its file, line and column; :mod:`kg.compile.load` checks the rows
against each other.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kg import schema

__all__ = [
    "SOURCE_FILES",
    "MAX_QUOTE",
    "Problem",
    "EntityRow",
    "EdgeRow",
    "InterventionRow",
    "ObservationRow",
    "OBSERVATION_KINDS",
    "CitationRow",
    "read_tsv",
]

SOURCE_FILES = ("entities.tsv", "edges.tsv", "interventions.tsv", "evidence.tsv", "observations.tsv")
MAX_QUOTE = 300
_CURIE = r"^[A-Za-z][A-Za-z0-9_.]*:[A-Za-z0-9_.\-]+$"


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one source row.

    Parameters
    ----------
    file : str
        The source file's name, e.g. ``edges.tsv``.
    line : int
        The 1-based line number in that file (the header is line 1).
    message : str
        What is wrong, naming the column where one is at fault.
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


# --------------------------------------------------------------------------- rows

Curie = Annotated[str, Field(pattern=_CURIE)]


def split_values(value: str) -> list[str]:
    """The items of a ``|``-separated cell, stripped, without empty ones."""
    return [v.strip() for v in value.split("|") if v.strip()] if value else []


def _one_of(value: str, allowed, what: str) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError naming them."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EntityRow(_Row):
    """A row of ``entities.tsv``."""

    id: Curie
    label: str = Field(min_length=1)
    type: str
    synonyms: str = ""
    definition: str = Field(min_length=1)
    xrefs: str = ""
    pathways: str = ""

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        return _one_of(v, sorted(schema.CLASSES), "type")

    @field_validator("xrefs", "pathways")
    @classmethod
    def _curie_list(cls, v: str) -> str:
        for item in split_values(v):
            if not re.match(_CURIE, item):
                raise ValueError(f"{item!r} is not a CURIE")
        return v


class _EvidenceRow(_Row):
    sign: str = ""
    citations: str = ""
    evidence_type: Curie
    quote: str = Field(min_length=1, max_length=MAX_QUOTE)
    note: str = ""

    @field_validator("sign")
    @classmethod
    def _sign(cls, v: str) -> str:
        if v not in {"+1", "-1", ""}:
            raise ValueError(f"sign must be +1, -1 or empty (a relation without a sign), not {v!r}")
        return v

    @field_validator("citations")
    @classmethod
    def _citations(cls, v: str) -> str:
        for item in split_values(v):
            if not item.isdigit():
                raise ValueError(f"citation {item!r} is not a problem_id number")
        return v

    @field_validator("evidence_type")
    @classmethod
    def _eco(cls, v: str) -> str:
        return _one_of(v, list(schema.EVIDENCE_TYPES), "ECO code")


class EdgeRow(_EvidenceRow):
    """A row of ``edges.tsv``: a signed statement, optionally true only in a ``context`` (a condition)."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("subject", "predicate", "object", "sign", "context", "citations", "evidence_type", "quote", "note")

    subject: Curie
    predicate: Curie
    object: Curie
    context: Annotated[str, Field(pattern=r"^$|" + _CURIE)] = ""


class InterventionRow(_EvidenceRow):
    """A row of ``interventions.tsv``."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("intervention", "action", "target", "sign", "context", "citations", "evidence_type", "quote",
                                          "note")

    intervention: Curie
    action: str
    target: Curie
    context: Annotated[str, Field(pattern=r"^$|" + _CURIE)] = ""


class ObservationRow(_EvidenceRow):
    """A row of ``observations.tsv``: a statement of the text as an outcome the model must reproduce.

    ``kind`` is ``path``, ``perturb``, ``fact``, ``class``, ``simulate`` or ``members``; ``expected`` says what must hold
    (see :mod:`kg.mechanism.observations`). ``sign`` is the polarity of the statement: +1 for something that must
    hold, -1 for a negative expectation (something the model must not say).
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("id", "kind", "subject", "relation", "object", "expected", "sign", "citations",
                                          "evidence_type", "quote", "note")

    id: str = Field(pattern=r"^O\d{2,3}$")
    kind: str
    subject: str = ""
    relation: str = ""
    object: str = ""
    expected: str = Field(min_length=1)

    @field_validator("sign")
    @classmethod
    def _polarity(cls, v: str) -> str:
        if v not in {"+1", "-1"}:
            raise ValueError(f"sign must be +1 (must hold) or -1 (must not hold), not {v!r}")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _one_of(v, OBSERVATION_KINDS, "kind")


#: The kinds of observation :mod:`kg.mechanism.observations` can check.
OBSERVATION_KINDS = ("path", "perturb", "fact", "class", "simulate", "members")


class CitationRow(_Row):
    """A row of ``evidence.tsv``; ``section`` lists every section that cites it, separated by ``|``."""

    citation: str = Field(pattern=r"^\d+$")
    section: str = Field(min_length=1)
    topic: str = Field(min_length=1)


def read_tsv(path: Path, model_cls: type[BaseModel], problems: list[Problem]):
    """Yield ``(line, row)`` for each valid row of a curated TSV file; record a :class:`Problem` for each bad one.

    ``model_cls`` is a pydantic model whose ``COLUMNS`` (or fields) name the header's columns in order.
    Blank lines and lines starting with ``#`` are skipped.
    """
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, 0, f"missing source file {path}"))
        return
    expected = list(getattr(model_cls, "COLUMNS", model_cls.model_fields))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(name, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at column {column}"))
        return
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != expected:
            problems.append(Problem(name, 1, f"header must be {expected!r}, got {header!r}"))
            return
        for lineno, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells) or cells[0].startswith("#"):
                continue
            if len(cells) != len(expected):
                problems.append(Problem(name, lineno, f"expected {len(expected)} tab-separated columns, got {len(cells)}"))
                continue
            try:
                yield lineno, model_cls(**dict(zip(expected, cells)))
            except ValidationError as exc:
                for err in exc.errors():
                    col = ".".join(str(x) for x in err["loc"]) or "row"
                    problems.append(Problem(name, lineno, f"{col}: {err['msg'].removeprefix('Value error, ')}"))
