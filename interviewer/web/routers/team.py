"""A team's accounts, managed by its owners in the browser (as `interviewer user …` does on
the command line): add a recruiter or viewer, disable or enable an account, set a new
password. Disabling and a new password end that person's sessions at once."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from interviewer.errors import InterviewerError
from interviewer.web import inputs
from interviewer.web.deps import SharedWeb, audit, checked, recruiter, recruiter_page
from interviewer.web.reasons import Refusal
from interviewer.web.store import ROLES, Recruiter, Team
from interviewer.web.team import MIN_PASSWORD, create_user, set_disabled, set_password

router = APIRouter()


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request, "owner")
    with web.store() as db:
        team = db.get(Team, signed.team)
        members = db.scalars(
            select(Recruiter).where(Recruiter.team_id == signed.team).order_by(Recruiter.email)
        ).all()
    return recruiter_page(request, "team.html", signed, team=team, members=members, roles=ROLES)


def _member(web, signed, member_id: int) -> Recruiter:
    with web.store() as db:
        found = db.get(Recruiter, member_id)
    if found is None or found.team_id != signed.team:
        raise Refusal(404, "web_detail_no_account")
    return found


def _done(web, signed, action: str, target: str) -> Response:
    with web.store() as db:
        audit(db, signed, action, target)
        db.commit()
    return RedirectResponse("/team", status_code=303)


@router.post("/team/members")
def add_member(
    request: Request,
    web: SharedWeb,
    csrf: str = Form(None),
    email: str = Form(...),
    role: str = Form("recruiter"),
    password: str = Form(...),
) -> Response:
    signed = checked(request, csrf, role="owner")
    email = inputs.text(email, "web_field_email", 320, required=True)
    if role not in ROLES:
        raise Refusal(400, "web_detail_role_choice", roles=", ".join(ROLES))
    with web.store() as db:
        team = db.get(Team, signed.team).name
    if len(password) < MIN_PASSWORD:
        raise Refusal(400, "web_detail_short_password", least=MIN_PASSWORD)
    try:
        create_user(web.store, email, password, team, role)
    except InterviewerError:  # the rest is checked above: the address has an account
        raise Refusal(400, "web_detail_account_exists", email=email) from None
    return _done(web, signed, "added", f"{email.lower()} as {role}")


@router.post("/team/members/{member_id}/disable")
def toggle_member(request: Request, member_id: int, web: SharedWeb, csrf: str = Form(None)) -> Response:
    """Disable an account (its sessions end) or enable it again; an owner cannot lock themself out."""
    signed = checked(request, csrf, role="owner")
    found = _member(web, signed, member_id)
    if found.id == signed.who.id:
        raise Refusal(400, "web_detail_disable_self")
    set_disabled(web.store, found.email, not found.disabled)
    return _done(web, signed, "enabled" if found.disabled else "disabled", found.email)


@router.post("/team/members/{member_id}/password")
def reset_password(
    request: Request, member_id: int, web: SharedWeb, csrf: str = Form(None), password: str = Form(...)
) -> Response:
    """A new password chosen by the owner (to hand over in person); the member's sessions end."""
    signed = checked(request, csrf, role="owner")
    found = _member(web, signed, member_id)
    if len(password) < MIN_PASSWORD:
        raise Refusal(400, "web_detail_short_password", least=MIN_PASSWORD)
    set_password(web.store, found.email, password)
    return _done(web, signed, "reset", f"password of {found.email}")
