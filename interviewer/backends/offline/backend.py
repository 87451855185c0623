"""The built-in interviewer: no model, no network, the same answer always gets the same grade."""

from __future__ import annotations

import hashlib

from interviewer.backends.base import Assessment, Stream, Turn
from interviewer.backends.offline.matching import match_points
from interviewer.bank.models import KeyPoint
from interviewer.engine.critique import Verdict
from interviewer.engine.signals import AnswerSignals
from interviewer.prompts import say, template, template_version


def _variant(options: list[str], key: str, position: int) -> str:
    """Same question, same wording; consecutive probes of one question use different wordings."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return options[(digest[0] + position) % len(options)]


class OfflineBackend:
    name = "offline"
    model = None
    streams = False

    def ask(self, turn: Turn, stream: Stream | None = None) -> str:
        return turn.question.text

    def probe(self, turn: Turn, target: KeyPoint | None, answer: str, stream: Stream | None = None) -> str:
        if target is None:
            return template("probe_vague", turn.language)
        options = [part.strip() for part in template("probe", turn.language).split("\n---\n")]
        position = [p.id for p in turn.question.key_points].index(target.id)
        return _variant(options, turn.question.id, position).format(topic=target.topic)

    def critique(self, turn: Turn, answer: str, signals: AnswerSignals) -> Assessment:
        verdicts = match_points(turn.question, signals)
        for verdict, point in zip(verdicts, turn.question.key_points, strict=True):
            if verdict.verdict != Verdict.covered:
                instead = verdict.reference or say(turn.language, "suggest", point=point.text)
                verdict.suggestion = f"{verdict.suggestion} {instead}".strip()
        return Assessment(verdicts=verdicts)

    def take_usage(self) -> list[dict]:
        return []

    def describe(self, language: str) -> dict[str, object]:
        return {
            "backend": self.name,
            "model": None,
            "templates": {name: template_version(name, language) for name in ("probe", "probe_vague")},
        }
