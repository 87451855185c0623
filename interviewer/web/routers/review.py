"""The recruiter reviews one candidate: the escaped interview report, the spoken answers to
listen to with how each was said, earlier decisions (who made each and when), and a new
decision (advance, hold or reject) with notes. A recruiter can also revoke a candidate's link
or delete the candidate with their transcript. Only the recruiter's own team's candidates are
found."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from interviewer.speech.delivery import describe
from interviewer.transcript.record import InterviewRecord, load_record
from interviewer.transcript.report import report_data, to_html
from interviewer.web import inputs, spoken
from interviewer.web.deps import (
    RecruiterForm,
    SharedWeb,
    Web,
    audit,
    checked,
    recruiter,
    recruiter_language,
    recruiter_page,
)
from interviewer.web.reasons import Refusal
from interviewer.web.store import Decision, Invite, Recruiter, Screening

router = APIRouter()
DECISIONS = ("advance", "hold", "reject")


class DecisionForm(RecruiterForm):
    decision: str
    notes: str = ""


def invite_or_404(db: Session, invite_id: int, team: int) -> tuple[Invite, Screening]:
    """The team's candidate and their screening; another team's is not found."""
    found = db.get(Invite, invite_id)
    screening = db.get(Screening, found.screening_id) if found else None
    if screening is None or screening.team_id != team:
        raise Refusal(404, "web_detail_no_candidate")
    return found, screening


@router.get("/candidates/{invite_id}", response_class=HTMLResponse)
def candidate_view(request: Request, invite_id: int, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request)
    with web.store() as db:
        found, screening = invite_or_404(db, invite_id, signed.team)
        decisions = db.execute(
            select(Decision, Recruiter.email)
            .join(Recruiter, Decision.recruiter_id == Recruiter.id)
            .where(Decision.invite_id == invite_id)
            .order_by(Decision.created)
        ).all()
    has_transcript = found.transcript and Path(found.transcript).exists()
    record = load_record(found.transcript) if has_transcript else None
    return recruiter_page(
        request,
        "candidate_report.html",
        signed,
        invite=found,
        screening=screening,
        report=to_html(report_data(record)) if record else None,
        spoken=spoken_answers(record, invite_id, recruiter_language(request, signed)) if record else [],
        decisions=decisions,
    )


def spoken_answers(record: InterviewRecord, invite_id: int, language: str) -> list[dict]:
    """Each spoken answer, for the review page: where to hear it (while its recording is kept),
    how it was said in words, and what recognition heard when the candidate changed it (the
    sandboxed report frame can play nothing: it has no access to the recruiter's session)."""
    kept = spoken.recordings(record)
    shown = []
    for question in record.questions:
        follow_up = 0
        for turn in question.turns:
            follow_up += turn.kind == "follow_up"
            if turn.kind != "answer" or not turn.spoken:
                continue
            name = Path(turn.spoken.get("audio") or "").name
            heard = turn.spoken.get("recognised")
            shown.append(
                {
                    "number": question.number,
                    "follow_up": follow_up,
                    "url": f"/candidates/{invite_id}/recordings/{name}" if name in kept else None,
                    "delivery": describe(turn.spoken["delivery"], language)
                    if turn.spoken.get("delivery")
                    else "",
                    "heard": heard if heard is not None and heard.strip() != turn.text.strip() else None,
                }
            )
    return shown


@router.get("/candidates/{invite_id}/recordings/{name}")
def recording(request: Request, invite_id: int, name: str, web: SharedWeb) -> FileResponse:
    """One of the candidate's recordings, to listen to (a viewer may), as the format it was
    sniffed as at upload. Only a recording an answer was submitted with is found: any other
    name, a path included, is a 404."""
    signed = recruiter(request)
    with web.store() as db:
        found, _ = invite_or_404(db, invite_id, signed.team)
    has_transcript = found.transcript and Path(found.transcript).exists()
    kept = spoken.recordings(load_record(found.transcript)).get(name) if has_transcript else None
    if kept is None:
        raise Refusal(404, "web_detail_no_recording")
    media = spoken.MEDIA_TYPES[kept.suffix.removeprefix(".")]
    return FileResponse(kept, media_type=media, filename=kept.name, content_disposition_type="inline")


@router.get("/candidates/{invite_id}/report", response_class=HTMLResponse)
def full_report(request: Request, invite_id: int, web: SharedWeb) -> HTMLResponse:
    """The candidate's report as a page of its own, sandboxed like the frame (no script, no
    forms, no same-origin access), for reading and printing."""
    signed = recruiter(request)
    with web.store() as db:
        found, _ = invite_or_404(db, invite_id, signed.team)
    if not (found.transcript and Path(found.transcript).exists()):
        raise Refusal(404, "web_detail_no_interview")
    report = HTMLResponse(to_html(report_data(load_record(found.transcript))))
    report.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return report


@router.post("/candidates/{invite_id}/decision")
def decide(
    request: Request, invite_id: int, web: SharedWeb, form: Annotated[DecisionForm, Form()]
) -> Response:
    signed = checked(request, form.csrf)
    if form.decision not in DECISIONS:
        raise Refusal(400, "web_detail_decision")
    notes = inputs.text(form.notes, "the notes", 5000, lines=True)
    with web.store() as db:
        found, _ = invite_or_404(db, invite_id, signed.team)
        db.add(Decision(invite_id=invite_id, decision=form.decision, notes=notes, recruiter_id=signed.who.id))
        audit(db, signed, "decided", f"candidate {invite_id} {found.candidate}: {form.decision}")
        db.commit()
    return RedirectResponse(f"/candidates/{invite_id}", status_code=303)


def _act_on(request: Request, web: Web, invite_id: int, csrf: str | None, action: str, change) -> Screening:
    """Check the form, `change(db, invite)`, note `action` in the audit log, commit. A deleted
    candidate's name is not kept, even in the log."""
    signed = checked(request, csrf)
    with web.store() as db:
        found, screening = invite_or_404(db, invite_id, signed.team)
        named = "" if action == "deleted" else f" {found.candidate}"
        change(db, found)
        audit(db, signed, action, f"candidate {invite_id}{named}")
        db.commit()
    return screening


def _revoke(db: Session, invite: Invite) -> None:
    if invite.status != "finished":
        invite.status = "revoked"


def _forget(db: Session, invite: Invite) -> None:
    if invite.transcript:
        transcript = Path(invite.transcript)
        transcript.unlink(missing_ok=True)
        shutil.rmtree(transcript.with_suffix(".audio"), ignore_errors=True)  # its recordings, if any
    db.execute(delete(Decision).where(Decision.invite_id == invite.id))
    db.delete(invite)


@router.post("/candidates/{invite_id}/revoke")
def revoke(request: Request, invite_id: int, web: SharedWeb, csrf: str = Form(None)) -> Response:
    """The candidate's link stops working (an interview already finished stays readable here)."""
    _act_on(request, web, invite_id, csrf, "revoked", _revoke)
    return RedirectResponse(f"/candidates/{invite_id}", status_code=303)


@router.get("/candidates/{invite_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, invite_id: int, web: SharedWeb) -> HTMLResponse:
    """What deleting removes, and a form that must be confirmed."""
    signed = recruiter(request, "recruiter")
    with web.store() as db:
        found, screening = invite_or_404(db, invite_id, signed.team)
    return recruiter_page(request, "confirm_delete.html", signed, invite=found, screening=screening)


@router.post("/candidates/{invite_id}/delete")
def delete_candidate(
    request: Request, invite_id: int, web: SharedWeb, csrf: str = Form(None), confirm: str = Form("")
) -> Response:
    """The candidate, their decisions, their transcript and recordings are deleted (a request to
    be forgotten), once the recruiter has confirmed it."""
    if confirm != "yes":
        raise Refusal(400, "web_detail_confirm_delete")
    screening = _act_on(request, web, invite_id, csrf, "deleted", _forget)
    return RedirectResponse(f"/screenings/{screening.id}", status_code=303)
