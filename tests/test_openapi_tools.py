"""Third-party OpenAPI tools accept the committed documents (STANDARDS.md section 2).

A widely used linter (Redocly CLI, its `recommended` rules) finds no error, and a common
generator (openapi-python-client) makes a client whose functions are named after the
operationIds. Slower than the rest of the fast tier: the linter comes from the npm
registry through npx (its cache is npm's, `$npm_config_cache` when set).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from matrix import choices
from openapi_documents import STANDARD, committed, expected_operations, frameworks

pytestmark = pytest.mark.tools

REDOCLY = "@redocly/cli@2.77.0"
AUTHS = [str(a) for a in choices("auth")]
DOCUMENTS = [(f, a) for f in frameworks() for a in AUTHS]


def write_document(framework: str, auth: str, directory: Path) -> Path:
    path = directory / f"openapi-{framework}-{auth}.json"
    path.write_text(json.dumps(committed(framework, auth), indent=2))
    return path


def snake_case(name: str) -> str:
    """`getMe` -> `get_me`: how Python generators name an operation's function."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize(("framework", "auth"), DOCUMENTS, ids=["-".join(d) for d in DOCUMENTS])
def test_document_passes_the_linters_recommended_rules(
    framework: str, auth: str, tmp_path: Path
) -> None:
    """`redocly lint --extends=recommended` reports zero errors."""
    npx = shutil.which("npx")
    assert npx, "npx (Node.js) is needed to run the OpenAPI linter"
    document = write_document(framework, auth, tmp_path)
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    result = subprocess.run(
        [npx, "--yes", REDOCLY, "lint", "--extends=recommended", "--format=json", str(document)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout[result.stdout.index("{") :])
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert report["totals"]["errors"] == 0, json.dumps(errors, indent=2)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize(("framework", "auth"), DOCUMENTS, ids=["-".join(d) for d in DOCUMENTS])
def test_generated_client_is_named_after_the_operation_ids(
    framework: str, auth: str, tmp_path: Path
) -> None:
    """openapi-python-client makes `api/<tag>/<operation>.py` (`list_items`, `get_me`...) and
    one model per component schema, with no warning."""
    document = write_document(framework, auth, tmp_path)
    generator = Path(sys.executable).with_name("openapi-python-client")
    output = tmp_path / "client"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            f"--path={document}",
            f"--output-path={output}",
            "--meta=none",
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for operation_id, spec in expected_operations(auth).items():
        module = output / "api" / spec["tag"] / f"{snake_case(operation_id)}.py"
        assert module.is_file(), f"{operation_id}: no {module.relative_to(output)}"
        functions = {
            node.name
            for node in ast.parse(module.read_text()).body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert {"sync_detailed", "asyncio_detailed"} <= functions, (operation_id, functions)
    models = ast.parse((output / "models" / "__init__.py").read_text())
    (exported,) = (
        ast.literal_eval(node.value)
        for node in models.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__"
    )
    assert set(STANDARD["schemas"][auth]) <= set(exported)
