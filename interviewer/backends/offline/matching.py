"""Finding each key point in an answer without a model: the bank's side of `text.meaning`.

Each key point becomes plain text for the meaning layer: its statement, the clauses of the
reference that state it (each reference clause goes to the point it fits best), and its
evidence words less those the question itself says (an answer echoing them shows nothing).
"""

from __future__ import annotations

import threading

import numpy as np

from interviewer.bank.models import Bank, Question
from interviewer.engine.critique import PointVerdict, Verdict
from interviewer.engine.signals import AnswerSignals, analyze, key_terms, per_question, topic_vocabulary
from interviewer.prompts import say
from interviewer.text import embeddings
from interviewer.text.clauses import split_clauses
from interviewer.text.meaning import (
    PointFinding,
    PointText,
    centred,
    find_points,
    fits,
    platitudes,
    supporting,
)
from interviewer.text.suggest import suggestion_from
from interviewer.text.words import Span, normalize, term_in

SUPPORT_PER_POINT = 8
SUPPORT_MIN_COSINE = 0.0  # centred


@per_question
def point_texts(question: Question, language: str) -> list[PointText]:
    asked = normalize(question.text, language)
    support = _support(question)
    return [
        PointText(
            id=point.id,
            statement=point.text,
            support=tuple(support.get(point.id, ())),
            terms=tuple((t, w) for t, w in key_terms(point) if not term_in(t, asked, language)),
        )
        for point in question.key_points
    ]


@per_question
def reference_clauses(question: Question) -> tuple[str, ...]:
    return tuple(c.text for c in split_clauses(question.reference) if len(c.text) >= 6)


def _support(question: Question) -> dict[str, list[str]]:
    """Reference clauses per point: each clause goes to the point it is closest to, compared
    after centring on the reference (raw cosines of one text's clauses are all alike)."""
    clauses = list(reference_clauses(question))
    if not clauses or not question.key_points or not embeddings.available():
        return {}
    statements = embeddings.embed_cached([p.text for p in question.key_points])
    vectors = embeddings.embed_cached(clauses)
    centre = np.vstack([vectors, statements]).mean(axis=0)
    similarity = centred(vectors, centre) @ centred(statements, centre).T
    owner = similarity.argmax(axis=1)
    out: dict[str, list[str]] = {}
    for j, point in enumerate(question.key_points):
        mine = [
            i
            for i in np.argsort(-similarity[:, j])
            if owner[i] == j and similarity[i, j] >= SUPPORT_MIN_COSINE
        ]
        out[point.id] = [clauses[i] for i in mine[:SUPPORT_PER_POINT]]
    return out


@per_question
def best_reference(question: Question, language: str) -> dict[str, str]:
    """For each point, the reference clause that states it best, as a clean whole sentence."""
    return {
        p.id: suggestion_from(question.reference, p.support[0]) if p.support else ""
        for p in point_texts(question, language)
    }


def findings(question: Question, signals: AnswerSignals) -> list[PointFinding]:
    """What the answer does with each key point: covered, partial, only named, or missing."""
    return _findings(question, signals.text, signals.language)


@per_question
def _findings(question: Question, text: str, language: str) -> list[PointFinding]:
    """Memoised: the critique and the probe that follows it read the same answer."""
    vocabulary = topic_vocabulary(question, language)
    points = point_texts(question, language)
    context = reference_clauses(question)
    usable = analyze(question, text, language).usable
    found = fits(points, text, usable, vocabulary, language, context, question.text)
    return find_points(found, points, question.text, language)


def supported_spans(question: Question, signals: AnswerSignals) -> dict[str, list[Span]]:
    """Per key point, the answer's clauses that say something about it (see `text.meaning.supporting`)."""
    language = signals.language
    found = fits(
        point_texts(question, language),
        signals.text,
        signals.usable,
        topic_vocabulary(question, language),
        language,
        reference_clauses(question),
        question.text,
    )
    spans = supporting(found, language)
    return {p.id: spans[j] for j, p in enumerate(question.key_points)} if spans else {}


def match_points(question: Question, signals: AnswerSignals) -> list[PointVerdict]:
    references = best_reference(question, signals.language)
    return [
        _verdict(f, references.get(f.point_id, ""), signals.language) for f in findings(question, signals)
    ]


def _verdict(finding: PointFinding, reference: str, language: str) -> PointVerdict:
    level = {"covered": Verdict.covered, "partial": Verdict.partial}.get(finding.level, Verdict.missing)
    verdict = PointVerdict(point_id=finding.point_id, verdict=level, reference=reference)
    if finding.level in ("covered", "partial"):
        verdict.evidence = finding.evidence
    elif finding.level == "named":
        verdict.evidence = finding.evidence
        joined = ("、" if language.lower().startswith("zh") else ", ").join(finding.named[:3])
        verdict.suggestion = say(language, "named_not_explained", terms=joined)
    return verdict


def prepare_in_background(bank: Bank, questions: list[Question]) -> None:
    """Load the sentence model and the questions' reference vectors while the candidate reads
    and types, so the first grade does not wait for them (the model releases the GIL)."""

    def prepare() -> None:
        platitudes(bank.language)
        for question in questions:
            point_texts(question, bank.language)
            reference_clauses(question)

    threading.Thread(target=prepare, name="prepare-grading", daemon=True).start()
