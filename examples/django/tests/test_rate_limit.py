"""Rate limits: 429 with Retry-After, stricter on login and register."""

from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper


def test_a_client_over_its_limit_gets_429_with_retry_after(
    db: None, settings: SettingsWrapper
) -> None:
    settings.ENV = settings.ENV.model_copy(
        update={"rate_limit_enabled": True, "rate_limit_auth": "2/minute"}
    )
    client = Client(REMOTE_ADDR="198.51.100.7")
    body = {"email": "nobody@example.com", "password": "wrong password"}
    statuses = [
        client.post("/api/v1/auth/login", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    limited = client.post("/api/v1/auth/login", body, content_type="application/json")
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited["Retry-After"]) >= 1
    assert Client(REMOTE_ADDR="198.51.100.8").get("/health/live").status_code == 200
