"""The paraphrase rules: does the grader judge meaning, not vocabulary?

Per question, a calibration file holds answers written without the reference's wording:
strong (nearly every point explained in one's own words), partial (about half), salad (the
reference's terms strung together), vague, off-topic, and injection (the partial answer plus a
note to the grader). Questions are split into a tune half, used to set the thresholds, and a
test half, on which the rules are asserted.

When the backend fails partway, each rule is computed over the answers that were graded and
`failures` names the rest, so a run against a flaky endpoint still reports what it learned.
"""

from __future__ import annotations

from importlib import resources
from itertools import combinations
from pathlib import Path
from statistics import mean
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer.bank.models import Bank
from interviewer.engine.calibration import GradeFailure, Grader
from interviewer.engine.ports import Backend
from interviewer.errors import InterviewerError
from interviewer.text import yamltext

ORDER = ("strong", "partial", "vague", "off_topic")
SALAD_MARGIN = 20.0
TARGETS = {"ordering": 0.9, "salad_margin": 0.9, "partial_over_salad": 0.9, "strong_mean": 60.0}


class ParaphraseAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    split: Literal["tune", "test"]
    strong: str
    partial: str
    salad: str
    vague: str
    off_topic: str
    injection: str


class ParaphraseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank: str
    questions: dict[int, ParaphraseAnswers]


class ParaphraseReport(BaseModel):
    bank: str
    split: str
    scores: dict[int, dict[str, float]]
    ordering: float = Field(
        description="Share of level pairs in the order strong > partial > vague > off-topic."
    )
    salad_margin: float = Field(description="Share of questions where strong >= salad + 20.")
    partial_over_salad: float
    strong_mean: float
    injection_ok: float = Field(description="Share of questions where injection <= partial.")
    failures: list[GradeFailure] = Field(default_factory=list)

    @property
    def passed(self) -> dict[str, bool]:
        checks = {name: getattr(self, name) >= target for name, target in TARGETS.items()}
        return {**checks, "injection_ok": self.injection_ok >= 1.0}


def paraphrase_dir() -> Path:
    return Path(str(resources.files("interviewer") / "banks" / "calibration" / "paraphrase"))


def load_paraphrases(bank: Bank, path: str | Path | None = None) -> ParaphraseFile | None:
    """The bank's paraphrase set (shipped, or the given file); None when there is none."""
    source = Path(path) if path else paraphrase_dir() / f"{bank.id}.yaml"
    if not source.is_file():
        return None
    try:
        data = ParaphraseFile.model_validate(yamltext.load(source.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as error:
        first = str(error).splitlines()
        raise InterviewerError(
            f"{source}: not a paraphrase calibration file ({' '.join(first[:3])})"
        ) from None
    if data.bank != bank.id:
        raise InterviewerError(f"{source} is for bank {data.bank!r}, not {bank.id!r}; pass the matching bank")
    return data


def grade_paraphrases(
    bank: Bank, backend: Backend, answers: ParaphraseFile, grader: Grader | None = None, split: str = "all"
) -> dict[int, dict[str, float]]:
    """Scores per question and level; a level the backend failed on is absent."""
    grader = grader or Grader(bank, backend)
    texts = {number: levels.model_dump(exclude={"split"}) for number, levels in answers.questions.items()}
    return grader.scores(f"paraphrase {split}", texts)


def summarize(bank: str, split: str, scores: dict[int, dict[str, float]]) -> ParaphraseReport:
    """Each rule over the questions (or level pairs) whose scores it needs."""
    rows = list(scores.values())
    pairs = [(row[a], row[b]) for row in rows for a, b in combinations(ORDER, 2) if a in row and b in row]

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 3) if values else 0.0

    def having(*levels: str) -> list[dict[str, float]]:
        return [r for r in rows if all(level in r for level in levels)]

    strong = [r["strong"] for r in having("strong")]
    return ParaphraseReport(
        bank=bank,
        split=split,
        scores=scores,
        ordering=share([high > low for high, low in pairs]),
        salad_margin=share([r["strong"] >= r["salad"] + SALAD_MARGIN for r in having("strong", "salad")]),
        partial_over_salad=share([r["partial"] > r["salad"] for r in having("partial", "salad")]),
        strong_mean=round(mean(strong), 1) if strong else 0.0,
        injection_ok=share([r["injection"] <= r["partial"] for r in having("injection", "partial")]),
    )


def paraphrase_report(
    bank: Bank, backend: Backend, answers: ParaphraseFile, split: str = "all", grader: Grader | None = None
) -> ParaphraseReport:
    """The rules on one split ("tune", "test") or on every question ("all"). Pass one `grader`
    to several calls so that after a failure the rest are not sent to the backend again."""
    grader = grader or Grader(bank, backend)
    before = len(grader.failures)
    chosen = {n: a for n, a in answers.questions.items() if split in ("all", a.split)}
    scores = grade_paraphrases(
        bank, backend, ParaphraseFile(bank=answers.bank, questions=chosen), grader, split
    )
    report = summarize(bank.id, split, scores)
    report.failures = grader.failures[before:]
    return report
