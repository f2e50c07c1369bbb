"""The figure of a simulation: P, A and H against dose, and dP/dD, drawn with matplotlib (PNG or SVG).

This module owns how a :class:`kg.mechanism.model.SimulationResult` looks; the model itself is :mod:`kg.mechanism.model`.
"""

from __future__ import annotations

import io
from dataclasses import fields
from typing import Literal

import numpy as np

from kg.schema.contexts import ACUTE
from kg.mechanism.model import ILLUSTRATIVE, SimulationResult

__all__ = ["plot", "Plotted"]


def plot(result: SimulationResult, fmt: Literal["png", "svg"] = "png") -> bytes:
    """Draw P, A and H against dose (top) and dP/dD (bottom) with the current and tapered doses marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    c = result.curves
    fig = Figure(figsize=(7, 6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    top.plot(c["dose"], c["P"], color="black", lw=2, label="P, net pain")
    top.plot(c["dose"], c["A"], color="tab:blue", label="A, analgesia")
    top.plot(c["dose"], c["H"], color="tab:red", label="H, hyperalgesic component")
    top.axhline(result.params["P0"], color="grey", ls=":", lw=1, label="P0, baseline pain")
    for ax in (top, bottom):
        ax.axvline(result.dose, color="tab:green", ls="--", lw=1)
        ax.axvline(result.test_taper["dose"], color="tab:olive", ls=":", lw=1)
    top.plot([result.dose], [result.at_dose["P"]], "o", color="tab:green", label=f"current dose {result.dose:g}")
    top.plot([result.test_taper["dose"]], [result.test_taper["P"]], "v", color="tab:olive",
             label=f"test taper ({result.test_taper['delta_P']:+.2f})")
    top.set_ylabel("pain / effect (illustrative units)")
    top.legend(fontsize="small", loc="upper left")
    given = "after one dose" if result.context == ACUTE else f"at exposure t = {result.params['exposure']:g}"
    title = f"P = P0 - A + H {given}: {result.classification} at the current dose"
    if result.interventions:
        title += "\nwith " + ", ".join(result.interventions)
    top.set_title(title, fontsize="medium")
    bottom.plot(c["dose"], c["dP_dD"], color="black")
    bottom.axhline(0, color="grey", lw=1)
    bottom.fill_between(c["dose"], c["dP_dD"], 0, where=np.array(c["dP_dD"]) > 0, color="tab:red", alpha=0.2, label="dP/dD > 0: OIH")
    bottom.fill_between(c["dose"], c["dP_dD"], 0, where=np.array(c["dP_dD"]) < 0, color="tab:blue", alpha=0.2,
                        label=f"dP/dD < 0: {'analgesia' if result.context == ACUTE else 'tolerance'}")
    bottom.set_xlabel("opioid dose D (illustrative units)")
    bottom.set_ylabel("dP/dD")
    bottom.legend(fontsize="small", loc="upper left")
    top.text(0.99, 0.02, ILLUSTRATIVE, transform=top.transAxes, ha="right", va="bottom", fontsize="x-small", color="grey")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=100)
    return buf.getvalue()


class Plotted(SimulationResult):
    """A simulation that draws itself in a notebook: Jupyter shows its figure (:func:`plot`) as SVG or PNG, and
    ``to_frame()`` gives its curves, one row per dose (pandas, the ``notebook`` extra). What the façade's ``simulate``
    answers; everywhere else it is the :class:`kg.mechanism.model.SimulationResult` it holds."""

    @classmethod
    def of(cls, result: SimulationResult) -> Plotted:
        """``result`` with the display methods (the same fields, not copied)."""
        return cls(**{f.name: getattr(result, f.name) for f in fields(result)})

    def _repr_svg_(self) -> str:
        """The figure as SVG, for Jupyter."""
        return plot(self, "svg").decode("utf-8")

    def _repr_png_(self) -> bytes:
        """The figure as PNG, for Jupyter and for viewers without SVG."""
        return plot(self, "png")

    def to_frame(self):
        """The curves (dose, P, A, H and their slopes) as a pandas DataFrame, one row per dose."""
        from kg.present.notebook import frame

        columns = list(self.curves)
        return frame(columns, list(zip(*(self.curves[c] for c in columns))))
