"""What leaves the app for a screening: the CSV of scores and decisions, every transcript
(JSONL, in a zip, with the recordings of spoken answers), every report (HTML, in a zip), and
the side-by-side comparison labelled by candidate names. Exports are for recruiters and owners
and are written to the audit log."""

from __future__ import annotations

import contextlib
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy import select

from interviewer.transcript.record import load_record
from interviewer.transcript.report import compare_html, report_data, to_html
from interviewer.web import spoken
from interviewer.web.deps import SharedWeb, SignedIn, Web, audit, recruiter
from interviewer.web.reasons import Refusal
from interviewer.web.results import candidate_rows, csv_text, latest_decisions
from interviewer.web.routers.screenings import invites_of, screening_or_404
from interviewer.web.store import Invite, Screening

router = APIRouter()
SPOOL_BYTES = 16 * 2**20  # a zip larger than this (recordings) is built on disk, not in memory
CHUNK_BYTES = 2**20


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


Adder = Callable[[zipfile.ZipFile, Invite], None]


def _zip(invites: list[Invite], add: Adder, name: str) -> StreamingResponse:
    """A zip download with what `add` puts in it for each candidate who has a transcript.
    Recordings can make it hundreds of megabytes: it is spooled to a temporary file and sent in
    chunks, never held whole in memory."""
    with contextlib.ExitStack() as closing:
        out = closing.enter_context(tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for invite in invites:
                if invite.transcript and Path(invite.transcript).exists():
                    add(archive, invite)
        closing.pop_all()  # built: `chunks` closes it once it is sent
    size = out.tell()
    out.seek(0)

    def chunks() -> Iterator[bytes]:
        with out:
            while block := out.read(CHUNK_BYTES):
                yield block

    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(size)}
    return StreamingResponse(chunks(), media_type="application/zip", headers=headers)


def _add_transcript(archive: zipfile.ZipFile, invite: Invite) -> None:
    """The transcript as written, and beside it, in a folder named after it (as on disk), the
    recordings its answers were submitted with (stored as they are: audio does not deflate)."""
    path = Path(invite.transcript)
    member = _file_name(invite, ".jsonl")
    archive.writestr(member, path.read_bytes())
    for name, recording in spoken.recordings(load_record(path)).items():
        audio = f"{member.removesuffix('.jsonl')}.audio/{name}"
        archive.write(recording, audio, compress_type=zipfile.ZIP_STORED)


def _add_report(archive: zipfile.ZipFile, invite: Invite) -> None:
    report = to_html(report_data(load_record(invite.transcript)))
    archive.writestr(_file_name(invite, ".html"), report)


@router.get("/screenings/{screening_id}/transcripts.zip")
def export_transcripts(request: Request, screening_id: int, web: SharedWeb) -> Response:
    """Every candidate's transcript as written (JSONL), one file each, with their recordings."""
    signed = recruiter(request, "recruiter")
    _, invites = _exported(web, signed, screening_id, "transcripts")
    return _zip(invites, _add_transcript, f"screening-{screening_id}-transcripts.zip")


@router.get("/screenings/{screening_id}/reports.zip")
def export_reports(request: Request, screening_id: int, web: SharedWeb) -> Response:
    """Every candidate's report as a standalone HTML page."""
    signed = recruiter(request, "recruiter")
    _, invites = _exported(web, signed, screening_id, "reports")
    return _zip(invites, _add_report, f"screening-{screening_id}-reports.zip")


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
        raise Refusal(404, "web_detail_nothing_to_compare")
    page = compare_html([load_record(path) for path in names], names)
    back = f'<p><a href="/screenings/{screening_id}">←</a></p>'
    return HTMLResponse(page.replace("<body>", "<body>" + back, 1))
