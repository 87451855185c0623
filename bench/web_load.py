"""Screenings at scale: 500 candidates at once on PostgreSQL, two web processes, against a
fake OpenAI-compatible model server that takes 2 s for every reply. Run twice: with grading
on the queue (two `interviewer worker` processes, the web processes only store answers) and
with grading inside the answer's request (the old path). Each candidate takes about
`--think` seconds to write an answer (10 by default; 0 sends all answers the moment the
prompts show, a stampede no screening sees). Prints figures, asserts nothing.

    .venv/bin/python bench/web_load.py [--candidates 500] [--think 10] [--database URL]

The database (default: a local PostgreSQL `interviewer_bench` over its Unix socket) is wiped
first. Figures go to bench/web_load.json and the README table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import repeat
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from load_kit import (
    PASSWORD,
    Server,
    Tally,
    Worker,
    figures,
    free_port,
    screening_links,
    send,
    stored_answers,
    take,
)

from interviewer.web.store import open_store
from interviewer.web.team import create_user

RESULTS = Path(__file__).with_name("web_load.json")
DEFAULT_DATABASE = "postgresql+psycopg:///interviewer_bench?host=/var/run/postgresql"
MODEL_SECONDS = 2.0
BROWSER_PROCESSES = 10  # the simulated candidates' processes, a tenth of them in each
THINK_SECONDS = 10.0  # real candidates take minutes; 0 sends every answer the moment its prompt shows


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


def serve_model(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), SlowModel).serve_forever()


def fresh_database(url: str) -> None:
    with create_engine(url).begin() as db:
        db.execute(text("DROP SCHEMA public CASCADE"))
        db.execute(text("CREATE SCHEMA public"))
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)


def candidates_in_one_process(bases: list[str], links: list[str], think: float, nice: int) -> Tally:
    """Some of the candidates, as threads of one process: each opens its link, consents and
    answers every prompt. Hundreds of threads in one process would wait on each other for
    Python's lock and count that wait as the server's. The browsers run at a lower CPU
    priority (`--browsers-nice`), as if on other machines: a browser that waits for the CPU
    still counts that wait in its timings."""
    os.nice(nice)
    tally = Tally()

    def candidate(link: str) -> None:
        send(bases, "GET", link)  # the consent page
        take(bases, link, tally, think=think)

    with ThreadPoolExecutor(max_workers=len(links)) as pool:
        list(pool.map(candidate, links))
    return tally


def merged(tallies: list[Tally]) -> Tally:
    whole = Tally()
    for tally in tallies:
        whole.acknowledged |= tally.acknowledged
        whole.seconds += tally.seconds
        whole.turns += tally.turns
        whole.resent += tally.resent
        whole.finished |= tally.finished
    return whole


def run(url: str, candidates: int, queued: bool, think: float, nice: int = 0) -> dict:
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
        shares = [links[k::BROWSER_PROCESSES] for k in range(BROWSER_PROCESSES)]
        began = time.monotonic()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=BROWSER_PROCESSES, mp_context=spawn) as browsers:
            tallies = list(
                browsers.map(candidates_in_one_process, repeat(bases), shares, repeat(think), repeat(nice))
            )
        elapsed = time.monotonic() - began
        result = figures(merged(tallies), stored_answers(url), candidates)
    finally:
        for process in processes:
            process.stop()
    result |= {
        "path": "queue (2 web + 2 workers)" if queued else "in the request (2 web)",
        "candidates": candidates,
        "think_seconds": think,
        "browsers_nice": nice,
        "seconds": elapsed,
        "candidates_per_s": candidates / elapsed,
        "answers_per_s": result["answers"] / elapsed,
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument(
        "--browsers-nice",
        type=int,
        default=0,
        help="CPU niceness of the simulated browsers (5: the server side gets the cores first)",
    )
    parser.add_argument(
        "--think", type=float, default=THINK_SECONDS, help="seconds a candidate takes to write an answer"
    )
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
    port = free_port()  # the model in a process of its own, as a real one would be
    model = multiprocessing.Process(target=serve_model, args=(port,), daemon=True)
    model.start()
    os.environ |= {
        "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "OPENAI_API_KEY": "sk-bench-0000000000000000",
        "INTERVIEWER_CACHE_DIR": os.environ.get("INTERVIEWER_CACHE_DIR", tempfile.mkdtemp()),
    }
    rows = [
        run(options.database, options.candidates, queued, options.think, options.browsers_nice)
        for queued in (True, False)
    ]
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n{options.candidates} candidates at once, each taking {options.think:g} s (±50%) to write an "
        f"answer; PostgreSQL; a model that takes {MODEL_SECONDS:g} s per reply; browsers at nice "
        f"{options.browsers_nice}"
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
