"""How much of one text is copied from another: the check that keeps calibration answers honest.

A paraphrase may share names (GMV, SQL, Redis) but not the reference's phrasing: no run of more
than four Chinese characters, and no run of more than three English words, in common.
"""

from __future__ import annotations

import re

from interviewer.text.chinese import CJK_RUN

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
MAX_CJK = 4
MAX_WORDS = 3


def _cjk_runs(answer: str, source: str, limit: int) -> list[str]:
    found: set[str] = set()
    for run in CJK_RUN.findall(answer):
        size = limit + 1
        for start in range(0, len(run) - size + 1):
            piece = run[start : start + size]
            if piece in source:
                end = start + size
                while end < len(run) and run[start : end + 1] in source:
                    end += 1
                found.add(run[start:end])
    return _longest_first(found)


def _word_runs(answer: str, source: str, limit: int) -> list[str]:
    words = WORD.findall(answer.lower())
    source_words = WORD.findall(source.lower())
    size = limit + 1
    grams = {tuple(source_words[i : i + size]) for i in range(len(source_words) - size + 1)}
    return _longest_first(
        {
            " ".join(words[i : i + size])
            for i in range(len(words) - size + 1)
            if tuple(words[i : i + size]) in grams
        }
    )


def _longest_first(runs: set[str]) -> list[str]:
    kept: list[str] = []
    for run in sorted(runs, key=len, reverse=True):
        if not any(run in longer for longer in kept):
            kept.append(run)
    return kept


def copied_runs(answer: str, source: str, *, max_cjk: int = MAX_CJK, max_words: int = MAX_WORDS) -> list[str]:
    """The runs of `answer` longer than the limits that also appear in `source`, longest first."""
    return _cjk_runs(answer, source, max_cjk) + _word_runs(answer, source, max_words)
