"""Which questions an interview asks, reproducibly: by number, a count, or a seeded shuffle."""

from __future__ import annotations

import random

from interviewer.bank.models import Bank, Question
from interviewer.errors import InterviewerError


def parse_numbers(spec: str) -> list[int]:
    """`1,3,5` or `2-4` or a mix."""
    numbers: list[int] = []
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        try:
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                numbers.extend(range(low, high + 1))
            else:
                numbers.append(int(part))
        except ValueError:
            raise InterviewerError(f"--questions takes numbers such as 1,3,5 or 2-4, not {spec!r}") from None
    return numbers


def select_questions(
    bank: Bank,
    numbers: str | None = None,
    count: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> list[Question]:
    questions = [bank.question(n) for n in parse_numbers(numbers)] if numbers else list(bank.questions)
    if shuffle:
        random.Random(seed).shuffle(questions)
    if count is not None:
        if count < 1:
            raise InterviewerError("--count must be at least 1")
        questions = questions[:count]
    return questions
