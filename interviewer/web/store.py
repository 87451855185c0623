"""Screenings, invites, recruiters and decisions, in SQLite by default or PostgreSQL
(`INTERVIEWER_DATABASE_URL`). The schema is created and upgraded by numbered Alembic
migrations; the interviews themselves stay JSONL transcripts."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from interviewer.errors import InterviewerError

DEFAULT_URL = "sqlite:///interviewer.db"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Recruiter(Base):
    __tablename__ = "recruiters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    created_by: Mapped[int] = mapped_column(ForeignKey("recruiters.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Invite(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    candidate: Mapped[str] = mapped_column(String(200))
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


def migrate(url: str) -> None:
    """Bring the database to the newest schema (from empty, or from any earlier migration)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


def open_store(url: str | None = None) -> sessionmaker:
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    url = url or database_url()
    try:
        migrate(url)
        engine: Engine = create_engine(url, future=True)
    except (OperationalError, ArgumentError, NoSuchModuleError) as exc:
        where = url.split("@")[-1]  # never echo a password from the URL
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InterviewerError(
            f"cannot open the database at {where} ({reason}); check INTERVIEWER_DATABASE_URL"
        ) from None
    return sessionmaker(engine, expire_on_commit=False)
