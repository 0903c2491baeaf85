"""Fast tier: the covering set the deep, contract, fuzz and update tiers run on.

Every pair of values of any two axes must be in one of its combinations, every
framework's default combination must be in, and it must stay small as
copier.yml grows (shown on synthetic matrices with more frameworks).
"""

from __future__ import annotations

import itertools
import math
import re
import subprocess
import sys
from typing import Any

import pytest
from matrix import (
    AXES,
    COVERING,
    MATRIX,
    SELECTIONS,
    TEMPLATE_ROOT,
    axis_values,
    choices,
    combinations,
    combo_id,
    covering_combinations,
    covering_set,
    default_combinations,
    frameworks_with,
    load_copier_config,
)

FRAMEWORK_LINE = "    FastAPI (Python, async): fastapi\n"


def uncovered_pairs(values: dict[str, list[Any]], combos: list[dict[str, Any]]) -> list[str]:
    """Each pair of values of two axes that no combination holds, spelled out."""
    missing = []
    for first, second in itertools.combinations(values, 2):
        for a, b in itertools.product(values[first], values[second]):
            if not any(c[first] == a and c[second] == b for c in combos):
                missing.append(f"{first}={a} with {second}={b}")
    return missing


def lower_bound(values: dict[str, list[Any]]) -> int:
    """No covering array is smaller than the two largest axes multiplied."""
    sizes = sorted((len(v) for v in values.values()), reverse=True)
    return sizes[0] * sizes[1]


def config_with_frameworks(*extra: str) -> dict[str, Any]:
    """copier.yml as it would read with more framework choices."""
    text = (TEMPLATE_ROOT / "copier.yml").read_text()
    assert FRAMEWORK_LINE in text, "copier.yml's FastAPI choice moved; update this test"
    offered = set(choices("framework", load_copier_config(text)))
    # A framework copier.yml already offers keeps its real entry.
    lines = "".join(f"    Synthetic {name}: {name}\n" for name in extra if name not in offered)
    return load_copier_config(text.replace(FRAMEWORK_LINE, FRAMEWORK_LINE + lines))


def assert_covering(values: dict[str, list[Any]], combos: list[dict[str, Any]]) -> None:
    assert uncovered_pairs(values, combos) == []
    ids = [combo_id(c) for c in combos]
    assert len(ids) == len(set(ids)), f"a combination twice: {ids}"
    assert all(c in combinations(values) for c in combos)


def test_the_covering_set_covers_every_pair_of_copier_yml() -> None:
    values = axis_values()
    assert_covering(values, COVERING)
    assert (
        lower_bound(values) <= len(COVERING) < len(MATRIX) == math.prod(map(len, values.values()))
    )


def test_every_frameworks_default_combination_is_in_first() -> None:
    defaults = default_combinations()
    assert [c["framework"] for c in defaults] == axis_values()["framework"]
    assert COVERING[: len(defaults)] == defaults
    config = load_copier_config()
    fastapi = next(c for c in defaults if c["framework"] == "fastapi")
    assert fastapi == {axis: config[axis]["default"] for axis in AXES}


def test_a_choice_added_to_copier_yml_joins_the_covering_set() -> None:
    """Four frameworks (three synthetic): every pair, every default, and still small."""
    config = config_with_frameworks("django", "flask", "express")
    values = axis_values(config)
    assert sorted(values["framework"]) == ["django", "express", "fastapi", "flask"]
    covering = covering_combinations(values, config)
    assert_covering(values, covering)
    for framework in values["framework"]:
        default = {**{a: config[a]["default"] for a in AXES}, "framework": framework}
        assert default in covering, f"{framework}'s default combination is not in"
    # 4 x 3 x 3 x 2 = 72 combinations; 12 is the least any covering array can have.
    assert len(combinations(values)) == 72
    assert lower_bound(values) == 12
    assert len(covering) <= 14, [combo_id(c) for c in covering]


def test_a_test_marked_with_one_answer_runs_on_every_framework() -> None:
    """`combos(use_redis=True)` and the like: every (framework, answer) pair is in, so no
    framework loses the test. Three answers together (framework and two marked) may not
    be in; conftest.py then refuses the mark at collection."""
    config = config_with_frameworks("django", "flask", "express")
    values = axis_values(config)
    covering, everything = covering_combinations(values, config), combinations(values)
    for axis in AXES[1:]:
        for value in values[axis]:
            answer = {axis: value}
            assert frameworks_with(answer, covering) == frameworks_with(answer, everything)
    marked = [{"database": d, "auth": a} for d in values["database"] for a in values["auth"]]
    assert any(
        frameworks_with(answers, covering) != set(values["framework"]) for answers in marked
    ), "every framework has every database-auth pair: the covering set is not small"


@pytest.mark.parametrize(
    ("sizes", "at_most"),
    [((1, 3, 3, 2), 9), ((4, 3, 3, 2), 14), ((6, 5, 4, 2), 32), ((3, 3, 3, 3), 9)],
    ids=lambda value: "x".join(map(str, value)) if isinstance(value, tuple) else str(value),
)
def test_the_greedy_algorithm_scales(sizes: tuple[int, ...], at_most: int) -> None:
    """Synthetic matrices: every pair covered, seeds kept, far fewer than the product."""
    values = {axis: [f"{axis}{i}" for i in range(n)] for axis, n in zip(AXES, sizes, strict=True)}
    seeds = [{axis: vals[0] for axis, vals in values.items()}]
    covering = covering_set(values, seeds)
    assert_covering(values, covering)
    assert covering[0] == seeds[0]
    assert lower_bound(values) <= len(covering) <= at_most
    assert covering == covering_set(values, seeds), "not deterministic"


def test_a_seed_outside_the_matrix_is_refused() -> None:
    values = axis_values()
    with pytest.raises(ValueError, match="not combinations"):
        covering_set(values, [{**COVERING[0], "database": "oracle"}])


def test_a_jinja_default_is_rendered_per_framework() -> None:
    """A default that depends on the framework gives that framework its own default."""
    config = config_with_frameworks("django")
    config["database"] = {
        **config["database"],
        "default": "{{ 'postgresql' if framework == 'django' else 'sqlite' }}",
    }
    config["auth"] = {**config["auth"], "default": "{{ is_python }}"}  # not resolvable here
    defaults = {c["framework"]: c for c in default_combinations(axis_values(config), config)}
    assert defaults["fastapi"]["database"] == "sqlite"
    assert defaults["django"]["database"] == "postgresql"
    assert defaults["django"]["auth"] == axis_values(config)["auth"][0]


@pytest.mark.parametrize("selection", sorted(SELECTIONS))
def test_the_deep_and_update_tiers_collect_the_selected_combinations(selection: str) -> None:
    """`--matrix` decides which combinations the tiers that build a service collect."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", f"--matrix={selection}"]
        + ["-p", "no:xdist", "-p", "no:schemathesis", "-p", "no:hypothesispytest"]
        + ["tests/test_deep.py", "tests/test_fuzz.py"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    collected = {
        cid
        for cid in (combo_id(c) for c in MATRIX)
        if f"[{cid}]" in result.stdout or f"[{cid}-" in result.stdout
    }
    fuzzed = set(re.findall(r"test_fuzz\.py::\w+\[([^\]]+)\]", result.stdout))
    expected = {combo_id(c) for c in SELECTIONS[selection]}
    assert collected == expected
    assert fuzzed == expected
