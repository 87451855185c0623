"""A candidate's interview over HTTP. Web workers keep no state: every request rebuilds the
session from the candidate's transcript, hands it one answer, and the session writes the
events; so any worker behind a proxy can serve the next request."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from interviewer.app.events import session_start_event
from interviewer.backends import make_backend
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.bank.keypoints import resolve_with_key_points
from interviewer.config import load_settings
from interviewer.engine.session import Output, Session
from interviewer.interview import restore_state, scrubber
from interviewer.transcript.record import load_record
from interviewer.transcript.writer import TranscriptWriter, new_session_id, transcript_path
from interviewer.web.store import Invite, Screening

MAX_ANSWER_CHARS = 20_000


def _backend(screening: Screening):
    settings = load_settings(model=screening.model)
    return settings, make_backend(screening.backend, settings)


def _session(screening: Screening, writer: TranscriptWriter, backend) -> Session:
    bank, _ = resolve_with_key_points(screening.bank)
    return Session(
        bank,
        [bank.question(n) for n in screening.questions],
        backend,
        mode=screening.mode,
        max_follow_ups=2,
        sink=writer.write,
        fallback=OfflineBackend() if backend.name != "offline" else None,
        clock=time.time,
    )


def begin(invite: Invite, screening: Screening, folder: Path) -> tuple[Path, list[Output]]:
    """Open the candidate's transcript and ask the first question."""
    settings, backend = _backend(screening)
    bank, _ = resolve_with_key_points(screening.bank)
    session_id = new_session_id()
    path = transcript_path(folder, bank.id, session_id)
    with TranscriptWriter(path, scrubber(settings)) as writer:
        writer.write(
            "session_start",
            session_start_event(
                session_id=session_id,
                bank=bank,
                bank_ref=screening.bank,
                mode=screening.mode,
                backend=backend,
                settings=settings,
                extra={
                    "questions": list(screening.questions),
                    "max_follow_ups": 2,
                    "screening": screening.id,
                    "candidate": invite.candidate,
                },
            ),
        )
        outputs = _session(screening, writer, backend).start()
    return path, outputs


def waiting_prompt(path: Path) -> Output | None:
    """What the candidate is being asked now (None when the interview is over)."""
    record = load_record(path)
    if record.finished:
        return None
    bank, _ = resolve_with_key_points(record.start["bank"]["ref"])
    state = restore_state(record, [bank.question(n) for n in record.start["settings"]["questions"]])
    return state["waiting"] if state else None


def answer(path: Path, screening: Screening, text: str) -> list[Output]:
    """One answer (or /skip) from the candidate; returns what the interviewer says next."""
    record = load_record(path)
    bank, _ = resolve_with_key_points(screening.bank)
    state = restore_state(record, [bank.question(n) for n in screening.questions])
    if state is None or record.finished:
        return []
    settings, backend = _backend(screening)
    last_prompt = next(
        (e for e in reversed(record.transcript.events) if e["type"] in ("question", "follow_up")), None
    )
    since = datetime.fromisoformat(last_prompt["ts"]).timestamp() if last_prompt else None
    with TranscriptWriter(path, scrubber(settings), seq=record.last_seq) as writer:
        session = _session(screening, writer, backend)
        session.restore(
            **{k: v for k, v in state.items() if k != "waiting"},
            waiting=state["waiting"],
            waiting_since=since,
        )
        return session.handle(text[:MAX_ANSWER_CHARS])
