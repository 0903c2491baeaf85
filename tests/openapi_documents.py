"""One API, any framework (STANDARDS.md section 2): what an OpenAPI document must say.

`normalise` keeps what a generated client, a gateway route or a catalogue entry depends
on (paths, methods, operationIds, tags, security, parameters, request bodies, status
codes, media types, schema names and fields) and drops what may differ between
frameworks (descriptions, summaries, titles, examples, key order). Two documents are
equivalent when `differences` between their normal forms is empty. `standard_violations`
checks one document against the canonical list in includes/openapi.yml.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jinja2
from matrix import CONFIG, TEMPLATE_ROOT, choices

STANDARD: dict[str, Any] = CONFIG["openapi_contract"]["default"]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PASCAL_CASE = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$")
DEFAULT_LICENSE: str = CONFIG["license"]["default"]


def committed_path(framework: str, auth: str) -> Path:
    """Where the template keeps a framework's document for one auth choice."""
    return TEMPLATE_ROOT / "includes" / framework / f"openapi-{auth}.json"


def committed(framework: str, auth: str, **answers: str) -> dict[str, Any]:
    """The committed document as a render with `answers` (name, description, license) gets it."""
    values = {"project_name": "Example", "description": "An example.", "license": DEFAULT_LICENSE}
    # As Copier renders it (copier.yml: trim_blocks, lstrip_blocks).
    template = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(
        committed_path(framework, auth).read_text()
    )
    text = template.render(values | answers)
    return dict(json.loads(text))


def frameworks() -> list[str]:
    """Every framework the template offers (copier.yml)."""
    return [str(f) for f in choices("framework")]


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s that point at anything but a component schema."""
    while isinstance(node, dict) and "$ref" in node and "/schemas/" not in node["$ref"]:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _schema(schema: Any) -> Any:
    """A schema as the comparison sees it: the component it names, or its shape."""
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return {combinator: sorted(json.dumps(_schema(s)) for s in schema[combinator])}
    if schema.get("type") == "array":
        return ["array", _schema(schema.get("items"))]
    return schema.get("type")


def _content(document: dict[str, Any], content: dict[str, Any] | None) -> dict[str, Any]:
    return {
        media: _schema(_resolve(document, body.get("schema")))
        for media, body in (content or {}).items()
    }


def _operation(document: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> Any:
    parameters = [
        _resolve(document, p) for p in [*item.get("parameters", []), *op.get("parameters", [])]
    ]
    body = _resolve(document, op.get("requestBody"))
    security = op.get("security", document.get("security"))
    return {
        "operationId": op.get("operationId"),
        "tags": sorted(op.get("tags", [])),
        "security": None if security is None else sorted(sorted(r) for r in security),
        "parameters": sorted(
            [p["in"], p["name"], bool(p.get("required")), json.dumps(_schema(p.get("schema")))]
            for p in parameters
        ),
        "requestBody": None
        if body is None
        else {
            "required": bool(body.get("required")),
            "content": _content(document, body.get("content")),
        },
        "responses": {
            str(status): _content(document, _resolve(document, response).get("content"))
            for status, response in op.get("responses", {}).items()
        },
    }


def _component(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "properties": sorted(schema.get("properties", {})),
        "required": sorted(schema.get("required", [])),
        "enum": sorted(map(str, schema.get("enum", []))),
    }


def normalise(document: dict[str, Any]) -> dict[str, Any]:
    """What must be the same in every framework's document for one auth choice."""
    components = document.get("components", {})
    info = document.get("info", {})
    return {
        "info": {"version": info.get("version"), "license": info.get("license")},
        "servers": [server.get("url") for server in document.get("servers", [])],
        "operations": {
            f"{method.upper()} {path}": _operation(document, item, op)
            for path, item in document.get("paths", {}).items()
            for method, op in item.items()
            if method in METHODS
        },
        "schemas": {name: _component(s) for name, s in components.get("schemas", {}).items()},
        "securitySchemes": {
            name: {k: scheme.get(k) for k in ("type", "scheme", "in", "name")}
            for name, scheme in components.get("securitySchemes", {}).items()
        },
    }


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Every place where two normal forms differ, one line each (empty: equivalent)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b), key=str):
            here = f"{where}.{key}" if where else str(key)
            if key not in b:
                found.append(f"{here}: only in the first document")
            elif key not in a:
                found.append(f"{here}: only in the second document")
            else:
                found += differences(a[key], b[key], here)
        return found
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def expected_operations(auth: str) -> dict[str, dict[str, Any]]:
    """The operations of the canonical list that a service with `auth` has."""
    return {
        operation_id: spec
        for operation_id, spec in STANDARD["operations"].items()
        if auth in spec.get("auth", choices("auth"))
    }


def standard_violations(
    document: dict[str, Any], auth: str, license: str = DEFAULT_LICENSE
) -> list[str]:
    """Where `document` departs from includes/openapi.yml for `auth` (empty: it keeps it)."""
    found = []
    info = document.get("info", {})
    if info.get("version") != STANDARD["info_version"]:
        found.append(f"info.version is {info.get('version')!r}")
    wanted_license = (
        {"name": license} if license == "Proprietary" else {"name": license, "identifier": license}
    )
    if info.get("license") != wanted_license:
        found.append(f"info.license is {info.get('license')!r}, not {wanted_license!r}")
    if document.get("servers") != STANDARD["servers"]:
        found.append(f"servers is {document.get('servers')!r}")
    schemes = {
        name: {k: v for k, v in scheme.items() if k in ("type", "scheme", "in", "name")}
        for name, scheme in document.get("components", {}).get("securitySchemes", {}).items()
    }
    if schemes != STANDARD["security_schemes"][auth]:
        found.append(f"securitySchemes are {schemes!r}")
    schema_names = sorted(document.get("components", {}).get("schemas", {}))
    if schema_names != sorted(STANDARD["schemas"][auth]):
        wanted = set(STANDARD["schemas"][auth])
        found.append(
            f"schemas: unexpected {sorted(set(schema_names) - wanted)}, "
            f"missing {sorted(wanted - set(schema_names))}"
        )
    found += [
        f"schema name {name!r} is not PascalCase"
        for name in schema_names
        if not PASCAL_CASE.match(name)
    ]
    operations = {
        op.get("operationId"): (method, path, op)
        for path, item in document.get("paths", {}).items()
        for method, op in item.items()
        if method in METHODS
    }
    expected = expected_operations(auth)
    if set(operations) != set(expected):
        found.append(
            f"operationIds: unexpected {sorted(map(str, set(operations) - set(expected)))}, "
            f"missing {sorted(set(expected) - set(operations))}"
        )
    scheme = next(iter(STANDARD["security_schemes"][auth]), None)
    for operation_id, spec in expected.items():
        if operation_id not in operations:
            continue
        method, path, op = operations[operation_id]
        if (method, path) != (spec["method"], spec["path"]):
            wanted = f"{spec['method'].upper()} {spec['path']}"
            found.append(f"{operation_id} is {method.upper()} {path}, not {wanted}")
        if op.get("tags") != [spec["tag"]]:
            found.append(f"{operation_id} has tags {op.get('tags')!r}, not [{spec['tag']!r}]")
        public = spec.get("public", False) or auth == "none"
        wanted_security = [] if public else [{scheme: []}]
        if op.get("security") != wanted_security:
            found.append(
                f"{operation_id} has security {op.get('security')!r}, not {wanted_security!r}"
            )
    return found
