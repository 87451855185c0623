"""The recruiter reviews one candidate: the escaped interview report, earlier decisions, and a
new decision (advance, hold or reject) with notes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviewer.transcript.record import load_record
from interviewer.transcript.report import report_data, to_html
from interviewer.web import inputs
from interviewer.web.deps import RecruiterForm, SharedWeb, checked, recruiter, recruiter_page
from interviewer.web.store import Decision, Invite, Screening

router = APIRouter()
DECISIONS = ("advance", "hold", "reject")


class DecisionForm(RecruiterForm):
    decision: str
    notes: str = ""


def invite_or_404(db: Session, invite_id: int) -> Invite:
    found = db.get(Invite, invite_id)
    if found is None:
        raise HTTPException(status_code=404, detail="no such candidate")
    return found


@router.get("/candidates/{invite_id}", response_class=HTMLResponse)
def candidate_view(request: Request, invite_id: int, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request)
    with web.store() as db:
        found = invite_or_404(db, invite_id)
        screening = db.get(Screening, found.screening_id)
        decisions = db.scalars(
            select(Decision).where(Decision.invite_id == invite_id).order_by(Decision.created)
        ).all()
    has_transcript = found.transcript and Path(found.transcript).exists()
    report = to_html(report_data(load_record(found.transcript))) if has_transcript else None
    return recruiter_page(
        request,
        "candidate_report.html",
        signed,
        invite=found,
        screening=screening,
        report=report,
        decisions=decisions,
    )


@router.post("/candidates/{invite_id}/decision")
def decide(
    request: Request, invite_id: int, web: SharedWeb, form: Annotated[DecisionForm, Form()]
) -> Response:
    signed = checked(request, form.csrf)
    if form.decision not in DECISIONS:
        raise HTTPException(status_code=400, detail="decision must be advance, hold or reject")
    with web.store() as db:
        invite_or_404(db, invite_id)
        db.add(
            Decision(
                invite_id=invite_id,
                decision=form.decision,
                notes=inputs.text(form.notes, "the notes", 5000, lines=True),
                recruiter_id=signed.who.id,
            )
        )
        db.commit()
    return RedirectResponse(f"/candidates/{invite_id}", status_code=303)
