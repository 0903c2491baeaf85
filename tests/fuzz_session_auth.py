"""Schemathesis hook: sign every request in with a session, as a browser would.

A session needs two cookies (`session`, `csrftoken`) and the CSRF token echoed in a
header; a plain `--header Cookie: ...` would hide from schemathesis which part is the
credential. Loaded with SCHEMATHESIS_HOOKS=fuzz_session_auth by tests/test_fuzz.py,
which puts the values in FUZZ_SESSION and FUZZ_CSRF_TOKEN.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

CSRF_HEADER = "X-CSRFToken"


@schemathesis.auth()
class SessionCookies:
    def get(self, case: Any, context: Any) -> dict[str, str]:
        return {"session": os.environ["FUZZ_SESSION"], "csrftoken": os.environ["FUZZ_CSRF_TOKEN"]}

    def set(self, case: Any, data: dict[str, str], context: Any) -> None:
        case.cookies = {**(case.cookies or {}), **data}
        case.headers = {**(case.headers or {}), CSRF_HEADER: data["csrftoken"]}
