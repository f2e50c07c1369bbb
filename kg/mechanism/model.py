"""The illustrative dose–response model of net pain: P(D, t) = P0 − A(D, t) + H(D, t).

* A, the analgesic term, is an Emax curve whose ED50 moves right with the
  duration of exposure t: ``ED50(t) = ED50 · (1 + tolerance_rate · t)`` —
  tolerance.
* H, the hyperalgesic term, is a sum over the pathways the reasoner classifies
  as ``oih:PronociceptivePathway``, each with a gain:
  ``H = Σ gain_p · (D / D_ref)^power · (1 − exp(−t / onset_tau))``.
* An intervention acts through what the graph says it does. One that
  ``reduces`` / ``increases`` the opioid dose moves the operating dose by
  ``taper_fraction``; one that inhibits or antagonises a target lowers, by
  ``block_fraction``, the gain of each pathway that both holds the target and
  is among the pathways the reasoner derived it inhibits (``oih:inhibits_pathway``);
  if such a pathway is also analgesic, Emax falls too. Agonism changes
  nothing here (the opioid's own action is the curve itself), and
  ``involves`` (rotation to methadone) brings in the agent's actions. What a
  drug derives from its drug class (methadone is an NMDA receptor antagonist)
  counts like its own rows. There is no intervention→pathway table in this module.
* A patient profile is a condition that predisposes to OIH (``oih:predisposes_to``,
  e.g. fibromyalgia). Its effect comes from the perturbation engine over the
  statements that hold under chronic exposure (the model's exposure t is weeks):
  giving the condition moves A and H, and the model scales Emax down by
  ``profile_effect`` when A falls and the pathway gains up by it when H rises
  (fibromyalgia's weakened descending inhibition lowers A; its stronger flip to
  descending facilitation raises H), so dP/dD turns positive at a lower dose and
  H is higher at the same dose.

* A context says how the drug is given: chronic exposure (the default: t in
  weeks) or acute administration (one dose, t = 0: no tolerance shift and no H,
  so dP/dD < 0 at every dose, classified ``analgesia``, as is chronic exposure
  at t = 0: without exposure there is no tolerance to speak of). :meth:`kg.OIHKG.simulate`
  reads the graph facts from the statements that hold in that context.

Every number comes from ``kg/mechanism/model_params.toml`` and is **illustrative, not
clinical data**; each can be overridden per call.

Examples
--------
>>> from kg import OIHKG
>>> kg = OIHKG.open()
>>> mech = Mechanism.from_catalog(kg.catalog, kg.causal_graph())
>>> r = simulate(mech, Scenario())
>>> r.classification, r.at_dose["dP_dD"] > 0
('OIH', True)
>>> simulate(mech, Scenario(default_gain=0)).classification
'tolerance'
>>> blocked = simulate(mech, Scenario(interventions=["oih:tlr4_antagonist"]))
>>> blocked.at_dose["H"] < r.at_dose["H"], blocked.at_dose["A"] == r.at_dose["A"]
(True, True)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kg import schema
from kg.schema.contexts import ACUTE, CHRONIC
from kg.errors import ModelInputError

if TYPE_CHECKING:
    import networkx as nx

    from kg.catalog import Catalog

__all__ = ["ILLUSTRATIVE", "ModelInputError", "ModelParams", "Scenario", "Mechanism", "SimulationResult", "simulate",
           "default_params"]

ILLUSTRATIVE = "Illustrative parameters, not clinical data (kg/mechanism/model_params.toml)."


def default_params() -> dict[str, dict[str, float]]:
    """The parameter file ``kg/mechanism/model_params.toml`` as sections of values."""
    return tomllib.loads(resources.files("kg.mechanism").joinpath("model_params.toml").read_text(encoding="utf-8"))


_D = default_params()


class ModelParams(BaseModel):
    """The model's parameters, defaults from ``kg/mechanism/model_params.toml`` (illustrative, not clinical data)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    P0: float = Field(_D["pain"]["P0"], ge=0, le=10, description="Baseline pain (0-10 scale).")
    Emax: float = Field(_D["analgesia"]["Emax"], ge=0, le=100, description="Largest analgesia A.")
    ED50: float = Field(_D["analgesia"]["ED50"], ge=1e-3, le=1e4, description="Dose of half-maximal analgesia before tolerance.")
    hill: float = Field(_D["analgesia"]["hill"], ge=1, le=6, description="Hill coefficient of A.")
    tolerance_rate: float = Field(_D["analgesia"]["tolerance_rate"], ge=0, le=100,
                                  description="Rightward ED50 shift per unit of exposure: ED50(t) = ED50 (1 + rate t).")
    D_ref: float = Field(_D["hyperalgesia"]["D_ref"], ge=1e-3, le=1e4, description="Dose at which a pathway contributes its gain to H.")
    power: float = Field(_D["hyperalgesia"]["power"], ge=1, le=6, description="Exponent of dose in H.")
    onset_tau: float = Field(_D["hyperalgesia"]["onset_tau"], ge=1e-3, le=1e4, description="Time constant of H's onset with exposure.")
    default_gain: float = Field(_D["hyperalgesia"]["default_gain"], ge=0, le=100,
                                description="Gain of each pronociceptive pathway not named in `gains`; 0 = tolerance only.")
    gains: dict[Annotated[str, Field(max_length=300)], float] = Field(default_factory=dict, max_length=50,
                                    description="Gain per pronociceptive pathway (CURIE or label), overriding default_gain.")
    block_fraction: float = Field(_D["interventions"]["block_fraction"], ge=0, le=1,
                                  description="Fraction by which an antagonist or inhibitor lowers a targeted pathway's gain.")
    taper_fraction: float = Field(_D["interventions"]["taper_fraction"], gt=0, lt=1,
                                  description="Dose reduction of a (test) taper, and dose rise of an escalation.")
    profile_effect: float = Field(_D["profiles"]["profile_effect"], ge=0, lt=1,
                                  description="How much a patient profile lowers Emax (when it lowers A) and raises the gains "
                                              "(when it raises H).")
    dose_max: float = Field(_D["simulation"]["dose_max"], gt=0, le=1e4, description="Largest dose of the curves.")
    points: int = Field(int(_D["simulation"]["points"]), ge=2, le=10_000, description="Doses in the curves.")
    exposure: float = Field(_D["simulation"]["exposure"], ge=0, le=1e4, description="Duration of opioid exposure t.")
    dose: float = Field(_D["simulation"]["dose"], gt=0, le=1e4, description="The current (prescribed) dose D.")

    @model_validator(mode="after")
    def _dose_in_range(self) -> ModelParams:
        if self.dose > self.dose_max:
            raise ValueError(f"dose ({self.dose}) must not exceed dose_max ({self.dose_max})")
        if any(not 0 <= g <= 100 for g in self.gains.values()):
            raise ValueError("each gain must be between 0 and 100")
        return self


