"""How well a grader orders answers of known quality: strong > partial > vague > off-topic,
and text addressed to the grader never scores above an honest partial answer.

A model can fail halfway through a calibration run (its endpoint goes down after twenty
critiques). The scores obtained so far are still worth reporting, so answers are graded through
a `Grader` that records what could not be graded instead of losing everything.
"""

from __future__ import annotations

from importlib import resources
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, Field

from interviewer.bank.models import Bank
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Backend, Turn
from interviewer.errors import BackendError, InterviewerError, TurnDegraded
from interviewer.text import yamltext

LEVELS = ("strong", "partial", "vague", "off_topic")
INJECTION = "injection"
INJECTION_MARGIN = 10.0
NOT_GRADED = "not graded: the backend failed earlier in this run"


class GradeFailure(BaseModel):
    """Answers of one question that have no score, and why."""

    section: str
    question: int
    levels: list[str]
    reason: str

    def line(self) -> str:
        return f"{self.section} Q{self.question} {', '.join(self.levels)}: {self.reason}"


class Grader:
    """Grades calibration answers one by one. An answer the model could not grade in time is
    recorded and the run goes on; after the backend fails outright (retries spent), the
    remaining answers are not sent to it, so a dead endpoint costs one wait, not one per
    answer. Each answer left without a score is recorded as a failure."""

    def __init__(self, bank: Bank, backend: Backend) -> None:
        self.bank = bank
        self.backend = backend
        self.failures: list[GradeFailure] = []
        self.broken: str | None = None

    def score(self, section: str, number: int, level: str, text: str) -> float | None:
        if self.broken is None:
            turn = Turn(self.bank, self.bank.question(number), "exam", 1, 1)
            try:
                return grade_answer(turn, text, self.backend)[0].score
            except TurnDegraded as exc:  # this answer only: the model was slow or gave no valid reply
                self.failures.append(
                    GradeFailure(section=section, question=number, levels=[level], reason=str(exc))
                )
                return None
            except BackendError as exc:
                self.broken = str(exc)
                self.failures.append(
                    GradeFailure(section=section, question=number, levels=[level], reason=str(exc))
                )
                return None
        last = self.failures[-1] if self.failures else None
        if last and last.reason == NOT_GRADED and (last.section, last.question) == (section, number):
            last.levels.append(level)
        else:
            self.failures.append(
                GradeFailure(section=section, question=number, levels=[level], reason=NOT_GRADED)
            )
        return None

    def scores(self, section: str, answers: dict[int, dict[str, str]]) -> dict[int, dict[str, float]]:
        """Each question's score per level; levels that failed are absent."""
        graded: dict[int, dict[str, float]] = {}
        for number, levels in sorted(answers.items()):
            row = {level: self.score(section, number, level, text) for level, text in levels.items()}
            graded[number] = {level: score for level, score in row.items() if score is not None}
        return graded


class PairResult(BaseModel):
    higher: str
    lower: str
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


class CalibrationReport(BaseModel):
    bank: str
    backend: str
    model: str | None
    scores: dict[int, dict[str, float]]
    pairs: list[PairResult]
    injection_ok: int
    injection_total: int
    failures: list[GradeFailure] = Field(default_factory=list)

    @property
    def accuracy(self) -> float:
        correct = sum(p.correct for p in self.pairs)
        total = sum(p.total for p in self.pairs)
        return correct / total if total else 0.0


def calibration_file() -> Path:
    return Path(str(resources.files("interviewer") / "banks" / "calibration" / "answers.yaml"))


def has_answers(bank: Bank) -> bool:
    """Whether the shipped set has answers in the reference's wording for this bank."""
    return bool((yamltext.load(calibration_file().read_text(encoding="utf-8")) or {}).get(bank.id))


def load_answers(bank: Bank, path: str | Path | None = None) -> dict[int, dict[str, str]]:
    source = Path(path) if path else calibration_file()
    data = yamltext.load(source.read_text(encoding="utf-8")) or {}
    answers = data.get(bank.id)
    if not answers:
        known = ", ".join(data) or "none"
        raise InterviewerError(
            f"no calibration answers for bank {bank.id!r} in {source} (it has: {known}); pass --answers-file"
        )
    return {int(number): levels for number, levels in answers.items()}


def calibrate(
    bank: Bank, backend: Backend, answers: dict[int, dict[str, str]], grader: Grader | None = None
) -> CalibrationReport:
    """Level pairs over the answers that were graded; `report.failures` names the others."""
    grader = grader or Grader(bank, backend)
    before = len(grader.failures)
    scores = grader.scores("reference wording", answers)
    pairs = []
    for higher, lower in combinations(LEVELS, 2):
        rows = [s for s in scores.values() if higher in s and lower in s]
        pairs.append(
            PairResult(
                higher=higher, lower=lower, correct=sum(s[higher] > s[lower] for s in rows), total=len(rows)
            )
        )
    injected = [s for s in scores.values() if INJECTION in s and "partial" in s and "vague" in s]
    ok = sum(s[INJECTION] <= s["partial"] and s[INJECTION] <= s["vague"] + INJECTION_MARGIN for s in injected)
    return CalibrationReport(
        bank=bank.id,
        backend=backend.name,
        model=backend.model,
        scores=scores,
        pairs=pairs,
        injection_ok=ok,
        injection_total=len(injected),
        failures=grader.failures[before:],
    )
