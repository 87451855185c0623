"""What leaves the app for a screening: the CSV of scores and decisions, every transcript
(JSONL, in a zip), every report (HTML, in a zip), and the side-by-side comparison labelled by
candidate names. Exports are for recruiters and owners and are written to the audit log."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from interviewer.transcript.record import load_record
from interviewer.transcript.report import compare_html, report_data, to_html
from interviewer.web.deps import SharedWeb, SignedIn, Web, audit, recruiter
from interviewer.web.results import candidate_rows, csv_text, latest_decisions
from interviewer.web.routers.screenings import invites_of, screening_or_404
from interviewer.web.store import Invite, Screening

router = APIRouter()


def _exported(web: Web, signed: SignedIn, screening_id: int, what: str) -> tuple[Screening, list[Invite]]:
    """The team's screening and its invites, the export noted in the audit log."""
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        invites = invites_of(db, screening_id)
        audit(db, signed, "exported", f"screening {screening_id} {screening.name}: {what}")
        db.commit()
    return screening, invites


def _download(body: bytes | str, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _file_name(invite: Invite, suffix: str) -> str:
    """A zip member's name: the invite's number and the candidate's name, safe on any disk."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", invite.candidate).strip(". ") or "candidate"
    return f"{invite.id:05d}-{safe[:80]}{suffix}"


@router.get("/screenings/{screening_id}/export.csv")
def export_csv(request: Request, screening_id: int, web: SharedWeb) -> Response:
    signed = recruiter(request, "recruiter")
    screening, invites = _exported(web, signed, screening_id, "csv")
    with web.store() as db:
        decisions = latest_decisions(db, screening_id)
    rows = candidate_rows(screening, invites, decisions)
    return _download(csv_text(screening, rows), "text/csv", f"screening-{screening_id}.csv")


def _zip(invites: list[Invite], member) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for invite in invites:
            if invite.transcript and Path(invite.transcript).exists():
                name, data = member(invite)
                archive.writestr(name, data)
    return out.getvalue()


@router.get("/screenings/{screening_id}/transcripts.zip")
def export_transcripts(request: Request, screening_id: int, web: SharedWeb) -> Response:
    """Every candidate's transcript as written (JSONL), one file each."""
    signed = recruiter(request, "recruiter")
    _, invites = _exported(web, signed, screening_id, "transcripts")
    body = _zip(invites, lambda i: (_file_name(i, ".jsonl"), Path(i.transcript).read_bytes()))
    return _download(body, "application/zip", f"screening-{screening_id}-transcripts.zip")


@router.get("/screenings/{screening_id}/reports.zip")
def export_reports(request: Request, screening_id: int, web: SharedWeb) -> Response:
    """Every candidate's report as a standalone HTML page."""
    signed = recruiter(request, "recruiter")
    _, invites = _exported(web, signed, screening_id, "reports")
    body = _zip(invites, lambda i: (_file_name(i, ".html"), to_html(report_data(load_record(i.transcript)))))
    return _download(body, "application/zip", f"screening-{screening_id}-reports.zip")


@router.get("/screenings/{screening_id}/compare", response_class=HTMLResponse)
def compare(request: Request, screening_id: int, web: SharedWeb) -> HTMLResponse:
    """The candidates side by side, best first, each row named after the candidate."""
    signed = recruiter(request)
    with web.store() as db:
        screening_or_404(db, screening_id, signed.team)
        found = db.execute(
            select(Invite.transcript, Invite.candidate).where(
                Invite.screening_id == screening_id, Invite.transcript.is_not(None)
            )
        ).all()
    names = {path: name for path, name in found if Path(path).exists()}
    if not names:
        raise HTTPException(status_code=404, detail="no interviews to compare yet")
    page = compare_html([load_record(path) for path in names], names)
    back = f'<p><a href="/screenings/{screening_id}">←</a></p>'
    return HTMLResponse(page.replace("<body>", "<body>" + back, 1))
