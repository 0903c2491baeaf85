"""copier.yml's questions, read and evaluated by Copier's own machinery.

Nothing here restates the template: the questions, their help, choices,
defaults, `when:` conditions and validators come from the template Copier
loads (`copier.Worker(...).template`), and every answer is parsed and
validated by Copier's `Question`, exactly as `copier copy --data` does
(the loop mirrors `Worker._ask` with `--defaults`, without prompting).
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copier import Worker
from copier.errors import DirtyLocalWarning
from copier.user_data import AnswersMap, Question

try:  # Copier >= 9.5 keeps MISSING in copier._types
    from copier._types import MISSING
except ImportError:  # pragma: no cover
    from copier.types import MISSING  # type: ignore[no-redef, attr-defined]


@dataclass
class Evaluation:
    """The outcome of one set of answers: what Copier would use, and what it refuses."""

    answers: dict[str, Any] = field(default_factory=dict)  # every applicable question
    given: dict[str, Any] = field(default_factory=dict)  # the applicable answers given
    errors: dict[str, str] = field(default_factory=dict)  # question -> Copier's message
    applicable: dict[str, bool] = field(default_factory=dict)  # question -> its `when:`

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_computed(details: Mapping[str, Any]) -> bool:
    """`when: false` (literally) marks a computed value: never asked, never stored."""
    when = details.get("when", True)
    return when is False or (isinstance(when, str) and when.strip().lower() == "false")


def _has_validator(details: Mapping[str, Any]) -> bool:
    """A question validator, or a validator on one of its choices (Copier's extended syntax)."""
    if details.get("validator"):
        return True
    choices = details.get("choices")
    values = choices.values() if isinstance(choices, Mapping) else (choices or [])
    return any(isinstance(v, Mapping) and v.get("validator") for v in values)


# The spellings of a yes/no answer. Copier's own cast takes any YAML value and calls
# it true unless it is falsy ("maybe" would be true): a form or a script gets told.
BOOL_WORDS = {"true", "false", "yes", "no", "on", "off", "1", "0", "y", "n"}


def _jsonable(value: Any) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class Questionnaire:
    """The template's questions, loaded once; `evaluate` checks a set of answers."""

    def __init__(self, template_url: str, vcs_ref: str | None = None) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="starter-preview-")
        self._lock = threading.Lock()
        with warnings.catch_warnings():
            # A local template with uncommitted edits: render those, as Copier does.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            self.worker = Worker(
                src_path=template_url,
                dst_path=Path(self._scratch.name) / "service",
                vcs_ref=vcs_ref,
                defaults=True,
                unsafe=True,
                quiet=True,
            )
            self.template = self.worker.template  # clones a git template once
            self.jinja_env = self.worker.jinja_env
        self.details: dict[str, dict[str, Any]] = dict(self.template.questions_data)
        self.names = [n for n, d in self.details.items() if not _is_computed(d)]
        self.commit = self.template.commit
        self._catalog: dict[str, Any] | None = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.worker._cleanup()
        self._scratch.cleanup()

    # --- evaluation -------------------------------------------------------------

    def _question(self, name: str) -> Question:
        return Question(
            answers=self.worker.answers,
            context=self.worker._render_context(),
            jinja_env=self.jinja_env,
            settings=self.worker.settings,
            var_name=name,
            **self.details[name],
        )

    def evaluate(self, given: Mapping[str, Any]) -> Evaluation:
        """Copier's answers for `given` (question -> raw answer); unknown names are errors."""
        with self._lock:
            return self._evaluate(given)

    def _evaluate(self, given: Mapping[str, Any]) -> Evaluation:
        result = Evaluation()
        for name in given:
            if name not in self.names:
                result.errors[name] = f'Unknown question "{name}".'
        self.worker.answers = AnswersMap(
            metadata=self.template.metadata, external=self.worker._external_data()
        )
        answers = self.worker.answers
        for name in self.details:
            question = self._question(name)
            try:
                when = question.get_when()
            except Exception as exc:  # noqa: BLE001 - Copier's message, shown as is
                result.errors[name] = str(exc)
                continue
            if name in self.names:
                result.applicable[name] = when
            if not when:
                # Not asked: Copier keeps its default in the context, never in the answers.
                answers.hide(name)
                with contextlib.suppress(Exception):
                    default = question.get_default()
                    if default is not MISSING:
                        answers.user[name] = default
                continue
            if name in given and name in self.names:
                try:
                    raw = given[name]
                    if (
                        question.get_type_name() == "bool"
                        and not isinstance(raw, bool)
                        and str(raw).strip().lower() not in BOOL_WORDS
                    ):
                        raise ValueError(
                            f"Invalid answer for '{name}': {raw!r} is not true or false"
                        )
                    value = question.parse_answer(raw)
                    question.validate_answer(value)
                except Exception as exc:  # noqa: BLE001 - Copier's message, shown as is
                    result.errors[name] = str(exc)
                    value = given[name]
                result.given[name] = given[name]
            else:
                try:
                    value = question.get_default()  # validates it too
                except Exception as exc:  # noqa: BLE001
                    result.errors[name] = str(exc)
                    value = MISSING
                if value is MISSING:
                    result.errors.setdefault(name, f'Question "{name}" is required.')
                    continue
            answers.user[name] = value
            if name in self.names:
                result.answers[name] = _jsonable(value)
        return result

    # --- the catalogue --------------------------------------------------------

    def _choices(self, name: str) -> list[dict[str, Any]] | None:
        """Label/value pairs of a choice question (a bool's two values); None otherwise."""
        question = self._question(name)
        if question.choices:
            return [
                {"label": str(c.title), "value": _jsonable(c.value)}
                for c in question._formatted_choices
            ]
        if question.get_type_name() == "bool":
            return [{"label": "Yes", "value": True}, {"label": "No", "value": False}]
        return None

    def catalog(self) -> dict[str, Any]:
        """Every question with its help, type, choices and default (for the defaults),
        and for each choice: which other answers its validators exclude and which
        questions its `when:` conditions hide."""
        if self._catalog is not None:
            return self._catalog
        with self._lock:
            base = self._evaluate({})
            questions: list[dict[str, Any]] = []
            choices: dict[str, list[dict[str, Any]]] = {}
            for name in self.names:
                details = self.details[name]
                question = self._question(name)
                entry: dict[str, Any] = {
                    "name": name,
                    "type": question.get_type_name(),
                    "help": question.render_value(details.get("help", "")) or "",
                    "default": base.answers.get(name),
                    "default_is_computed": isinstance(details.get("default"), str)
                    and ("{{" in details["default"] or "{%" in details["default"]),
                    "when": details.get("when", True),
                    "applicable": base.applicable.get(name, True),
                    "secret": bool(details.get("secret", False)),
                    "multiline": bool(details.get("multiline", False)),
                    "validated": _has_validator(details),
                    "choices": None,
                }
                found = self._choices(name)
                if found is not None:
                    choices[name] = found
                    entry["choices"] = found
                questions.append(entry)
            for entry in questions:
                name = entry["name"]
                for choice in entry["choices"] or []:
                    alone = self._evaluate({name: choice["value"]})
                    choice["hides"] = [q for q, shown in alone.applicable.items() if not shown]
                    choice["valid"] = name not in alone.errors
                    excludes: dict[str, list[Any]] = {}
                    for other, values in choices.items():
                        if other == name or not alone.applicable.get(other, True):
                            continue
                        # Only a validator can refuse a pair: skip pairs with none.
                        if not (
                            _has_validator(self.details[name])
                            or _has_validator(self.details[other])
                        ):
                            continue
                        refused = [
                            option["value"]
                            for option in values
                            if {name, other}
                            & set(
                                self._evaluate(
                                    {name: choice["value"], other: option["value"]}
                                ).errors
                            )
                        ]
                        # Refused whatever `other` is: the conflict is with a third
                        # answer (its default), not with `other`.
                        if refused and len(refused) < len(values):
                            excludes[other] = refused
                    choice["excludes"] = excludes
            self._catalog = {
                "template": {"commit": self.commit},
                "questions": questions,
            }
            return self._catalog
