"""Passwords, sessions and form tokens.

Passwords are hashed with argon2; the session is a signed cookie holding the recruiter id and
a CSRF token that every form echoes back; invite tokens are random and stored only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "interviewer_session"
SESSION_SECONDS = 12 * 3600
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
    def __init__(self, secret: str) -> None:
        self.signer = URLSafeTimedSerializer(secret, salt="interviewer-session")

    def issue(self, recruiter_id: int) -> str:
        return self.signer.dumps({"r": recruiter_id, "csrf": secrets.token_urlsafe(24)})

    def read(self, cookie: str | None) -> dict | None:
        if not cookie:
            return None
        try:
            return self.signer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None


def csrf_ok(session: dict | None, submitted: str | None) -> bool:
    return bool(session and submitted) and hmac.compare_digest(session["csrf"], submitted)
