"""Which key points an answer makes, by meaning and by words together.

Every clause of the answer is compared with every key point of the question: by sentence
embeddings (the point's statement and the reference clauses that state it) and by the point's
evidence words. A clause counts for the point it fits best, or for one within a small margin
of it: the model tells "about this point" from "about something else" well, and one point of a
question from another only weakly, so a clause is never spread over every point. A point is
covered only by a clause that explains (see `substance.py`); a point whose words appear only in
lists or fragments is "named" and earns nothing. Thresholds are per language, set from data
(`rules.yaml`, tuned by `python bench/tune_rules.py` on the tune half of the calibration sets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
from pydantic import BaseModel

from interviewer.text import embeddings, yamltext
from interviewer.text.clauses import split_clauses
from interviewer.text.substance import explains, is_list
from interviewer.text.words import Span, normalize, term_in, term_key, tokens

Level = Literal["covered", "partial", "named", "missing"]
ELABORATION = {"zh": 2, "en": 3}  # words beyond the point's own a covering clause must add


class Rules(BaseModel):
    """How similar is similar enough, for one language's embeddings."""

    floor: float  # cosine at or below which a clause says nothing about a point
    full: float  # cosine at which the meaning evidence is complete
    margin: float  # how far below its best point a clause may still count for another
    word_weight: float  # what the point's own words add to the meaning evidence
    covered_at: float
    partial_at: float
    second_weight: float = 0.3  # a second clause on the same point adds this share of its fit
    contrast_floor: float = -0.02  # raw cosine to its nearest point minus to the question's average
    concrete_margin: float = 0.01  # raw cosine to its nearest point minus to the nearest platitude
    verify_at: float = 0.15  # the least fit of a clause a model may quote as evidence for a point


@cache
def rules(language: str) -> Rules:
    data = yamltext.load((resources.files("interviewer.text") / "rules.yaml").read_text(encoding="utf-8"))
    key = "zh" if language.lower().startswith("zh") else "en"
    return Rules(**data[key])


@dataclass(frozen=True)
class PointText:
    """A key point as plain text: what it says, the reference clauses that say it, its words."""

    id: str
    statement: str
    support: tuple[str, ...] = ()
    terms: tuple[tuple[str, float], ...] = ()


@dataclass
class PointFinding:
    point_id: str
    level: Level
    evidence: str = ""
    fit: float = 0.0
    named: list[str] = field(default_factory=list)
    backing: str = ""  # a second clause on the same point, if any


def _word_fit(point: PointText, clause_norm: str, language: str) -> tuple[float, list[str]]:
    hits: dict[str, tuple[float, str]] = {}
    for term, weight in point.terms:
        if term_in(term, clause_norm, language):
            key = term_key(term, language)
            if weight > hits.get(key, (0.0, ""))[0]:
                hits[key] = (weight, term)
    return min(1.0, sum(w for w, _ in hits.values()) / 2), [t for _, t in hits.values()]


def centred(vectors: np.ndarray, centre: np.ndarray) -> np.ndarray:
    moved = vectors - centre
    return moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-6)


def _similarity(
    points: list[PointText], clauses: list[Span], context: tuple[str, ...], question: str, language: str
) -> np.ndarray:
    """Cosine of each clause (rows) with each point (columns): the best of its statement and support.

    Vectors are centred on the question's own reference first. Raw cosines of this model crowd
    into 0.85-0.95 for anything in the same language; what sets one point of a question apart
    from another, and a real point from talk about the topic, is the direction away from the
    question's average. A clause counts for no point when it is closer to the question itself
    than to a point (it restates the question), when it is as near the question's average as
    to any point (off topic: centring alone would turn that into a spurious positive cosine),
    or when it is nearer to a platitude than to any point (fluent, but concrete about nothing).
    """
    texts = [t for p in points for t in (p.statement, *p.support)]
    vectors = embeddings.embed_cached(texts)
    asked = embeddings.embed_cached([question, *(c.text for c in split_clauses(question))])
    centre = np.vstack([vectors, embeddings.embed_cached(list(context))]).mean(axis=0)
    answer_raw = embeddings.embed([c.text for c in clauses])
    answer = centred(answer_raw, centre)
    raw = answer @ centred(vectors, centre).T
    out = np.zeros((len(clauses), len(points)), dtype=np.float32)
    column = 0
    for j, point in enumerate(points):
        width = 1 + len(point.support)
        out[:, j] = raw[:, column : column + width].max(axis=1)
        column += width
    echo = (answer @ centred(asked, centre).T).max(axis=1, keepdims=True)
    rule = rules(language)
    nearest = (answer_raw @ vectors.T).max(axis=1)
    on_topic = nearest - answer_raw @ (centre / np.linalg.norm(centre)) >= rule.contrast_floor
    concrete = nearest - (answer_raw @ platitudes(language).T).max(axis=1) >= rule.concrete_margin
    return np.where((out > echo) & (on_topic & concrete)[:, None], out, 0.0)


