"""What every route shares. One `Web` per app, kept on `app.state.web` and reached with
`Depends(shared)`, holds the database, the signed sessions, the transcripts folder, the rate
limits and the per-invite locks; beside it, the page renderer and the recruiter's login and
CSRF checks."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy.orm import sessionmaker

from interviewer.prompts import say
from interviewer.web.auth import SESSION_COOKIE, Sessions, csrf_ok
from interviewer.web.store import Recruiter

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


class RateLimit:
    """At most `limit` requests per key in any `window` seconds (per worker process)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self.seen: dict[str, deque] = defaultdict(deque)

    def check(self, key: str) -> None:
        now = time.monotonic()
        hits = self.seen[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise HTTPException(status_code=429, detail="too many requests; wait a minute and try again")
        hits.append(now)


@dataclass
class Web:
    """One app's shared state, built once by `create_app`: two apps in one process (the tests)
    share no sessions, limits or locks."""

    store: sessionmaker
    sessions: Sessions
    transcripts: Path
    logins: RateLimit = field(default_factory=lambda: RateLimit(10))
    answers: RateLimit = field(default_factory=lambda: RateLimit(30))
    # One answer at a time per candidate in this worker (the database row lock covers the others).
    invite_locks: defaultdict[int, threading.Lock] = field(
        default_factory=lambda: defaultdict(threading.Lock)
    )


def shared(request: Request) -> Web:
    """The app's `Web`, for `Depends`."""
    return request.app.state.web


SharedWeb = Annotated[Web, Depends(shared)]  # a route's parameter `web: SharedWeb`


@dataclass(frozen=True)
class SignedIn:
    """The recruiter behind a request and their session (which holds the form token)."""

    who: Recruiter
    session: dict

    @property
    def csrf(self) -> str:
        return self.session["csrf"]


def recruiter(request: Request) -> SignedIn:
    """The signed-in recruiter. Called first thing in a route's body, after FastAPI has checked
    the form and path, so a bad request is still a 422 and not a trip to the login page."""
    web = shared(request)
    session = web.sessions.read(request.cookies.get(SESSION_COOKIE))
    found = None
    if session:
        with web.store() as db:
            found = db.get(Recruiter, session["r"])
    if found is None:
        raise HTTPException(status_code=303, headers={"Location": "/login"})
    return SignedIn(found, session)


class RecruiterForm(BaseModel):
    """A recruiter's form: besides its own fields it echoes the session's token (`csrf`)."""

    csrf: str | None = None


def checked(request: Request, csrf: str | None) -> SignedIn:
    """The signed-in recruiter, for a form that changes something: the form must echo the
    session's token, so another site cannot submit it on the recruiter's behalf."""
    signed = recruiter(request)
    if not csrf_ok(signed.session, csrf):
        raise HTTPException(
            status_code=403, detail="the form is stale or forged; reload the page and try again"
        )
    return signed


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """A page rendered on the server; its words come from `say` in the page's language."""
    context.setdefault("lang", "en")
    context.setdefault("title", "interviewer")
    language = context["lang"]
    context["say"] = lambda key, **values: say(language, key, **values)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def recruiter_page(request: Request, name: str, signed: SignedIn, **context) -> HTMLResponse:
    """A page of the recruiter area: its navigation and forms carry the session's form token."""
    return page(request, name, recruiter=signed.who, csrf=signed.csrf, **context)
