"""The OpenAPI document: complete, and the committed export in sync with the code."""

import json
from pathlib import Path

from httpx import AsyncClient

from app.cli import export_openapi

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.json"


def test_committed_openapi_json_matches_the_code() -> None:
    assert json.loads(COMMITTED.read_text()) == json.loads(export_openapi()), (
        "openapi.json is stale: run `make openapi` and commit it"
    )


async def test_every_operation_documents_the_error_envelope(client: AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            assert errors, f"{method} {path} documents no error"
            for code in errors:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema["$ref"].endswith("/ErrorEnvelope"), f"{method} {path} {code}"


async def test_docs_page_is_served(client: AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
