"""The ``oihkg`` command: a thin layer over the doors of :mod:`kg` (build, reason, query, paths, perturb, simulate, map,
export, serve).

Each command parses its options, calls one door (the :class:`kg.OIHKG` façade, the names :mod:`kg` opens on first use,
:mod:`kg.endpoint`) and prints the answer with rich; errors (:mod:`kg.errors`) print their message and exit non-zero.
The commands live by concern: :mod:`kg.cli.model` (init, build, reason, check, summary, materialise, load),
:mod:`kg.cli.query` (query, queries), :mod:`kg.cli.serve`, :mod:`kg.cli.mechanism` (paths, perturb, simulate) and
:mod:`kg.cli.outputs` (map, export); :mod:`kg.cli.common` holds what they share.
"""

from kg.cli.common import app

# importing a module registers its commands, in the order `oihkg --help` lists them
from kg.cli import model  # noqa: E402,F401  isort: skip
from kg.cli import query  # noqa: E402,F401  isort: skip
from kg.cli import serve  # noqa: E402,F401  isort: skip
from kg.cli import mechanism  # noqa: E402,F401  isort: skip
from kg.cli import outputs  # noqa: E402,F401  isort: skip

#: The order `oihkg --help` lists the commands in: the modules register them by concern, the help as it always did.
ORDER = ("init", "build", "reason", "summary", "query", "queries", "serve", "paths", "perturb", "simulate", "check",
         "map", "materialise", "load", "export")
app.registered_commands.sort(key=lambda c: ORDER.index(n) if (n := c.name or c.callback.__name__) in ORDER else len(ORDER))

__all__ = ["app", "model", "query", "serve", "mechanism", "outputs"]
