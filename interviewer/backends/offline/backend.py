"""The built-in interviewer: no model, no network, the same answer always gets the same grade.

Its words come from templates chosen by what the answer did: a point it named without saying
how gets "you mentioned X: how?"; a behavioural question gets situation-action-result probes;
a bare claim gets "what is that based on?"; otherwise the missing point's own theme is asked
about. Wordings vary between probes of one question and stay the same for the same question.
"""

from __future__ import annotations

import hashlib

from interviewer.bank.models import KeyPoint
from interviewer.engine.critique import Verdict
from interviewer.engine.ports import Assessment, Capabilities, Stream, Turn
from interviewer.engine.signals import AnswerSignals, analyze
from interviewer.prompts import say, template, template_version
from interviewer.text.coaching import is_behavioural, unsupported_claim

TEMPLATES = ("probe", "probe_vague", "probe_named", "probe_behavioural", "probe_claim")


def _variant(name: str, language: str, key: str, position: int) -> str:
    """Same question, same wording; consecutive probes of one question use different wordings."""
    options = [part.strip() for part in template(name, language).split("\n---\n")]
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return options[(digest[0] + position) % len(options)]


def _named_terms(turn: Turn, point: KeyPoint, answer: str) -> list[str]:
    """The point's terms, when the answer only named them (in a list or a fragment)."""
    from interviewer.backends.offline.matching import findings  # the sentence model loads on first use

    found = findings(turn.question, analyze(turn.question, answer, turn.language))
    return next((f.named for f in found if f.point_id == point.id and f.level == "named"), [])


class OfflineBackend:
    name = "offline"
    model = None
    capabilities = Capabilities(drafts_key_points=True)  # drafted from the reference's sentences

    def ask(self, turn: Turn, stream: Stream | None = None) -> str:
        return turn.question.text

    def probe(self, turn: Turn, target: KeyPoint | None, answer: str, stream: Stream | None = None) -> str:
        language, key = turn.language, turn.question.id
        if target is None:
            claim = unsupported_claim(answer)
            if claim:
                return _variant("probe_claim", language, key, 0).format(claim=claim)
            return template("probe_vague", language)
        position = [p.id for p in turn.question.key_points].index(target.id)
        if is_behavioural(turn.question.text):
            return _variant("probe_behavioural", language, key, position).format(topic=target.topic)
        named = _named_terms(turn, target, answer)
        if named:
            joined = ("、" if language.lower().startswith("zh") else ", ").join(named[:2])
            return _variant("probe_named", language, key, position).format(terms=joined)
        return _variant("probe", language, key, position).format(topic=target.topic)

    def critique(self, turn: Turn, answer: str, signals: AnswerSignals) -> Assessment:
        from interviewer.backends.offline.matching import match_points

        verdicts = match_points(turn.question, signals)
        behavioural = is_behavioural(turn.question.text)
        for verdict, point in zip(verdicts, turn.question.key_points, strict=True):
            if verdict.verdict == Verdict.covered:
                continue
            if behavioural:  # their own story, shaped well; never the reference's story and numbers
                about = point.text if not any(c.isdigit() for c in point.text) else point.topic
                instead = say(turn.language, "suggest_story", point=about)
            else:
                instead = verdict.reference or say(turn.language, "suggest", point=point.text)
            verdict.suggestion = f"{verdict.suggestion} {instead}".strip()
        return Assessment(verdicts=verdicts)

    def take_usage(self) -> list[dict]:
        return []

    def describe(self, language: str) -> dict[str, object]:
        return {
            "backend": self.name,
            "model": None,
            "templates": {name: template_version(name, language) for name in TEMPLATES},
        }
