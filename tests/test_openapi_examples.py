"""Every example /docs offers runs unmodified: the served OpenAPI document is read, each operation's request body and
parameter examples are sent to its route as Swagger UI would send them, and each answer is a 2xx.

A value Swagger UI would make up from the schema alone ("string" for every name, 0 for every number) is what a route
without examples gets; the tests show such a body is refused, so every body and every required parameter carries
examples of its own.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
METHODS = ("get", "post", "put", "patch", "delete")


#: The shared ``http`` fixture (tests/conftest.py) gives its client this timeout here, in seconds.
HTTP_TIMEOUT = 120


@pytest.fixture(scope="module")
def spec(http) -> dict:
    return http.get("/openapi.json").json()


def _resolve(spec: dict, schema: dict) -> dict:
    for _ in range(20):  # a chain of $ref, bounded
        if "$ref" not in schema:
            return schema
        node = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    raise AssertionError("a $ref chain longer than 20")


def _made_up(spec: dict, schema: dict, depth: int = 0):
    """The value Swagger UI makes up from a schema alone: its example, default or first enum value, else a placeholder
    of its type ("string", 0, true, one item, the properties, three additional properties)."""
    schema = _resolve(spec, schema)
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    if "anyOf" in schema or "oneOf" in schema:
        return _made_up(spec, (schema.get("anyOf") or schema["oneOf"])[0], depth + 1)
    kind = schema.get("type", "object")
    if depth > 8:
        return None
    if kind == "object":
        out = {k: _made_up(spec, v, depth + 1) for k, v in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            out.update({f"additionalProp{i}": _made_up(spec, extra, depth + 1) for i in (1, 2, 3)})
        return out
    if kind == "array":
        return [_made_up(spec, schema.get("items", {}), depth + 1)]
    return {"string": "string", "integer": 0, "number": 0, "boolean": True}.get(kind)


def _examples(node: dict) -> list:
    """The examples a parameter or media type gives itself, in order (``examples`` values, else ``example``)."""
    if node.get("examples"):
        return [e["value"] for e in node["examples"].values()]
    return [node["example"]] if "example" in node else []


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _requests(spec: dict, path: str, op: dict):
    """Every request the operation's examples make: each example of each parameter and of the body once, the others
    at their first example (or, as Swagger UI fills them, their schema's example or default)."""
    first, each = {}, []
    for p in op.get("parameters", []):
        given = _examples(p) or _examples(_resolve(spec, p["schema"]))
        if not given and "default" in _resolve(spec, p["schema"]):
            given = [_resolve(spec, p["schema"])["default"]]
        if given:
            first[(p["in"], p["name"])] = given[0]
            each += [((p["in"], p["name"]), v) for v in given[1:]]
    bodies = [(ctype, v) for ctype, media in op.get("requestBody", {}).get("content", {}).items() for v in _examples(media)]
    for override, body in [(None, bodies[0] if bodies else None), *[(e, bodies[0] if bodies else None) for e in each],
                           *[(None, b) for b in bodies[1:]]]:
        values = dict(first)
        if override:
            values[override[0]] = override[1]
        url = path
        for (where, name), v in values.items():
            if where == "path":
                url = url.replace("{" + name + "}", quote(str(v), safe=":"))
        query = [(name, str(x).lower() if isinstance(x, bool) else str(x)) for (where, name), v in values.items()
                 if where == "query" for x in (v if isinstance(v, list) else [v])]
        headers = {name: str(v) for (where, name), v in values.items() if where == "header"}
        yield url, query, headers, body


def _send(http: httpx.Client, method: str, url: str, query, headers, body) -> httpx.Response:
    if body is None:
        return http.request(method, url, params=query, headers=headers)
    ctype, value = body
    if ctype == "application/json":
        return http.request(method, url, params=query, headers=headers, json=value)
    if ctype == "application/x-www-form-urlencoded":
        return http.request(method, url, params=query, headers=headers, data=value)
    return http.request(method, url, params=query, headers={**headers, "Content-Type": ctype}, content=str(value).encode())


def test_every_example_of_the_openapi_document_runs(http, spec):
    sent, failed = 0, []
    for path, method, op in _operations(spec):
        for url, query, headers, body in islice(_requests(spec, path, op), 20):  # a few per route, bounded
            r = _send(http, method, url, query, headers, body)
            sent += 1
            if not 200 <= r.status_code < 300:
                failed.append(f"{method.upper()} {url} {body and body[0]}: {r.status_code} {r.text[:200]}")
    assert failed == [], "\n".join(failed)
    assert sent >= 30  # every route once, and the routes with several examples once per example


def test_every_body_and_required_parameter_has_an_example(spec):
    missing = []
    for path, method, op in _operations(spec):
        for ctype, media in op.get("requestBody", {}).get("content", {}).items():
            if not _examples(media):
                missing.append(f"{method.upper()} {path} body {ctype}")
        for p in op.get("parameters", []):
            schema = _resolve(spec, p["schema"])
            if p.get("required") and not (_examples(p) or _examples(schema) or "default" in schema):
                missing.append(f"{method.upper()} {path} parameter {p['name']}")
    assert missing == []


@pytest.mark.parametrize("path", ["/simulate", "/perturb"])
def test_a_body_made_up_from_the_schema_alone_is_refused_with_a_sentence(http, spec, path):
    """What /docs sent before the routes had examples: "string" for every name, which no entity has."""
    media = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    made_up = _made_up(spec, media["schema"])
    r = http.post(path, json=made_up)
    assert r.status_code in (404, 422)
    detail = r.json()["detail"]
    said = detail if isinstance(detail, str) else detail[0]["msg"]
    assert "string" in said and len(said) < 400  # the name that is unknown, quoted, in a short message


def test_the_docs_page_runs_the_simulate_example_unmodified(open_page, api_server):
    """In Swagger UI itself: Try it out, Execute, and the answer is a 200 with the model's classification."""
    p = open_page(f"{api_server}/docs#/mechanism/simulate_simulate_post", "document.querySelector('.opblock-body') !== null")
    block = p.page.locator("#operations-mechanism-simulate_simulate_post")
    block.locator("button.try-out__btn").click()
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table .response .response-col_status")
    status.first.wait_for(timeout=60_000)
    assert status.first.inner_text().strip() == "200"
    assert "classification" in block.locator(".live-responses-table .microlight").first.inner_text()
    status.first.scroll_into_view_if_needed()
    p.page.screenshot(path=str(ARTIFACTS / "docs-simulate.png"))
    p.clean()
