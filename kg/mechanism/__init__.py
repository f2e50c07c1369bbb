"""The mechanism: what the signed causal graph says when it is asked — paths, what-if perturbations, the illustrative
pain model — and the check of the text's claims against all of them, every question asked by entity name.

The wing reads the served graph through a :class:`kg.catalog.Catalog` (only the mutation test opens stores, its
mutants') and answers with result types that show themselves as tables (:mod:`kg.present.notebook`). Its modules:

- :mod:`kg.mechanism.graph` — the signed causal graph, a networkx MultiDiGraph read through the catalog, and the
  edges that hold in one context;
- :mod:`kg.mechanism.reach` — the signed adjacency the searches walk and the breadth-first distances that bound
  them;
- :mod:`kg.mechanism.paths` — signed causal paths between two entities, ranked, with a status (INDRA-style);
- :mod:`kg.mechanism.perturb` — what-if: inhibit, activate or knock out nodes and propagate the signs downstream;
- :mod:`kg.mechanism.model` — the illustrative dose–response model P = P0 − A + H, its numbers in
  ``model_params.toml``;
- :mod:`kg.mechanism.observations` — the text's claims (``observations.tsv``) checked against the model;
- :mod:`kg.mechanism.mutation` — mutation testing: can the observations tell a wrong model from the right one;
- :mod:`kg.mechanism.engine` — the :class:`~kg.mechanism.engine.Engine` that asks all of them by entity name, which
  the :class:`kg.OIHKG` façade delegates to.
"""
