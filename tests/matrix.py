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


def load_copier_config(text: str | None = None) -> dict[str, Any]:
    """copier.yml (or `text`, a copier.yml of another release) merged with its includes,
    as Copier sees it."""
    text = (TEMPLATE_ROOT / "copier.yml").read_text() if text is None else text
    merged: dict[str, Any] = {}
    for document in yaml.load_all(text, Loader=_Loader):
        merged.update(document or {})
    return merged


CONFIG = load_copier_config()


def choices(question: str, config: dict[str, Any] | None = None) -> list[Any]:
    """The values a question accepts, in the order copier.yml (or `config`) lists them."""
    raw = (CONFIG if config is None else config)[question]["choices"]
    return list(raw.values()) if isinstance(raw, dict) else list(raw)


ERROR_CODES: dict[str, int] = CONFIG["error_codes"]["default"]

# The answers that shape a service's code; python_version, license and CI only
# change files that the fast tier checks on their own.
AXES = ("framework", "database", "auth", "use_redis")

Combo = dict[str, Any]


def axis_values(config: dict[str, Any] | None = None) -> dict[str, list[Any]]:
    """Each axis and its values, in copier.yml's order (a bool question: False, True)."""
    config = CONFIG if config is None else config
    return {
        axis: [False, True] if config[axis].get("type") == "bool" else choices(axis, config)
        for axis in AXES
    }


def combinations(values: dict[str, list[Any]] | None = None) -> list[Combo]:
    """Every combination of the answers that shape a rendered service."""
    values = axis_values() if values is None else values
    return [dict(zip(values, combo, strict=True)) for combo in itertools.product(*values.values())]


def combo_id(combo: Combo) -> str:
    """A short, readable test id: fastapi-postgresql-jwt-redis."""
    parts = [combo["framework"], combo["database"], combo["auth"]]
    return "-".join([*parts, "redis" if combo["use_redis"] else "memory"])


def _default_answer(question: dict[str, Any], values: list[Any], context: Combo) -> Any:
    """A question's default for the answers given so far, as Copier would compute it.

    A Jinja default is rendered with those answers; one that does not resolve to a
    value of the axis (it needs a computed value, say) falls back to the first value.
    """
    default = question.get("default")
    if isinstance(default, str) and "{" in default:
        import jinja2

        environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
        try:
            default = environment.from_string(default).render(**context).strip()
        except jinja2.TemplateError:
            return values[0]
    if isinstance(values[0], bool) and isinstance(default, str):
        default = default.lower() in {"true", "yes", "1"}
    return default if default in values else values[0]


def default_combinations(
    values: dict[str, list[Any]] | None = None, config: dict[str, Any] | None = None
) -> list[Combo]:
    """Per framework, the combination copier.yml's default answers give."""
    values = axis_values() if values is None else values
    config = CONFIG if config is None else config
    defaults = []
    for framework in values["framework"]:
        combo: Combo = {"framework": framework}
        for axis in AXES[1:]:
            combo[axis] = _default_answer(config[axis], values[axis], combo)
        defaults.append(combo)
    return defaults


def _pairs(combo: Combo) -> set[tuple[tuple[str, Any], tuple[str, Any]]]:
    """The pairs of (axis, value) a combination covers."""
    return {((a, combo[a]), (b, combo[b])) for a, b in itertools.combinations(combo, 2)}


def covering_set(values: dict[str, list[Any]], seeds: list[Combo]) -> list[Combo]:
    """A pairwise covering array: every pair of values of any two axes is in a combination.

    Greedy and deterministic. It starts from `seeds`; while a pair is uncovered it
    adds the combination that scores best: the most uncovered pairs, then the fewest
    pairs already covered (counted over the combinations chosen so far), then the
    first in `combinations(values)` order. Last, it drops each added combination
    (newest first) whose pairs the others cover.
    """
    candidates = combinations(values)
    unknown = [seed for seed in seeds if seed not in candidates]
    if unknown:
        raise ValueError(f"not combinations of {list(values)}: {unknown}")
    every_pair = set().union(*(_pairs(combo) for combo in candidates))
    chosen = list(seeds)
    uncovered = every_pair.difference(*(_pairs(combo) for combo in chosen))

    def score(combo: Combo) -> tuple[int, int]:
        pairs = _pairs(combo)
        return len(pairs & uncovered), -sum(len(pairs & _pairs(row)) for row in chosen)

    while uncovered:
        chosen.append(max(candidates, key=score))  # max keeps the first of equal scores
        uncovered -= _pairs(chosen[-1])
    for index in reversed(range(len(seeds), len(chosen))):
        others = chosen[:index] + chosen[index + 1 :]
        if not every_pair.difference(*(_pairs(combo) for combo in others)):
            del chosen[index]
    return chosen


def covering_combinations(
    values: dict[str, list[Any]] | None = None, config: dict[str, Any] | None = None
) -> list[Combo]:
    """The deep tiers' default selection: every framework's default combination, then
    the combinations that cover every remaining pair."""
    values = axis_values() if values is None else values
    return covering_set(values, default_combinations(values, config))


def frameworks_with(answers: Combo, combos: list[Combo]) -> set[str]:
    """The frameworks of the combinations that have these answers (a `combos` mark's)."""
    return {
        combo["framework"] for combo in combos if all(combo[k] == v for k, v in answers.items())
    }


MATRIX = combinations()
COVERING = covering_combinations()
# `pytest --matrix=...`: which combinations the deep, contract, fuzz and update tiers run.
SELECTIONS: dict[str, list[Combo]] = {"covering": COVERING, "full": MATRIX}


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
