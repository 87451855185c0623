"""Recruiter accounts, managed from the command line (`interviewer user …`): every recruiter
belongs to a team, with a role; the first recruiter of a new team is its owner. A new
password or a disabled account ends that recruiter's sessions at once."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from interviewer.errors import InterviewerError
from interviewer.web.auth import end_all_sessions, hash_password
from interviewer.web.store import ROLES, Recruiter, Team

MIN_PASSWORD = 10


class Account(BaseModel):
    email: str
    team: str
    role: str
    disabled: bool


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InterviewerError(f"choose a password of at least {MIN_PASSWORD} characters")


def create_user(store: sessionmaker, email: str, password: str, team: str, role: str | None) -> Account:
    """A new recruiter in `team` (made when it does not exist yet; its first member owns it)."""
    email, team = email.strip().lower(), team.strip()
    _check_password(password)
    if role is not None and role not in ROLES:
        raise InterviewerError(f"no role {role!r}; choose one of {', '.join(ROLES)}")
    if not team:
        raise InterviewerError("the team needs a name, for example --team acme")
    with store() as db:
        if db.scalar(select(Recruiter).where(Recruiter.email == email)):
            raise InterviewerError(f"there is already an account for {email}")
        found = db.scalar(select(Team).where(Team.name == team))
        members = db.scalar(select(func.count()).where(Recruiter.team_id == found.id)) if found else 0
        if found is None:
            found = Team(name=team)
            db.add(found)
            db.flush()
        role = "owner" if not members else (role or "recruiter")
        db.add(Recruiter(email=email, password_hash=hash_password(password), team_id=found.id, role=role))
        db.commit()
    return Account(email=email, team=team, role=role, disabled=False)


def _account(db, email: str) -> Recruiter:
    found = db.scalar(select(Recruiter).where(Recruiter.email == email.strip().lower()))
    if found is None:
        raise InterviewerError(f"no account for {email}; `interviewer user list` shows them")
    return found


def set_password(store: sessionmaker, email: str, password: str) -> None:
    """A new password; every session of that recruiter ends."""
    _check_password(password)
    with store() as db:
        found = _account(db, email)
        found.password_hash = hash_password(password)
        end_all_sessions(db, found.id)
        db.commit()


def set_disabled(store: sessionmaker, email: str, disabled: bool) -> None:
    """Disable (or enable again) an account; disabling ends its sessions."""
    with store() as db:
        found = _account(db, email)
        found.disabled = disabled
        if disabled:
            end_all_sessions(db, found.id)
        db.commit()


def list_users(store: sessionmaker) -> list[Account]:
    with store() as db:
        rows = db.execute(select(Recruiter, Team.name).join(Team).order_by(Team.name, Recruiter.email)).all()
    return [Account(email=r.email, team=t, role=r.role, disabled=r.disabled) for r, t in rows]
