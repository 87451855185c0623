"""Error pages a person can read: HTML, in the candidate's language on an invite link (the
bank's language; the browser's when the link is unknown) and in the recruiter's language
elsewhere (their choice, else the browser's), saying what happened and what to do; the reason
of a `Refusal` is said in that language too. Never a traceback, never raw JSON."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.exceptions import HTTPException

from interviewer.bank.loader import resolve_bank
from interviewer.web.auth import SESSION_COOKIE, token_hash
from interviewer.web.deps import browser_language, page, web_of
from interviewer.web.reasons import Refusal
from interviewer.web.store import Invite, Recruiter, Screening

KNOWN = {400, 403, 404, 409, 410, 413, 422, 429, 503}
log = logging.getLogger("interviewer.web")


def _candidate_language(request: Request) -> str | None:
    """The bank's language behind an invite link, if the link is known."""
    parts = request.url.path.split("/")
    if len(parts) < 3 or parts[1] != "i":
        return None
    try:
        with web_of(request).store() as db:
            invite = db.scalar(select(Invite).where(Invite.token_hash == token_hash(parts[2])))
            screening = db.get(Screening, invite.screening_id) if invite else None
        return resolve_bank(screening.bank).language if screening else None
    except Exception:  # an error page must not fail in turn; the browser's language will do
        return None


def _recruiter_language(request: Request) -> str | None:
    """The signed-in recruiter's chosen language, if there is one."""
    try:
        web = web_of(request)
        session = web.sessions.read(request.cookies.get(SESSION_COOKIE))
        with web.store() as db:
            found = db.get(Recruiter, session.recruiter_id) if session else None
        return found.language if found else None
    except Exception:  # as above: the browser's language will do
        return None


def error_page(request: Request, status: int, reason: HTTPException | None = None) -> HTMLResponse:
    """The page for `status`; a refusal's reason is said in the page's language, any other
    exception's detail as it is."""
    candidate = request.url.path.startswith("/i/")
    chosen = _candidate_language(request) if candidate else _recruiter_language(request)
    language = chosen or browser_language(request)
    key = getattr(reason, "key", None) or (f"web_error_{status}" if status in KNOWN else "web_error_other")
    if isinstance(reason, Refusal):
        detail = reason.said(language)
    else:
        detail = str(reason.detail or "") if reason else ""
    return page(
        request,
        "error.html",
        status=status,
        lang=language,
        title=str(status),
        message_key=key,
        detail="" if candidate else detail,
    )


async def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code < 400:  # a redirect (to the login page)
        return Response(status_code=exc.status_code, headers=exc.headers)
    response = error_page(request, exc.status_code, exc)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def form_error(request: Request, exc: RequestValidationError) -> Response:
    fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
    return error_page(request, 422, Refusal(422, "web_detail_form_fields", fields=fields))


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
    return error_page(request, 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, form_error)
    app.add_exception_handler(Exception, server_error)
