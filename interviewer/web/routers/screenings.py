"""The recruiter's screenings: the list, a new screening, one screening's candidates, invite
links, the CSV export and the side-by-side comparison. Every query is limited to the signed-in
recruiter's team (another team's screening is a 404, as if it did not exist); every form
checks the session's token and the recruiter's role, and lands in the audit log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviewer.bank.loader import DEFAULT_BANK, bank_files, load_bank_file
from interviewer.engine.selection import parse_numbers
from interviewer.errors import InterviewerError
from interviewer.transcript.record import load_record
from interviewer.transcript.report import compare_html
from interviewer.web import inputs
from interviewer.web.auth import new_token, token_hash
from interviewer.web.deps import (
    RecruiterForm,
    SharedWeb,
    SignedIn,
    Web,
    audit,
    checked,
    recruiter,
    recruiter_page,
)
from interviewer.web.results import candidate_rows, csv_text
from interviewer.web.store import Decision, Invite, Screening, utcnow

router = APIRouter()


class ScreeningForm(RecruiterForm):
    """The new-screening form; `questions` and `minutes` are free text, checked in the route."""

    name: str
    bank: str
    questions: str = ""
    mode: str = "exam"
    backend: str = "offline"
    model: str = ""
    minutes: str = ""
    spoken: str = ""  # a checkbox: "yes" when candidates may record their answers


class InviteForm(RecruiterForm):
    candidate: str
    days: int = 7


@router.get("/", response_class=HTMLResponse)
def home(request: Request, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request)
    with web.store() as db:
        screenings = db.scalars(
            select(Screening).where(Screening.team_id == signed.team).order_by(Screening.created.desc())
        ).all()
        counts = dict(
            db.execute(
                select(Invite.screening_id, func.count())
                .join(Screening)
                .where(Screening.team_id == signed.team)
                .group_by(Invite.screening_id)
            ).all()
        )
    banks = [load_bank_file(p) for p in bank_files()]
    return recruiter_page(
        request,
        "screenings.html",
        signed,
        screenings=screenings,
        counts=counts,
        default_bank=DEFAULT_BANK,
        banks=banks,
    )


def chosen_questions(bank: str, questions: str) -> tuple[str, list[int]]:
    """The bank's id and the question numbers picked from it (all when none are given); a
    bank or number that does not exist is a 400 with the loader's own message."""
    files = {path.stem: path for path in bank_files()}  # by id from the registry, never a path
    if bank not in files:
        raise HTTPException(status_code=400, detail=f"no bank named {bank!r}; choose one from the list")
    try:
        loaded = load_bank_file(files[bank])
        numbers = parse_numbers(questions) if questions.strip() else [q.number for q in loaded.questions]
        for number in numbers:
            loaded.question(number)
    except InterviewerError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return loaded.id, numbers


@router.post("/screenings")
def create_screening(request: Request, web: SharedWeb, form: Annotated[ScreeningForm, Form()]) -> Response:
    signed = checked(request, form.csrf)
    name = inputs.text(form.name, "the screening's name", 200, required=True)
    model = inputs.text(form.model, "the model", 200)
    minutes = inputs.number(form.minutes, "minutes per answer", 1, 240)
    bank_id, numbers = chosen_questions(inputs.text(form.bank, "the bank", 200), form.questions)
    if form.mode not in ("exam", "practice") or form.backend not in ("offline", "openai"):
        raise HTTPException(
            status_code=400, detail="mode must be exam or practice; backend offline or openai"
        )
    screening = Screening(
        name=name,
        bank=bank_id,
        questions=numbers,
        mode=form.mode,
        backend=form.backend,
        model=model or None,
        seconds_per_answer=minutes * 60 if minutes else None,
        spoken=form.spoken == "yes",
        team_id=signed.team,
        created_by=signed.who.id,
    )
    with web.store() as db:
        db.add(screening)
        db.flush()
        audit(db, signed, "created", f"screening {screening.id} {name}")
        db.commit()
    return RedirectResponse(f"/screenings/{screening.id}", status_code=303)


def screening_or_404(db: Session, screening_id: int, team: int) -> Screening:
    """The team's screening; another team's is not found, like one that does not exist."""
    screening = db.get(Screening, screening_id)
    if screening is None or screening.team_id != team:
        raise HTTPException(status_code=404, detail="no such screening")
    return screening


def invites_of(db: Session, screening_id: int) -> list[Invite]:
    """The screening's invites, oldest first (the order of the page and the export)."""
    return list(
        db.scalars(select(Invite).where(Invite.screening_id == screening_id).order_by(Invite.created))
    )


def screening_view(request: Request, web: Web, signed: SignedIn, screening_id: int, **extra) -> HTMLResponse:
    """One screening's page: its candidates with scores, flags and latest decisions."""
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        invites = invites_of(db, screening_id)
        decisions = {
            d.invite_id: d.decision
            for d in db.scalars(
                select(Decision)
                .join(Invite)
                .where(Invite.screening_id == screening_id)
                .order_by(Decision.created)
            )
        }
    rows = candidate_rows(screening, invites, decisions)
    return recruiter_page(request, "screening.html", signed, screening=screening, rows=rows, **extra)


@router.get("/screenings/{screening_id}", response_class=HTMLResponse)
def show_screening(request: Request, screening_id: int, web: SharedWeb) -> HTMLResponse:
    return screening_view(request, web, recruiter(request), screening_id)


@router.post("/screenings/{screening_id}/invites", response_class=HTMLResponse)
def invite(
    request: Request, screening_id: int, web: SharedWeb, form: Annotated[InviteForm, Form()]
) -> HTMLResponse:
    """A new invite link, shown once: only the token's hash is stored."""
    signed = checked(request, form.csrf)
    candidate = inputs.text(form.candidate, "the candidate's name", 200, required=True)
    token = new_token()
    with web.store() as db:
        screening_or_404(db, screening_id, signed.team)
        expires = utcnow() + timedelta(days=max(1, min(form.days, 60)))
        row = Invite(
            screening_id=screening_id, token_hash=token_hash(token), candidate=candidate, expires=expires
        )
        db.add(row)
        db.flush()
        audit(db, signed, "invited", f"candidate {row.id} {candidate} to screening {screening_id}")
        db.commit()
    link = (web.public_url or str(request.base_url).rstrip("/")) + f"/i/{token}"
    return screening_view(request, web, signed, screening_id, new_link=link, new_candidate=candidate)


@router.get("/screenings/{screening_id}/export.csv")
def export(request: Request, screening_id: int, web: SharedWeb) -> Response:
    signed = recruiter(request, "recruiter")
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        invites = invites_of(db, screening_id)
        audit(db, signed, "exported", f"screening {screening_id} {screening.name}")
        db.commit()
    return Response(
        csv_text(screening, candidate_rows(screening, invites, {})),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="screening-{screening_id}.csv"'},
    )


@router.get("/screenings/{screening_id}/compare", response_class=HTMLResponse)
def compare(request: Request, screening_id: int, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request)
    with web.store() as db:
        screening_or_404(db, screening_id, signed.team)
        paths = db.scalars(
            select(Invite.transcript).where(
                Invite.screening_id == screening_id, Invite.transcript.is_not(None)
            )
        ).all()
    records = [load_record(p) for p in paths if Path(p).exists()]
    if not records:
        raise HTTPException(status_code=404, detail="no interviews to compare yet")
    return HTMLResponse(compare_html(records))
