"""The `session_start` event every front end writes: one shape for the terminal, the web,
regrade and simulated interviews."""

from __future__ import annotations

from interviewer import __version__
from interviewer.bank.models import Bank
from interviewer.config import Settings
from interviewer.engine.critique import RUBRIC_VERSION
from interviewer.engine.events import BankRef, SessionStart, StartSettings
from interviewer.engine.ports import Backend
from interviewer.transcript.writer import now_iso


def session_start_event(
    *,
    session_id: str,
    bank: Bank,
    bank_ref: str,
    mode: str,
    backend: Backend,
    settings: Settings,
    extra: dict,
) -> SessionStart:
    """What a transcript records first: the bank by content hash, who interviews, the settings."""
    return SessionStart(
        session_id=session_id,
        started=now_iso(),
        interviewer_version=__version__,
        bank=BankRef(id=bank.id, ref=bank_ref, title=bank.title, hash=bank.content_hash, source=bank.source),
        language=bank.language,
        mode=mode,
        **backend.describe(bank.language),
        base_url_host=settings.base_url_host if backend.name != "offline" else None,
        rubric_version=RUBRIC_VERSION,
        settings=StartSettings(**{"context_tokens": settings.context_tokens, **extra}),
    )
