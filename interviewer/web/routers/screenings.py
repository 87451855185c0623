"""The recruiter's screenings: the list (active or archived), a new screening with its
bank's questions to pick from, editing and archiving, and one screening's page of candidates
(search, filters, sort, pages). Every query is limited to the signed-in recruiter's team
(another team's screening is a 404, as if it did not exist); every form checks the session's
token and the recruiter's role, and lands in the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviewer.bank.loader import DEFAULT_BANK, bank_files, load_bank_file
from interviewer.bank.models import Bank
from interviewer.engine.selection import parse_numbers
from interviewer.errors import InterviewerError
from interviewer.web import inputs
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
from interviewer.web.reasons import Refusal
from interviewer.web.results import candidate_rows, latest_decisions, pick_rows
from interviewer.web.store import Invite, Screening, Team

router = APIRouter()
PAGE_SIZE = 25


class ScreeningForm(RecruiterForm):
    """A screening's settings. Questions come as ticked boxes (`pick`) or as text such as
    "1,3-5" (`questions`); none means every question of the bank."""

    name: str
    bank: str
    pick: list[int] = Field(default_factory=list)
    questions: str = ""
    mode: str = "exam"
    backend: str = "offline"
    model: str = ""
    minutes: str = ""
    spoken: str = ""  # a checkbox: "yes" when candidates may record their answers


def registry() -> dict[str, Bank]:
    """The banks a screening can use, by id (never a path)."""
    banks = [load_bank_file(path) for path in bank_files()]
    return {bank.id: bank for bank in banks}


def team_name(web: Web, signed: SignedIn) -> str:
    with web.store() as db:
        return db.get(Team, signed.team).name


@router.get("/", response_class=HTMLResponse)
def home(request: Request, web: SharedWeb, archived: bool = False) -> HTMLResponse:
    signed = recruiter(request)
    with web.store() as db:
        screenings = db.scalars(
            select(Screening)
            .where(Screening.team_id == signed.team, Screening.archived == archived)
            .order_by(Screening.created.desc())
        ).all()
        counts = dict(
            db.execute(
                select(Invite.screening_id, func.count())
                .join(Screening)
                .where(Screening.team_id == signed.team)
                .group_by(Invite.screening_id)
            ).all()
        )
    return recruiter_page(
        request,
        "screenings.html",
        signed,
        screenings=screenings,
        counts=counts,
        archived=archived,
        team_name=team_name(web, signed),
    )


@router.get("/screenings/new", response_class=HTMLResponse)
def new_screening(request: Request, bank: str = DEFAULT_BANK) -> HTMLResponse:
    """The form, with the chosen bank's questions to tick (a question preview, no script)."""
    signed = recruiter(request, "recruiter")
    banks = registry()
    chosen_bank = banks.get(bank) or banks.get(DEFAULT_BANK) or next(iter(banks.values()))
    return recruiter_page(
        request, "screening_form.html", signed, banks=list(banks.values()), bank=chosen_bank, chosen=set()
    )


def chosen_questions(bank: str, picked: list[int], questions: str) -> tuple[str, list[int]]:
    """The bank's id and the question numbers picked from it (all when none are given); a
    bank or number that does not exist is a 400 that names what there is."""
    banks = registry()
    if bank not in banks:
        raise Refusal(400, "web_detail_no_bank", bank=repr(bank))
    loaded = banks[bank]
    try:  # typed as "1,3-5"; Chinese commas too
        numbers = picked or parse_numbers(questions.replace("，", ",").replace("、", ","))
    except InterviewerError:
        raise Refusal(400, "web_detail_question_numbers", given=questions.strip()[:50]) from None
    known = [q.number for q in loaded.questions]
    numbers = list(dict.fromkeys(numbers or known))
    missing = ", ".join(str(n) for n in numbers if n not in known)
    if missing:
        raise Refusal(400, "web_detail_no_question", missing=missing[:60], low=min(known), high=max(known))
    return loaded.id, numbers


def settings_of(form: ScreeningForm) -> dict:
    """The checked settings of a screening form (everything but its bank and questions)."""
    minutes = inputs.number(form.minutes, "web_field_minutes", 1, 240)
    if form.mode not in ("exam", "practice") or form.backend not in ("offline", "openai"):
        raise Refusal(400, "web_detail_mode_backend")
    return {
        "name": inputs.text(form.name, "web_field_screening_name", 200, required=True),
        "model": inputs.text(form.model, "web_field_model", 200) or None,
        "mode": form.mode,
        "backend": form.backend,
        "seconds_per_answer": minutes * 60 if minutes else None,
        "spoken": form.spoken == "yes",
    }