class Scenario(ModelParams):
    """Parameters plus the interventions to apply (by CURIE, IRI, label or synonym)."""

    interventions: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list, max_length=50,
                                                                    description="Interventions or agents to apply.")
    profile: str | None = Field(None, max_length=300,
                                description="A patient profile: a condition that predisposes to OIH, e.g. fibromyalgia.")
    context: str | None = Field(None, max_length=300,
                                description="How the drug is given: chronic exposure (the default; exposure t in weeks) or "
                                            "acute administration (one dose: exposure 0, so no tolerance shift and no H).")


@dataclass(frozen=True)
class InterventionFacts:
    """What the graph says about one intervention."""

    id: str
    label: str
    targets: tuple[tuple[str, str, int], ...]  # (target, action, sign), its own and its drug classes'
    pathways: frozenset[str]  # oih:inhibits_pathway, asserted or inferred
    involves: tuple[str, ...]


@dataclass(frozen=True)
class Mechanism:
    """The graph facts the model needs, read once from a :class:`kg.catalog.Catalog` and its causal graph."""

    pronociceptive: dict[str, str]
    analgesic: dict[str, str]
    members: dict[str, frozenset[str]]  # entity -> pathways it is part of
    interventions: dict[str, InterventionFacts]
    profiles: dict[str, dict[str, str]]  # condition -> label and the direction it moves A and H

    @classmethod
    def from_catalog(cls, catalog: Catalog, graph: nx.MultiDiGraph) -> Mechanism:
        """Read pathway classes, pathway members (the causal graph's nodes), intervention facts and patient profiles.

        Parameters
        ----------
        catalog : kg.catalog.Catalog
            The graph's read side.
        graph : networkx.MultiDiGraph
            Its causal graph (:func:`kg.mechanism.graph.causal_graph`).
        """
        from kg.mechanism.perturb import perturb

        pro, ana = {}, {}
        for r in catalog.query("pathway-classes"):
            if r["pronociceptive"]:
                pro[r["pathway"]] = r["pathwayLabel"]
            if r["analgesic"]:
                ana[r["pathway"]] = r["pathwayLabel"]
        members = {n: frozenset(pws) for n, pws in graph.nodes(data="pathways")}
        facts: dict[str, dict[str, Any]] = {}

        def item(curie: str, label: str) -> dict[str, Any]:
            return facts.setdefault(curie, {"label": label, "targets": [], "pathways": set(), "involves": []})

        for r in catalog.query("intervention-targets"):
            item(r["intervention"], r["interventionLabel"])["targets"].append((r["target"], r["action"], int(r["sign"])))
        for r in catalog.query("intervention-pathway-matrix"):
            entry = item(r["intervention"], r["interventionLabel"])
            if r["direction"] == "inhibits":
                entry["pathways"].add(r["pathway"])
        for r in catalog.edges(predicate="oih:involves", inferred=False):
            item(r["subject"], r["subjectLabel"])["involves"].append(r["object"])
        interventions = {
            c: InterventionFacts(c, f["label"], tuple(f["targets"]), frozenset(f["pathways"]), tuple(f["involves"]))
            for c, f in facts.items()
        }
        profiles = {}
        for r in catalog.query("vulnerability-factors"):
            if r["factor"] not in profiles:
                moved = perturb(graph, activate=[r["factor"]]).summary()
                profiles[r["factor"]] = {"label": r["factorLabel"], "A": moved["A"], "H": moved["H"]}
        return cls(pro, ana, members, interventions, profiles)

    def profile(self, curie: str) -> dict[str, str]:
        """The effect of a patient profile on A and H; :class:`ModelInputError` if the condition is not one."""
        if curie not in self.profiles:
            known = ", ".join(f"{c} ({p['label']})" for c, p in sorted(self.profiles.items()))
            raise ModelInputError("profile", f"{curie} does not predispose to OIH in the graph; profiles: {known}")
        return self.profiles[curie]

    def pathway(self, curie: str) -> str:
        """``curie`` itself if it is a pronociceptive pathway; :class:`ModelInputError` naming the known ones if not."""
        if curie in self.pronociceptive:
            return curie
        known = ", ".join(f"{c} ({lab})" for c, lab in sorted(self.pronociceptive.items()))
        raise ModelInputError("gains", f"{curie} is not a pronociceptive pathway; known: {known}")


