"""The web app: recruiters create screenings and invite candidates; candidates take the
interview one question at a time; recruiters review scores, evidence and transcripts and
record a decision. Pages are rendered on the server; everything shown is escaped.

This module only assembles the app: the shared state (`deps.Web`) and one router per area.
Settings come from the caller or the environment: INTERVIEWER_SECRET (signs cookies),
INTERVIEWER_PUBLIC_URL (https there: cookies are Secure; invite links use it) and
INTERVIEWER_TRUSTED_PROXIES (addresses whose X-Forwarded-For is believed; nobody's by default),
INTERVIEWER_SMTP_URL and INTERVIEWER_SMTP_FROM (invite messages are emailed; see web/mail.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from interviewer.web import errors
from interviewer.web import store as store_module
from interviewer.web.auth import Sessions
from interviewer.web.deps import Web
from interviewer.web.grading import open_queue
from interviewer.web.mail import mailer_from_env
from interviewer.web.ratelimit import Limit, limiter
from interviewer.web.routers import accounts, audit, candidate, exports, invites, review, screenings, team
from interviewer.web.security import SecurityHeaders
from interviewer.web.store import open_store


def create_app(
    database_url: str | None = None,
    transcripts_dir: str | Path = "transcripts",
    secret: str | None = None,
    *,
    public_url: str | None = None,
    trusted_proxies: str | None = None,
    grading_workers: int = 2,
    grade_in_request: bool = False,
) -> FastAPI:
    """The site for one database and transcripts folder (`interviewer serve` and the tests).
    Without a secret from the caller or INTERVIEWER_SECRET, sessions last as long as the process.
    Answers are graded on a queue (`web.grading`) by `grading_workers` workers in this process
    (on PostgreSQL, 0 leaves it to `interviewer worker`), or inside the request if asked."""
    mailer = mailer_from_env()  # a malformed setting stops here, before anything has started
    database_url = database_url or store_module.database_url()
    store = open_store(database_url)
    secret = secret or os.environ.get("INTERVIEWER_SECRET") or secrets.token_urlsafe(32)
    public_url = public_url or os.environ.get("INTERVIEWER_PUBLIC_URL", "")
    proxies = trusted_proxies or os.environ.get("INTERVIEWER_TRUSTED_PROXIES", "")
    shared_limits = limiter(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if app.state.web.grading is not None:  # the job in hand finishes; queued ones wait
            app.state.web.grading.close()

    app = FastAPI(title="interviewer", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.web = Web(
        store=store,
        sessions=Sessions(secret, store),
        transcripts=Path(transcripts_dir),
        logins=Limit("login", "10/minute", shared_limits),
        answers=Limit("answer", "30/minute", shared_limits),
        secure_cookies=public_url.startswith("https://"),
        public_url=public_url.rstrip("/"),
        grading=None if grade_in_request else open_queue(store, database_url, grading_workers),
        mailer=mailer,
    )
    for area in (accounts, screenings, invites, exports, review, team, audit, candidate):
        app.include_router(area.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    if proxies.strip():  # the client's address comes from X-Forwarded-For only via these
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[p.strip() for p in proxies.split(",")])
    return app
