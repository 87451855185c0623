"""Grading off the request path. A candidate's answer is stored (the transcript is fsync'ed)
before the request returns; grading it and asking the probe or the next question is a job.
The candidate's page says "reviewing your answer…" and refreshes until the next prompt is
there.

Two queues run the same job (`advance`):
- PostgreSQL: procrastinate, whose jobs live in the same database, so any number of
  `interviewer worker` processes on any machine share them, and `serve` runs one worker of
  its own unless told not to;
- SQLite (the default, one machine): a pool of worker threads inside `serve`.

The transcript, not the queue, is what must not be lost: a transcript that ends on an answer
with no next prompt is graded again when the candidate's page asks for it (a job lost to a
crash is simply requested again), and the job itself does nothing when the prompt is
already there, so a job that runs twice is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from interviewer.app import stateless
from interviewer.web.interviews import Busy, turn
from interviewer.web.store import Invite

QUEUE = "grading"
NICENESS = 10  # graders' CPU priority: below the requests that store answers and show pages


def lower_priority() -> None:
    """Run the calling grading thread at a lower CPU priority than the web's requests: when a
    machine's cores are all busy, a candidate's answer is stored and the page shown first,
    and grading takes what is left (it is already off the request path, so it only finishes
    later). On Linux each thread has its own priority; elsewhere nothing changes."""
    thread = threading.get_native_id()
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed
        os.setpriority(os.PRIO_PROCESS, thread, max(NICENESS, os.getpriority(os.PRIO_PROCESS, thread)))


# Connections for queueing jobs, per process: psycopg_pool's default of 4 kept a web process's
# request threads waiting for one when hundreds of candidates answered at once
POOL_SIZE = 10
BUSY_SECONDS = 2.0  # a request holds an interview for milliseconds; a grading for seconds


def advance(store: sessionmaker, invite_id: int, path: str) -> None:
    """The job: grade what the candidate said and ask what comes next (or end the interview).
    A job with nothing to do (the prompt is already there: it was asked twice) returns without
    taking the interview's lock, which a grader at low priority would hold for long while the
    candidate's next answer waits for it; one that finds the interview held for seconds
    leaves it to the grading holding it (a page that still finds it waiting asks again)."""
    if not stateless.position(path).stuck:  # read without the lock: events are whole lines
        return
    try:
        with turn(Path(path), wait=BUSY_SECONDS):
            stateless.complete(path, after_crash=False)
            now = stateless.position(path)
    except Busy:
        return
    if now.prompt is None and not now.stuck:
        with store() as db:
            db.execute(update(Invite).where(Invite.id == invite_id).values(status="finished"))
            db.commit()


class ThreadQueue:
    """SQLite's in-process worker: `workers` threads; one job per invite at a time."""

    reask_seconds = 0.0  # asking again costs a set lookup: a page asks whenever it waits

    def __init__(self, store: sessionmaker, workers: int = 2) -> None:
        self.store = store
        self.pool = ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="grading", initializer=lower_priority
        )
        self.waiting: set[int] = set()
        self.lock = threading.Lock()

    def request(self, invite_id: int, path: str) -> None:
        with self.lock:
            if invite_id in self.waiting:
                return
            self.waiting.add(invite_id)
        self.pool.submit(self._run, invite_id, path)

    def _run(self, invite_id: int, path: str) -> None:
        with self.lock:
            self.waiting.discard(invite_id)
        advance(self.store, invite_id, path)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


def conninfo(database_url: str) -> str:
    """libpq's form of a SQLAlchemy PostgreSQL URL (procrastinate connects with psycopg)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def procrastinate_app(
    store: sessionmaker, database_url: str, concurrency: int = 1, *, deferring: bool = False
):
    """The procrastinate app with the grading task, the same in `serve` and `interviewer worker`.
    The task waits for `advance` in a pool of `concurrency` threads: a job mostly waits for a
    model, and asyncio's default pool (a handful of threads) would cap the jobs in flight.
    An app only `deferring` jobs (the web's) uses autocommit connections: a job is queued by
    one atomic statement, with no BEGIN and COMMIT round trips around it."""
    import procrastinate

    options = {"kwargs": {"autocommit": True}} if deferring else {}
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(database_url), max_size=POOL_SIZE, **options)
    app = procrastinate.App(connector=connector)
    threads = ThreadPoolExecutor(
        max_workers=concurrency, thread_name_prefix="grading", initializer=lower_priority
    )

    @app.task(name="interviewer.advance", queue=QUEUE)
    async def advance_job(invite_id: int, path: str) -> None:
        await asyncio.get_running_loop().run_in_executor(threads, advance, store, invite_id, path)

    return app


class PostgresQueue:
    """procrastinate on the app's PostgreSQL database, and a worker in this process running
    up to `workers` jobs at once (0: only `interviewer worker` processes grade)."""

    # A page asks for a job again once the transcript has been quiet this long: a lost job is
    # rare (a crash between storing an answer and queueing it) and asking costs a database write
    reask_seconds = 20.0

    def __init__(self, store: sessionmaker, database_url: str, workers: int = 1) -> None:
        self._args = (store, database_url)
        self.app = procrastinate_app(store, database_url, deferring=True)
        self.app.open()
        self.task = self.app.tasks["interviewer.advance"]
        self.loop: asyncio.AbstractEventLoop | None = None
        self.worker: asyncio.Task | None = None
        self.thread: threading.Thread | None = None
        if workers:
            self.started = threading.Event()
            self.thread = threading.Thread(target=self._work, args=(workers,), daemon=True, name="grading")
            self.thread.start()
            self.started.wait()

    def _work(self, workers: int) -> None:
        """The worker, on its own event loop in its own thread, until `close` cancels it."""
        self.loop = asyncio.new_event_loop()

        async def main() -> None:
            async with procrastinate_app(*self._args, workers).open_async() as app:
                self.worker = asyncio.current_task()
                self.started.set()
                await app.run_worker_async(
                    queues=[QUEUE], name="serve", concurrency=workers, install_signal_handlers=False
                )

        with contextlib.suppress(asyncio.CancelledError):
            self.loop.run_until_complete(main())
        self.loop.close()

    def request(self, invite_id: int, path: str) -> None:
        from procrastinate.exceptions import AlreadyEnqueued

        with contextlib.suppress(AlreadyEnqueued):  # one waiting job per invite: a second is the same
            self.task.configure(queueing_lock=f"invite-{invite_id}").defer(invite_id=invite_id, path=path)

    def close(self) -> None:
        """Stop this process's worker (the job in hand finishes first) and the connections."""
        if self.thread is not None and self.loop is not None and self.worker is not None:
            self.loop.call_soon_threadsafe(self.worker.cancel)
            self.thread.join(timeout=30)
        self.app.close()


GradingQueue = ThreadQueue | PostgresQueue


def open_queue(store: sessionmaker, database_url: str, workers: int) -> GradingQueue:
    """The queue for this database: procrastinate on PostgreSQL, threads on SQLite."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return PostgresQueue(store, database_url, workers)
    return ThreadQueue(store, max(1, workers))


def run_worker(store: sessionmaker, database_url: str, concurrency: int) -> None:
    """`interviewer worker`: grade queued answers until stopped (Ctrl-C or SIGTERM)."""
    app = procrastinate_app(store, database_url, concurrency)
    app.run_worker(queues=[QUEUE], concurrency=concurrency)
