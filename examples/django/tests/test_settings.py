"""Settings: typed, checked at start; production refuses what is unsafe, and says why."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from config.database import database_config
from config.env import DEFAULT_SECRET_KEY, Env, refuse_unsafe_production

STRONG_KEY = "k" * 48


def env(**values: Any) -> Env:
    return Env(_env_file=None, **values)


def test_unset_environment_means_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    assert env(secret_key=STRONG_KEY).is_production


@pytest.mark.parametrize("secret_key", [DEFAULT_SECRET_KEY, "x" * 31])
def test_production_refuses_a_weak_secret_key(secret_key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_unsafe_production(env(environment="production", secret_key=secret_key))


def test_production_refuses_debug() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        refuse_unsafe_production(env(environment="production", secret_key=STRONG_KEY, debug=True))


def test_development_accepts_the_placeholder_key() -> None:
    refuse_unsafe_production(env(environment="development"))


@pytest.mark.parametrize("proxies", ["*", "0.0.0.0/0", "not-an-address"])
def test_trusting_every_address_or_a_typo_is_refused(proxies: str) -> None:
    with pytest.raises(ValidationError):
        env(trusted_proxies=proxies)


def test_lists_are_comma_separated() -> None:
    parsed = env(cors_origins="https://a.example, https://b.example", trusted_proxies="10.1.2.3/8")
    assert parsed.cors_origins == ["https://a.example", "https://b.example"]
    assert parsed.trusted_proxies == ["10.0.0.0/8"]


def test_a_bad_rate_limit_is_refused() -> None:
    with pytest.raises(ValidationError):
        env(rate_limit_auth="often")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///./local.db", "./local.db"),
        ("sqlite+aiosqlite:////var/data/app.db", "/var/data/app.db"),
    ],
)
def test_sqlite_urls_as_people_paste_them(url: str, name: str) -> None:
    config = database_config(url)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == name


def test_another_database_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="unsupported database"):
        database_config("oracle://db/x")
