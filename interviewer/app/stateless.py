"""An interview served one request at a time (the web app): nothing is kept between requests,
so every call reads the transcript, finds the prompt now waiting, and acts on it.

A browser form names the prompt it answers (the sequence number of the event that asked it).
That makes a repeated submit harmless (it is recognised and nothing is written), an answer to
an earlier prompt refusable (the candidate is shown the current one), and a transcript cut
between two writes by a crash completable (`complete`). The caller serialises calls for one
transcript (a lock); these functions assume they run alone on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from interviewer.app.interviews import AllAnswered, Interview, recorded_bank, reopen
from interviewer.app.restore import Restored, all_closed_state, restore_state
from interviewer.engine.events import Answer, FollowUp, QuestionAsked, Resume, Skip
from interviewer.engine.session import COMMANDS, Output
from interviewer.transcript.record import InterviewRecord, load_record


@dataclass(frozen=True)
class Position:
    """Where an interview stands: the prompt waiting for an answer and the event that asked it.
    No prompt: the interview is over, or it is `stuck` (cut between writes; see `complete`)."""

    prompt: Output | None = None
    seq: int | None = None
    stuck: bool = False


@dataclass
class Reply:
    """What became of one submitted answer.

    answered: it was the current prompt's answer and is stored; repeated: the same answer to
    the same prompt was stored before, nothing new is written; stale: it answers a prompt that
    is no longer current, nothing is written; over: the interview has ended."""

    status: Literal["answered", "repeated", "stale", "over"]
    outputs: list[Output] = field(default_factory=list)


def _state(record: InterviewRecord) -> Restored | None:
    bank = recorded_bank(record, force=True, doing="restore")
    return restore_state(record, [bank.question(n) for n in record.start.settings.questions])


def position(path: str | Path) -> Position:
    """The prompt now waiting in the transcript at `path`."""
    record = load_record(path)
    if record.finished:
        return Position()
    state = _state(record)
    if state is None or state.waiting is None:
        return Position(stuck=True)
    return Position(state.waiting, state.waiting_seq)


def restore(path: str | Path) -> Interview | None:
    """The interview as it stands, waiting for the answer to the prompt already shown; None
    when it is over."""
    record = load_record(path)
    if record.finished:
        return None
    bank = recorded_bank(record, force=True, doing="restore")
    try:
        interview, state = reopen(record, bank, clock=time.time)
    except AllAnswered:  # any other failure (a backend that cannot be built) is the caller's to see
        return None
    interview.session.restore(**state.for_session(waiting=True))
    return interview


def complete(path: str | Path, *, after_crash: bool = True) -> list[Output]:
    """Finish what a crash cut short, or what a queue worker was asked to do: a transcript that
    ends on an answer or a critique with no next prompt gets that answer graded and the next
    prompt asked (or its end written), so the candidate is never left on a false "thank you".
    Nothing happens to a transcript that is waiting for an answer or finished. After a crash a
    `resume` event notes the interruption; a queued grading is no interruption."""
    record = load_record(path)
    if record.finished:
        return []
    bank = recorded_bank(record, force=True, doing="complete")
    selected = [bank.question(n) for n in record.start.settings.questions]
    state = restore_state(record, selected)
    if state is not None and state.waiting is not None:
        return []
    ended = state is None
    state = state or all_closed_state(record, selected)
    interview, _ = reopen(record, bank, clock=time.time, state=state)
    with interview:
        if after_crash:
            interview.writer.write(
                Resume(at_question=state.question_number, bank_hash=bank.content_hash, forced=False)
            )
        interview.session.restore(**state.for_session(waiting=False))
        return interview.session.end() if ended else interview.begin()


def is_command(text: str) -> bool:
    return text.strip().lower() in COMMANDS


def _reply_to(record: InterviewRecord, seq: int) -> str | None:
    """What was submitted to the prompt asked at `seq` (None: nothing yet)."""
    for event in record.transcript.events:
        if event.seq <= seq:
            continue
        if isinstance(event, Answer):
            return event.text
        if isinstance(event, Skip):
            return "/skip"
        if isinstance(event, QuestionAsked | FollowUp):
            return None
    return None


def answer_to(
    path: str | Path, seq: int, text: str, *, grade: bool = True, extra: dict | None = None
) -> Reply:
    """One submitted answer to the prompt asked at `seq`, stored only if that prompt is the one
    waiting; the same answer sent twice is stored once. Without `grade` the answer is only
    stored, for `complete` to grade later (a command such as /skip is carried out at once).
    `extra` (a spoken answer's recording, what was heard, delivery) is kept on the answer."""
    now = position(path)
    if now.prompt is not None and now.seq == seq:
        interview = restore(path)
        if interview is not None:
            with interview:
                if grade or is_command(text):
                    return Reply("answered", interview.answer(text, extra))
                return Reply("answered", interview.session.record(text, extra))
    replied = _reply_to(load_record(path), seq)
    if replied is not None and replied.strip() == text.strip():
        return Reply("repeated")
    return Reply("over" if now.prompt is None else "stale")
