"""Faults, each with a clear outcome: a one- or two-line message, the transcript intact, and
`resume` able to go on where it applies."""

import io
import json
import os
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner
from fake_openai import FakeChat
from rich.console import Console

from interviewer.app import interviews
from interviewer.app.interviews import InterviewOptions
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.backends.openai_chat import OpenAIChatBackend
from interviewer.cli import cli
from interviewer.config import load_settings
from interviewer.engine.session import Session
from interviewer.errors import TurnDegraded
from interviewer.terminal import TypedAnswers, run
from interviewer.transcript.record import load_record


class BrokenStream(httpx.SyncByteStream):
    """A server killed mid-stream: two chunks, then the connection drops."""

    def __iter__(self):
        chunk = {"choices": [{"index": 0, "delta": {"content": "Let me ask"}, "finish_reason": None}]}
        yield f"data: {json.dumps(chunk)}\n\n".encode()
        yield f"data: {json.dumps(chunk)}\n\n".encode()
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def interview(tmp_path, answers, *args):
    path = tmp_path / "answers.txt"
    path.write_text(answers, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["practice", "--answers", str(path), "--transcript", str(tmp_path / "t"), "--json", *args],
        catch_exceptions=False,
    )
    [transcript] = (tmp_path / "t").glob("*.jsonl")
    return (
        result,
        [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()],
        transcript,
    )


def test_server_killed_mid_stream_degrades_and_keeps_everything(api, tmp_path):
    api.post("/chat/completions").mock(
        return_value=httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=BrokenStream())
    )
    result, events, _ = interview(
        tmp_path,
        "We retry with backoff.\n",
        "--bank",
        "backend-engineering-en",
        "--questions",
        "4",
        "--max-follow-ups",
        "0",
    )
    assert result.exit_code == 0
    degraded = [e for e in events if e["type"] == "degraded"]
    assert degraded[0]["reason"] == "http://llm.test/v1 broke off its reply (RemoteProtocolError)"
    assert [e["text"] for e in events if e["type"] == "answer"] == ["We retry with backoff."]
    assert events[-1]["type"] == "session_end" and events[-1]["finished"] is True


def test_html_error_pages_and_garbage(api, english_bank):
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    route = api.post("/chat/completions").mock(
        return_value=httpx.Response(502, text=page, headers={"content-type": "text/html"})
    )
    session = Session(
        english_bank,
        [english_bank.question(4)],
        OpenAIChatBackend(load_settings()),
        fallback=OfflineBackend(),
    )
    notice = session.start()[0]
    assert route.call_count == 3 and "HTTP 502" in notice.text and "<html>" not in notice.text

    route.mock(return_value=httpx.Response(200, text=page, headers={"content-type": "text/html"}))
    backend = OpenAIChatBackend(load_settings())
    from interviewer.engine.grading import grade_answer
    from interviewer.engine.ports import Turn

    with pytest.raises(TurnDegraded, match="no valid critique"):  # the session grades this turn offline
        grade_answer(
            Turn(english_bank, english_bank.question(4), "exam", 1, 1), "Keys are idempotent.", backend
        )
    with pytest.raises(Exception, match="sent an empty reply"):
        backend.ask(Turn(english_bank, english_bank.question(4), "exam", 1, 1))


def test_a_429_storm_ends_in_one_line_and_offline(api, seed_bank, tmp_path):
    route = api.post("/chat/completions").mock(
        return_value=httpx.Response(
            429, headers={"retry-after": "0"}, json={"error": {"message": "rate limited"}}
        )
    )
    result, events, _ = interview(tmp_path, "给老客发券。\n", "--questions", "3", "--max-follow-ups", "0")
    assert result.exit_code == 0 and route.call_count == 3
    reason = next(e for e in events if e["type"] == "degraded")["reason"]
    assert reason == "http://llm.test/v1 is rate limiting (429) after 2 retries"
    assert next(e for e in events if e["type"] == "critique")["backend"] == "offline"


def test_a_100000_character_answer_is_kept_whole(api, tmp_path):
    fake = FakeChat()
    api.post("/chat/completions").mock(side_effect=fake)
    answer = ("用RFM模型把用户分层，高价值老客给专属客服。" * 5000)[:100_000]
    result, events, _ = interview(tmp_path, answer + "\n", "--questions", "3", "--max-follow-ups", "0")
    assert result.exit_code == 0
    assert next(e for e in events if e["type"] == "answer")["text"] == answer
    critique = next(e for e in events if e["type"] == "critique")
    assert "truncated" in critique["flags"]
    assert any("truncated for the model" in note for note in critique["notes"])
    sent = max(len(b["messages"][-1]["content"]) for b in fake.of_kind("critique"))
    assert sent < 20_000


