"""The committed openapi.json is the document the code serves."""

import json
from pathlib import Path

from django.test import Client

from app.management.commands.openapi import export_openapi

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.json"


def test_committed_openapi_json_is_in_sync() -> None:
    assert json.loads(COMMITTED.read_text()) == json.loads(export_openapi()), (
        "openapi.json is stale: run `make openapi` and commit it"
    )


def test_the_document_is_served(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["version"] == "0.1.0"
    operation_ids = {
        operation["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
    }
    assert {"live", "ready", "listItems", "createItem", "deleteItem"} <= operation_ids
