"""GET /paths, POST /perturb, POST /simulate, GET /simulate/plot.png and /simulate/plot.svg."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError, create_model

from api import jobs
from api.deps import KG, client_of
from api.routers.entities import ERRORS
from api.schemas import (PERTURB_EXAMPLES, SIMULATE_EXAMPLES, SOURCE_EXAMPLES, TARGET_EXAMPLES, PathsAnswer, PerturbAnswer,
                         SimulationAnswer)
from kg import Scenario
from kg.errors import ModelInputError

router = APIRouter(tags=["mechanism"])


@router.get("/paths", response_model=PathsAnswer, responses=ERRORS)
def paths(
    kg: KG,
    response: Response,
    source: Annotated[str, Query(description="Start entity: CURIE, IRI, label or synonym.", openapi_examples=SOURCE_EXAMPLES)],
    target: Annotated[str, Query(description="End entity.", openapi_examples=TARGET_EXAMPLES)],
    max_length: Annotated[int, Query(ge=1, le=12, description="Longest path, in edges.")] = 8,
    sign: Annotated[Literal["1", "-1", "+", "-"] | None, Query(description="Keep paths of this net sign (write + as %2B or 1).")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most paths returned.")] = 100,
    inferred: Annotated[bool, Query(description="Also walk the reasoner's inferred promotes edges.")] = False,
    context: Annotated[str | None, Query(max_length=300, description="Follow only statements that hold in this context "
                                         "(acute, chronic exposure, OIH, tolerance); default: every path, each labelled "
                                         "with the contexts it holds in.")] = None,
) -> dict:
    """Signed causal paths from source to target, shortest first then best supported, each with its edges' evidence.

    ``status`` is ``found`` or ``no_path`` (200); a name that is not in the graph gives 404.
    """
    res = kg.paths(source, target, max_length=max_length, sign=None if sign is None else (1 if sign in ("1", "+") else -1),
                   limit=limit, include_inferred=inferred, context=context)
    if res.status.value == "unknown_node":
        raise HTTPException(404, res.message)
    if not res.complete:  # cut by the time budget, so it depends on the load: never kept as the answer
        response.headers["Cache-Control"] = "no-store"
    return res.as_dict()


#: Most entities one perturbation may name, and the longest name.
MAX_NAMES, MAX_NAME = 100, 300
Name = Annotated[str, Field(max_length=MAX_NAME)]


class PerturbRequest(BaseModel):
    """Entities to inhibit, activate (or give) and knock out, by CURIE, IRI, label or synonym."""

    inhibit: list[Name] = Field(default_factory=list, max_length=MAX_NAMES)
    activate: list[Name] = Field(default_factory=list, max_length=MAX_NAMES)
    knockout: list[Name] = Field(default_factory=list, max_length=MAX_NAMES)
    max_length: int = Field(8, ge=1, le=12, description="Longest path followed, in edges.")
    context: str | None = Field(None, max_length=MAX_NAME, description="Propagate over the statements that hold in this "
                                "context (acute, chronic exposure, OIH, tolerance); default: those that hold in every context.")


@router.post("/perturb", response_model=PerturbAnswer, responses=ERRORS)
def perturb(kg: KG, body: Annotated[PerturbRequest, Body(openapi_examples=PERTURB_EXAMPLES)]) -> dict:
    """Propagate a perturbation's sign downstream: direction of each reached node, and of A, H and P."""
    if not (body.inhibit or body.activate or body.knockout):
        raise HTTPException(422, [{"loc": ["body"], "msg": "give at least one of inhibit, activate, knockout",
                                   "type": "value_error"}])
    try:
        return kg.perturb(body.inhibit, body.activate, body.knockout, max_length=body.max_length, context=body.context).as_dict()
    except ValueError as exc:
        raise HTTPException(422, [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]) from None


def _invalid(exc: ModelInputError, where: str) -> HTTPException:
    """The 422 naming the scenario's field the model could not use (``where``: body or query)."""
    return HTTPException(422, [{"loc": [where, exc.field], "msg": str(exc), "type": "value_error"}])


def _run(kg, scenario: Scenario):
    try:
        return kg.simulate(**scenario.model_dump(exclude_unset=True))  # what the client set: acute takes no exposure
    except ModelInputError as exc:
        raise _invalid(exc, "body") from None


@router.post("/simulate", response_model=SimulationAnswer, responses=ERRORS)
def simulate(kg: KG, body: Annotated[Scenario, Body(openapi_examples=SIMULATE_EXAMPLES)]) -> dict:
    """Run the illustrative model P = P0 - A + H with these parameters (defaults: kg/mechanism/model_params.toml) and interventions.

    Answers curves of P, A, H and dP/dD, the classification at the current dose (tolerance when dP/dD < 0 after
    chronic exposure, analgesia after one dose, OIH when > 0) and the test taper. ``context`` is how the drug is
    given: chronic exposure (default) or acute administration (one dose: no exposure). Invalid values give 422 naming
    the field.
    """
    return _run(kg, body).as_dict()


#: The scalar parameters of :class:`Scenario` as query parameters, with ``gain=PATHWAY=value`` for the gains.
PlotQuery = create_model(
    "SimulatePlotQuery",
    **{name: (f.annotation, f) for name, f in Scenario.model_fields.items() if name != "gains"},
    gain=(list[str], Field(default_factory=list, description="PATHWAY=value, repeatable: a pathway's gain.")),
)


async def _plot(request: Request, query: Any, fmt: str) -> Response:
    data: dict[str, Any] = query.model_dump(exclude={"gain"}, exclude_unset=True)
    gains = {}
    for item in query.gain:
        name, sep, value = item.rpartition("=")
        if not sep:
            raise RequestValidationError([{"loc": ["query", "gain"], "msg": f"expected PATHWAY=value, got {item!r}",
                                           "type": "value_error"}])
        gains[name] = value
    try:
        scenario = Scenario(**data, gains=gains)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]) from None
    key = ("plot", fmt, scenario.model_dump_json(exclude_unset=True))
    client = client_of(request)

    async def compute() -> bytes:  # in a query worker, in this client's turn (api.jobs)
        try:
            return await request.app.state.endpoint.job(jobs.plot, scenario.model_dump(exclude_unset=True), fmt,
                                                        client=client, timeout=request.app.state.settings.job_timeout)
        except ModelInputError as exc:
            raise _invalid(exc, "query") from None

    body = await request.app.state.plots.get(key, compute)
    return Response(body, media_type="image/png" if fmt == "png" else "image/svg+xml")


@router.get("/simulate/plot.png", response_class=Response, responses={200: {"content": {"image/png": {}}}, **ERRORS})
async def simulate_plot_png(request: Request, query: Annotated[PlotQuery, Query()]) -> Response:
    """The simulation's plot (P, A, H and dP/dD against dose) as PNG; same parameters as POST /simulate."""
    return await _plot(request, query, "png")


@router.get("/simulate/plot.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}, **ERRORS})
async def simulate_plot_svg(request: Request, query: Annotated[PlotQuery, Query()]) -> Response:
    """The simulation's plot as SVG."""
    return await _plot(request, query, "svg")
