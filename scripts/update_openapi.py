"""Regenerate the committed OpenAPI documents that renders start with.

A rendered service keeps `openapi.json` in sync with its code (a test checks it),
so its first render must ship the right document. The document depends only on
the framework and the auth choice; the project's name, description and license
are put back as template variables. Run after changing any route or schema:

    uv run python scripts/update_openapi.py            # every framework
    uv run python scripts/update_openapi.py express    # only these
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from matrix import choices, render  # noqa: E402

NAME, DESCRIPTION = "Openapi Placeholder", "Openapi placeholder description."
LICENSE = "MIT"
# info.license as Jinja over the license answer (the export is made with LICENSE), laid
# out as `make openapi` writes it, so a fresh render's export has no diff.
LICENSE_JINJA = """{
{% if license == 'Proprietary' %}
      "name": "Proprietary"
{% else %}
      "identifier": {{ license | tojson }},
      "name": {{ license | tojson }}
{% endif %}
    }"""


def replace_license(text: str) -> str:
    """`text` with its info.license object written as Jinja over the license answer."""
    document = json.loads(text)
    assert document["info"]["license"] == {"identifier": LICENSE, "name": LICENSE}, document["info"]
    rendered = json.dumps(document["info"]["license"], indent=2).replace("\n", "\n    ")
    assert text.count(f'"license": {rendered}') == 1, "info.license not found in the export"
    return text.replace(f'"license": {rendered}', f'"license": {LICENSE_JINJA}')


def main() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.setdefault("UV_PYTHON", sys.executable)
    for framework in sys.argv[1:] or choices("framework"):
        for auth in choices("auth"):
            target = ROOT / "includes" / framework / f"openapi-{auth}.json"
            if not target.exists():  # the first render needs something to include
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("{}\n")
            with tempfile.TemporaryDirectory() as tmp:
                project = Path(tmp) / "svc"
                data = {
                    "framework": framework,
                    "auth": auth,
                    "project_name": NAME,
                    "description": DESCRIPTION,
                    "license": LICENSE,
                }
                render(project, data)
                subprocess.run(
                    ["make", "install", "openapi"],
                    cwd=project,
                    env=env,
                    check=True,
                    capture_output=True,
                )
                document = json.loads((project / "openapi.json").read_text())
            text = replace_license(json.dumps(document, indent=2, sort_keys=True) + "\n")
            text = text.replace(json.dumps(NAME), "{{ project_name | tojson }}")
            text = text.replace(json.dumps(DESCRIPTION), "{{ description | tojson }}")
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
