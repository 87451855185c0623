"""The web app: recruiters create screenings and invite candidates; candidates take the
interview one question at a time; recruiters review scores, evidence and transcripts and
record a decision. Pages are rendered on the server; everything shown is escaped."""

from __future__ import annotations

import csv
import io
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from interviewer.bank.loader import DEFAULT_BANK, bank_files, load_bank_file, resolve_bank
from interviewer.engine.selection import parse_numbers
from interviewer.errors import InterviewerError
from interviewer.prompts import say
from interviewer.transcript.record import InterviewRecord, load_record
from interviewer.transcript.report import compare_html, report_data, to_html
from interviewer.transcript.writer import TranscriptWriter
from interviewer.web import interviews
from interviewer.web.auth import SESSION_COOKIE, Sessions, check_password, csrf_ok, new_token, token_hash
from interviewer.web.store import Decision, Invite, Recruiter, Screening, open_store, utcnow

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
FAST_CHARS_PER_SECOND = 15  # nobody types this fast; a long answer arriving faster was pasted
FAST_MIN_CHARS = 200


class RateLimit:
    """At most `limit` requests per key in any `window` seconds (per worker process)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self.seen: dict[str, deque] = defaultdict(deque)

    def check(self, key: str) -> None:
        now = time.monotonic()
        hits = self.seen[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise HTTPException(status_code=429, detail="too many requests; wait a minute and try again")
        hits.append(now)


def behaviour_flags(record: InterviewRecord, seconds_per_answer: int | None = None) -> list[str]:
    """What the candidate did, beside what they said: pasted answers, leaving the page,
    answers over the time limit."""
    flags = []
    if seconds_per_answer:
        late = [
            e
            for e in record.transcript.events
            if e["type"] == "answer" and (e.get("seconds") or 0) > seconds_per_answer
        ]
        if late:
            flags.append(f"over_time×{len(late)}")
    pasted = [
        e
        for e in record.transcript.events
        if e["type"] == "answer"
        and len(e["text"]) >= FAST_MIN_CHARS
        and len(e["text"]) / max(e.get("seconds") or 0.0, 0.1) > FAST_CHARS_PER_SECOND
    ]
    if pasted:
        flags.append(f"fast_paste×{len(pasted)}")
    left = sum(1 for e in record.transcript.events if e["type"] == "left_page")
    if left:
        flags.append(f"left_page×{left}")
    return flags


def create_app(
    database_url: str | None = None, transcripts_dir: str | Path = "transcripts", secret: str | None = None
) -> FastAPI:
    store: sessionmaker = open_store(database_url)
    sessions = Sessions(secret or os.environ.get("INTERVIEWER_SECRET") or secrets.token_urlsafe(32))
    folder = Path(transcripts_dir)
    app = FastAPI(title="interviewer", docs_url=None, redoc_url=None, openapi_url=None)
    logins, answers = RateLimit(10), RateLimit(30)
    interview_locks: defaultdict[int, threading.Lock] = defaultdict(threading.Lock)

    def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("lang", "en")
        context.setdefault("title", "interviewer")
        language = context["lang"]
        context["say"] = lambda key, **values: say(language, key, **values)
        return TEMPLATES.TemplateResponse(request, name, context, status_code=status)

    def recruiter(request: Request) -> tuple[Recruiter, dict]:
        data = sessions.read(request.cookies.get(SESSION_COOKIE))
        if not data:
            raise HTTPException(status_code=303, headers={"Location": "/login"})
        with store() as db:
            found = db.get(Recruiter, data["r"])
        if found is None:
            raise HTTPException(status_code=303, headers={"Location": "/login"})
        return found, data

    def checked(request: Request, csrf: str | None) -> tuple[Recruiter, dict]:
        who, data = recruiter(request)
        if not csrf_ok(data, csrf):
            raise HTTPException(
                status_code=403, detail="the form is stale or forged; reload the page and try again"
            )
        return who, data

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request):
        return page(request, "login.html", title="Log in")

    @app.post("/login")
    def login(request: Request, email: str = Form(...), password: str = Form(...)):
        logins.check(request.client.host if request.client else "?")
        with store() as db:
            found = db.scalar(select(Recruiter).where(Recruiter.email == email.strip().lower()))
        if found is None or not check_password(found.password_hash, password):
            return page(request, "login.html", status=401, title="Log in", error="Wrong email or password.")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, sessions.issue(found.id), httponly=True, samesite="lax")
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form(None)):
        checked(request, csrf)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        who, data = recruiter(request)
        with store() as db:
            screenings = db.scalars(select(Screening).order_by(Screening.created.desc())).all()
            counts = dict(
                db.execute(select(Invite.screening_id, func.count()).group_by(Invite.screening_id)).all()
            )
        banks = [load_bank_file(p) for p in bank_files()]
        return page(
            request,
            "screenings.html",
            recruiter=who,
            csrf=data["csrf"],
            screenings=screenings,
            counts=counts,
            default_bank=DEFAULT_BANK,
            banks=banks,
        )

    @app.post("/screenings")
    def create_screening(
        request: Request,
        csrf: str = Form(None),
        name: str = Form(...),
        bank: str = Form(...),
        questions: str = Form(""),
        mode: str = Form("exam"),
        backend: str = Form("offline"),
        model: str = Form(""),
        minutes: str = Form(""),
    ):
        who, _ = checked(request, csrf)
        limit = int(minutes) * 60 if minutes.strip().isdigit() and int(minutes) > 0 else None
        try:
            loaded = resolve_bank(bank)
            numbers = parse_numbers(questions) if questions.strip() else [q.number for q in loaded.questions]
            for number in numbers:
                loaded.question(number)
        except InterviewerError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        if mode not in ("exam", "practice") or backend not in ("offline", "openai"):
            raise HTTPException(
                status_code=400, detail="mode must be exam or practice; backend offline or openai"
            )
        with store() as db:
            screening = Screening(
                name=name[:200],
                bank=loaded.id,
                questions=numbers,
                mode=mode,
                backend=backend,
                model=model.strip() or None,
                seconds_per_answer=limit,
                created_by=who.id,
            )
            db.add(screening)
            db.commit()
        return RedirectResponse(f"/screenings/{screening.id}", status_code=303)

    def rows_for(screening: Screening, invites: list[Invite], decisions: dict[int, str]) -> list[dict]:
        rows = []
        for invite in invites:
            row = {
                "invite": invite,
                "overall": None,
                "scores": {},
                "minutes": 0.0,
                "flags": [],
                "decision": decisions.get(invite.id),
            }
            if invite.transcript and Path(invite.transcript).exists():
                record = load_record(invite.transcript)
                row["overall"] = record.overall
                row["scores"] = {q.number: q.critique["score"] for q in record.questions if q.critique}
                row["minutes"] = round(sum(q.seconds for q in record.questions) / 60, 1)
                row["flags"] = sorted(
                    {f for q in record.questions if q.critique for f in q.critique.get("flags", [])}
                ) + behaviour_flags(record, screening.seconds_per_answer)
            rows.append(row)
        return rows

    def screening_view(request: Request, screening_id: int, **extra) -> HTMLResponse:
        who, data = recruiter(request)
        with store() as db:
            screening = db.get(Screening, screening_id)
            if screening is None:
                raise HTTPException(status_code=404, detail="no such screening")
            invites = db.scalars(
                select(Invite).where(Invite.screening_id == screening_id).order_by(Invite.created)
            ).all()
            decisions = {
                d.invite_id: d.decision
                for d in db.scalars(
                    select(Decision)
                    .join(Invite)
                    .where(Invite.screening_id == screening_id)
                    .order_by(Decision.created)
                )
            }
        return page(
            request,
            "screening.html",
            recruiter=who,
            csrf=data["csrf"],
            screening=screening,
            rows=rows_for(screening, invites, decisions),
            **extra,
        )

    @app.get("/screenings/{screening_id}", response_class=HTMLResponse)
    def show_screening(request: Request, screening_id: int):
        return screening_view(request, screening_id)

    @app.post("/screenings/{screening_id}/invites", response_class=HTMLResponse)
    def invite(
        request: Request,
        screening_id: int,
        csrf: str = Form(None),
        candidate: str = Form(...),
        days: int = Form(7),
    ):
        checked(request, csrf)
        token = new_token()
        with store() as db:
            if db.get(Screening, screening_id) is None:
                raise HTTPException(status_code=404, detail="no such screening")
            db.add(
                Invite(
                    screening_id=screening_id,
                    token_hash=token_hash(token),
                    candidate=candidate[:200],
                    expires=utcnow() + timedelta(days=max(1, min(days, 60))),
                )
            )
            db.commit()
        link = str(request.base_url).rstrip("/") + f"/i/{token}"
        return screening_view(request, screening_id, new_link=link, new_candidate=candidate)

    @app.get("/screenings/{screening_id}/export.csv")
    def export(request: Request, screening_id: int):
        recruiter(request)
        with store() as db:
            screening = db.get(Screening, screening_id)
            if screening is None:
                raise HTTPException(status_code=404, detail="no such screening")
            invites = db.scalars(
                select(Invite).where(Invite.screening_id == screening_id).order_by(Invite.created)
            ).all()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "candidate",
                "status",
                "overall",
                *[f"q{n}" for n in screening.questions],
                "minutes",
                "flags",
                "backend",
                "model",
            ]
        )
        for row in rows_for(screening, invites, {}):
            writer.writerow(
                [
                    row["invite"].candidate,
                    row["invite"].status,
                    row["overall"],
                    *[row["scores"].get(n, "") for n in screening.questions],
                    row["minutes"],
                    " ".join(row["flags"]),
                    screening.backend,
                    screening.model or "",
                ]
            )
        return Response(
            out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="screening-{screening_id}.csv"'},
        )

    @app.get("/candidates/{invite_id}", response_class=HTMLResponse)
    def candidate_view(request: Request, invite_id: int):
        who, data = recruiter(request)
        with store() as db:
            found = db.get(Invite, invite_id)
            if found is None:
                raise HTTPException(status_code=404, detail="no such candidate")
            screening = db.get(Screening, found.screening_id)
            decisions = db.scalars(
                select(Decision).where(Decision.invite_id == invite_id).order_by(Decision.created)
            ).all()
        report = (
            to_html(report_data(load_record(found.transcript)))
            if found.transcript and Path(found.transcript).exists()
            else None
        )
        return page(
            request,
            "candidate_report.html",
            recruiter=who,
            csrf=data["csrf"],
            invite=found,
            screening=screening,
            report=report,
            decisions=decisions,
        )

    @app.post("/candidates/{invite_id}/decision")
    def decide(
        request: Request,
        invite_id: int,
        csrf: str = Form(None),
        decision: str = Form(...),
        notes: str = Form(""),
    ):
        who, _ = checked(request, csrf)
        if decision not in ("advance", "hold", "reject"):
            raise HTTPException(status_code=400, detail="decision must be advance, hold or reject")
        with store() as db:
            if db.get(Invite, invite_id) is None:
                raise HTTPException(status_code=404, detail="no such candidate")
            db.add(Decision(invite_id=invite_id, decision=decision, notes=notes[:5000], recruiter_id=who.id))
            db.commit()
        return RedirectResponse(f"/candidates/{invite_id}", status_code=303)

    # ---- candidates ----------------------------------------------------------------------

    def invite_for(token: str) -> tuple[Invite, Screening]:
        with store() as db:
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
        request: Request, token: str, invite: Invite, screening: Screening, notices=()
    ) -> HTMLResponse:
        bank = resolve_bank(screening.bank)
        lang = bank.language
        if invite.transcript is None:
            return page(
                request,
                "candidate.html",
                lang=lang,
                title=bank.title,
                stage="consent",
                token=token,
                count=len(screening.questions),
            )
        prompt = interviews.waiting_prompt(Path(invite.transcript))
        if prompt is None:
            return page(request, "candidate.html", lang=lang, title=bank.title, stage="done")
        progress = f"{prompt.index} / {prompt.total}"
        minutes = screening.seconds_per_answer // 60 if screening.seconds_per_answer else None
        return page(
            request,
            "candidate.html",
            lang=lang,
            title=bank.title,
            stage="question",
            token=token,
            prompt=prompt.text,
            progress=progress,
            minutes=minutes,
            notices=list(notices),
        )

    @app.get("/i/{token}", response_class=HTMLResponse)
    def candidate_home(request: Request, token: str):
        found, screening = invite_for(token)
        return candidate_page(request, token, found, screening)

    @app.post("/i/{token}/start")
    def candidate_start(request: Request, token: str, consent: str = Form(None)):
        found, screening = invite_for(token)
        if consent != "yes":
            raise HTTPException(status_code=400, detail="please agree to the recording to start")
        if found.transcript is None:
            path, _ = interviews.begin(found, screening, folder)
            with store() as db:
                row = db.get(Invite, found.id)
                row.transcript, row.status = str(path), "started"
                db.commit()
        return RedirectResponse(f"/i/{token}", status_code=303)

    @app.post("/i/{token}/answer", response_class=HTMLResponse)
    def candidate_answer(request: Request, token: str, answer: str = Form(...)):
        answers.check(token_hash(token))
        found, screening = invite_for(token)
        if found.transcript is None:
            return RedirectResponse(f"/i/{token}", status_code=303)
        if len(answer) > interviews.MAX_ANSWER_CHARS:
            raise HTTPException(
                status_code=413, detail=f"answers are limited to {interviews.MAX_ANSWER_CHARS} characters"
            )
        # One answer at a time per candidate: a lock in this worker, and the invite's row
        # locked in the database for workers elsewhere (PostgreSQL; SQLite has one writer).
        with interview_locks[found.id], store() as db, db.begin():
            row = db.scalar(select(Invite).where(Invite.id == found.id).with_for_update())
            outputs = interviews.answer(Path(found.transcript), screening, answer)
            if any(o.kind == "summary" for o in outputs):
                row.status = "finished"
        notices = [o.text for o in outputs if o.kind in ("notice", "hint") and o.text]
        return candidate_page(request, token, found, screening, notices)

    @app.post("/i/{token}/left")
    def candidate_left(token: str):
        """The page was hidden (another tab, another window): noted in the transcript."""
        answers.check(token_hash(token))
        found, _ = invite_for(token)
        if found.transcript:
            record = load_record(found.transcript)
            if not record.finished:
                with TranscriptWriter(Path(found.transcript), seq=record.last_seq) as writer:
                    writer.write("left_page", {})
        return Response(status_code=204)

    @app.get("/screenings/{screening_id}/compare", response_class=HTMLResponse)
    def compare(request: Request, screening_id: int):
        recruiter(request)
        with store() as db:
            paths = db.scalars(
                select(Invite.transcript).where(
                    Invite.screening_id == screening_id, Invite.transcript.is_not(None)
                )
            ).all()
        records = [load_record(p) for p in paths if Path(p).exists()]
        if not records:
            raise HTTPException(status_code=404, detail="no interviews to compare yet")
        return HTMLResponse(compare_html(records))

    return app
