"""Operator commands: a refused setting stops each one with its reason, not a traceback."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.config import get_settings


@pytest.fixture
def refused_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Production with a short SECRET_KEY: settings that refuse to load."""
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "too-short")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("refused_settings")
@pytest.mark.parametrize("command", ["create-admin", "purge-expired"])
def test_a_refused_setting_stops_every_command_that_needs_settings(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADMIN_EMAIL", "root@example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", "a long enough password")
    monkeypatch.setattr(sys, "argv", ["python -m app.cli", command])
    assert cli.main() == 2
    output = capsys.readouterr()
    assert output.err.startswith("Refusing to start: "), output.err
    assert "SECRET_KEY must be a random value" in output.err
    assert output.out == ""


@pytest.mark.usefixtures("refused_settings")
def test_the_openapi_export_needs_no_deployment_secret() -> None:
    assert cli.export_openapi() == Path("openapi.json").read_text()
