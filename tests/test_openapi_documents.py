"""One API, any framework: the committed OpenAPI documents keep STANDARDS.md section 2.

For each auth choice, every framework's committed document (the one a render starts
with) is equivalent to every other's and keeps the canonical list in
includes/openapi.yml. The deep tier compares a running service's export with its
committed document (test_openapi_live.py).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from matrix import choices
from openapi_documents import (
    committed,
    differences,
    frameworks,
    normalise,
    standard_violations,
)

AUTHS = [str(a) for a in choices("auth")]


@pytest.mark.parametrize("framework", frameworks())
@pytest.mark.parametrize("auth", AUTHS)
def test_committed_document_keeps_the_standard(framework: str, auth: str) -> None:
    """operationIds, tags, security, servers, info and schema names: as includes/openapi.yml."""
    assert standard_violations(committed(framework, auth), auth) == []


@pytest.mark.parametrize("license", [str(c) for c in choices("license")])
def test_committed_document_carries_the_chosen_license(license: str) -> None:
    """info.license follows the license answer (an SPDX identifier, none for Proprietary)."""
    for framework in frameworks():
        document = committed(framework, "jwt", license=license)
        assert standard_violations(document, "jwt", license=license) == []


@pytest.mark.parametrize("auth", AUTHS)
def test_every_framework_documents_the_same_api(auth: str) -> None:
    """For one auth choice, each framework's document is equivalent to the first one's."""
    first, *others = frameworks()
    reference = normalise(committed(first, auth))
    for framework in others:
        found = differences(reference, normalise(committed(framework, auth)))
        assert found == [], f"{framework} differs from {first} ({auth}):\n" + "\n".join(found)


# Each edit changes the API a client sees; the comparison must catch it.
def _rename_operation(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v1/items"]["get"]["operationId"] = "list_items_api_v1_items_get"


def _drop_status(doc: dict[str, Any]) -> None:
    del doc["paths"]["/api/v1/items/{item_id}"]["get"]["responses"]["404"]


def _change_media_type(doc: dict[str, Any]) -> None:
    body = doc["paths"]["/api/v1/items"]["post"]["requestBody"]
    body["content"] = {"application/x-www-form-urlencoded": body["content"]["application/json"]}


def _rename_schema(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    schemas["Envelope_ItemRead_"] = schemas.pop("ItemEnvelope")
    text = json.dumps(doc).replace('/ItemEnvelope"', '/Envelope_ItemRead_"')
    doc.clear()
    doc.update(json.loads(text))


def _rename_parameter(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v1/items"]["get"]["parameters"][0]["name"] = "pageNumber"


def _require_parameter(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v1/items"]["get"]["parameters"][0]["required"] = True


def _add_method(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v1/items"]["delete"] = {"operationId": "purge", "responses": {}}


def _make_public(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v1/items"]["get"]["security"] = []


def _drop_field(doc: dict[str, Any]) -> None:
    del doc["components"]["schemas"]["ItemRead"]["properties"]["description"]


def _change_body_schema(doc: dict[str, Any]) -> None:
    content = doc["paths"]["/api/v1/items/{item_id}"]["put"]["requestBody"]["content"]
    content["application/json"]["schema"] = {"$ref": "#/components/schemas/ItemUpdate"}


API_CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "operationId": _rename_operation,
    "status code": _drop_status,
    "media type": _change_media_type,
    "schema name": _rename_schema,
    "parameter name": _rename_parameter,
    "parameter required": _require_parameter,
    "method": _add_method,
    "security": _make_public,
    "schema field": _drop_field,
    "request body": _change_body_schema,
}


@pytest.mark.parametrize("change", API_CHANGES, ids=list(API_CHANGES))
def test_differences_catch_a_changed_api(change: str) -> None:
    """Two documents that differ in what a client sees are reported as different."""
    document = committed(frameworks()[0], "jwt")
    changed = copy.deepcopy(document)
    API_CHANGES[change](changed)
    assert differences(normalise(document), normalise(changed)) != []


def _shuffled(node: Any, rng: random.Random) -> Any:
    if isinstance(node, dict):
        keys = list(node)
        rng.shuffle(keys)
        return {k: _shuffled(node[k], rng) for k in keys}
    if isinstance(node, list):
        return [_shuffled(v, rng) for v in node]
    return node


def test_differences_ignore_wording_and_key_order() -> None:
    """Descriptions, summaries, titles and key order may differ between frameworks."""
    document = committed(frameworks()[0], "jwt")
    reworded = _shuffled(copy.deepcopy(document), random.Random(7))
    reworded["info"]["title"] = "Another title"
    reworded["info"]["description"] = "Said differently."
    for item in reworded["paths"].values():
        for operation in item.values():
            operation["summary"] = operation["description"] = "Reworded."
    for schema in reworded["components"]["schemas"].values():
        schema["description"] = "Reworded."
        schema.pop("title", None)
    assert differences(normalise(document), normalise(reworded)) == []


@pytest.mark.parametrize(
    ("edit", "complaint"),
    [
        (_rename_operation, "operationIds"),
        (_rename_schema, "schemas"),
        (_make_public, "listItems has security"),
        (lambda doc: doc.pop("servers"), "servers"),
        (lambda doc: doc["info"].pop("license"), "info.license"),
        (lambda doc: doc["paths"]["/health/live"]["get"].update(tags=["probes"]), "live has tags"),
    ],
    ids=["operationId", "schema name", "security", "servers", "license", "tag"],
)
def test_standard_violations_are_reported(
    edit: Callable[[dict[str, Any]], Any], complaint: str
) -> None:
    """A document that departs from includes/openapi.yml is reported, saying where."""
    document = committed(frameworks()[0], "jwt")
    edit(document)
    found = standard_violations(document, "jwt")
    assert any(complaint in line for line in found), found
