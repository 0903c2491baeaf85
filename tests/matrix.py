"""The option matrix, read from copier.yml so the questions stay its only source."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent


class _Loader(yaml.SafeLoader):
    """Reads copier.yml, following its `!include` documents."""


def _include(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
    path = TEMPLATE_ROOT / loader.construct_scalar(node)  # type: ignore[arg-type]
    return yaml.load(path.read_text(), Loader=_Loader)


_Loader.add_constructor("!include", _include)


def load_copier_config() -> dict[str, Any]:
    """copier.yml merged with its includes, as Copier sees it."""
    merged: dict[str, Any] = {}
    for document in yaml.load_all((TEMPLATE_ROOT / "copier.yml").read_text(), Loader=_Loader):
        merged.update(document or {})
    return merged


CONFIG = load_copier_config()


def choices(question: str) -> list[Any]:
    """The values a question accepts, in the order copier.yml lists them."""
    raw = CONFIG[question]["choices"]
    return list(raw.values()) if isinstance(raw, dict) else list(raw)


ERROR_CODES: dict[str, int] = CONFIG["error_codes"]["default"]

# The answers that shape a service's code; python_version, license and CI only
# change files that the fast tier checks on their own.
AXES = ("framework", "database", "auth", "use_redis")


def combinations() -> list[dict[str, Any]]:
    """Every combination of the answers that shape a rendered service."""
    values = [choices(a) if a != "use_redis" else [False, True] for a in AXES]
    return [dict(zip(AXES, combo, strict=True)) for combo in itertools.product(*values)]


def combo_id(combo: dict[str, Any]) -> str:
    """A short, readable test id: fastapi-postgresql-jwt-redis."""
    parts = [combo["framework"], combo["database"], combo["auth"]]
    return "-".join([*parts, "redis" if combo["use_redis"] else "memory"])


MATRIX = combinations()


def render(
    dst: Path, answers: dict[str, Any] | None = None, *, lock: bool = True, **options: Any
) -> Path:
    """Render the template's working tree (uncommitted edits included) into `dst`.

    `lock=False` skips the post-copy `uv lock` (seconds and the registry per render;
    its result follows the registry, not the template). `options` go to
    `copier.run_copy` as they are (e.g. `overwrite=True`).
    """
    import warnings

    import copier  # deferred: importing Copier is slow and not every user renders
    from copier.errors import DirtyLocalWarning
    from plumbum import local  # Copier's tasks get their environment from here

    skip_lock = {} if lock else {"COPIER_BACKEND_SKIP_LOCK": "1"}
    with warnings.catch_warnings(), local.env(**skip_lock):
        # Rendering the working tree, uncommitted edits included, is the point here.
        warnings.simplefilter("ignore", DirtyLocalWarning)
        copier.run_copy(
            str(TEMPLATE_ROOT),
            dst,
            data=answers or {},
            defaults=True,
            unsafe=True,
            vcs_ref="HEAD",
            quiet=True,
            **options,
        )
    return dst
