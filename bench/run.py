"""Benchmarks that print figures: cold start to the first question, and offline grading latency.

Run with `make bench` (or `.venv/bin/python bench/run.py`). Figures, not assertions: they vary
with the machine; the README and closing notes quote what was measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time


def cold_start(runs: int = 5) -> list[float]:
    """Seconds from launching `interviewer practice` (offline) to the first question on screen."""
    times = []
    env = {
        **os.environ,
        "INTERVIEWER_TRANSCRIPTS_DIR": tempfile.mkdtemp(),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "interviewer", "practice", "--backend", "offline", "--count", "1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        buffer = b""
        while b"1/1" not in buffer:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                break
            buffer += chunk
        times.append(time.perf_counter() - start)
        proc.kill()
        proc.wait()
    return times


def grading(runs: int = 30) -> dict[int, tuple[float, float]]:
    from interviewer.backends.base import Turn
    from interviewer.backends.offline.backend import OfflineBackend
    from interviewer.bank.loader import resolve_bank
    from interviewer.engine import signals
    from interviewer.engine.calibration import load_answers
    from interviewer.engine.grading import grade_answer

    bank = resolve_bank("ecommerce-marketing-zh")
    pool = "".join(level for answers in load_answers(bank).values() for level in answers.values())
    turn = Turn(bank, bank.question(3), "exam", 1, 1)
    backend = OfflineBackend()
    grade_answer(turn, pool[:200], backend)  # loads jieba and OpenCC once, as an interview does
    caches = (signals.normalize, signals.tokens, signals.buzzword_count, signals._stems)
    results = {}
    for size in (200, 2_000, 20_000):
        answer = (pool * (size // len(pool) + 1))[:size]
        samples = []
        for _ in range(runs if size < 20_000 else max(5, runs // 5)):
            for cached in caches:  # every sample pays for its own text, as a new answer does
                cached.cache_clear()
            start = time.perf_counter()
            grade_answer(turn, answer, backend)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        results[size] = (statistics.median(samples), samples[int(0.95 * (len(samples) - 1))])
    return results


def engine_turn_cost(rounds: int = 3) -> tuple[float, int]:
    """Milliseconds the engine adds per turn (grading, policy, prompts, parsing, SDK) against an
    OpenAI-compatible API that answers instantly (respx at the transport; its own time is
    measured separately and subtracted)."""
    import json
    import re

    import httpx
    import respx

    from interviewer.backends.openai_chat import OpenAIChatBackend
    from interviewer.bank.loader import resolve_bank
    from interviewer.config import Settings
    from interviewer.engine.calibration import load_answers
    from interviewer.engine.session import Session

    bank = resolve_bank("backend-engineering-en")
    answers = load_answers(bank)
    server_seconds = 0.0

    def reply(request: httpx.Request) -> httpx.Response:
        nonlocal server_seconds
        start = time.perf_counter()
        body = json.loads(request.content)
        if body.get("stream"):
            chunk = {"choices": [{"index": 0, "delta": {"content": "Next question."}, "finish_reason": None}]}
            text = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
            response = httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})
        else:
            ids = re.findall(r'"id": "(q\d+-k\d+)"', body["messages"][-1]["content"])
            points = [{"point_id": i, "verdict": "missing", "evidence": ""} for i in ids]
            message = {"role": "assistant", "content": json.dumps({"points": points, "feedback": "ok"})}
            response = httpx.Response(
                200,
                json={
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "m",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                },
            )
        server_seconds += time.perf_counter() - start
        return response

    turns = 0
    total = 0.0
    with respx.mock(base_url="http://bench.local/v1") as mock:
        mock.post("/chat/completions").mock(side_effect=reply)
        for _ in range(rounds):
            backend = OpenAIChatBackend(Settings(base_url="http://bench.local/v1", model="m"))
            session = Session(bank, list(bank.questions), backend, mode="exam", max_follow_ups=1)
            start = time.perf_counter()
            session.start()
            while not session.finished:
                session.handle(answers[session.question.number]["partial"])
                turns += 1
            total += time.perf_counter() - start
    return (total - server_seconds) * 1000 / turns, turns


def main() -> None:
    starts = cold_start()
    print("benchmark                                   median      p95/max")
    print(
        f"cold start to first question (offline)  {statistics.median(starts) * 1000:8.0f} ms  {max(starts) * 1000:8.0f} ms"
    )
    per_turn, turns = engine_turn_cost()
    print(f"engine time per turn, instant fake API   {per_turn:8.1f} ms  ({turns} turns)")
    for size, (median, p95) in grading().items():
        print(f"offline grading, {size:>6,} Chinese chars   {median:8.1f} ms  {p95:8.1f} ms")


if __name__ == "__main__":
    main()
