"""Finding each key point in an answer without a model.

A point is shown by the sentence that names its specific terms (keywords weigh more than
casual synonyms), helped by word overlap with the point's statement. Buzzwords never count;
the words of the question itself are not evidence, since any answer repeats them; and a bare
list of terms shows that the candidate knows the words, not what to do with them.
"""

from __future__ import annotations

from interviewer.bank.models import KeyPoint, Question
from interviewer.engine.critique import PointVerdict, Verdict
from interviewer.engine.signals import (
    EXAMPLE_MARKERS,
    METRIC,
    AnswerSignals,
    buzzword_count,
    key_terms,
    normalize,
    per_question,
    reference_sentence,
    term_in,
    term_key,
    tokens,
)

OVERLAP_WEIGHT = 0.3
SUPPORT_WEIGHT = 0.4
GENERIC_DISCOUNT = 0.5
LIST_DISCOUNT = 0.25
COVERED_AT = 1.9
PARTIAL_AT = 0.6


LIST_MIN_TERMS = 5
LIST_MAX_REST = 0.1  # terms with next to nothing between them: a list, not an answer


@per_question
def _question_words(question: Question, language: str) -> frozenset[str]:
    return frozenset(tokens(question.text, language))


@per_question
def _evidence_terms(question: Question, point: KeyPoint, language: str) -> list[tuple[str, float]]:
    """The point's terms, less those the question itself says (an answer echoing them shows nothing)."""
    asked = normalize(question.text, language)
    return [(t, w) for t, w in key_terms(point) if not term_in(t, asked, language)]


@per_question
def _all_terms(question: Question, language: str) -> list[str]:
    return sorted({t for p in question.key_points for t, _ in key_terms(p)}, key=len, reverse=True)


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def is_term_list(question: Question, text: str, language: str) -> bool:
    norm = normalize(text, language)
    found = [t for t in _all_terms(question, language) if term_in(t, norm, language)]
    if len(found) < LIST_MIN_TERMS:
        return False
    rest = norm
    for term in found:
        rest = rest.replace(normalize(term, language), " ")
    return _letters(rest) <= LIST_MAX_REST * _letters(norm)


def _sentence_strength(
    point: KeyPoint, text: str, language: str, question: Question
) -> tuple[float, set[str]]:
    norm = normalize(text, language)
    hits: dict[str, float] = {}
    for term, weight in _evidence_terms(question, point, language):
        if term_in(term, norm, language):
            same = term_key(term, language)  # `cache` and `caching` are one piece of evidence
            hits[same] = max(weight, hits.get(same, 0.0))
    own = set(tokens(point.text, language)) - _question_words(question, language)
    overlap = len(own & set(tokens(text, language)) - set(tokens(" ".join(hits), language)))
    # overlap alone stays under PARTIAL_AT: words in common support a point, they never make one
    strength = sum(hits.values()) + OVERLAP_WEIGHT * min(overlap, 3 if hits else 1)
    if strength and (METRIC.search(text) or EXAMPLE_MARKERS.search(text)):
        strength *= 1.15
    buzz = buzzword_count(norm, language)
    if buzz >= 2 and buzz >= len(hits):
        strength *= GENERIC_DISCOUNT  # a sentence of slogans shows little, whatever words it borrows
    if hits and is_term_list(question, text, language):
        strength *= LIST_DISCOUNT
    return strength, set(hits)


def match_point(question: Question, point: KeyPoint, signals: AnswerSignals) -> PointVerdict:
    language = signals.language
    scored = [(span, *_sentence_strength(point, span.text, language, question)) for span in signals.usable]
    scored = [item for item in scored if item[1] > 0]
    if not scored:
        return PointVerdict(
            point_id=point.id,
            verdict=Verdict.missing,
            reference=reference_sentence(question, point, language),
        )
    best_span, best, best_hits = max(scored, key=lambda item: item[1])
    others = set().union(*(hits for _, _, hits in scored)) - best_hits
    total = best + SUPPORT_WEIGHT * min(len(others), 2)
    verdict = (
        Verdict.covered
        if total >= COVERED_AT
        else Verdict.partial
        if total >= PARTIAL_AT
        else Verdict.missing
    )
    return PointVerdict(
        point_id=point.id,
        verdict=verdict,
        evidence=best_span.text if verdict != Verdict.missing else "",
        reference=reference_sentence(question, point, language),
    )
