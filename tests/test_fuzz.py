"""Schema fuzzing: schemathesis against every combination's running service.

It reads the service's own OpenAPI document and sends generated requests, valid
and invalid, to every operation, signed in as an admin where auth is on. Every
check it has must pass: no server error, every status code and body (the error
envelope included) as documented, invalid input refused, valid input accepted.
The service runs on its own database with rate limits raised out of reach (the
limiter still runs), so the fuzzer reaches the logic behind sign-in too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import harness
import pytest
from contract.api import ApiClient, expect_success

if TYPE_CHECKING:
    from conftest import Service

# Fixed, so a failure in CI replays here with the same seed (`st replay` or a rerun).
SEED = "20261122"
EXAMPLES_PER_OPERATION = "25"


def signed_in(service: Service) -> tuple[list[str], dict[str, str]]:
    """Schemathesis options and environment that sign requests in as the admin."""
    if service.auth == "none":
        return [], {}
    admin = ApiClient(service.base_url, service.auth)
    expect_success(admin.login(service.admin_email, service.admin_password))
    if service.auth == "jwt":
        return [f"--header=Authorization: Bearer {admin.access_token}"], {}
    session = {
        "SCHEMATHESIS_HOOKS": "fuzz_session_auth",
        "PYTHONPATH": str(Path(__file__).parent),
        "FUZZ_SESSION": admin.http.cookies["session"],
        "FUZZ_CSRF_TOKEN": admin.csrf_token(),
    }
    # Signing out would end the fuzzer's own session; the contract suite covers it.
    return ["--exclude-path=/api/v1/auth/logout"], session


def test_schemathesis_finds_no_failure(fuzzed_service: Service, tmp_path: Path) -> None:
    """Every schemathesis check passes on every operation of the OpenAPI document."""
    service = fuzzed_service
    options, env = signed_in(service)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{service.base_url}/api/v1/openapi.json",
        "--checks=all",
        f"--max-examples={EXAMPLES_PER_OPERATION}",
        f"--seed={SEED}",
        "--no-color",
        *options,
    ]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"schemathesis found failures (seed {SEED}):\n{harness.tail(result.stdout, 200)}\n"
            f"{harness.tail(result.stderr, 30)}\n"
            f"--- server log (tail) ---\n{harness.tail(service.log(), 60)}",
            pytrace=False,
        )
    selected = re.search(r"Selected: (\d+)/(\d+)", result.stdout)
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert selected, harness.tail(result.stdout, 40)
    assert tested, harness.tail(result.stdout, 40)
    assert int(tested.group(1)) == int(selected.group(1)) > 0, harness.tail(result.stdout, 40)
