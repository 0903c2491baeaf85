"""The environment, typed: every setting the service reads, validated when settings load."""

import ipaddress
import os
from typing import Annotated, Literal

from django.core.exceptions import ImproperlyConfigured
from limits import parse
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The local database is named after the service; DATABASE_URL replaces the whole URL.
DATABASE_NAME = "my_service"
# Accepted in development and tests only; production (the default) refuses it.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
MIN_SECRET_KEY_LENGTH = 32
# Each Argon2 hash holds 64 MiB while it runs: a few at a time per worker process.
MAX_DEFAULT_HASH_CONCURRENCY = 4
_TRUST_EVERYONE = (
    "trusting every address would let any client choose its own address (and escape "
    "rate limits); list your proxies' addresses or CIDRs, e.g. 10.0.0.0/8"
)


def default_hash_concurrency() -> int:
    """The CPUs this process may run on (its affinity, not the host's count), at most 4."""
    if hasattr(os, "sched_getaffinity"):  # Linux: honours taskset and cpusets
        available = len(os.sched_getaffinity(0))
    else:
        available = os.cpu_count() or 1
    return min(available, MAX_DEFAULT_HASH_CONCURRENCY)


class Env(BaseSettings):
    """Every variable the service reads; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Unset means production: development is what the generated `.env` opts into.
    environment: Literal["development", "test", "production"] = "production"
    secret_key: str = DEFAULT_SECRET_KEY
    debug: bool = False

    database_url: str = f"sqlite:///./{DATABASE_NAME}.db"
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    redis_url: str | None = None  # unset: rate-limit counters in process memory

    cors_origins: Annotated[list[str], NoDecode] = []
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    # On SIGTERM, requests in flight get this long to finish.
    shutdown_grace_seconds: int = Field(default=20, ge=0)
    # Proxies (addresses or CIDRs) whose X-Forwarded-For is believed; the client is the
    # rightmost address no trusted proxy owns. Empty: the peer address is the client.
    trusted_proxies: Annotated[list[str], NoDecode] = []

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["json", "console"] | None = None  # None: json in production

    # GET /metrics serves Prometheus text (per worker process); off: a 404.
    metrics_enabled: bool = False

    max_body_bytes: int = Field(default=1_048_576, ge=1)
    rate_limit_enabled: bool = True
    rate_limit_default: str = "1000/minute"
    rate_limit_auth: str = "10/minute"
    # Set: traces go to this OpenTelemetry collector (OTLP over HTTP); unset: no tracing.
    otel_exporter_otlp_endpoint: str | None = None
    # Password hashes running at once, per worker process; the rest queue.
    password_hash_concurrency: int = Field(default_factory=default_hash_concurrency, ge=1)

    access_token_ttl_seconds: int = Field(default=900, ge=1)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, ge=1)
    jwt_issuer: str | None = None
    jwt_audience: str | None = None

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: list[str]) -> list[str]:
        if "*" in value:
            msg = f"'*' is refused: {_TRUST_EVERYONE}"
            raise ValueError(msg)
        networks = [ipaddress.ip_network(proxy, strict=False) for proxy in value]
        for network in networks:
            if network.prefixlen == 0:  # 0.0.0.0/0, ::/0: every address, '*' by another name
                msg = f"{network} is refused: it is every address, and {_TRUST_EVERYONE}"
                raise ValueError(msg)
        return [str(network) for network in networks]

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("rate_limit_default", "rate_limit_auth")
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        parse(value)  # raises ValueError with the reason
        return value

    @property
    def is_production(self) -> bool:
        """True when running in production."""
        return self.environment == "production"

    @property
    def json_logs(self) -> bool:
        """JSON log lines in production unless LOG_FORMAT says otherwise."""
        return (self.log_format or ("json" if self.is_production else "console")) == "json"

    def production_refusals(self) -> list[str]:
        """Why this environment must not serve production (empty: it may)."""
        if not self.is_production:
            return []
        refusals = []
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            refusals.append(
                f"SECRET_KEY must be a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters in production, which is what an unset ENVIRONMENT means "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))'; "
                "for local work set ENVIRONMENT=development)"
            )
        if self.debug:
            refusals.append("DEBUG must be off in production")
        return refusals


def refusal(exc: ValidationError) -> str:
    """Why the environment stops the start, on one line for the operator."""
    reasons = "; ".join(
        f"{'.'.join(map(str, e['loc'])).upper() or 'settings'}: {e['msg']}" for e in exc.errors()
    )
    return f"Refusing to start: {reasons}"


def refuse_unsafe_production(env: Env) -> None:
    """Stop a production start with a weak SECRET_KEY or DEBUG on, saying why."""
    refusals = env.production_refusals()
    if refusals:
        raise ImproperlyConfigured("Refusing to start: " + "; ".join(refusals))
