"""Inviting candidates: one name or many at once (a pasted list, or a CSV whose first column is
the name), each with an optional email address; each link shown once with a copy button and a
message to send in the bank's language, which is emailed when a mail server is configured
(`web.mail`); and later a new link (resend: the old one stops working, the new one is emailed
too) or more days (extend). Only the token's hash is stored."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from interviewer.bank.loader import resolve_bank
from interviewer.prompts import say
from interviewer.web import inputs
from interviewer.web.auth import new_token, token_hash
from interviewer.web.deps import SharedWeb, SignedIn, Web, audit, checked
from interviewer.web.mail import is_address
from interviewer.web.reasons import Refusal, Term
from interviewer.web.routers.review import invite_or_404
from interviewer.web.routers.screenings import screening_or_404, screening_view
from interviewer.web.store import Invite, Screening, aware, utcnow

router = APIRouter()
MAX_AT_ONCE = 500
MAX_CSV_BYTES = 1_000_000
NAME_HEADERS = ("name", "candidate", "姓名")
EMAIL_HEADERS = ("email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件")
# "Name <email>", or "Name, email" (a Chinese comma or a tab, as pasted from a spreadsheet, too).
ANGLED = re.compile(r"(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>\s*")
PLAIN = re.compile(r"(?P<name>.*?)\s*[,，\t]\s*(?P<address>[^\s,，<>]*@[^\s,，<>]*)\s*")
MAX_LINE = 600  # a name (200) and an address (320) with room; a longer line is refused as a name


def person_of(line: str) -> tuple[str, str]:
    """A pasted line as (name, email): a name alone, `Name <email>` or `Name, email`."""
    if len(line) > MAX_LINE:  # the patterns are slow on long lines
        return line, ""
    found = ANGLED.fullmatch(line) or PLAIN.fullmatch(line)
    return (found["name"].strip('" '), found["address"]) if found else (line, "")


def csv_people(upload: bytes) -> list[tuple[str, str]]:
    """The CSV's rows as (name, email): the name in the first column; the email in the column
    headed email (邮箱), or without a header row in the second column when it holds an address."""
    rows = [row for row in csv.reader(io.StringIO(upload.decode("utf-8-sig", errors="replace"))) if row]
    headed = bool(rows) and rows[0][0].strip().casefold() in NAME_HEADERS
    header = [cell.strip().casefold() for cell in rows.pop(0)] if headed else []
    column = next((i for i, cell in enumerate(header) if cell in EMAIL_HEADERS), None if headed else 1)
    people = []
    for row in rows:
        cell = row[column].strip() if column is not None and column < len(row) else ""
        people.append((row[0], cell if headed or "@" in cell else ""))
    return people


def people_given(candidate: str, email: str, names: str, upload: bytes) -> list[tuple[str, str]]:
    """Everyone of the form as (name, email): the single fields, one per line of the list, one
    per row of the CSV (a header row is skipped); each checked like any text field, and an
    email must look like one."""
    if email.strip() and not candidate.strip():
        raise Refusal(400, "web_detail_email_without_name")
    people = [(candidate, email), *map(person_of, names.splitlines())]
    people += csv_people(upload) if upload else []
    found = [(name.strip(), address.strip()) for name, address in people if name.strip()]
    found = [(name, address) for name, address in found if name.casefold() not in NAME_HEADERS]
    if not found:
        raise Refusal(400, "web_detail_no_names")
    if len(found) > MAX_AT_ONCE:
        raise Refusal(400, "web_detail_too_many_invites", limit=MAX_AT_ONCE)
    return [
        (inputs.text(name, "web_field_candidate_name", 200, required=True), address_of(address))
        for name, address in found
    ]


def address_of(value: str) -> str:
    """A candidate's email address as given (blank: none), or a 400 when it is not one."""
    address = inputs.text(value, "web_field_candidate_email", 320)
    if address and not is_address(address):
        raise Refusal(400, "web_detail_not_address", address=address[:80])
    return address


def link_for(web: Web, request: Request, token: str) -> str:
    return (web.public_url or str(request.base_url).rstrip("/")) + f"/i/{token}"


def message_for(screening: Screening, link: str, days: int) -> str:
    """What to send the candidate, in the bank's language."""
    language = resolve_bank(screening.bank).language
    return say(language, "web_invite_message", count=len(screening.questions), link=link, days=days)


@dataclass
class NewLink:
    """A link shown once with its message, and what became of its email: None (no address),
    "sent", or why it was not (`off` when no mail server is configured, else `web.mail`'s
    reason)."""

    invite_id: int
    name: str
    email: str
    link: str
    message: str
    mail: str | None = None


