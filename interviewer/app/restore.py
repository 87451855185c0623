"""Where an interview stands, read from its transcript: what resume and a stateless web worker
hand back to the session before it goes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from interviewer.bank.models import Question
from interviewer.engine.critique import Critique
from interviewer.engine.events import FollowUp, QuestionAsked
from interviewer.engine.results import QuestionResult
from interviewer.engine.session import Output
from interviewer.transcript.record import InterviewRecord


@dataclass
class Restored:
    """Closed questions' results and critiques; the open question's answers, their delivery
    figures (a spoken answer's, for the critique that closes the question) and probes; the
    prompt shown last and when (a session that keeps no state waits for its answer)."""

    index: int
    question_number: int
    results: dict[int, QuestionResult] = field(default_factory=dict)
    critiques: dict[int, Critique] = field(default_factory=dict)
    answers: list[str] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)
    follow_ups: int = 0
    probed: set[str] = field(default_factory=set)
    waiting: Output | None = None
    waiting_since: float | None = None
    waiting_seq: int | None = None  # the event that asked it

    def for_session(self, *, waiting: bool) -> dict:
        """`Session.restore`'s arguments: with `waiting`, the prompt already on screen is kept."""
        state = {
            "index": self.index,
            "results": self.results,
            "critiques": self.critiques,
            "answers": self.answers,
            "deliveries": self.deliveries,
            "follow_ups": self.follow_ups,
            "probed": self.probed,
        }
        if waiting:
            state |= {"waiting": self.waiting, "waiting_since": self.waiting_since}
        return state


def _closed(record: InterviewRecord, selected: list[Question], restored: Restored) -> int | None:
    """Fill in the closed questions; the position of the first open one (None: all closed)."""
    asked = {q.number: q for q in record.questions}
    for position, question in enumerate(selected):
        done = asked.get(question.number)
        if done is None or not done.closed:
            return position
        if done.critique:
            critique = Critique.model_validate(done.critique.model_dump(include=set(Critique.model_fields)))
            restored.critiques[question.number] = critique
            restored.results[question.number] = QuestionResult.from_critique(
                question.text, critique, done.follow_ups
            )
        else:
            restored.results[question.number] = QuestionResult(
                number=question.number, text=question.text, score=0.0, skipped=True
            )
    return None


def _last_prompt_time(record: InterviewRecord) -> float | None:
    prompts = [e for e in record.transcript.events if isinstance(e, QuestionAsked | FollowUp)]
    return datetime.fromisoformat(prompts[-1].ts).timestamp() if prompts and prompts[-1].ts else None


def restore_state(record: InterviewRecord, selected: list[Question]) -> Restored | None:
    """None when every question is closed."""
    restored = Restored(index=0, question_number=0)
    position = _closed(record, selected, restored)
    if position is None:
        return None
    question = selected[position]
    restored.index, restored.question_number = position, question.number
    pending = next((q for q in record.questions if q.number == question.number), None)
    if pending is None:
        return restored
    restored.answers = [t.text for t in pending.answers]
    restored.deliveries = [
        t.spoken["delivery"] for t in pending.answers if t.spoken and t.spoken.get("delivery")
    ]
    restored.follow_ups = pending.follow_ups
    restored.probed = set(pending.probed)
    said = [t for t in pending.turns if t.kind != "hint"]  # a hint leaves the prompt waiting
    if said and said[-1].kind in ("question", "follow_up"):
        last = said[-1]
        restored.waiting = Output(
            kind="question" if last.kind == "question" else "probe",
            text=last.text,
            number=question.number,
            index=position + 1,
            total=len(selected),
        )
        restored.waiting_since = _last_prompt_time(record)
        restored.waiting_seq = last.seq
    return restored


def all_closed_state(record: InterviewRecord, selected: list[Question]) -> Restored:
    """Every question closed but the end never written (a crash after the last critique): the
    results, positioned on the last question so that the session can end."""
    restored = Restored(index=len(selected) - 1, question_number=selected[-1].number)
    _closed(record, selected, restored)
    return restored
