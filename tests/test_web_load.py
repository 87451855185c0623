"""50 candidates take one screening at once, over real HTTP, against a fake model server on
loopback: every answer is stored, every interview finishes, nothing is lost."""

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import uvicorn

from interviewer.web.app import create_app
from interviewer.web.store import Invite, open_store
from interviewer.web.team import create_user

CANDIDATES = 50


class FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint: streamed words for asking, a JSON critique."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        time.sleep(0.02)  # a model takes a moment; other candidates must not wait for it
        if body.get("stream"):
            chunk = {"choices": [{"index": 0, "delta": {"content": "请回答下一题。"}, "finish_reason": None}]}
            payload = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
        else:
            ids = re.findall(r'"id": "(q\d+-k\d+)"', body["messages"][-1]["content"])
            critique = {
                "points": [
                    {"point_id": i, "verdict": "missing", "evidence": "", "suggestion": ""} for i in ids
                ],
                "feedback": "",
            }
            message = {"role": "assistant", "content": json.dumps(critique)}
            payload = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "fake",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                }
            ).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def serve_in_thread(server):
    thread = threading.Thread(
        target=server.serve_forever if hasattr(server, "serve_forever") else server.run, daemon=True
    )
    thread.start()
    return thread


@pytest.fixture
def model_server(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    serve_in_thread(server)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-load-test-key-0000000000")
    yield
    server.shutdown()


def test_fifty_candidates_at_once(model_server, tmp_path):
    url = f"sqlite:///{tmp_path / 'load.db'}"
    store = open_store(url)
    create_user(store, "rita@example.com", "correct horse battery", "acme", None)
    config = uvicorn.Config(
        create_app(url, tmp_path / "transcripts", secret="s"), host="127.0.0.1", port=0, log_level="error"
    )
    server = uvicorn.Server(config)
    serve_in_thread(server)
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"

    recruiter = httpx.Client(base_url=base, follow_redirects=False)
    recruiter.post("/login", data={"email": "rita@example.com", "password": "correct horse battery"})
    csrf = re.search(r'name="csrf" value="([^"]+)"', recruiter.get("/").text).group(1)
    screening = recruiter.post(
        "/screenings",
        data={
            "csrf": csrf,
            "name": "load",
            "bank": "ecommerce-marketing-zh",
            "questions": "3,4",
            "backend": "openai",
        },
    ).headers["location"]
    links = []
    for n in range(CANDIDATES):
        page = recruiter.post(
            f"{screening}/invites", data={"csrf": csrf, "candidate": f"candidate {n}", "days": "1"}
        ).text
        links.append(re.search(r"<code>https?://[^/]+(/i/[^<]+)</code>", page).group(1))

    def take(link: str) -> list[str]:
        given = []
        with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as client:
            page = client.post(f"{link}/start", data={"consent": "yes"}).text
            while "感谢参加" not in page and len(given) < 10:
                answer = f"{link[-6:]} 第{len(given) + 1}次回答：先算LTV和CAC，再做RFM分层。"
                response = client.post(f"{link}/answer", data={"answer": answer})
                assert response.status_code == 200, response.text
                given.append(answer)
                page = response.text
        assert "感谢参加" in page
        return given

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CANDIDATES) as pool:
        answered = list(pool.map(take, links))
    elapsed = time.monotonic() - started
    server.should_exit = True

    with store() as db:
        invites = db.query(Invite).all()
    assert len(invites) == CANDIDATES and {i.status for i in invites} == {"finished"}
    stored = {}
    for invite in invites:
        events = [
            json.loads(line) for line in Path(invite.transcript).read_text(encoding="utf-8").splitlines()
        ]
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[-1]["type"] == "session_end" and events[-1]["finished"] is True
        stored[invite.candidate] = [e["text"] for e in events if e["type"] == "answer"]
    for n, given in enumerate(answered):
        assert stored[f"candidate {n}"] == given
    print(f"\n{CANDIDATES} candidates, {sum(map(len, answered))} answers in {elapsed:.1f} s")
