"""The Translator wing: the Biolink model and the served graph said in it (:mod:`kg.translator.biolink`), contexts as
Biolink qualifiers (:mod:`kg.translator.context`), and TRAPI over the same graph (:mod:`kg.translator.trapi`) with
its refusals (:mod:`kg.translator.refusal`)."""