@dataclass
class SimulationResult:
    """Curves, the operating point, classification, test taper and what each intervention changed (drawn by
    :mod:`kg.outputs.figure`; :class:`kg.outputs.figure.Plotted` in a notebook)."""

    params: dict[str, Any]
    interventions: list[str]
    profile: dict[str, Any] | None
    applied: list[dict[str, Any]]
    gains: dict[str, float]
    emax: float
    ed50: float
    curves: dict[str, list[float]]
    prescribed_dose: float
    dose: float
    at_dose: dict[str, float]
    classification: str
    oih_threshold_dose: float | None
    test_taper: dict[str, Any]
    baseline: dict[str, float] | None
    context: str = CHRONIC
    note: str = ILLUSTRATIVE

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return dict(self.__dict__)


def _effects(mech: Mechanism, curie: str, seen: set[str]) -> list[dict[str, Any]]:
    """The model changes implied by one intervention, following ``involves``."""
    if curie in seen:
        return []
    seen.add(curie)
    facts = mech.interventions.get(curie)
    if facts is None:
        raise ModelInputError("interventions", f"{curie} is not an intervention or agent with targets in the graph")
    out = []
    for target, action, sign in facts.targets:
        if target == schema.OPIOID_DOSE:
            out.append({"intervention": curie, "target": target, "action": action, "change": "dose", "sign": sign})
        elif sign < 0:
            for pw in sorted(mech.members.get(target, frozenset()) & facts.pathways):
                if pw in mech.pronociceptive:
                    out.append({"intervention": curie, "target": target, "action": action, "change": "gain", "pathway": pw})
                if pw in mech.analgesic:
                    out.append({"intervention": curie, "target": target, "action": action, "change": "Emax", "pathway": pw})
    for agent in facts.involves:
        for e in _effects(mech, agent, seen):
            out.append({**e, "via": curie})
    return out


def _curves(p: ModelParams, gain_total: float, emax: float, d: np.ndarray) -> dict[str, np.ndarray]:
    n = p.hill
    ed50 = p.ED50 * (1 + p.tolerance_rate * p.exposure)
    onset = 1 - np.exp(-p.exposure / p.onset_tau)
    dn, en = d**n, ed50**n
    a = emax * dn / (dn + en)
    da = emax * n * d ** (n - 1) * en / (dn + en) ** 2
    h = gain_total * (d / p.D_ref) ** p.power * onset
    dh = gain_total * p.power * d ** (p.power - 1) / p.D_ref**p.power * onset
    return {"A": a, "H": h, "P": p.P0 - a + h, "dA_dD": da, "dH_dD": dh, "dP_dD": dh - da}


def _point(p: ModelParams, gain_total: float, emax: float, dose: float) -> dict[str, float]:
    return {k: float(v[0]) for k, v in _curves(p, gain_total, emax, np.array([dose])).items()} | {"dose": dose}


def _classify(slope: float, acute: bool) -> str:
    """What dP/dD at the dose says: after chronic exposure a falling curve is tolerance, after one dose analgesia."""
    return "OIH" if slope > 0 else ("analgesia" if acute else "tolerance") if slope < 0 else "indeterminate"


