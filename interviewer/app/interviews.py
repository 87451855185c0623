"""The interview service every front end calls: start, resume, restore, then answer, skip,
hint, stop or keep a draft, with typed options in and typed outputs (`Output`, `Summary`) out.

The terminal, voice, the web app and simulated interviews build their sessions here and only
here; nothing in this module reads a keyboard or prints (no click, no rich). A web worker keeps
no state between requests: `app.stateless` rebuilds the interview from its transcript each time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.app.events import session_start_event
from interviewer.app.restore import Restored, restore_state
from interviewer.backends import make_backend
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.bank.keypoints import resolve_with_key_points
from interviewer.bank.models import Bank, Question
from interviewer.config import Settings, load_settings
from interviewer.engine.events import Draft, Event, Resume
from interviewer.engine.ports import Backend, Stream
from interviewer.engine.results import Summary
from interviewer.engine.selection import select_questions
from interviewer.engine.session import Output, Session
from interviewer.errors import InterviewerError
from interviewer.transcript.record import InterviewRecord, load_record
from interviewer.transcript.writer import Scrubber, TranscriptWriter, new_session_id, transcript_path


class AllAnswered(InterviewerError):
    """Every question is closed, though the session's end was not written (a crash just before)."""


class InterviewOptions(BaseModel):
    """How to set an interview up; what a front end asks for, in one object."""

    bank: str | None = Field(None, description="Bank id or file (default: the seed bank).")
    backend: str | None = None
    model: str | None = None
    base_url: str | None = None
    mode: Literal["practice", "exam"] = "practice"
    questions: str | None = Field(None, description="Question numbers, such as 1,3,5 or 2-4.")
    count: int | None = None
    shuffle: bool = False
    seed: int | None = None
    max_follow_ups: int = Field(2, ge=0, le=5)
    transcript: str | None = Field(None, description="Transcript file or folder.")
    recorded: dict = Field(default_factory=dict, description="A front end's own settings to record.")


def scrubber(settings: Settings) -> Scrubber:
    return Scrubber([settings.api_key.get_secret_value()] if settings.api_key else [])


def open_transcript(
    settings: Settings, target: str | None, bank_id: str, session_id: str
) -> TranscriptWriter:
    """A new transcript: `target` is a .jsonl file, a folder, or None for the settings' folder."""
    if target and Path(target).suffix == ".jsonl":
        path = Path(target)
    else:
        path = transcript_path(Path(target) if target else settings.transcripts_dir, bank_id, session_id)
    return TranscriptWriter(path, scrubber(settings))


class Interview:
    """One interview in progress: its session, writing every event to its transcript."""

    def __init__(self, session: Session, writer: TranscriptWriter, backend: Backend) -> None:
        self.session = session
        self.writer = writer
        self.backend = backend
        self.drafted = 0  # key points drafted for this bank on first use (worth a notice)

    @property
    def path(self) -> Path:
        return self.writer.path

    @property
    def bank(self) -> Bank:
        return self.session.bank

    @property
    def questions(self) -> list[Question]:
        return self.session.questions

    @property
    def finished(self) -> bool:
        return self.session.finished

    def begin(self) -> list[Output]:
        """The first question, or, for a resumed interview, where it stopped."""
        return self.session.start()

    def answer(self, text: str, extra: dict | None = None) -> list[Output]:
        """One submission: an answer, kept whole, or a command such as /skip."""
        return self.session.handle(text, extra)

    def skip(self) -> list[Output]:
        return self.session.handle("/skip")

    def hint(self) -> list[Output]:
        return self.session.handle("/hint")

    def stop(self) -> list[Output]:
        return self.session.stop()

    def draft(self, text: str) -> None:
        """Keep typed-but-unsubmitted text (the candidate interrupted): recorded, never graded."""
        if text.strip() and not self.session.finished:
            self.writer.write(Draft(number=self.session.question.number, text=text))

    def summary(self) -> Summary:
        return self.session.summary()

    def close(self) -> None:
        self.writer.close()

    def __enter__(self) -> Interview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _session(
    bank: Bank,
    selected: list[Question],
    backend: Backend,
    sink: Callable[[Event], object],
    *,
    mode: str,
    max_follow_ups: int,
    stream: Stream | None,
    clock: Callable[[], float],
) -> Session:
    """The one place a session is built: a model that fails falls back to the offline grader."""
    return Session(
        bank,
        selected,
        backend,
        mode=mode,
        max_follow_ups=max_follow_ups,
        sink=sink,
        fallback=OfflineBackend() if backend.name != "offline" else None,
        stream=stream,
        clock=clock,
    )


