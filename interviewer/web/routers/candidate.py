"""The candidate's pages behind an invite link `/i/{token}`: consent, one question at a time,
and the end. No login: the token is the key, so it is looked up only by its hash, answers are
rate-limited per token, and one answer at a time is taken per candidate. A screening that takes
spoken answers also takes recordings (`web.spoken`), shown transcribed for correction."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from interviewer.app.stateless import Position
from interviewer.bank.loader import shared_bank
from interviewer.prompts import say
from interviewer.speech.engines import SpeechError
from interviewer.web import interviews, spoken
from interviewer.web.auth import token_hash
from interviewer.web.deps import SharedWeb, Web, page
from interviewer.web.store import Invite, Screening, autocommit, aware

router = APIRouter()
WAIT_SECONDS = 30  # well under the minute a proxy allows an idle response
WAIT_POLL_SECONDS = 0.2
log = logging.getLogger("interviewer.web")


def invite_for(web: Web, token: str) -> tuple[Invite, Screening]:
    """The invite behind a link, and its screening, in one lookup: 404 for an unknown token,
    410 once it has expired or was revoked (a finished interview stays readable)."""
    with autocommit(web.store) as db:
        found = db.execute(
            select(Invite, Screening)
            .join(Screening, Screening.id == Invite.screening_id)
            .where(Invite.token_hash == token_hash(token))
        ).first()
    if found is None:
        raise HTTPException(status_code=404, detail="this link is not valid")
    invite, screening = found
    if invite.status == "revoked" or (
        aware(invite.expires) < datetime.now(timezone.utc) and invite.status != "finished"
    ):
        raise HTTPException(status_code=410, detail="this link has expired; ask the recruiter for a new one")
    return invite, screening


def candidate_page(
    request: Request,
    token: str,
    invite: Invite,
    screening: Screening,
    now: Position | None = None,
    *,
    notices: Iterable[str] = (),
    status: int = 200,
    typed: str = "",
    recording: str = "",
) -> HTMLResponse:
    """Where the candidate is, in the bank's language: consent before the transcript exists,
    then the waiting question (its form names the prompt it answers), then the end. A spoken
    screening's question offers a recorder; after a `recording` for it, what was heard is in
    the box for correction, and the form names the recording."""
    bank = shared_bank(screening.bank)
    here = {"lang": bank.language, "title": bank.title}
    if invite.transcript is None:
        return page(
            request, "candidate.html", **here, stage="consent", token=token, count=len(screening.questions)
        )
    web: Web = request.app.state.web
    path = Path(invite.transcript)
    seen = size_of(path)  # before it is read: a change from here on ends the wait below
    if now is None:
        now = interviews.position(path) if web.grading else interviews.current(path)
    if now.stuck:  # an answer is being graded; the page, with no script, waits for a change.
        # A job lost in a crash is asked for again, on PostgreSQL once the transcript has been
        # quiet a while (the answer's own request asked just now; asking costs the database)
        if time.time() - path.stat().st_mtime > web.grading.reask_seconds:
            web.grading.request(invite.id, str(path))
        wait = f"1;url=/i/{token}/next?after={seen}"
        return page(
            request,
            "candidate.html",
            **here,
            stage="reviewing",
            opening=now.opening,
            token=token,
            refresh=wait,
        )
    if now.prompt is None and invite.status != "finished":  # crashed between the end and the row
        settle(web, invite)
    if now.prompt is None:
        return page(request, "candidate.html", status=status, **here, stage="done")
    take = spoken.heard(path, recording, now.seq) if recording and screening.spoken else None
    return page(
        request,
        "candidate.html",
        status=status,
        **here,
        stage="question",
        token=token,
        prompt=now.prompt.text,
        prompt_seq=now.seq,
        typed=typed or (take.recognised if take else ""),
        spoken=screening.spoken,
        recording=take.name if take else "",
        progress=f"{now.prompt.index} / {now.prompt.total}",
        minutes=screening.seconds_per_answer // 60 if screening.seconds_per_answer else None,
        notices=list(notices),
    )


def settle(web: Web, invite: Invite) -> None:
    """The invite's row says finished once its transcript does."""
    with web.store() as db:
        db.execute(update(Invite).where(Invite.id == invite.id).values(status="finished"))
        db.commit()


@router.get("/i/{token}", response_class=HTMLResponse)
def candidate_home(request: Request, token: str, web: SharedWeb, recording: str = "") -> HTMLResponse:
    found, screening = invite_for(web, token)
    return candidate_page(request, token, found, screening, recording=recording)


