"""Recruiters log in and out. The session is a signed cookie; logins are rate-limited per
client address, so passwords cannot be guessed at speed."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from interviewer.web import inputs
from interviewer.web.auth import SESSION_COOKIE, check_password
from interviewer.web.deps import SharedWeb, checked, page
from interviewer.web.store import Recruiter

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return page(request, "login.html", title="Log in")


@router.post("/login")
def login(request: Request, web: SharedWeb, email: str = Form(...), password: str = Form(...)) -> Response:
    web.logins.check(request.client.host if request.client else "?")
    with web.store() as db:
        email = inputs.text(email, "the email", 320)
        found = db.scalar(select(Recruiter).where(Recruiter.email == email.lower()))
    if not check_password(found.password_hash if found else None, password) or found is None:
        return page(request, "login.html", status=401, title="Log in", error="Wrong email or password.")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, web.sessions.issue(found.id), httponly=True, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form(None)) -> Response:
    checked(request, csrf)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
