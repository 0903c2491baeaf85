"""Health probes."""

import pytest

from tests.clients import ApiClient


def test_live_reports_ok(client: ApiClient) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json["data"] == {"status": "ok"}


def test_ready_checks_the_database(client: ApiClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json["data"] == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_probes_answer_head_without_a_body(client: ApiClient, path: str) -> None:
    response = client.head(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) > 0  # what GET would send
    assert response.data == b""


def test_head_on_an_unknown_path_is_a_404_without_a_body(client: ApiClient) -> None:
    response = client.head("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.data == b""