def size_of(path: Path) -> int:
    """The transcript only grows (one appended line per event): its size tells a change."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@router.get("/i/{token}/next")
async def candidate_next(token: str, web: SharedWeb, after: int = 0) -> Response:
    """The "reviewing your answer" page's wait: held open until the transcript grows past
    `after` (the grading wrote something) or WAIT_SECONDS pass, then back to the page. One
    idle coroutine per waiting candidate replaces a page rebuilt every few seconds, and the
    next question shows as soon as it is written."""
    found, _ = await run_in_threadpool(invite_for, web, token)
    if found.transcript:
        path, deadline = Path(found.transcript), time.monotonic() + WAIT_SECONDS
        while size_of(path) == after and time.monotonic() < deadline:
            await asyncio.sleep(WAIT_POLL_SECONDS)
    return RedirectResponse(f"/i/{token}", status_code=303)


@router.post("/i/{token}/start")
def candidate_start(token: str, web: SharedWeb, consent: str = Form(None)) -> Response:
    """Consent given: the transcript is opened and the first question asked, once, however
    many times the button is pressed and by however many workers. A model's first question is
    asked by the queue, as its critiques are: hundreds of candidates starting at once would
    otherwise hold every request thread for the model's seconds, and answers would wait."""
    found, screening = invite_for(web, token)
    if consent != "yes":
        raise HTTPException(status_code=400, detail="please agree to the recording to start")
    web.transcripts.mkdir(parents=True, exist_ok=True)
    queued = web.grading is not None and screening.backend != "offline"
    with interviews.turn(web.transcripts / f"invite-{found.id}"), web.store() as db, db.begin():
        row = db.scalar(select(Invite).where(Invite.id == found.id).with_for_update())
        opened = row.transcript is None
        if opened:
            row.transcript = str(interviews.begin(row, screening, web.transcripts, ask=not queued))
            row.status = "started"
    if opened and queued:
        web.grading.request(found.id, row.transcript)
    return RedirectResponse(f"/i/{token}", status_code=303)


@router.post("/i/{token}/answer", response_class=HTMLResponse)
def candidate_answer(
    request: Request,
    token: str,
    web: SharedWeb,
    answer: str = Form(...),
    prompt: int = Form(...),
    recording: str = Form(""),
) -> Response:
    """An answer to the prompt the form names. A repeat of a stored answer writes nothing; an
    answer to a prompt that is no longer current is refused and the current one shown, with
    the candidate's text kept in the box. A corrected transcription names its `recording`:
    the answer keeps it, what was heard and the delivery figures of the text submitted."""
    web.answers.check(token_hash(token))
    found, screening = invite_for(web, token)
    if found.transcript is None:
        return RedirectResponse(f"/i/{token}", status_code=303)
    if len(answer) > interviews.MAX_ANSWER_CHARS:
        raise HTTPException(
            status_code=413, detail=f"answers are limited to {interviews.MAX_ANSWER_CHARS} characters"
        )
    path = Path(found.transcript)
    take = spoken.heard(path, recording, prompt) if recording and screening.spoken else None
    said = spoken.extra(path, take, answer, shared_bank(screening.bank).language) if take else None
    with web.invite_locks[found.id], web.store() as db, db.begin():
        row = db.scalar(select(Invite).where(Invite.id == found.id).with_for_update())
        reply, now = interviews.answer(path, prompt, answer, grade=web.grading is None, extra=said)
        if now.prompt is None and not now.stuck:
            row.status = "finished"
    if now.stuck and reply.status == "answered":  # stored; graded by a worker, then shown
        web.grading.request(found.id, str(path))
        return RedirectResponse(f"/i/{token}", status_code=303)
    if reply.status == "stale":
        notice = say(shared_bank(screening.bank).language, "web_stale_answer")
        return candidate_page(
            request, token, found, screening, now, notices=[notice], status=409, typed=answer
        )
    notices = [o.text for o in reply.outputs if o.kind in ("notice", "hint") and o.text]
    return candidate_page(request, token, found, screening, now, notices=notices)


@router.post("/i/{token}/left")
def candidate_left(token: str, web: SharedWeb) -> Response:
    """The page was hidden (another tab, another window): noted in the transcript."""
    web.answers.check(token_hash(token))
    found, _ = invite_for(web, token)
    if found.transcript:
        interviews.left_page(Path(found.transcript))
    return Response(status_code=204)


def candidate_recording(
    token: str, web: SharedWeb, recording: Annotated[UploadFile, File()], prompt: int = Form(...)
) -> Response:
    """A spoken answer to the prompt the form names, recorded in the browser: kept beside the
    transcript, transcribed, and shown in the answer box for correction (the page the upload
    is sent on to, so a reload does not upload it again)."""
    web.answers.check(token_hash(token))
    found, screening = invite_for(web, token)
    if not screening.spoken:
        raise spoken.Refused(400, "web_spoken_error_not_spoken", "this screening takes typed answers")
    if found.transcript is None:
        return RedirectResponse(f"/i/{token}", status_code=303)
    data = recording.file.read(spoken.MAX_BYTES + 1)
    if len(data) > spoken.MAX_BYTES:
        raise spoken.too_large()
    spoken.sniff(data)
    path = Path(found.transcript)
    now = interviews.position(path)
    if now.prompt is None or now.seq != prompt:
        raise HTTPException(status_code=409, detail="this recording answers an earlier question")
    try:
        take = spoken.keep(path, prompt, data, shared_bank(screening.bank), now.prompt.number)
    except SpeechError as exc:
        log.warning("a recording for invite %s was not transcribed: %s", found.id, exc)
        raise spoken.Refused(503, "web_spoken_error_speech", "transcription failed") from None
    return RedirectResponse(f"/i/{token}?recording={take.name}", status_code=303)


router.add_api_route(  # its body is capped as it arrives, not after it is all on disk
    "/i/{token}/recording", candidate_recording, methods=["POST"], route_class_override=spoken.CappedRoute
)
