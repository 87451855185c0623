"""The team's audit log, newest first, for its owners: who created, invited, revoked,
decided, exported or deleted what, and when."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from interviewer.web.deps import SharedWeb, recruiter, recruiter_page
from interviewer.web.store import AuditEntry, Recruiter

router = APIRouter()
SHOWN = 500


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request, "owner")
    with web.store() as db:
        entries = db.execute(
            select(AuditEntry, Recruiter.email)
            .join(Recruiter, AuditEntry.recruiter_id == Recruiter.id)
            .where(AuditEntry.team_id == signed.team)
            .order_by(AuditEntry.id.desc())
            .limit(SHOWN)
        ).all()
    return recruiter_page(request, "audit.html", signed, entries=entries, shown=SHOWN)
