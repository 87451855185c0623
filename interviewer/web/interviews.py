"""A candidate's interview over HTTP, through the app layer. Web workers keep no state: every
request reads the candidate's transcript (`app.stateless`), so any worker behind a proxy can
serve the next request. Requests for one transcript take turns under a file lock beside it,
which holds across threads and worker processes on one machine (PostgreSQL's row lock covers
workers on other machines)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import HTTPException
from filelock import FileLock, Timeout

from interviewer.app import interviews, stateless
from interviewer.app.interviews import InterviewOptions
from interviewer.app.stateless import Position, Reply
from interviewer.engine.events import LeftPage
from interviewer.transcript.record import load_record
from interviewer.transcript.writer import TranscriptWriter
from interviewer.web.store import Invite, Screening

log = logging.getLogger("interviewer.web")
MAX_ANSWER_CHARS = 20_000  # a browser form's answer; the server refuses longer ones (413)
SLOW_LOCK_SECONDS = 0.5
LOCK_SECONDS = 300  # a model's critique on a CPU server can take minutes


class Busy(HTTPException):
    """Someone else has held the interview longer than we would wait (a 503 to a browser)."""

    def __init__(self) -> None:
        super().__init__(status_code=503, detail="busy; try again in a minute")


@contextmanager
def turn(path: Path, wait: float = LOCK_SECONDS) -> Iterator[None]:
    """Exclusive use of one file's interview (or one invite's start) while a request acts on it."""
    lock = FileLock(path.with_name(f".{path.name}.lock"))
    began = time.monotonic()
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise Busy from None
    if (waited := time.monotonic() - began) > SLOW_LOCK_SECONDS:  # someone held it long: say so
        log.warning("waited %.1f s for the interview %s", waited, path.name)
    try:
        yield
    finally:
        lock.release()


def begin(invite: Invite, screening: Screening, folder: Path, *, ask: bool = True) -> Path:
    """Open the candidate's transcript and ask the first question (without `ask`, a queued job
    asks it: a model's question would hold the request for seconds)."""
    options = InterviewOptions(
        bank=screening.bank,
        backend=screening.backend,
        model=screening.model,
        mode=screening.mode,
        questions=",".join(str(n) for n in screening.questions),
        transcript=str(folder),
        recorded={"screening": screening.id, "candidate": invite.candidate},
    )
    with interviews.start(options, clock=time.time) as interview:
        if ask:
            interview.begin()
        return interview.path


def current(path: Path) -> Position:
    """The prompt waiting for the candidate; a transcript cut short by a crash is completed
    first, so the candidate is never stuck (grading in the request, without a queue)."""
    with turn(path):
        stateless.complete(path)
        return stateless.position(path)


def position(path: Path) -> Position:
    """Where the interview stands, read without waiting for a grading in progress (each event
    is one appended line, so a reader sees whole events)."""
    return stateless.position(path)


def answer(
    path: Path, prompt: int, text: str, *, grade: bool, extra: dict | None = None
) -> tuple[Reply, Position]:
    """One answer (or /skip) to the prompt asked at `prompt`, and where the interview is after.
    Without `grade` the answer is only stored: a queued job grades it. `extra`: a spoken
    answer's recording, what was heard and its delivery."""
    with turn(path):
        if grade:
            stateless.complete(path)
        return stateless.answer_to(path, prompt, text[:MAX_ANSWER_CHARS], grade=grade, extra=extra)


def left_page(path: Path) -> None:
    """The candidate hid the page (another tab, another window): noted, unless it is over."""
    with turn(path):
        record = load_record(path)
        if not record.finished:
            with TranscriptWriter(path, seq=record.last_seq) as writer:
                writer.write(LeftPage())
