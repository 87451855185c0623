"""Grading one answer, the same way wherever it happens: in an interview, `grade`, `regrade`
and `calibrate` all come through here."""

from __future__ import annotations

from interviewer.engine.critique import Critique, finalize
from interviewer.engine.ports import Backend, Turn
from interviewer.engine.signals import AnswerSignals, analyze


def grade_answer(turn: Turn, answer: str, backend: Backend) -> tuple[Critique, AnswerSignals]:
    signals = analyze(turn.question, answer, turn.language)
    assessment = backend.critique(turn, signals.text, signals)
    critique = finalize(
        turn.question,
        assessment.verdicts,
        signals.text,
        topicality=signals.topicality,
        specificity=signals.specificity,
        flags=signals.flags,
        excluded=[s.text for s in signals.injected],
        feedback=assessment.feedback,
        backend=backend.name,
        model=backend.model,
        notes=assessment.notes,
    )
    return critique, signals
