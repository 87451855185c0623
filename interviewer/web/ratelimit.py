"""Rate limits every worker shares, through the `limits` library: a fixed window per client
address (logins) or per invite (answers). The counters live in the app's database, so every
worker process, and every machine behind one proxy, counts the same hits; or in Redis or
memcached when `INTERVIEWER_RATE_LIMIT_STORAGE` names one (any `limits` storage URI,
e.g. redis://localhost:6379)."""

from __future__ import annotations

import math
import os
import time
from typing import ClassVar

from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import delete, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from interviewer.web.reasons import Refusal
from interviewer.web.store import RateCounter, autocommit

# One statement, atomic on SQLite (3.35+) and PostgreSQL: a new window or one more hit.
_HIT = text(
    "INSERT INTO rate_counters (key, hits, expires) VALUES (:key, :amount, :expires) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN rate_counters.expires <= :now THEN :amount ELSE rate_counters.hits + :amount END, "
    "expires = CASE WHEN rate_counters.expires <= :now THEN :expires ELSE rate_counters.expires END "
    "RETURNING hits"
)


class DatabaseStorage(Storage):
    """`limits` counters in the `rate_counters` table."""

    STORAGE_SCHEME: ClassVar[list[str]] = ["interviewer-database"]

    def __init__(self, store: sessionmaker) -> None:
        super().__init__()
        self.store = store
        self.writes = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with autocommit(self.store) as db:  # one atomic statement: no transaction around it
            hits = db.execute(_HIT, {"key": key, "amount": amount, "expires": now + expiry, "now": now})
            count = hits.scalar_one()
            self.writes += 1
            if self.writes % 500 == 0:  # windows long over: forget them now and then
                db.execute(delete(RateCounter).where(RateCounter.expires <= now))
        return count

    def _live(self, key: str) -> RateCounter | None:
        with self.store() as db:
            found = db.scalar(select(RateCounter).where(RateCounter.key == key))
        return found if found is not None and found.expires > time.time() else None

    def get(self, key: str) -> int:
        found = self._live(key)
        return found.hits if found else 0

    def get_expiry(self, key: str) -> float:
        found = self._live(key)
        return found.expires if found else time.time()

    def check(self) -> bool:
        with self.store() as db:
            return db.execute(text("SELECT 1")).scalar() == 1

    def reset(self) -> int | None:
        with self.store() as db:
            gone = db.execute(delete(RateCounter)).rowcount
            db.commit()
        return gone

    def clear(self, key: str) -> None:
        with self.store() as db:
            db.execute(delete(RateCounter).where(RateCounter.key == key))
            db.commit()


class Limit:
    """At most `rate` (for example "10/minute") per key, counted by every worker."""

    def __init__(self, name: str, rate: str, limiter: FixedWindowRateLimiter) -> None:
        self.name, self.item, self.limiter = name, parse(rate), limiter

    def check(self, key: str) -> None:
        if not self.limiter.hit(self.item, self.name, key):
            reset = self.limiter.get_window_stats(self.item, self.name, key).reset_time
            wait = str(max(1, math.ceil(reset - time.time())))
            raise Refusal(429, "web_detail_too_many", headers={"Retry-After": wait})


def limiter(store: sessionmaker) -> FixedWindowRateLimiter:
    """The shared limiter: the configured storage, else the app's database."""
    uri = os.environ.get("INTERVIEWER_RATE_LIMIT_STORAGE")
    return FixedWindowRateLimiter(storage_from_string(uri) if uri else DatabaseStorage(store))
