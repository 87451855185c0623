"""Grading stored answers again with another backend, model or rubric, into a new transcript
that points to the original, so scores can be compared across graders.

A transcript since schema 2 records the question each answer was graded against, so a regrade
uses that and never today's bank; an older one needs the bank unchanged (or --force).
"""

from __future__ import annotations

from pathlib import Path

from interviewer.app.events import session_start_event
from interviewer.app.interviews import open_transcript, recorded_bank
from interviewer.backends import make_backend
from interviewer.bank.models import Bank, Question
from interviewer.config import load_settings
from interviewer.engine.events import Answer, CritiqueMade, FollowUp, QuestionAsked, SessionEnd, Skip, Usage
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Turn
from interviewer.engine.results import QuestionResult, Summary, summarize
from interviewer.transcript.record import InterviewRecord, QuestionRecord, load_record
from interviewer.transcript.writer import TranscriptWriter, new_session_id


def _graded_against(record: InterviewRecord, q: QuestionRecord, force: bool, bank: list[Bank]) -> Question:
    """The recorded question, else the bank's (looked up once, checked by hash)."""
    if q.graded_against is not None:
        return q.graded_against
    if not bank:
        bank.append(recorded_bank(record, force=force, doing="regrade"))
    return bank[0].question(q.number)


def _regrade_question(
    writer: TranscriptWriter, q: QuestionRecord, question: Question, bank: Bank, backend
) -> QuestionResult:
    writer.write(
        QuestionAsked(number=q.number, question_id=question.id, text=q.text, graded_against=question)
    )
    for turn in q.turns:
        if turn.kind == "answer":
            writer.write(Answer(number=q.number, text=turn.text, seconds=turn.seconds))
        elif turn.kind == "follow_up":
            writer.write(FollowUp(number=q.number, text=turn.text))
    if not q.answers:
        writer.write(Skip(number=q.number))
        return QuestionResult(number=q.number, text=q.text, score=0.0, skipped=True)
    critique, _ = grade_answer(Turn(bank, question, "exam", 1, 1), q.answer_text, backend)
    for usage in backend.take_usage():
        writer.write(Usage(number=q.number, **usage))
    writer.write(CritiqueMade(number=q.number, **critique.model_dump()))
    return QuestionResult.from_critique(q.text, critique, q.follow_ups)


def regrade(
    path: str,
    *,
    backend: str | None,
    model: str | None,
    base_url: str | None,
    output: str | None,
    force: bool,
) -> tuple[Path, Summary]:
    record = load_record(path)
    start = record.start
    banks: list[Bank] = []
    reached = [q for q in record.questions if q.closed or q.answers]
    questions = {q.number: _graded_against(record, q, force, banks) for q in reached}
    if banks or not questions:
        bank = banks[0] if banks else recorded_bank(record, force=force, doing="regrade")
    else:
        bank = _recorded_only(record, list(questions.values()))
    settings = load_settings(base_url=base_url, model=model)
    chosen = make_backend(backend, settings)
    session_id = new_session_id()
    writer = open_transcript(settings, output or str(record.path.parent), bank.id, session_id)
    event = session_start_event(
        session_id=session_id,
        bank=bank,
        bank_ref=start.bank.ref or bank.id,
        mode=start.mode,
        backend=chosen,
        settings=settings,
        extra=start.settings.model_dump(),
    )
    event.regrade_of = {"path": str(record.path), "session_id": start.session_id}
    if not banks:
        event.bank.hash = start.bank.hash  # graded against the recorded questions, not a bank file
    with writer:
        writer.write(event)
        results = [_regrade_question(writer, q, questions[q.number], bank, chosen) for q in reached]
        summary = summarize(results, total=len(start.settings.questions), finished=record.finished)
        writer.write(SessionEnd(**summary.model_dump()))
    return writer.path, summary


def _recorded_only(record: InterviewRecord, questions: list[Question]) -> Bank:
    """A bank of the recorded questions alone: what grading needs (its language and title)."""
    start = record.start
    return Bank(
        id=start.bank.id,
        title=start.bank.title or start.bank.id,
        language=start.language,
        source=start.bank.source,
        questions=questions,
    )
