"""Teams, recruiters, their sessions, screenings, invites, decisions, the audit log and the
shared rate-limit counters, in SQLite by default or PostgreSQL (`INTERVIEWER_DATABASE_URL`).
The schema is created and upgraded by numbered Alembic migrations; the interviews themselves
stay JSONL transcripts.

Everything a recruiter sees belongs to a team: screenings carry their team, and every query
of the recruiter area is filtered by the signed-in recruiter's team."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from interviewer.errors import InterviewerError

DEFAULT_URL = "sqlite:///interviewer.db"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


ROLES = ("owner", "recruiter", "viewer")  # owner: also reads the audit log; viewer: reads only


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Recruiter(Base):
    __tablename__ = "recruiters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="recruiter")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: the browser's
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginSession(Base):
    """A signed-in browser. Only the token's hash is stored; deleting the row ends the session."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One recruiter action (created, invited, revoked, decided, exported, deleted)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    action: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(300))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RateCounter(Base):
    """A rate-limit window's count, shared by every worker (see web/limits.py)."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires: Mapped[float] = mapped_column(Float)


class Screening(Base):
    __tablename__ = "screenings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    bank: Mapped[str] = mapped_column(String(500))
    questions: Mapped[list] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(20), default="exam")
    seconds_per_answer: Mapped[int | None] = mapped_column(Integer, nullable=True)
    backend: Mapped[str] = mapped_column(String(20), default="offline")
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    spoken: Mapped[bool] = mapped_column(Boolean, default=False)  # candidates may record answers
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Invite(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    candidate: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)  # invite messages go to it
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="invited")
    transcript: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invites.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def database_url() -> str:
    return os.environ.get("INTERVIEWER_DATABASE_URL") or DEFAULT_URL


def migrations_config(url: str):
    """Alembic's configuration for the numbered migrations in migrations/versions."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the database to the newest schema (from empty, or from any earlier migration)."""
    from alembic import command

    command.upgrade(migrations_config(url), "head")


SQLITE_BUSY_MS = 30_000


def _shared_sqlite(connection, _record) -> None:
    """SQLite shared by many threads and `serve` processes: in WAL mode a reader never blocks
    the writer, and a writer waits its turn (30 s) instead of failing with "database is
    locked" when another process is writing."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")


def open_store(url: str | None = None) -> sessionmaker:
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    url = url or database_url()
    try:
        migrate(url)
        engine: Engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _shared_sqlite)
    except (OperationalError, ArgumentError, NoSuchModuleError) as exc:
        where = url.split("@")[-1]  # never echo a password from the URL
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InterviewerError(
            f"cannot open the database at {where} ({reason}); check INTERVIEWER_DATABASE_URL"
        ) from None
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def autocommit(store: sessionmaker) -> Iterator[Session]:
    """A session whose statements each commit on their own, for lookups and single atomic
    writes: no BEGIN and COMMIT (or ROLLBACK) go to the database around them. On a busy
    server every round trip is a wait for the CPU, and a candidate's page is mostly lookups."""
    with store() as db:
        db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield db
