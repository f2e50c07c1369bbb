"""The mechanism: the signed causal graph (:mod:`kg.mechanism.graph`), its paths (:mod:`kg.mechanism.paths`), what-if
perturbations (:mod:`kg.mechanism.perturb`), the illustrative pain model P = P0 − A + H (:mod:`kg.mechanism.model`),
the text's claims checked against all of them (:mod:`kg.mechanism.observations`, :mod:`kg.mechanism.mutation`), and
the engine that asks them by entity name (:mod:`kg.mechanism.engine`)."""
