"""The candidate's pages behind an invite link `/i/{token}`: consent, one question at a time,
and the end. No login: the token is the key, so it is looked up only by its hash, answers are
rate-limited per token, and one answer at a time is taken per candidate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from interviewer.bank.loader import resolve_bank
from interviewer.engine.events import LeftPage
from interviewer.transcript.record import load_record
from interviewer.transcript.writer import TranscriptWriter
from interviewer.web import interviews
from interviewer.web.auth import token_hash
from interviewer.web.deps import SharedWeb, Web, page
from interviewer.web.store import Invite, Screening

router = APIRouter()


def invite_for(web: Web, token: str) -> tuple[Invite, Screening]:
    """The invite behind a link, and its screening: 404 for an unknown token, 410 once it has
    expired (a finished interview stays readable)."""
    with web.store() as db:
        found = db.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
        if found is None:
            raise HTTPException(status_code=404, detail="this link is not valid")
        expires = found.expires if found.expires.tzinfo else found.expires.replace(tzinfo=timezone.utc)
        if expires < datetime.now(timezone.utc) and found.status != "finished":
            raise HTTPException(
                status_code=410, detail="this link has expired; ask the recruiter for a new one"
            )
        return found, db.get(Screening, found.screening_id)


def candidate_page(
    request: Request, token: str, invite: Invite, screening: Screening, notices: Iterable[str] = ()
) -> HTMLResponse:
    """Where the candidate is, in the bank's language: consent before the transcript exists,
    then the waiting question, then the end."""
    bank = resolve_bank(screening.bank)
    here = {"lang": bank.language, "title": bank.title}
    if invite.transcript is None:
        return page(
            request, "candidate.html", **here, stage="consent", token=token, count=len(screening.questions)
        )
    prompt = interviews.waiting_prompt(Path(invite.transcript))
    if prompt is None:
        return page(request, "candidate.html", **here, stage="done")
    return page(
        request,
        "candidate.html",
        **here,
        stage="question",
        token=token,
        prompt=prompt.text,
        progress=f"{prompt.index} / {prompt.total}",
        minutes=screening.seconds_per_answer // 60 if screening.seconds_per_answer else None,
        notices=list(notices),
    )


@router.get("/i/{token}", response_class=HTMLResponse)
def candidate_home(request: Request, token: str, web: SharedWeb) -> HTMLResponse:
    found, screening = invite_for(web, token)
    return candidate_page(request, token, found, screening)


@router.post("/i/{token}/start")
def candidate_start(token: str, web: SharedWeb, consent: str = Form(None)) -> Response:
    """Consent given: the transcript is opened and the first question asked (once)."""
    found, screening = invite_for(web, token)
    if consent != "yes":
        raise HTTPException(status_code=400, detail="please agree to the recording to start")
    if found.transcript is None:
        path, _ = interviews.begin(found, screening, web.transcripts)
        with web.store() as db:
            row = db.get(Invite, found.id)
            row.transcript, row.status = str(path), "started"
            db.commit()
    return RedirectResponse(f"/i/{token}", status_code=303)


@router.post("/i/{token}/answer", response_class=HTMLResponse)
def candidate_answer(request: Request, token: str, web: SharedWeb, answer: str = Form(...)) -> Response:
    web.answers.check(token_hash(token))
    found, screening = invite_for(web, token)
    if found.transcript is None:
        return RedirectResponse(f"/i/{token}", status_code=303)
    if len(answer) > interviews.MAX_ANSWER_CHARS:
        raise HTTPException(
            status_code=413, detail=f"answers are limited to {interviews.MAX_ANSWER_CHARS} characters"
        )
    # One answer at a time per candidate: a lock in this worker, and the invite's row
    # locked in the database for workers elsewhere (PostgreSQL; SQLite has one writer).
    with web.invite_locks[found.id], web.store() as db, db.begin():
        row = db.scalar(select(Invite).where(Invite.id == found.id).with_for_update())
        outputs = interviews.answer(Path(found.transcript), screening, answer)
        if any(o.kind == "summary" for o in outputs):
            row.status = "finished"
    notices = [o.text for o in outputs if o.kind in ("notice", "hint") and o.text]
    return candidate_page(request, token, found, screening, notices)


@router.post("/i/{token}/left")
def candidate_left(token: str, web: SharedWeb) -> Response:
    """The page was hidden (another tab, another window): noted in the transcript."""
    web.answers.check(token_hash(token))
    found, _ = invite_for(web, token)
    if found.transcript:
        record = load_record(found.transcript)
        if not record.finished:
            with TranscriptWriter(Path(found.transcript), seq=record.last_seq) as writer:
                writer.write(LeftPage())
    return Response(status_code=204)
