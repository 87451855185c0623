"""Real servers, real HTTP, real faults: `interviewer serve` (and `interviewer worker`) in
their own processes, candidates as threads that behave like browsers (they resend a form
when the server dies, and refresh the "reviewing your answer" page), and the figures: how
long an answer takes to be stored and the next prompt to show, and what was lost,
duplicated, misplaced or left stuck. Used by tests/test_web_load.py and bench/web_load.py."""

import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from interviewer.web.store import Invite, open_store

PASSWORD = "correct horse battery"

DONE = "感谢参加"  # the end page of the Chinese bank
SECRET = "load-test-secret-that-is-long-enough-000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`interviewer serve` in its own process, which a test can kill -9 and start again."""

    def __init__(self, url: str, folder: Path, *args: str) -> None:
        self.url, self.folder, self.port, self.args = url, folder, free_port(), args
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "INTERVIEWER_SECRET": SECRET, "INTERVIEWER_TRANSCRIPTS_DIR": str(self.folder)}
        command = "from interviewer.cli import main; main()"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                command,
                "serve",
                "--port",
                str(self.port),
                "--database",
                self.url,
                *self.args,
            ],
            env=env,
            stderr=self.log(),
        )
        for _ in range(600):
            try:
                if httpx.get(f"{self.base}/login", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def log(self):
        """Where the process's messages go (beside its transcripts), to read when a run fails."""
        return (self.folder.parent / f"{type(self).__name__.lower()}-{self.port}.log").open("ab")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


class Worker(Server):
    """`interviewer worker` in its own process: grades queued answers (PostgreSQL)."""

    def start(self) -> None:
        env = {**os.environ, "INTERVIEWER_TRANSCRIPTS_DIR": str(self.folder)}
        command = "from interviewer.cli import main; main()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", command, "worker", "--database", self.url, *self.args],
            env=env,
            stderr=self.log(),
        )


def screening_links(base: str, count: int, backend: str = "offline") -> list[str]:
    """A new screening (two questions of the Chinese bank) and `count` invite links."""
    recruiter = httpx.Client(base_url=base, timeout=60)
    recruiter.post("/login", data={"email": "rita@example.com", "password": PASSWORD})
    csrf = re.search(r'name="csrf" value="([^"]+)"', recruiter.get("/").text).group(1)
    screening = recruiter.post(
        "/screenings",
        data={
            "csrf": csrf,
            "name": "load",
            "bank": "ecommerce-marketing-zh",
            "questions": "3,4",
            "backend": backend,
        },
    ).headers["location"]
    links = []
    for n in range(count):
        page = recruiter.post(
            f"{screening}/invites", data={"csrf": csrf, "candidate": f"c{n}", "days": "1"}
        ).text
        links.append(re.search(r'data-copy="https?://[^/"]+(/i/[^"]+)"', page).group(1))
    return links


@dataclass
class Tally:
    """What the candidates saw: answers acknowledged with a 200, per candidate, and timings."""

    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)  # an answer's POST, until it is stored
    turns: list[float] = field(default_factory=list)  # an answer's POST, until the next prompt shows
    resent: int = 0
    finished: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        return sum(map(len, self.acknowledged.values()))

    def __getstate__(self) -> dict:  # a benchmark's browser processes send theirs back
        return {k: v for k, v in self.__dict__.items() if k != "lock"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, lock=threading.Lock())


# One connection pool for every simulated browser: a client per request would spend more CPU
# on its own TLS setup than the servers spend answering, on the same two cores.
BROWSERS = httpx.Client(
    timeout=600, limits=httpx.Limits(max_connections=None, max_keepalive_connections=1000)
)


def send(bases, method: str, path: str, **kwargs) -> httpx.Response:
    """A browser that tries again (the same request) until a server answers: after a kill -9
    the candidate reloads or presses the button again."""
    for _ in range(3000):
        try:
            response = BROWSERS.request(method, random.choice(bases) + path, **kwargs)
            if response.status_code < 500:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no server answered {method} {path}")