@router.post("/screenings")
def create_screening(request: Request, web: SharedWeb, form: Annotated[ScreeningForm, Form()]) -> Response:
    signed = checked(request, form.csrf)
    settings = settings_of(form)
    bank_id, numbers = chosen_questions(
        inputs.text(form.bank, "web_field_bank", 200), form.pick, form.questions
    )
    screening = Screening(
        bank=bank_id, questions=numbers, team_id=signed.team, created_by=signed.who.id, **settings
    )
    with web.store() as db:
        db.add(screening)
        db.flush()
        audit(db, signed, "created", f"screening {screening.id} {screening.name}")
        db.commit()
    return RedirectResponse(f"/screenings/{screening.id}", status_code=303)


def screening_or_404(db: Session, screening_id: int, team: int) -> Screening:
    """The team's screening; another team's is not found, like one that does not exist."""
    screening = db.get(Screening, screening_id)
    if screening is None or screening.team_id != team:
        raise Refusal(404, "web_detail_no_screening")
    return screening


@router.get("/screenings/{screening_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, screening_id: int, web: SharedWeb) -> HTMLResponse:
    signed = recruiter(request, "recruiter")
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
    bank = registry().get(screening.bank)
    if bank is None:
        raise Refusal(404, "web_detail_bank_gone", bank=repr(screening.bank))
    return recruiter_page(
        request,
        "screening_form.html",
        signed,
        screening=screening,
        bank=bank,
        chosen=set(screening.questions),
    )


@router.post("/screenings/{screening_id}/edit")
def edit(
    request: Request, screening_id: int, web: SharedWeb, form: Annotated[ScreeningForm, Form()]
) -> Response:
    """New settings; the questions change only while nobody has been invited, so every
    candidate of a screening answers the same questions."""
    signed = checked(request, form.csrf)
    settings = settings_of(form)
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        _, numbers = chosen_questions(screening.bank, form.pick, form.questions)
        invited = db.scalar(select(func.count()).where(Invite.screening_id == screening_id))
        if numbers != screening.questions and invited:
            raise Refusal(409, "web_detail_questions_fixed")
        for name, value in {**settings, "questions": numbers}.items():
            setattr(screening, name, value)
        audit(db, signed, "edited", f"screening {screening_id} {screening.name}")
        db.commit()
    return RedirectResponse(f"/screenings/{screening_id}", status_code=303)


@router.post("/screenings/{screening_id}/archive")
def archive(request: Request, screening_id: int, web: SharedWeb, csrf: str = Form(None)) -> Response:
    """Put a screening away (or back): it leaves the home list; its candidates stay."""
    signed = checked(request, csrf)
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        screening.archived = not screening.archived
        action = "archived" if screening.archived else "restored"
        audit(db, signed, action, f"screening {screening_id} {screening.name}")
        db.commit()
    return RedirectResponse(f"/screenings/{screening_id}", status_code=303)


def invites_of(db: Session, screening_id: int) -> list[Invite]:
    """The screening's invites, oldest first (the order of the export)."""
    return list(
        db.scalars(select(Invite).where(Invite.screening_id == screening_id).order_by(Invite.created))
    )


class Listing(BaseModel):
    """What the candidates table shows: a search, filters, an order and a page."""

    q: str = ""
    status: str = ""
    flag: str = ""
    decision: str = ""
    sort: str = "created"
    page: int = 1


def screening_view(
    request: Request, web: Web, signed: SignedIn, screening_id: int, listing: Listing | None = None, **extra
) -> HTMLResponse:
    """One screening's page: its candidates with scores, flags and latest decisions."""
    listing = listing or Listing()
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        invites = invites_of(db, screening_id)
        decisions = latest_decisions(db, screening_id)
    rows = pick_rows(candidate_rows(screening, invites, decisions), listing.model_dump())
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page_number = min(max(1, listing.page), pages)
    shown = rows[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    return recruiter_page(
        request,
        "screening.html",
        signed,
        screening=screening,
        rows=shown,
        total=len(invites),
        matching=len(rows),
        listing=listing,
        page_number=page_number,
        pages=pages,
        mail_on=web.mailer is not None,
        **extra,
    )


@router.get("/screenings/{screening_id}", response_class=HTMLResponse)
def show_screening(
    request: Request, screening_id: int, web: SharedWeb, listing: Annotated[Listing, Query()]
) -> HTMLResponse:
    return screening_view(request, web, recruiter(request), screening_id, listing)
