"""Grading stored answers again with another backend, model or rubric, into a new transcript
that points to the original, so scores can be compared across graders."""

from __future__ import annotations

from pathlib import Path

from interviewer.app.events import session_start_event
from interviewer.backends import make_backend
from interviewer.bank.keypoints import resolve_with_key_points
from interviewer.config import load_settings
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Turn
from interviewer.engine.session import QuestionResult, Summary, summarize
from interviewer.errors import InterviewerError
from interviewer.interview import open_transcript
from interviewer.transcript.record import load_record
from interviewer.transcript.writer import new_session_id


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
    bank, _ = resolve_with_key_points(start["bank"].get("ref") or start["bank"]["id"])
    if bank.content_hash != start["bank"]["hash"] and not force:
        raise InterviewerError(
            f"bank {bank.id!r} changed since {path} was recorded; regrade with --force to use the new key points"
        )
    settings = load_settings(base_url=base_url, model=model)
    chosen = make_backend(backend, settings)
    session_id = new_session_id()
    writer = open_transcript(settings, output or str(record.path.parent), bank.id, session_id)
    event = session_start_event(
        session_id=session_id,
        bank=bank,
        bank_ref=start["bank"].get("ref") or bank.id,
        mode=start.get("mode", "practice"),
        backend=chosen,
        settings=settings,
        extra=start.get("settings", {}),
    )
    event["regrade_of"] = {"path": str(record.path), "session_id": start.get("session_id")}
    results: list[QuestionResult] = []
    with writer:
        writer.write("session_start", event)
        for q in record.questions:
            if not q.closed and not q.answers:
                continue
            question = bank.question(q.number)
            writer.write("question", {"number": q.number, "question_id": question.id, "text": q.text})
            for turn in q.turns:
                if turn.kind in ("answer", "follow_up"):
                    writer.write(turn.kind, {"number": q.number, "text": turn.text, "seconds": turn.seconds})
            if not q.answers:
                writer.write("skip", {"number": q.number})
                results.append(QuestionResult(number=q.number, text=q.text, score=0.0, skipped=True))
                continue
            critique, _ = grade_answer(Turn(bank, question, "exam", 1, 1), q.answer_text, chosen)
            for usage in chosen.take_usage():
                writer.write("usage", {"number": q.number, **usage})
            writer.write("critique", critique.model_dump(mode="json"))
            results.append(QuestionResult.from_critique(q.text, critique, q.follow_ups))
        summary = summarize(
            results, total=len(start.get("settings", {}).get("questions", [])), finished=record.finished
        )
        writer.write("session_end", summary.model_dump(mode="json"))
    return writer.path, summary