def test_ctrl_c_during_a_streamed_reply_cancels_that_reply_not_the_interview(api, tmp_path, seed_bank):
    api.post("/chat/completions").mock(side_effect=FakeChat(question_text="下一题。"))
    path = tmp_path / "t" / "interview.jsonl"
    options = InterviewOptions(backend="openai", questions="3,4", max_follow_ups=1, transcript=str(path))

    def stream(chunk):
        if "Could" in chunk:  # the candidate presses Ctrl-C while the model's probe arrives
            raise KeyboardInterrupt

    shown = []
    interview = interviews.start(options, stream=stream)
    with interview:
        run(interview, iter(["给老客发优惠券。", "先算LTV和CAC。"]), shown.append)
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    [cancelled] = [e for e in events if e["type"] == "degraded"]
    assert cancelled["scope"] == "turn" and "Ctrl-C" in cancelled["reason"] and cancelled["number"] == 3
    probe = next(e for e in events if e["type"] == "follow_up")
    assert "Could" not in probe["text"]  # the offline interviewer asked it instead
    assert [e["text"] for e in events if e["type"] == "answer"] == ["给老客发优惠券。", "先算LTV和CAC。"]
    assert any(o.kind == "notice" and "Ctrl-C" in o.text for o in shown)
    assert events[-1]["type"] == "session_end" and events[-1]["finished"] is False

    more = tmp_path / "more.txt"
    more.write_text("用OneID打通会员数据。\n--- follow-up\n积分在各渠道通用。\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["resume", str(path), "--answers", str(more), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["finished"] is True and [r["number"] for r in summary["results"]] == [3, 4]


def test_ctrl_c_at_the_answer_prompt_keeps_the_typed_text_as_a_draft(tmp_path, monkeypatch):
    path = tmp_path / "interview.jsonl"
    typed = iter(["我会先做用户分层，", "再给高价值老客"])

    def keyboard(prompt=""):
        line = next(typed, None)
        if line is None:
            raise KeyboardInterrupt
        return line

    monkeypatch.setattr("builtins.input", keyboard)
    interview = interviews.start(InterviewOptions(questions="3", transcript=str(path)))
    answers = TypedAnswers(Console(file=io.StringIO()), "zh-CN")
    with interview, pytest.raises(KeyboardInterrupt):
        run(interview, iter(answers), lambda output: None, pending=lambda: "\n".join(answers.pending))
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    [draft] = [e for e in events if e["type"] == "draft"]
    assert draft["text"] == "我会先做用户分层，\n再给高价值老客" and draft["number"] == 3
    assert not [e for e in events if e["type"] == "answer"]  # a draft is kept, never graded
    assert events[-1]["type"] == "session_end" and events[-1]["finished"] is False
    assert load_record(path).questions[0].drafts == [draft["text"]]
    replay = CliRunner().invoke(cli, ["replay", str(path)], catch_exceptions=False)
    assert "已输入但未提交：我会先做用户分层" in replay.output


def test_two_interviews_into_one_folder_at_once(tmp_path):
    folder = tmp_path / "t"
    env = {**os.environ, "INTERVIEWER_TRANSCRIPTS_DIR": str(folder)}
    procs = []
    for answer in ("给老客发优惠券。", "先算LTV和CAC的比值。"):
        file = tmp_path / f"{len(procs)}.txt"
        file.write_text(answer + "\n", encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "interviewer",
                    "practice",
                    "--questions",
                    "3",
                    "--max-follow-ups",
                    "0",
                    "--answers",
                    str(file),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp_path,
            )
        )
    assert [p.wait() for p in procs] == [0, 0]
    files = sorted(folder.glob("*.jsonl"))
    assert len(files) == 2
    answers = set()
    for file in files:
        events = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[0]["session_id"] in file.name and events[-1]["type"] == "session_end"
        answers |= {e["text"] for e in events if e["type"] == "answer"}
    assert answers == {"给老客发优惠券。", "先算LTV和CAC的比值。"}


def test_broken_bank_file_in_practice_is_one_line(tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "id: x\ntitle: t\nlanguage: en\nquestions:\n- id: q1\n  number: 1\n  text: [unclosed\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--bank", str(bank)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"interviewer: error: {bank}:")
    assert "not valid YAML" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "transcripts").exists()
