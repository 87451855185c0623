"""Passwords, sessions and form tokens.

Passwords are hashed with argon2; a session is a row on the server (its CSRF token, which
every form echoes back, and when it was made and last used), named by a random token in a
signed cookie; invite and session tokens are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from interviewer.web.store import LoginSession, aware, utcnow

SESSION_COOKIE = "interviewer_session"
SESSION_SECONDS = 12 * 3600
LIFETIME = timedelta(seconds=SESSION_SECONDS)  # signed in at most this long
IDLE = timedelta(hours=2)  # or this long without a request
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown account (None) costs one verification too, so
    the time taken does not tell whether the email exists."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


def new_token() -> str:
    """An invite token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Sessions kept on the server: the cookie holds a random token (signed, so a tampered
    cookie is rejected before the database is asked); the database holds its hash. Deleting
    the row ends the session at once: logout, a new password and a disabled account do."""

    def __init__(self, secret: str, store: sessionmaker) -> None:
        self.signer = URLSafeTimedSerializer(secret, salt="interviewer-session")
        self.store = store

    def issue(self, recruiter_id: int) -> str:
        token = secrets.token_urlsafe(32)
        with self.store() as db:
            db.add(
                LoginSession(id=token_hash(token), recruiter_id=recruiter_id, csrf=secrets.token_urlsafe(24))
            )
            db.commit()
        return self.signer.dumps(token)

    def _token(self, cookie: str | None) -> str | None:
        """The token in a cookie we signed; anything else (unsigned, expired, or signed but not
        a token, such as an old-style `{"r": 1}` payload) is no session."""
        try:
            token = self.signer.loads(cookie, max_age=SESSION_SECONDS) if cookie else None
        except BadSignature:
            return None
        return token if isinstance(token, str) else None

    def read(self, cookie: str | None) -> LoginSession | None:
        """The live session behind a cookie; one idle too long or older than its lifetime is
        ended here."""
        token = self._token(cookie)
        if token is None:
            return None
        now = utcnow()
        with self.store() as db:
            found = db.get(LoginSession, token_hash(token))
            if found is None:
                return None
            if now - aware(found.seen) > IDLE or now - aware(found.created) > LIFETIME:
                db.delete(found)
                db.commit()
                return None
            if now - aware(found.seen) > timedelta(minutes=1):  # one write a minute, not per request
                found.seen = now
                db.commit()
            return found

    def end(self, cookie: str | None) -> None:
        token = self._token(cookie)
        if token is not None:
            with self.store() as db:
                db.execute(delete(LoginSession).where(LoginSession.id == token_hash(token)))
                db.commit()


def end_all_sessions(db: Session, recruiter_id: int) -> None:
    """Sign a recruiter out everywhere (a new password, a disabled account)."""
    db.execute(delete(LoginSession).where(LoginSession.recruiter_id == recruiter_id))


def csrf_ok(session: LoginSession | None, submitted: str | None) -> bool:
    return bool(session and submitted) and hmac.compare_digest(session.csrf, submitted)
