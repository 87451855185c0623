"""Recruiters log in and out. A session is a row on the server, so logging out ends it for
good; logins are rate-limited per client address across all workers, so passwords cannot be
guessed at speed."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from interviewer.prompts import say
from interviewer.web import inputs
from interviewer.web.auth import SESSION_COOKIE, SESSION_SECONDS, check_password
from interviewer.web.deps import LANGUAGES, SharedWeb, browser_language, checked, page
from interviewer.web.reasons import Refusal
from interviewer.web.store import Recruiter

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return page(request, "login.html", lang=browser_language(request), title="interviewer")


@router.post("/login")
def login(request: Request, web: SharedWeb, email: str = Form(...), password: str = Form(...)) -> Response:
    web.logins.check(request.client.host if request.client else "?")
    with web.store() as db:
        email = inputs.text(email, "web_field_email", 320)
        found = db.scalar(select(Recruiter).where(Recruiter.email == email.lower()))
    if (
        not check_password(found.password_hash if found else None, password)
        or found is None
        or found.disabled
    ):
        language = browser_language(request)
        return page(request, "login.html", status=401, lang=language, error=say(language, "rec_wrong_login"))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        web.sessions.issue(found.id),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=web.secure_cookies,
    )
    return response


@router.post("/account/language")
def choose_language(
    request: Request, web: SharedWeb, csrf: str = Form(None), language: str = Form(...)
) -> Response:
    """The recruiter pages' language for this recruiter, on every device."""
    signed = checked(request, csrf, role="viewer")
    if language not in LANGUAGES:
        raise Refusal(400, "web_detail_language", languages=", ".join(LANGUAGES))
    with web.store() as db:
        db.get(Recruiter, signed.who.id).language = language
        db.commit()
    return RedirectResponse(request.headers.get("referer") or "/", status_code=303)


@router.post("/logout")
def logout(request: Request, web: SharedWeb, csrf: str = Form(None)) -> Response:
    checked(request, csrf, role="viewer")
    web.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, secure=web.secure_cookies, httponly=True, samesite="lax")
    return response
