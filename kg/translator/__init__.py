"""The Translator wing: the Biolink model and the served graph said in it (:mod:`kg.translator.biolink`), contexts as
Biolink qualifiers (:mod:`kg.translator.context`), and TRAPI over the same graph (:mod:`kg.translator.trapi`) with
its refusals (:mod:`kg.translator.refusal`)."""

from kg.translator.biolink import INFORES
from kg.translator.biolink import version as biolink_version
from kg.translator.refusal import refusal
from kg.translator.trapi import OPERATIONS, TRAPI, TRAPI_VERSION, Limits

__all__ = ["TRAPI", "Limits", "OPERATIONS", "TRAPI_VERSION", "INFORES", "biolink_version", "refusal"]
