"""The starter page's settings, from the environment (docs/starter.md lists them)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The template repository this package lives in.
REPO_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    number = int(value)
    if number < 0:
        raise ValueError(f"{name} must not be negative")
    return number


@dataclass(frozen=True)
class Settings:
    # Where Copier reads the template, and what each service's answers file records
    # as `_src_path`, so `copier update` in a downloaded service finds it: a git URL
    # or an absolute path. Default: this repository's own folder.
    template_url: str
    # A tag, branch or commit; empty: Copier's choice (the newest PEP 440 tag, else HEAD).
    template_ref: str | None
    host: str
    port: int
    max_renders: int  # renders at once (each is a process; about one core each)
    queue_seconds: int  # how long a request waits for a free render slot before 503
    max_queued: int  # requests waiting for a slot; more get 503 at once
    render_timeout: int  # seconds per render, then it is killed
    renders_per_minute: int  # per client address: /starter.zip and the form's Generate
    requests_per_minute: int  # per client address: every other request
    max_request_bytes: int  # URL (path + query) or body; larger gets 413/414
    hsts: bool

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            template_url=os.environ.get("TEMPLATE_URL", "").strip() or str(REPO_ROOT),
            template_ref=os.environ.get("TEMPLATE_REF", "").strip() or None,
            host=os.environ.get("HOST", "127.0.0.1"),
            port=_int("PORT", 8080),
            max_renders=max(1, _int("STARTER_MAX_RENDERS", 2)),
            queue_seconds=_int("STARTER_QUEUE_SECONDS", 60),
            max_queued=_int("STARTER_MAX_QUEUED", 16),
            render_timeout=max(1, _int("STARTER_RENDER_TIMEOUT", 300)),
            renders_per_minute=_int("STARTER_RENDERS_PER_MINUTE", 10),
            requests_per_minute=_int("STARTER_REQUESTS_PER_MINUTE", 600),
            max_request_bytes=max(256, _int("STARTER_MAX_REQUEST_BYTES", 8192)),
            hsts=os.environ.get("STARTER_HSTS", "").lower() in {"1", "true", "yes"},
        )
