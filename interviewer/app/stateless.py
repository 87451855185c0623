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

from interviewer.app.interviews import Interview, recorded_bank, reopen
from interviewer.app.restore import Restored, all_closed_state, restore_state
from interviewer.bank.loader import bank_path, while_unchanged
from interviewer.bank.models import Bank
from interviewer.engine.events import Answer, FollowUp, QuestionAsked, Resume, Skip
from interviewer.engine.session import COMMANDS, Output
from interviewer.transcript.record import InterviewRecord, load_record


@dataclass(frozen=True)
class Position:
    """Where an interview stands: the prompt waiting for an answer and the event that asked it.
    No prompt: the interview is over, or it is `stuck` (cut between writes, or waiting for a
    queued job; see `complete`), `opening` when not even the first question is asked yet."""

    prompt: Output | None = None
    seq: int | None = None
    stuck: bool = False
    opening: bool = False


@dataclass
class Reply:
    """What became of one submitted answer.

    answered: it was the current prompt's answer and is stored; repeated: the same answer to
    the same prompt was stored before, nothing new is written; stale: it answers a prompt that
    is no longer current, nothing is written; over: the interview has ended."""

    status: Literal["answered", "repeated", "stale", "over"]
    outputs: list[Output] = field(default_factory=list)


def _bank(record: InterviewRecord) -> Bank:
    """The transcript's bank as its file now is, ready to grade, kept between calls until the
    file changes: every request reads it, and parsing it again would cost more than the rest
    of the request. Shared by the calls, which only read it."""
    path = bank_path(record.start.bank.ref or record.start.bank.id)
    return while_unchanged("graded", path, lambda: recorded_bank(record, force=True, doing="restore"))


def _read(path: str | Path) -> tuple[InterviewRecord, Bank | None, Restored | None]:
    """The transcript, its bank and where it stands, read once per call: a request is about
    as costly as the number of times it reads these (no bank for a finished interview)."""
    record = load_record(path)
    if record.finished:
        return record, None, None
    bank = _bank(record)
    return record, bank, restore_state(record, [bank.question(n) for n in record.start.settings.questions])


def _position(record: InterviewRecord, state: Restored | None) -> Position:
    if record.finished:
        return Position()
    if state is None or state.waiting is None:
        return Position(
            stuck=True, opening=not any(isinstance(e, QuestionAsked) for e in record.transcript.events)
        )
    return Position(state.waiting, state.waiting_seq)


def position(path: str | Path) -> Position:
    """The prompt now waiting in the transcript at `path`."""
    record, _, state = _read(path)
    return _position(record, state)


def restore(path: str | Path) -> Interview | None:
    """The interview as it stands, waiting for the answer to the prompt already shown; None
    when it is over."""
    record, bank, state = _read(path)
    return _reopened(record, bank, state)


def _reopened(record: InterviewRecord, bank: Bank | None, state: Restored | None) -> Interview | None:
    if record.finished or state is None or bank is None:
        return None
    interview, _ = reopen(record, bank, clock=time.time, state=state)
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
    bank = _bank(record)
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
) -> tuple[Reply, Position]:
    """One submitted answer to the prompt asked at `seq`, stored only if that prompt is the one
    waiting; the same answer sent twice is stored once. Without `grade` the answer is only
    stored, for `complete` to grade later (a command such as /skip is carried out at once).
    `extra` (a spoken answer's recording, what was heard, delivery) is kept on the answer.
    Also returns where the interview stands after it."""
    record, bank, state = _read(path)
    now = _position(record, state)
    if now.prompt is not None and now.seq == seq:
        interview = _reopened(record, bank, state)
        with interview:
            if not grade and not is_command(text):
                refused = interview.session.record(text, extra)
                return Reply("answered", refused), now if refused else Position(stuck=True)
            outputs = interview.answer(text, extra)
        return Reply("answered", outputs), position(path)
    replied = _reply_to(record, seq)
    if replied is not None and replied.strip() == text.strip():
        return Reply("repeated"), now
    return Reply("over" if now.prompt is None else "stale"), now
