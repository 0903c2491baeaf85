"""Liveness and readiness probes."""

from django.test import Client


def test_liveness_answers_ok(client: Client) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {"status": "ok"}
    assert body["timestamp"].endswith("Z")


def test_readiness_checks_the_database(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["data"] == {"status": "ok", "database": "ok"}


def test_head_answers_like_get(client: Client) -> None:
    get = client.get("/health/live")
    head = client.head("/health/live")
    assert head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head["Content-Length"] == get["Content-Length"]