def _with_profile(mech: Mechanism, p: Scenario, gains: dict[str, float]) -> tuple[dict[str, float], float, dict | None]:
    """Gains and Emax for the patient profile, if any, and what the profile changed."""
    if not p.profile:
        return gains, p.Emax, None
    moved = mech.profile(p.profile)
    emax = p.Emax * (1 - p.profile_effect) if moved["A"] == "down" else p.Emax
    if moved["H"] == "up":
        gains = {pw: g * (1 + p.profile_effect) for pw, g in gains.items()}
    profile = {"id": p.profile, **moved, "Emax_factor": emax / p.Emax,
               "gain_factor": 1 + p.profile_effect if moved["H"] == "up" else 1.0}
    return gains, emax, profile


def _with_interventions(mech: Mechanism, p: Scenario, gains: dict[str, float],
                        emax: float) -> tuple[dict[str, float], float, float, list[dict[str, Any]]]:
    """Gains, Emax and operating dose after the scenario's interventions, and each change they made."""
    gains, dose, applied = dict(gains), p.dose, []
    reached: set[str] = set()  # an agent reached twice (rotation to methadone, and methadone) acts once
    for curie in dict.fromkeys(p.interventions):
        for e in _effects(mech, curie, reached):
            if e["change"] == "dose":
                e["factor"] = 1 - p.taper_fraction if e["sign"] < 0 else 1 + p.taper_fraction
                dose *= e["factor"]
            elif e["change"] == "gain":
                e["factor"] = 1 - p.block_fraction
                gains[e["pathway"]] *= e["factor"]
            else:
                e["factor"] = 1 - p.block_fraction
                emax *= e["factor"]
            applied.append(e)
    return gains, emax, dose, applied


def simulate(mech: Mechanism, scenario: Scenario) -> SimulationResult:
    """Run the model for one scenario.

    Parameters
    ----------
    mech : Mechanism
        Graph facts from :meth:`Mechanism.from_catalog`.
    scenario : Scenario
        Parameters and interventions (given as CURIEs here; :meth:`kg.OIHKG.simulate` resolves names).

    Returns
    -------
    SimulationResult
        Curves of P, A, H, dP/dD (and dA/dD, dH/dD) over ``points`` doses up to ``dose_max``; the
        values at the current dose; ``classification`` (``tolerance`` when dP/dD < 0 there after
        chronic exposure, ``analgesia`` after acute administration, ``OIH`` when > 0); the lowest dose
        above which dP/dD > 0; and the test taper (pain after lowering the dose by ``taper_fraction``).
        The scenario's ``context`` (a CURIE, chronic exposure by default) is given back.
    """
    p = scenario
    gains = {pw: p.default_gain for pw in mech.pronociceptive}
    for name, g in p.gains.items():
        gains[mech.pathway(name)] = g
    gains, emax, profile = _with_profile(mech, p, gains)
    base_gain, base_emax = sum(gains.values()), emax
    gains, emax, dose, applied = _with_interventions(mech, p, gains, emax)
    dose = min(dose, p.dose_max)
    total = sum(gains.values())
    d = np.linspace(p.dose_max / p.points, p.dose_max, p.points)
    c = _curves(p, total, emax, d)
    rising = np.flatnonzero((c["dP_dD"][:-1] <= 0) & (c["dP_dD"][1:] > 0))
    threshold = float(d[rising[0] + 1]) if rising.size else (float(d[0]) if c["dP_dD"][0] > 0 else None)
    if not all(np.isfinite(v).all() for v in c.values()):
        raise ModelInputError("params", "these parameters overflow the model's arithmetic; use smaller values")
    at = _point(p, total, emax, dose)
    tapered = _point(p, total, emax, dose * (1 - p.taper_fraction))
    delta, acute = tapered["P"] - at["P"], p.context == ACUTE or p.exposure == 0  # no exposure yet: no tolerance
    rises = "pain rises: the single dose relieves pain" if acute else "pain rises: points to tolerance"
    return SimulationResult(
        params=p.model_dump(exclude={"interventions", "profile", "context"}), interventions=list(dict.fromkeys(p.interventions)),
        profile=profile,
        applied=applied, gains=gains, emax=emax, ed50=p.ED50 * (1 + p.tolerance_rate * p.exposure),
        curves={"dose": d.tolist(), **{k: v.tolist() for k, v in c.items()}},
        prescribed_dose=p.dose, dose=dose, at_dose=at, classification=_classify(at["dP_dD"], acute),
        oih_threshold_dose=threshold,
        test_taper={"dose": tapered["dose"], "P": tapered["P"], "delta_P": delta,
                    "outcome": "pain falls: points to OIH" if delta < 0 else rises},
        baseline=_point(p, base_gain, base_emax, p.dose) if p.interventions else None,
        context=p.context or CHRONIC,
    )

