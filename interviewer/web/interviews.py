"""A candidate's interview over HTTP, through the app layer. Web workers keep no state: every
request restores the interview from the candidate's transcript, hands it one answer, and the
session writes the events; so any worker behind a proxy can serve the next request."""

from __future__ import annotations

import time
from pathlib import Path

from interviewer.app import interviews
from interviewer.app.interviews import InterviewOptions
from interviewer.engine.session import Output
from interviewer.web.store import Invite, Screening

MAX_ANSWER_CHARS = 20_000  # a browser form's answer; the server refuses longer ones (413)


def begin(invite: Invite, screening: Screening, folder: Path) -> tuple[Path, list[Output]]:
    """Open the candidate's transcript and ask the first question."""
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
        return interview.path, interview.begin()


def waiting_prompt(path: Path) -> Output | None:
    """What the candidate is being asked now (None when the interview is over)."""
    return interviews.waiting_prompt(path)


def answer(path: Path, screening: Screening, text: str) -> list[Output]:
    """One answer (or /skip) from the candidate; returns what the interviewer says next."""
    interview = interviews.restore(path)
    if interview is None:
        return []
    with interview:
        return interview.answer(text[:MAX_ANSWER_CHARS])
