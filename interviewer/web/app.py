"""The web app: recruiters create screenings and invite candidates; candidates take the
interview one question at a time; recruiters review scores, evidence and transcripts and
record a decision. Pages are rendered on the server; everything shown is escaped.

This module only assembles the app: the shared state (`deps.Web`) and one router per area."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from interviewer.web import errors
from interviewer.web.auth import Sessions
from interviewer.web.deps import Web
from interviewer.web.routers import accounts, candidate, review, screenings
from interviewer.web.security import SecurityHeaders
from interviewer.web.store import open_store


def create_app(
    database_url: str | None = None, transcripts_dir: str | Path = "transcripts", secret: str | None = None
) -> FastAPI:
    """The site for one database and transcripts folder (`interviewer serve` and the tests).
    Without a secret from the caller or INTERVIEWER_SECRET, sessions last as long as the process."""
    store = open_store(database_url)
    sessions = Sessions(secret or os.environ.get("INTERVIEWER_SECRET") or secrets.token_urlsafe(32))
    app = FastAPI(title="interviewer", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = Web(store=store, sessions=sessions, transcripts=Path(transcripts_dir))
    for area in (accounts, screenings, review, candidate):
        app.include_router(area.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    return app