def start(
    options: InterviewOptions,
    *,
    stream: Stream | None = None,
    clock: Callable[[], float] = time.monotonic,
    before_transcript: Callable[[Bank], None] | None = None,
) -> Interview:
    """Open the transcript and record how the interview was set up; `begin` asks the first
    question. `before_transcript` may still refuse (a missing answers file) without a file made."""
    settings = load_settings(base_url=options.base_url, model=options.model)
    bank, drafted = resolve_with_key_points(options.bank)
    selected = select_questions(bank, options.questions, options.count, options.shuffle, options.seed)
    backend = make_backend(options.backend, settings)
    if before_transcript:
        before_transcript(bank)
    interview = open_interview(bank, selected, backend, settings, options, stream=stream, clock=clock)
    interview.drafted = drafted
    return interview


def open_interview(
    bank: Bank,
    selected: list[Question],
    backend: Backend,
    settings: Settings,
    options: InterviewOptions,
    *,
    stream: Stream | None = None,
    clock: Callable[[], float] = time.monotonic,
    observe: Callable[[Event], object] | None = None,
) -> Interview:
    """An interview of chosen questions by a chosen backend (simulations choose their own);
    `observe` sees every event after it is written."""
    session_id = new_session_id()
    writer = open_transcript(settings, options.transcript, bank.id, session_id)
    recorded = {
        "questions": [q.number for q in selected],
        "max_follow_ups": options.max_follow_ups,
        "shuffle": options.shuffle,
        "seed": options.seed,
        **options.recorded,
    }
    writer.write(
        session_start_event(
            session_id=session_id,
            bank=bank,
            bank_ref=options.bank or bank.id,
            mode=options.mode,
            backend=backend,
            settings=settings,
            extra=recorded,
        )
    )

    def sink(event: Event) -> None:
        writer.write(event)
        if observe:
            observe(event)

    session = _session(
        bank,
        selected,
        backend,
        sink,
        mode=options.mode,
        max_follow_ups=options.max_follow_ups,
        stream=stream,
        clock=clock,
    )
    return Interview(session, writer, backend)


def recorded_bank(record: InterviewRecord, *, force: bool, doing: str) -> Bank:
    """The bank an interview was recorded against; refused when it changed, unless forced."""
    start = record.start
    bank, _ = resolve_with_key_points(start.bank.ref or start.bank.id)
    if not force and bank.content_hash != start.bank.hash:
        raise InterviewerError(
            f"bank {bank.id!r} changed since {record.path} was recorded (hash {start.bank.hash} is now "
            f"{bank.content_hash}); {doing} with --force to use the new bank"
        )
    return bank


def reopen(
    record: InterviewRecord,
    bank: Bank,
    *,
    base_url: str | None = None,
    model: str | None = None,
    stream: Stream | None = None,
    clock: Callable[[], float],
    state: Restored | None = None,
) -> tuple[Interview, Restored]:
    """The interview in `record` rebuilt where it stands (`state`: from the transcript unless
    given), writing on to the same file."""
    start = record.start
    if record.finished:
        raise InterviewerError(
            f"{record.path} is already finished; `interviewer report {record.path}` shows it"
        )
    settings = load_settings(base_url=base_url, model=model or start.model)
    backend = make_backend(start.backend, settings)
    selected = [bank.question(n) for n in start.settings.questions]
    state = state or restore_state(record, selected)
    if state is None:
        raise AllAnswered(
            f"{record.path} has every question answered; `interviewer report {record.path}` shows it"
        )
    writer = TranscriptWriter(record.path, scrubber(settings), seq=record.last_seq)
    session = _session(
        bank,
        selected,
        backend,
        writer.write,
        mode=start.mode,
        max_follow_ups=start.settings.max_follow_ups,
        stream=stream,
        clock=clock,
    )
    return Interview(session, writer, backend), state


def resume(
    path: str | Path,
    *,
    force: bool = False,
    base_url: str | None = None,
    model: str | None = None,
    stream: Stream | None = None,
) -> Interview:
    """Carry on an interrupted interview in the same file; what was said to the open question
    is graded again before anything new is asked (`begin`)."""
    record = load_record(path)
    bank = recorded_bank(record, force=force, doing="resume")
    interview, state = reopen(
        record, bank, base_url=base_url, model=model, stream=stream, clock=time.monotonic
    )
    interview.writer.write(
        Resume(at_question=state.question_number, bank_hash=bank.content_hash, forced=force)
    )
    interview.session.restore(**state.for_session(waiting=False))
    return interview
