"""Transcripts: durable events, crash and resume, replay, reports, history, regrade, secrets."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from interviewer.cli import cli
from interviewer.engine.events import SCHEMA_VERSION, Answer, BankRef, Degraded, Resume, SessionStart
from interviewer.errors import TranscriptError
from interviewer.transcript.reader import read_transcript
from interviewer.transcript.writer import Scrubber, TranscriptWriter

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def practice(tmp_path, answers, *args):
    file = tmp_path / "answers.txt"
    file.write_text(answers, encoding="utf-8")
    result = invoke("practice", "--answers", file, "--transcript", tmp_path / "t", "--json", *args)
    [path] = (tmp_path / "t").glob("*.jsonl")
    return result, path


def events(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_events_round_trip_with_sequence_and_time(tmp_path):
    path = tmp_path / "x.jsonl"
    with TranscriptWriter(path) as writer:
        writer.write(SessionStart(session_id="s", bank=BankRef(id="b")))
        writer.write(Answer(number=1, text="中文回答\n第二行"))
    transcript = read_transcript(path)
    assert [(e.type, e.seq) for e in transcript.events] == [("session_start", 1), ("answer", 2)]
    assert transcript.events[1].text == "中文回答\n第二行" and transcript.events[1].ts
    assert transcript.problems == []
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert list(first)[:3] == ["type", "seq", "ts"] and first["schema_version"] == SCHEMA_VERSION


def test_torn_last_line_is_reported_and_skipped_and_appending_goes_on(tmp_path):
    path = tmp_path / "x.jsonl"
    with TranscriptWriter(path) as writer:
        writer.write(SessionStart(session_id="s", bank=BankRef(id="b")))
        writer.write(Answer(number=1, text="kept"))
    with path.open("ab") as handle:
        handle.write(b'{"type":"answer","seq":3,"text":"half')
    transcript = read_transcript(path)
    assert [e.type for e in transcript.events] == ["session_start", "answer"]
    assert transcript.problems == [
        f"{path}:3: torn last line (the interview was interrupted while writing it); skipped"
    ]
    with TranscriptWriter(path, seq=2) as writer:
        writer.write(Resume())
    assert [e.type for e in read_transcript(path).events] == ["session_start", "answer", "resume"]


def test_secrets_are_scrubbed_from_events(tmp_path):
    path = tmp_path / "x.jsonl"
    with TranscriptWriter(path, Scrubber(["my-local-secret-value"])) as writer:
        writer.write(Degraded(reason="failed with my-local-secret-value and Bearer sk-abcdefghijklmnop1234"))
    text = path.read_text()
    assert "my-local-secret-value" not in text and "sk-abcdefghijklmnop1234" not in text
    assert text.count("[redacted]") == 2


def test_unwritable_folder_is_reported_before_the_first_question(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--transcript", str(blocker / "sub")],
        input="an answer\n\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"interviewer: error: cannot write transcripts to {blocker / 'sub'}")
    assert "第 1/" not in result.stdout


def test_scripted_interview_transcript_has_every_event(tmp_path, seed_bank):
    result, path = practice(
        tmp_path,
        "给老客发优惠券。\n--- follow-up\n先算LTV和CAC。\n---\n/skip\n",
        "--questions",
        "3,4",
        "--max-follow-ups",
        "1",
    )
    assert result.exit_code == 0, result.output
    log = events(path)
    start = log[0]
    assert start["type"] == "session_start" and start["schema_version"] == SCHEMA_VERSION
    assert start["bank"] == {
        "id": "ecommerce-marketing-zh",
        "ref": "ecommerce-marketing-zh",
        "title": seed_bank.title,
        "hash": seed_bank.content_hash,
        "source": seed_bank.source,
    }
    assert start["language"] == "zh-CN" and start["mode"] == "practice" and start["backend"] == "offline"
    assert start["rubric_version"] == "rubric-1" and start["templates"]["probe"].startswith("probe.zh-CN.md@")
    assert start["settings"]["questions"] == [3, 4]
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    kinds = [e["type"] for e in log]
    assert kinds.count("answer") == 2 and "follow_up" in kinds and "critique" in kinds and "skip" in kinds
    assert kinds[-1] == "session_end" and log[-1]["finished"] is True
    assert path.name.endswith(f"_ecommerce-marketing-zh_{start['session_id']}.jsonl")


def wait_for(path_glob, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(path_glob())
        if found and predicate(found[0]):
            return found[0]
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the transcript")


def test_kill_9_after_the_second_answer_loses_nothing_and_resume_finishes(tmp_path):
    folder = tmp_path / "t"
    env = {**os.environ, "INTERVIEWER_TRANSCRIPTS_DIR": str(folder)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "practice", "--questions", "3,4,5", "--max-follow-ups", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
    )
    answers = ["我会先算LTV和CAC的比值，再按RFM分层。", "用OneID打通各渠道的会员数据，积分通用。"]

    def count_answers(path):
        return sum(1 for e in events(path) if e["type"] == "answer")

    for number, answer in enumerate(answers, start=1):
        proc.stdin.write((answer + "\n\n").encode())
        proc.stdin.flush()
        path = wait_for(lambda: folder.glob("*.jsonl"), lambda p, n=number: count_answers(p) == n)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    log = events(path)
    assert [e["text"] for e in log if e["type"] == "answer"] == answers
    assert not any(e["type"] == "session_end" for e in log)

    more = tmp_path / "more.txt"
    more.write_text("先拆解GMV公式：流量、转化率、客单价、复购率。\n", encoding="utf-8")
    result = invoke("resume", path, "--answers", more, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["finished"] is True
    assert [r["number"] for r in summary["results"]] == [3, 4, 5]
    log = events(path)
    assert [e["type"] for e in log].count("resume") == 1
    assert [e["text"] for e in log if e["type"] == "answer"] == [
        *answers,
        "先拆解GMV公式：流量、转化率、客单价、复购率。",
    ]
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))


def test_resume_refuses_a_changed_bank_unless_forced(tmp_path, english_bank):
    bank_file = tmp_path / "bank.yaml"
    bank_file.write_text(
        (ROOT / "interviewer/banks/backend-engineering-en.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result, path = practice(
        tmp_path,
        "We retry with backoff.\n",
        "--bank",
        bank_file,
        "--questions",
        "4,3",
        "--max-follow-ups",
        "0",
    )
    assert result.exit_code == 0
    bank_file.write_text(
        bank_file.read_text(encoding="utf-8").replace("exponential backoff", "exp backoff"), encoding="utf-8"
    )
    refused = subprocess.run(
        [sys.executable, "-m", "interviewer", "resume", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert refused.returncode == 1
    assert "changed since" in refused.stderr and "--force" in refused.stderr
    more = tmp_path / "more.txt"
    more.write_text("An index avoids a full table scan.\n", encoding="utf-8")
    forced = invoke("resume", path, "--answers", more, "--force", "--json")
    assert forced.exit_code == 0 and json.loads(forced.stdout[forced.stdout.index("{") :])["finished"] is True


def test_replay_and_reports_show_the_interview(tmp_path):
    _, path = practice(
        tmp_path,
        "我会给老客发优惠券，比如生日礼。\n--- follow-up\n先算LTV和CAC的比值。\n",
        "--questions",
        "3",
        "--max-follow-ups",
        "1",
    )
    log = events(path)
    critique = next(e for e in log if e["type"] == "critique")
    replay = invoke("replay", path)
    assert (
        "我会给老客发优惠券，比如生日礼。" in replay.output and f"{critique['score']:g}/100" in replay.output
    )
    markdown = invoke("report", path).output
    assert f"得分: {critique['score']}" in markdown and "先算LTV和CAC的比值。" in markdown
    assert "参考答案" in markdown and "分数只是自动评分给出的参考" in markdown
    html_file = tmp_path / "r.html"
    invoke("report", path, "--format", "html", "-o", html_file)
    html = html_file.read_text(encoding="utf-8")
    assert (
        '<meta charset="utf-8">' in html and "PingFang SC" in html and "http" not in html.split("<body>")[0]
    )
    assert "我会给老客发优惠券" in html and "<script" not in html
    data = json.loads(invoke("report", path, "--json").output)
    assert data["questions"][0]["score"] == critique["score"]
    assert data["questions"][0]["pace"] is None or data["questions"][0]["pace"]["unit"] == "字/分钟"


def test_answers_are_escaped_in_html(tmp_path):
    _, path = practice(
        tmp_path, "<script>alert(1)</script> 用RFM分层。\n", "--questions", "3", "--max-follow-ups", "0"
    )
    html = invoke("report", path, "--format", "html").output
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_history_regrade_and_compare(tmp_path):
    practice(tmp_path, "给老客发券。\n", "--questions", "3", "--max-follow-ups", "0")
    time.sleep(1.1)  # file names carry the second
    file = tmp_path / "answers2.txt"
    file.write_text("先算LTV和CAC的比值，按RFM分层，高价值老客给专属客服和无门槛券。\n", encoding="utf-8")
    invoke(
        "practice",
        "--answers",
        file,
        "--transcript",
        tmp_path / "t",
        "--questions",
        "3",
        "--max-follow-ups",
        "0",
    )
    data = json.loads(invoke("history", "--dir", tmp_path / "t", "--json").output)
    scores = data["progress"]["ecommerce-marketing-zh"]["3"]
    assert len(scores) == 2 and scores[0] < scores[1]
    first = sorted((tmp_path / "t").glob("*.jsonl"))[0]
    regraded = json.loads(invoke("regrade", first, "--backend", "offline", "--json").output)
    new = events(Path(regraded["transcript"]))
    assert new[0]["regrade_of"]["path"] == str(first)
    assert regraded["results"][0]["score"] == scores[0]  # same grader, same score
    csv_text = invoke("report", "--compare", tmp_path / "t", "--format", "csv").output
    assert csv_text.splitlines()[0].startswith("transcript,session_id,started,finished,overall")
    assert len(csv_text.strip().splitlines()) == 4
    html = invoke("report", "--compare", tmp_path / "t", "--format", "html").output
    assert "分数只是自动评分给出的参考" in html


def test_reader_rejects_a_file_that_is_not_a_transcript(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text("hello\n")
    with pytest.raises(TranscriptError, match="holds no transcript events"):
        read_transcript(path)