def settle(bases, link: str, response: httpx.Response) -> httpx.Response:
    """Follow the answer's (or the consent's) redirect and, as the browser does, the
    "reviewing your answer" (or "preparing your first question") page's refresh (to its wait, which answers when the transcript changes) until the next
    prompt (or the end) is there."""
    for _ in range(1200):
        if response.status_code == 303:
            response = send(bases, "GET", link)
            continue
        refresh = re.search(r'http-equiv="refresh" content="(\d+);url=([^"]+)"', response.text)
        if 'id="reviewing"' not in response.text:
            return response
        time.sleep(int(refresh.group(1)))
        response = send(bases, "GET", refresh.group(2).replace("&amp;", "&"), follow_redirects=True)
    raise RuntimeError(f"{link} was never graded")


def take(bases, link: str, tally: Tally, post=None, think: float = 0.0) -> None:
    """One candidate: consent, then answer every prompt until the end page, taking about
    `think` seconds (half to one and a half times that, at random) to write each answer.
    `post(path, data)` sends an answer (by default to one server at random)."""
    post = post or (lambda path, data: BROWSERS.post(random.choice(bases) + path, data=data))
    name = link[-8:]
    given = tally.acknowledged.setdefault(name, [])
    page = settle(bases, link, send(bases, "POST", f"{link}/start", data={"consent": "yes"})).text
    for k in range(12):
        if DONE in page:
            tally.finished.add(name)
            return
        prompt = re.search(r'name="prompt" value="(\d+)"', page).group(1)
        text = f"{name} 第{k + 1}次回答：先算LTV和CAC的比值，再用RFM分层。"
        time.sleep(think * random.uniform(0.5, 1.5))
        started = time.monotonic()
        try:
            response = post(f"{link}/answer", {"answer": text, "prompt": prompt})
            lost_reply = response.status_code >= 500
        except httpx.TransportError:
            lost_reply = True
        if lost_reply:  # no answer from the server: send the same form again
            with tally.lock:
                tally.resent += 1
            response = send(bases, "POST", f"{link}/answer", data={"answer": text, "prompt": prompt})
        assert response.status_code in (200, 303), response.text[:300]
        stored = time.monotonic() - started
        response = settle(bases, link, response)
        assert response.status_code == 200, response.text[:300]
        with tally.lock:
            tally.seconds.append(stored)
            tally.turns.append(time.monotonic() - started)
        given.append(text)
        page = response.text


def stored_answers(url: str) -> dict[str, list[str]]:
    """Each candidate's answers as their transcript holds them, after checking its sequence."""
    stored = {}
    with open_store(url)() as db:
        invites = db.query(Invite).all()
    for invite in invites:
        lines = Path(invite.transcript).read_text(encoding="utf-8").splitlines()
        events = [json.loads(line) for line in lines]
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), invite.transcript
        assert events[-1]["type"] == "session_end" and invite.status == "finished"
        texts = [e["text"] for e in events if e["type"] == "answer"]
        stored[texts[0][:8] if texts else invite.candidate] = texts
    return stored


def figures(tally: Tally, stored: dict[str, list[str]], candidates: int) -> dict:
    lost = sum(len(set(given) - set(stored.get(name, []))) for name, given in tally.acknowledged.items())
    duplicated = sum(len(texts) - len(set(texts)) for texts in stored.values())
    misplaced = sum(stored.get(name) != given for name, given in tally.acknowledged.items())
    ordered, turns = sorted(tally.seconds), sorted(tally.turns)
    return {
        "answers": tally.count(),
        "p50": statistics.median(ordered),
        "p95": ordered[int(len(ordered) * 0.95) - 1],
        "next_p50": statistics.median(turns),
        "next_p95": turns[int(len(turns) * 0.95) - 1],
        "lost": lost,
        "duplicated": duplicated,
        "misplaced": misplaced,
        "stuck": candidates - len(tally.finished),
        "resent": tally.resent,
    }
