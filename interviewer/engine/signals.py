"""What code can tell about an answer without a model: its sentences, whether it talks to the
grader, whether it stays on the question's topic, and whether it says anything concrete.

Both backends' scores use these, so they are computed the same way whoever grades.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import TypeVar

from interviewer.bank.models import KeyPoint, Question
from interviewer.text.chinese import has_cjk
from interviewer.text.injection import grader_sentences
from interviewer.text.words import (
    BUZZWORDS_EN,
    BUZZWORDS_ZH,
    EXAMPLE_MARKERS,
    METRIC,
    Span,
    binary_looking,
    is_buzzword,
    normalize,
    split_sentences,
    term_in,
    tokens,
)

T = TypeVar("T")
MAX_GRADED_CHARS = 20_000
SHORT_ANSWER = {"zh": 15, "en": 40}
KEYWORD_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.75


@dataclass
class AnswerSignals:
    text: str
    language: str
    sentences: list[Span]
    injected: list[Span] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    topicality: float = 0.0
    specificity: float = 0.0

    @property
    def usable(self) -> list[Span]:
        """Sentences that may be evidence: not addressed to the grader."""
        flagged = {(s.start, s.end) for s in self.injected}
        return [s for s in self.sentences if (s.start, s.end) not in flagged]


def key_terms(point: KeyPoint) -> list[tuple[str, float]]:
    """The point's evidence words with their weight; buzzwords never count as evidence."""
    seen: set[str] = set()
    out = []
    for term, weight in [(k, KEYWORD_WEIGHT) for k in point.keywords] + [
        (s, SYNONYM_WEIGHT) for s in point.synonyms
    ]:
        key = term.lower().strip()
        if key and key not in seen and not is_buzzword(key):
            seen.add(key)
            out.append((term, weight))
    return out


MEMO_LIMIT = 512


def per_question(function: Callable[..., T]) -> Callable[..., T]:
    """Memoise on the question object itself (models are mutable, so not hashable)."""
    memo: dict[tuple, tuple[object, T]] = {}

    @wraps(function)
    def wrapper(question: Question, *args: object) -> T:
        key = (id(question), *(id(a) if isinstance(a, KeyPoint) else a for a in args))
        hit = memo.get(key)
        if hit is None or hit[0] is not question:
            if len(memo) >= MEMO_LIMIT:  # a server loads a fresh copy of the bank per request
                memo.clear()
            hit = (question, function(question, *args))
            memo[key] = hit
        return hit[1]

    wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]  (as functools' caches have)
    return wrapper


@per_question
def reference_sentence(question: Question, point: KeyPoint, language: str) -> str:
    """The sentence of the reference that best states this key point."""
    best, best_hits = "", 0.0
    for span in split_sentences(question.reference):
        norm = normalize(span.text, language)
        hits = sum(w for t, w in key_terms(point) if term_in(t, norm, language))
        if hits > best_hits:
            best, best_hits = span.text, hits
    return best


@per_question
def topic_vocabulary(question: Question, language: str) -> frozenset[str]:
    """Words of the question, its reference and its key points: what an on-topic answer shares."""
    parts = [question.text, question.reference]
    for point in question.key_points:
        parts += [point.text, *point.keywords, *point.synonyms]
    generic = BUZZWORDS_ZH | BUZZWORDS_EN
    return frozenset(w for w in tokens(" ".join(parts), language) if w not in generic)


@per_question
def analyze(question: Question, answer: str, language: str) -> AnswerSignals:
    """What code can tell about this answer; memoised, as the offline check, the model's
    critique, its verification and the offline probe all read the same answer."""
    flags: list[str] = []
    text = answer
    if len(text) > MAX_GRADED_CHARS:
        flags.append("truncated")
        text = text[:MAX_GRADED_CHARS]
    if not text.strip():
        return AnswerSignals(text=text, language=language, sentences=[], flags=["empty"])
    if binary_looking(text):
        return AnswerSignals(text=text, language=language, sentences=[], flags=["binary"])
    sentences = split_sentences(text)
    flagged = grader_sentences([normalize(s.text, language) for s in sentences])
    injected = [s for i, s in enumerate(sentences) if i in flagged]
    if injected:
        flags.append("injection")
    signals = AnswerSignals(text=text, language=language, sentences=sentences, injected=injected, flags=flags)
    usable = " ".join(s.text for s in signals.usable)
    minimum = SHORT_ANSWER["zh" if has_cjk(usable) else "en"]
    if len(usable.strip()) < minimum:
        flags.append("too_short")
    vocabulary = topic_vocabulary(question, language)
    words = tokens(usable, language)
    shared = {w for w in words if w in vocabulary}
    echoed = shared & set(tokens(question.text, language))
    signals.topicality = min(1.0, (len(shared) + 2 * len(echoed)) / 12)
    if words and len(shared) / max(1, len(set(words))) < 0.08 and len(shared) < 3:
        flags.append("off_topic")
        signals.topicality = min(signals.topicality, 0.05)
    on_topic = [s for s in signals.usable if any(w in vocabulary for w in tokens(s.text, language))]
    concrete = sum(len(METRIC.findall(s.text)) + 2 * len(EXAMPLE_MARKERS.findall(s.text)) for s in on_topic)
    signals.specificity = min(1.0, concrete / 8)
    return signals
