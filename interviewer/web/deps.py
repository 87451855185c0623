"""What every route shares. One `Web` per app, kept on `app.state.web` and reached with
`Depends(shared)`, holds the database, the sessions, the transcripts folder, the shared rate
limits and the per-invite locks; beside it, the page renderer, the recruiter's login, role and
CSRF checks, and the audit log."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from interviewer.prompts import say
from interviewer.web.auth import SESSION_COOKIE, Sessions, csrf_ok
from interviewer.web.grading import GradingQueue
from interviewer.web.mail import Mailer
from interviewer.web.ratelimit import Limit
from interviewer.web.reasons import Refusal, Term
from interviewer.web.store import AuditEntry, LoginSession, Recruiter

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
RANK = {"viewer": 0, "recruiter": 1, "owner": 2}


@dataclass
class Web:
    """One app's shared state, built once by `create_app`: two apps in one process (the tests)
    share no sessions or locks."""

    store: sessionmaker
    sessions: Sessions
    transcripts: Path
    logins: Limit
    answers: Limit
    secure_cookies: bool = False  # the public URL is https: cookies only travel over it
    public_url: str = ""  # invite links start with it (else with the request's own address)
    grading: GradingQueue | None = None  # None: answers are graded inside the request
    mailer: Mailer | None = None  # None: invite messages are copied by hand, not emailed
    # One answer at a time per candidate in this worker (a file lock covers other processes).
    invite_locks: defaultdict[int, threading.Lock] = field(
        default_factory=lambda: defaultdict(threading.Lock)
    )


def web_of(request: Request) -> Web:
    """The app's `Web`."""
    return request.app.state.web


async def shared(request: Request) -> Web:
    """The app's `Web`, for `Depends` (async: FastAPI would run a plain function in a thread,
    one more hand-over for every request)."""
    return web_of(request)


SharedWeb = Annotated[Web, Depends(shared)]  # a route's parameter `web: SharedWeb`


class NotAllowed(Refusal):
    """A 403 for a role that may not do something (not a stale form): its page says so."""

    key = "web_error_role"

    def __init__(self, role: str) -> None:
        super().__init__(403, "web_detail_role", role=Term(f"rec_role_{role}"))


@dataclass(frozen=True)
class SignedIn:
    """The recruiter behind a request and their session (which holds the form token)."""

    who: Recruiter
    session: LoginSession

    @property
    def csrf(self) -> str:
        return self.session.csrf

    @property
    def team(self) -> int:
        return self.who.team_id


def recruiter(request: Request, role: str = "viewer") -> SignedIn:
    """The signed-in recruiter, who must hold at least `role`. Called first thing in a route's
    body, after FastAPI has checked the form and path, so a bad request is still a 422 and not
    a trip to the login page."""
    web = web_of(request)
    session = web.sessions.read(request.cookies.get(SESSION_COOKIE))
    found = None
    if session:
        with web.store() as db:
            found = db.get(Recruiter, session.recruiter_id)
    if found is None or found.disabled:
        raise HTTPException(status_code=303, headers={"Location": "/login"})
    if RANK[found.role] < RANK[role]:
        raise NotAllowed(found.role)
    return SignedIn(found, session)


class RecruiterForm(BaseModel):
    """A recruiter's form: besides its own fields it echoes the session's token (`csrf`)."""

    csrf: str | None = None


def checked(request: Request, csrf: str | None, role: str = "recruiter") -> SignedIn:
    """The signed-in recruiter, for a form that changes something: the form must echo the
    session's token, so another site cannot submit it on the recruiter's behalf."""
    signed = recruiter(request, role)
    if not csrf_ok(signed.session, csrf):
        raise Refusal(403, "web_detail_stale_form")
    return signed


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """A page rendered on the server; its words come from `say` in the page's language."""
    context.setdefault("lang", "en")
    context.setdefault("title", "interviewer")
    language = context["lang"]
    context["say"] = lambda key, **values: say(language, key, **values)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def audit(db: Session, signed: SignedIn, action: str, target: str) -> None:
    """Note a recruiter's action in the team's audit log (committed with the action itself)."""
    db.add(AuditEntry(team_id=signed.team, recruiter_id=signed.who.id, action=action, target=target[:300]))


LANGUAGES = ("en", "zh-CN")


def browser_language(request: Request) -> str:
    """Chinese when the browser prefers it, English otherwise."""
    wanted = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "zh-CN" if wanted.startswith("zh") else "en"


def recruiter_language(request: Request, signed: SignedIn) -> str:
    """The recruiter's chosen language, else the browser's: what their pages, and any text a
    route words for them, are in."""
    return signed.who.language or browser_language(request)


def recruiter_page(request: Request, name: str, signed: SignedIn, **context) -> HTMLResponse:
    """A page of the recruiter area, in the recruiter's language: its navigation and forms
    carry the session's form token."""
    can_edit = RANK[signed.who.role] >= RANK["recruiter"]
    language = recruiter_language(request, signed)
    context.setdefault("title", "interviewer")
    return page(
        request, name, recruiter=signed.who, csrf=signed.csrf, can_edit=can_edit, lang=language, **context
    )