def email_links(web: Web, signed: SignedIn, screening: Screening, links: list[NewLink]) -> None:
    """Email each new link that has an address, in the bank's language, when a mail server is
    configured; note on each whether it went. Each one sent lands in the audit log."""
    addressed = [link for link in links if link.email]
    if not addressed or web.mailer is None:
        for link in addressed:
            link.mail = "off"
        return
    language = resolve_bank(screening.bank).language
    subject = say(language, "web_invite_subject")
    outcomes = web.mailer.send(
        [web.mailer.message(link.name, link.email, subject, link.message, language) for link in addressed]
    )
    with web.store() as db:
        for link, failed in zip(addressed, outcomes, strict=True):
            link.mail = failed or "sent"
            if not failed:
                audit(db, signed, "emailed", f"candidate {link.invite_id} {link.name}")
        db.commit()


@router.post("/screenings/{screening_id}/invites", response_class=HTMLResponse)
async def invite(
    request: Request,
    screening_id: int,
    web: SharedWeb,
    csrf: str = Form(None),
    candidate: str = Form(""),
    email: str = Form(""),
    names: str = Form(""),
    days: int = Form(7),
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """New invite links, shown once each with a message to send (and emailed where possible)."""
    upload = await file.read(MAX_CSV_BYTES + 1) if file is not None and file.filename else b""
    if len(upload) > MAX_CSV_BYTES:
        raise Refusal(413, "web_detail_csv_too_large")
    people = people_given(candidate, email, names, upload)
    # The database and the mail server block: off the event loop.
    return await run_in_threadpool(_invite, request, web, screening_id, csrf, people, days)


def _invite(
    request: Request,
    web: Web,
    screening_id: int,
    csrf: str | None,
    people: list[tuple[str, str]],
    days: int,
) -> HTMLResponse:
    signed = checked(request, csrf)
    days = max(1, min(days, 60))
    links = []
    with web.store() as db:
        screening = screening_or_404(db, screening_id, signed.team)
        for name, address in people:
            token = new_token()
            row = Invite(
                screening_id=screening_id,
                token_hash=token_hash(token),
                candidate=name,
                email=address or None,
                expires=utcnow() + timedelta(days=days),
            )
            db.add(row)
            db.flush()
            audit(db, signed, "invited", f"candidate {row.id} {name} to screening {screening_id}")
            link = link_for(web, request, token)
            links.append(NewLink(row.id, name, address, link, message_for(screening, link, days)))
        db.commit()
    email_links(web, signed, screening, links)  # once the links work
    return screening_view(request, web, signed, screening_id, new_links=links)


@router.post("/candidates/{invite_id}/resend", response_class=HTMLResponse)
def resend(
    request: Request, invite_id: int, web: SharedWeb, csrf: str = Form(None), days: int = Form(7)
) -> Response:
    """A new link for the same candidate (the old one stops working), valid for `days` more;
    emailed to them when they have an address and a mail server is configured."""
    signed = checked(request, csrf)
    token = new_token()
    days = max(1, min(days, 60))
    with web.store() as db:
        found, screening = invite_or_404(db, invite_id, signed.team)
        if found.status in ("finished", "revoked"):
            raise Refusal(409, "web_detail_invite_closed", status=Term(f"rec_status_{found.status}"))
        found.token_hash = token_hash(token)
        found.expires = utcnow() + timedelta(days=days)
        audit(db, signed, "resent", f"candidate {invite_id} {found.candidate}")
        db.commit()
    link = link_for(web, request, token)
    links = [NewLink(invite_id, found.candidate, found.email or "", link, message_for(screening, link, days))]
    email_links(web, signed, screening, links)
    return screening_view(request, web, signed, screening.id, new_links=links)


@router.post("/candidates/{invite_id}/extend")
def extend(
    request: Request, invite_id: int, web: SharedWeb, csrf: str = Form(None), days: int = Form(7)
) -> Response:
    """More days for the same link (counted from now, or from its expiry if that is later)."""
    signed = checked(request, csrf)
    with web.store() as db:
        found, _ = invite_or_404(db, invite_id, signed.team)
        found.expires = max(aware(found.expires), utcnow()) + timedelta(days=max(1, min(days, 60)))
        audit(db, signed, "extended", f"candidate {invite_id} {found.candidate} to {found.expires:%Y-%m-%d}")
        db.commit()
    return RedirectResponse(f"/candidates/{invite_id}", status_code=303)
