"""Settings: validated at start-up, safe defaults refused in production."""

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.config.settings import DEFAULT_SECRET_KEY

STRONG_KEY = "k" * 48


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret_key", [DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_a_weak_secret_key(secret_key: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        _settings(environment="production", secret_key=secret_key)


def test_production_refuses_debug() -> None:
    with pytest.raises(ValidationError, match="DEBUG"):
        _settings(environment="production", secret_key=STRONG_KEY, debug=True)


def test_production_logs_json_by_default() -> None:
    assert _settings(environment="production", secret_key=STRONG_KEY).json_logs
    assert not _settings(environment="development").json_logs


def test_cors_origins_accept_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert _settings().cors_origins == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///./app.db", "sqlite+aiosqlite"),
    ],
)
def test_plain_database_urls_get_the_async_driver(url: str, driver: str) -> None:
    assert _settings(database_url=url).async_database_url.drivername == driver


def test_unsupported_databases_are_refused_with_the_supported_list() -> None:
    with pytest.raises(ValidationError, match="supports"):
        _settings(database_url="oracle://db/app")


def test_malformed_rate_limits_are_refused() -> None:
    with pytest.raises(ValidationError, match="rate_limit_auth"):
        _settings(rate_limit_auth="ten per minute")
