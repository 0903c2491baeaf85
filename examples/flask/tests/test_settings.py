"""Settings: validated at start-up, safe defaults refused in production."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.config import Settings, get_settings
from app.config.settings import DEFAULT_SECRET_KEY

STRONG_KEY = "k" * 48


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret_key", [DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_a_weak_secret_key(secret_key: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        _settings(environment="production", secret_key=secret_key)


def test_without_environment_the_service_is_production_and_refuses_the_placeholder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        _settings()
    assert _settings(secret_key=STRONG_KEY).is_production


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_accept_the_placeholder(environment: str) -> None:
    settings = _settings(environment=environment, secret_key=DEFAULT_SECRET_KEY)
    assert settings.secret_key == DEFAULT_SECRET_KEY


def test_the_tests_never_read_the_developers_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("ENVIRONMENT=development\nRATE_LIMIT_AUTH=1/minute\n")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    try:
        settings = get_settings()
    finally:
        get_settings.cache_clear()
    assert settings.environment == "test"
    assert settings.rate_limit_auth == "10/minute"


def test_trusted_proxies_take_addresses_and_cidrs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.1.2.3/8, 192.0.2.7, 2001:db8::/32")
    assert _settings().trusted_proxies == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]


@pytest.mark.parametrize("proxies", ["*", "10.0.0.1, *", "proxy.internal", "10.0.0.0/33"])
def test_trusted_proxies_refuse_wildcards_and_non_addresses(proxies: str) -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        _settings(trusted_proxies=proxies)


@pytest.mark.parametrize("proxies", ["0.0.0.0/0", "10.0.0.1, ::/0", "192.0.2.1/0"])
def test_trusted_proxies_refuse_networks_that_hold_every_address(proxies: str) -> None:
    with pytest.raises(ValidationError, match="is every address, and trusting every address"):
        _settings(trusted_proxies=proxies)


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
        ("sqlite:///./app.db", "sqlite"),
        ("sqlite+aiosqlite:///./app.db", "sqlite"),
    ],
)
def test_every_pasted_database_url_gets_the_service_driver(url: str, driver: str) -> None:
    # The URLs a FastAPI service of this template accepts work here too.
    assert _settings(database_url=url).sqlalchemy_database_url.drivername == driver


def test_unsupported_databases_are_refused_with_the_supported_list() -> None:
    with pytest.raises(ValidationError, match="supports"):
        _settings(database_url="oracle://db/app")


def test_malformed_rate_limits_are_refused() -> None:
    with pytest.raises(ValidationError, match="rate_limit_auth"):
        _settings(rate_limit_auth="ten per minute")
