"""Real servers, real HTTP, real faults. 200 candidates take one screening at once while the
server is killed with SIGKILL and started again; two server processes share one SQLite file.
Every answer that got a 200 is stored exactly once, in order; nobody is stuck; everyone
finishes. The figures (latency, lost, duplicated, stuck) are printed, never asserted on time."""

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from web_site import PASSWORD

from interviewer.web.store import Invite, open_store
from interviewer.web.team import create_user

DONE = "感谢参加"  # the end page of the Chinese bank
SECRET = "load-test-secret-that-is-long-enough-000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`interviewer serve` in its own process, which a test can kill -9 and start again."""

    def __init__(self, url: str, folder: Path, port: int | None = None) -> None:
        self.url, self.folder, self.port = url, folder, port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "INTERVIEWER_SECRET": SECRET, "INTERVIEWER_TRANSCRIPTS_DIR": str(self.folder)}
        command = "from interviewer.cli import main; main()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", command, "serve", "--port", str(self.port), "--database", self.url],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(600):
            try:
                if httpx.get(f"{self.base}/login", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def screening_links(base: str, count: int) -> list[str]:
    recruiter = httpx.Client(base_url=base, timeout=60)
    recruiter.post("/login", data={"email": "rita@example.com", "password": PASSWORD})
    csrf = re.search(r'name="csrf" value="([^"]+)"', recruiter.get("/").text).group(1)
    screening = recruiter.post(
        "/screenings",
        data={"csrf": csrf, "name": "load", "bank": "ecommerce-marketing-zh", "questions": "3,4"},
    ).headers["location"]
    links = []
    for n in range(count):
        page = recruiter.post(
            f"{screening}/invites", data={"csrf": csrf, "candidate": f"c{n}", "days": "1"}
        ).text
        links.append(re.search(r"<code>https?://[^/]+(/i/[^<]+)</code>", page).group(1))
    return links


@dataclass
class Tally:
    """What the candidates saw: answers acknowledged with a 200, per candidate, and timings."""

    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    resent: int = 0
    finished: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        return sum(map(len, self.acknowledged.values()))


def send(bases, method: str, path: str, **kwargs) -> httpx.Response:
    """A browser that tries again (the same request) until a server answers: after a kill -9
    the candidate reloads or presses the button again."""
    for _ in range(3000):
        try:
            response = httpx.request(method, random.choice(bases) + path, timeout=600, **kwargs)
            if response.status_code < 500:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no server answered {method} {path}")


def take(bases, link: str, tally: Tally, post=None) -> None:
    """One candidate: consent, then answer every prompt until the end page. `post(path, data)`
    sends an answer (by default to one server at random)."""
    post = post or (lambda path, data: httpx.post(random.choice(bases) + path, data=data, timeout=600))
    name = link[-8:]
    given = tally.acknowledged.setdefault(name, [])
    page = send(bases, "POST", f"{link}/start", data={"consent": "yes"}, follow_redirects=True).text
    for k in range(12):
        if DONE in page:
            tally.finished.add(name)
            return
        prompt = re.search(r'name="prompt" value="(\d+)"', page).group(1)
        text = f"{name} 第{k + 1}次回答：先算LTV和CAC的比值，再用RFM分层。"
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
        assert response.status_code == 200, response.text[:300]
        with tally.lock:
            tally.seconds.append(time.monotonic() - started)
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
    ordered = sorted(tally.seconds)
    return {
        "answers": tally.count(),
        "p50": statistics.median(ordered),
        "p95": ordered[int(len(ordered) * 0.95) - 1],
        "lost": lost,
        "duplicated": duplicated,
        "misplaced": misplaced,
        "stuck": candidates - len(tally.finished),
        "resent": tally.resent,
    }


@pytest.fixture
def database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'load.db'}"
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)
    return url


def test_200_candidates_with_a_kill_9_in_the_middle(database_url, tmp_path):
    candidates = 200
    server = Server(database_url, tmp_path / "transcripts")
    server.start()
    try:
        links = screening_links(server.base, candidates)
        tally = Tally()
        with ThreadPoolExecutor(max_workers=candidates) as pool:
            running = [pool.submit(take, [server.base], link, tally) for link in links]
            while tally.count() < candidates * 2 and not all(r.done() for r in running):
                time.sleep(0.05)
            killed_at = tally.count()
            server.kill()  # mid-run: requests in flight die with it
            server.start()
            for r in running:
                r.result()
        result = figures(tally, stored_answers(database_url), candidates)
    finally:
        server.stop()
    print(
        f"\n{candidates} candidates, {result['answers']} answers, kill -9 after {killed_at}: "
        f"p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s; lost {result['lost']}, "
        f"duplicated {result['duplicated']}, misplaced {result['misplaced']}, stuck {result['stuck']} "
        f"({result['resent']} answers sent again after the kill)"
    )
    assert (result["lost"], result["duplicated"], result["misplaced"], result["stuck"]) == (0, 0, 0, 0)


def test_two_server_processes_on_one_sqlite_file(database_url, tmp_path):
    """Each request goes to either process, and every answer is sent to both at once (a double
    submit across processes): one transcript, one answer each, in order."""
    candidates = 30
    servers = [Server(database_url, tmp_path / "transcripts") for _ in range(2)]
    for server in servers:
        server.start()
    bases = [s.base for s in servers]
    try:
        links = screening_links(bases[0], candidates)
        tally = Tally()
        with ThreadPoolExecutor(max_workers=candidates) as pool, ThreadPoolExecutor(candidates) as seconds:

            def to_both(path, data):
                other = seconds.submit(httpx.post, bases[1] + path, data=data, timeout=600)
                mine = httpx.post(bases[0] + path, data=data, timeout=600)
                assert other.result().status_code == 200, other.result().text[:300]
                return mine

            list(pool.map(lambda link: take(bases, link, tally, to_both), links))
        result = figures(tally, stored_answers(database_url), candidates)
    finally:
        for server in servers:
            server.stop()
    print(f"\ntwo processes, one SQLite file: {result}")
    assert (result["lost"], result["duplicated"], result["misplaced"], result["stuck"]) == (0, 0, 0, 0)
