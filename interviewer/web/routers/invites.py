"""Inviting candidates: one name or many at once (a pasted list, or a CSV whose first column is
the name), each link shown once with a copy button and a message to send in the bank's
language; and later a new link (resend: the old one stops working) or more days (extend).
Only the token's hash is stored."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from interviewer.bank.loader import resolve_bank
from interviewer.prompts import say
from interviewer.web import inputs
from interviewer.web.auth import new_token, token_hash
from interviewer.web.deps import SharedWeb, Web, audit, checked
from interviewer.web.routers.review import invite_or_404
from interviewer.web.routers.screenings import screening_or_404, screening_view
from interviewer.web.store import Invite, Screening, aware, utcnow

router = APIRouter()
MAX_AT_ONCE = 500
MAX_CSV_BYTES = 1_000_000


def names_given(candidate: str, names: str, upload: bytes) -> list[str]:
    """Every name of the form: the single field, one per line of the list, the CSV's first
    column (a header row "name" is skipped); each checked like any text field."""
    lines = [candidate, *names.splitlines()]
    if upload:
        text = upload.decode("utf-8-sig", errors="replace")
        lines += [row[0] for row in csv.reader(io.StringIO(text)) if row]
    found = [line.strip() for line in lines if line.strip()]
    found = [name for name in found if name.casefold() not in ("name", "candidate", "姓名")]
    if not found:
        raise HTTPException(status_code=400, detail="give at least one candidate's name")
    if len(found) > MAX_AT_ONCE:
        raise HTTPException(status_code=400, detail=f"invite at most {MAX_AT_ONCE} candidates at once")
    return [inputs.text(name, "a candidate's name", 200, required=True) for name in found]


def link_for(web: Web, request: Request, token: str) -> str:
    return (web.public_url or str(request.base_url).rstrip("/")) + f"/i/{token}"


def message_for(screening: Screening, link: str, days: int) -> str:
    """What to send the candidate, in the bank's language."""
    language = resolve_bank(screening.bank).language
    return say(language, "web_invite_message", count=len(screening.questions), link=link, days=days)


@router.post("/screenings/{screening_id}/invites", response_class=HTMLResponse)
async def invite(
    request: Request,
    screening_id: int,
    web: SharedWeb,
    csrf: str = Form(None),
    candidate: str = Form(""),
    names: str = Form(""),
    days: int = Form(7),
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """New invite links, shown once each with a message to send."""
    upload = await file.read(MAX_CSV_BYTES + 1) if file is not None and file.filename else b""
    if len(upload) > MAX_CSV_BYTES:
        raise HTTPException(status_code=413, detail="the CSV is larger than 1 MB; split it")
    return _invite(request, web, screening_id, csrf, names_given(candidate, names, upload), days)


def _invite(
    request: Request, web: Web, screening_id: int, csrf: str | None, names: list[str], days: int
) -> HTMLResponse:
    signed = checked(request, csrf)
    days = max(1, min(days, 60))
    links = []
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        for name in names:
            token = new_token()
            row = Invite(
                screening_id=screening_id,
                token_hash=token_hash(token),
                candidate=name,
                expires=utcnow() + timedelta(days=days),
            )
            db.add(row)
            db.flush()
            audit(db, signed, "invited", f"candidate {row.id} {name} to screening {screening_id}")
            link = link_for(web, request, token)
            links.append({"name": name, "link": link, "message": message_for(screening, link, days)})
        db.commit()
    return screening_view(request, web, signed, screening_id, new_links=links)


@router.post("/candidates/{invite_id}/resend", response_class=HTMLResponse)
def resend(
    request: Request, invite_id: int, web: SharedWeb, csrf: str = Form(None), days: int = Form(7)
) -> Response:
    """A new link for the same candidate (the old one stops working), valid for `days` more."""
    signed = checked(request, csrf)
    token = new_token()
    days = max(1, min(days, 60))
    with web.store() as db:
        found, screening = invite_or_404(db, invite_id, signed.team)
        if found.status in ("finished", "revoked"):
            raise HTTPException(
                status_code=409, detail=f"this interview is {found.status}; invite them again instead"
            )
        found.token_hash = token_hash(token)
        found.expires = utcnow() + timedelta(days=days)
        audit(db, signed, "resent", f"candidate {invite_id} {found.candidate}")
        db.commit()
    link = link_for(web, request, token)
    links = [{"name": found.candidate, "link": link, "message": message_for(screening, link, days)}]
    return screening_view(request, web, signed, screening.id, new_links=links)


@router.post("/candidates/{invite_id}/extend")
def extend(
    request: Request, invite_id: int, web: SharedWeb, csrf: str = Form(None), days: int = Form(7)
) -> Response:
    """More days for the same link (counted from now, or from its expiry if that is later)."""
    signed = checked(request, csrf)
    with web.store() as db:
        found, _ = invite_or_404(db, invite_id, signed.team)
        found.expires = max(aware(found.expires), utcnow()) + timedelta(days=max(1, min(days, 60)))
        audit(db, signed, "extended", f"candidate {invite_id} {found.candidate} to {found.expires:%Y-%m-%d}")
        db.commit()
    return RedirectResponse(f"/candidates/{invite_id}", status_code=303)
