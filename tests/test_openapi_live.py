"""Deep tier: a running service's OpenAPI export is the committed document's API.

The fast tier (test_openapi_documents.py) checks the committed documents; this checks
that what a service really serves is equivalent to them, whatever its framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import harness
import httpx
import pytest
from openapi_documents import committed, differences, normalise, standard_violations

if TYPE_CHECKING:
    from conftest import BuiltProject, Service

pytestmark = pytest.mark.deep


def test_live_export_is_equivalent_to_the_committed_document(service: Service) -> None:
    """GET /api/v1/openapi.json says the same API as includes/<framework>/openapi-<auth>.json."""
    response = httpx.get(f"{service.base_url}/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200, response.text[:500]
    live = response.json()
    reference = committed(service.combo["framework"], service.auth)
    found = differences(normalise(reference), normalise(live))
    assert found == [], "live export differs from the committed document:\n" + "\n".join(found)
    assert standard_violations(live, service.auth) == []


def test_make_openapi_on_a_fresh_render_changes_nothing(built_project: BuiltProject) -> None:
    """The committed openapi.json a render starts with is byte for byte what `make openapi`
    writes, so a team's first export shows no diff."""
    committed_file = built_project.project_dir / "openapi.json"
    before = committed_file.read_text()
    harness.make_ok(built_project.project_dir, "openapi", built_project.env())
    assert committed_file.read_text() == before