@cache
def platitudes(language: str) -> np.ndarray:
    """Vectors of sentences that say nothing concrete, in the bank's language (else English)."""
    data = yamltext.load(
        (resources.files("interviewer.text") / "platitudes.yaml").read_text(encoding="utf-8")
    )
    return embeddings.embed_cached(data["zh" if language.lower().startswith("zh") else "en"])


@dataclass
class Fits:
    """How each answer clause (rows) fits each point (columns), and which clauses explain."""

    clauses: list[Span]
    fit: np.ndarray
    counts: np.ndarray  # the clause counts for this point: its best, or within the margin
    explained: list[bool]
    named: list[list[list[str]]]  # per clause, per point: the point's terms the clause names


def fits(
    points: list[PointText],
    answer: str,
    sentences: list[Span],
    vocabulary: frozenset[str],
    language: str,
    context: tuple[str, ...] = (),
    question: str = "",
) -> Fits:
    clauses = split_clauses(answer, sentences)
    if not clauses or not points:
        empty = np.zeros((len(clauses), len(points)), dtype=np.float32)
        return Fits(
            clauses, empty, empty > 0, [False] * len(clauses), [[[] for _ in points] for _ in clauses]
        )
    rule = rules(language)
    meaning = _meaning(points, clauses, context, question, language)
    words = [[_word_fit(p, normalize(c.text, language), language) for p in points] for c in clauses]
    fit = meaning + rule.word_weight * np.array([[w for w, _ in row] for row in words], dtype=np.float32)
    counts = fit >= fit.max(axis=1, keepdims=True) - rule.margin
    lists = [s for s in sentences if is_list(s.text, vocabulary, language)]
    explained = [
        explains(c.text, vocabulary, language) and not any(s.start <= c.start < s.end for s in lists)
        for c in clauses
    ]
    return Fits(clauses, fit, counts, explained, [[named for _, named in row] for row in words])


def supporting(found: Fits, language: str) -> list[list[Span]]:
    """Per point, the clauses that say something about it: they explain (not a list of terms),
    count for it by the margin, and fit it at least `verify_at`. A model's verdict must quote one."""
    rule = rules(language)
    return [
        [
            c
            for i, c in enumerate(found.clauses)
            if found.explained[i] and found.counts[i, j] and found.fit[i, j] >= rule.verify_at
        ]
        for j in range(found.fit.shape[1])
    ]


def find_points(found: Fits, points: list[PointText], question: str, language: str) -> list[PointFinding]:
    """One finding per point, in the points' order, from the fits `fits` measured for them."""
    if not found.clauses:
        return [PointFinding(p.id, "missing") for p in points]
    rule = rules(language)
    asked = frozenset(tokens(question, language))
    findings = []
    for j, point in enumerate(points):
        named = [row[j] for row in found.named]
        finding = _finding(
            point, found.clauses, found.fit[:, j], found.counts[:, j], found.explained, named, rule
        )
        if (
            finding.level == "covered"
            and _elaboration(finding, point, asked, language)
            < ELABORATION["zh" if language.lower().startswith("zh") else "en"]
        ):
            finding.level = "partial"  # names the point's subject, but not what to do about it
        findings.append(finding)
    return findings


def _elaboration(finding: PointFinding, point: PointText, asked: frozenset[str], language: str) -> int:
    """Content words of the evidence beyond the question's and the point's own terms."""
    own = asked | {w for term, _ in point.terms for w in tokens(term, language)}
    return len(set(tokens(f"{finding.evidence} {finding.backing}", language)) - own)


def _meaning(
    points: list[PointText], clauses: list[Span], context: tuple[str, ...], question: str, language: str
) -> np.ndarray:
    rule = rules(language)
    if not embeddings.available():
        return np.zeros((len(clauses), len(points)), dtype=np.float32)
    similarity = _similarity(points, clauses, context, question, language)
    return np.clip((similarity - rule.floor) / (rule.full - rule.floor), 0.0, 1.2)


def _finding(
    point: PointText,
    clauses: list[Span],
    fit: np.ndarray,
    counts: np.ndarray,
    explained: list[bool],
    named: list[list[str]],
    rule: Rules,
) -> PointFinding:
    ranked = sorted(
        (i for i in range(len(clauses)) if counts[i] and explained[i]), key=lambda i: fit[i], reverse=True
    )
    total = 0.0
    if ranked:
        total = float(fit[ranked[0]]) + (
            rule.second_weight * float(fit[ranked[1]]) if len(ranked) > 1 else 0.0
        )
    terms = sorted({t for i, row in enumerate(named) if not explained[i] for t in row})
    terms = [t for t in terms if not any(t != other and t.lower() in other.lower() for other in terms)]
    backing = clauses[ranked[1]].text if len(ranked) > 1 else ""
    if ranked and total >= rule.covered_at:
        return PointFinding(point.id, "covered", clauses[ranked[0]].text, total, backing=backing)
    if ranked and total >= rule.partial_at:
        return PointFinding(point.id, "partial", clauses[ranked[0]].text, total)
    if terms:
        first = next(i for i, row in enumerate(named) if row and not explained[i])
        return PointFinding(point.id, "named", clauses[first].text, total, terms)
    return PointFinding(point.id, "missing", "", total)
