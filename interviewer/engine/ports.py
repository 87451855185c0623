"""The engine's ports: the one interface every interviewer implements (word the question,
word a probe, critique) and what a backend declares it can do.

The engine decides *what* happens (which question, whether to probe and about what, the
score); a backend only supplies words and verdicts. The engine owns this interface and the
backends implement it, so the engine never imports a backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.engine.critique import PointVerdict
from interviewer.engine.signals import AnswerSignals

Mode = Literal["practice", "exam"]
Stream = Callable[[str], None]


@dataclass(frozen=True)
class Turn:
    """The question being asked and where the interview stands."""

    bank: Bank
    question: Question
    mode: Mode
    index: int
    total: int
    asked: tuple[Question, ...] = ()  # the interview's questions, in order (default: this one)

    @property
    def language(self) -> str:
        return self.bank.language

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.asked or (self.question,)


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared up front so a front end never has to find out by trying."""

    streaming: bool = False  # words can be shown as they arrive
    output_modes: tuple[str, ...] = ()  # structured-output modes it tries, best first
    drafts_key_points: bool = False  # can propose key points for a bank that has none


@dataclass
class Assessment:
    """A backend's verdicts before the engine checks the quotes and computes the score."""

    verdicts: list[PointVerdict]
    feedback: str = ""
    notes: list[str] = field(default_factory=list)


class Backend(Protocol):
    name: str
    model: str | None
    capabilities: Capabilities

    def ask(self, turn: Turn, stream: Stream | None = None) -> str: ...

    def probe(
        self, turn: Turn, target: KeyPoint | None, answer: str, stream: Stream | None = None
    ) -> str: ...

    def critique(self, turn: Turn, answer: str, signals: AnswerSignals) -> Assessment: ...

    def take_usage(self) -> list[dict]:
        """Token usage of the calls since the last time it was asked (for the transcript)."""
        ...

    def describe(self, language: str) -> dict[str, object]:
        """What a transcript records about this backend (never a key)."""
        ...
