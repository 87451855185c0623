"""Choosing who plays the interviewer."""

from __future__ import annotations

from interviewer.config import Settings
from interviewer.engine.ports import Backend
from interviewer.errors import InterviewerError

BACKENDS = ("offline", "openai")


def default_backend_name(settings: Settings) -> str:
    """`openai` when a key or base URL is configured, else the built-in offline interviewer."""
    return "openai" if settings.has_endpoint else "offline"


def make_backend(name: str | None, settings: Settings) -> Backend:
    name = name or default_backend_name(settings)
    if name == "offline":
        from interviewer.backends.offline.backend import OfflineBackend

        return OfflineBackend()
    if name == "openai":
        from interviewer.backends.openai_chat import OpenAIChatBackend

        return OpenAIChatBackend(settings)
    raise InterviewerError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
