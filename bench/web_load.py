"""Screenings at scale: 500 candidates at once on PostgreSQL, two web processes, against a
fake OpenAI-compatible model server that takes 2 s for every reply. Run twice: with grading
on the queue (two `interviewer worker` processes, the web processes only store answers) and
with grading inside the answer's request (the old path). Prints figures, asserts nothing.

    .venv/bin/python bench/web_load.py [--candidates 500] [--database URL]

The database (default: a local PostgreSQL `interviewer_bench` over its Unix socket) is wiped
first. Figures go to bench/web_load.json and the README table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from load_kit import PASSWORD, Server, Tally, Worker, figures, screening_links, stored_answers, take

from interviewer.web.store import open_store
from interviewer.web.team import create_user

RESULTS = Path(__file__).with_name("web_load.json")
DEFAULT_DATABASE = "postgresql+psycopg:///interviewer_bench?host=/var/run/postgresql"
MODEL_SECONDS = 2.0


class SlowModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that takes 2 s: streamed words for asking and
    probing, a JSON critique (every key point missing) for grading."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        time.sleep(MODEL_SECONDS)
        if body.get("stream"):
            chunk = {
                "choices": [{"index": 0, "delta": {"content": "请具体谈谈你的做法。"}, "finish_reason": None}]
            }
            payload = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
            kind = "text/event-stream"
        else:
            ids = re.findall(r'"id": "(q\d+-k\d+)"', body["messages"][-1]["content"])
            points = [{"point_id": i, "verdict": "missing", "evidence": "", "suggestion": ""} for i in ids]
            message = {"role": "assistant", "content": json.dumps({"points": points, "feedback": ""})}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            reply = {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "slow",
                "choices": [choice],
            }
            payload, kind = json.dumps(reply).encode(), "application/json"
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def fresh_database(url: str) -> None:
    with create_engine(url).begin() as db:
        db.execute(text("DROP SCHEMA public CASCADE"))
        db.execute(text("CREATE SCHEMA public"))
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)


def run(url: str, candidates: int, queued: bool) -> dict:
    """One run of `candidates` at once; the figures."""
    fresh_database(url)
    folder = Path(tempfile.mkdtemp(prefix="web-load-"))
    web_args = ("--grading-workers", "0") if queued else ("--grade-in-request",)
    processes = [Server(url, folder, *web_args) for _ in range(2)]
    processes += [Worker(url, folder, "--concurrency", "32") for _ in range(2 if queued else 0)]
    for process in processes:
        process.start()
    bases = [p.base for p in processes if not isinstance(p, Worker)]
    try:
        links = screening_links(bases[0], candidates, backend="openai")
        tally, starts = Tally(), []

        def candidate(link: str) -> None:
            began = time.monotonic()
            httpx.get(bases[0] + link, timeout=600)  # the consent page
            starts.append(time.monotonic() - began)
            take(bases, link, tally)

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=candidates) as pool:
            list(pool.map(candidate, links))
        elapsed = time.monotonic() - began
        result = figures(tally, stored_answers(url), candidates)
    finally:
        for process in processes:
            process.stop()
    result |= {
        "path": "queue (2 web + 2 workers)" if queued else "in the request (2 web)",
        "seconds": elapsed,
        "candidates_per_s": candidates / elapsed,
        "answers_per_s": result["answers"] / elapsed,
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument(
        "--database", default=os.environ.get("INTERVIEWER_BENCH_POSTGRES_URL", DEFAULT_DATABASE)
    )
    options = parser.parse_args()
    try:
        with create_engine(options.database).connect():
            pass
    except Exception as exc:  # no PostgreSQL here: say so, as the other benchmarks skip
        print(f"web_load: skipped, cannot reach {options.database.split('@')[-1]} ({type(exc).__name__})")
        return
    model = ThreadingHTTPServer(("127.0.0.1", 0), SlowModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    os.environ |= {
        "OPENAI_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
        "OPENAI_API_KEY": "sk-bench-0000000000000000",
        "INTERVIEWER_CACHE_DIR": os.environ.get("INTERVIEWER_CACHE_DIR", tempfile.mkdtemp()),
    }
    rows = [run(options.database, options.candidates, queued) for queued in (True, False)]
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n{options.candidates} candidates at once, PostgreSQL, a model that takes {MODEL_SECONDS:g} s per reply"
    )
    print(
        "| path | answers | answer POST p50 / p95 | next prompt p50 / p95 | answers/s | candidates/s | lost | dup | stuck |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['path']} | {r['answers']} | {r['p50'] * 1000:.0f} / {r['p95'] * 1000:.0f} ms | "
            f"{r['next_p50']:.1f} / {r['next_p95']:.1f} s | {r['answers_per_s']:.1f} | "
            f"{r['candidates_per_s']:.2f} | {r['lost']} | {r['duplicated']} | {r['stuck']} |"
        )


if __name__ == "__main__":
    main()
