"""Typed transcript events: the reader validates every line, upgrades version-1 files, and the
graded question travels with the transcript so reports and regrades never need today's bank."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from interviewer.cli import cli
from interviewer.engine.events import SCHEMA_VERSION, CritiqueMade, QuestionAsked, Skip
from interviewer.errors import TranscriptError
from interviewer.transcript.reader import read_transcript
from interviewer.transcript.record import load_record
from interviewer.transcript.upgrades import UPGRADES, v1_to_v2

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_V1 = ROOT / "docs" / "example-transcript.jsonl"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def lines(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_lines(path, events):
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")


def test_every_older_version_has_one_upgrade_step():
    assert sorted(UPGRADES) == list(range(1, SCHEMA_VERSION))


def test_version_1_upgrade_names_every_question_and_tells_a_probe_skip_from_a_question_skip():
    events = [
        {"type": "session_start", "schema_version": 1, "session_id": "s", "bank": {"id": "b"}},
        {"type": "question", "number": 1, "text": "Q1"},
        {"type": "answer", "number": 1, "text": "A"},
        {"type": "follow_up", "number": 1, "text": "P"},
        {"type": "skip", "number": 1},
        {"type": "critique", "question_number": 1, "question_id": "q1", "points": []},
        {"type": "question", "number": 2, "text": "Q2"},
        {"type": "skip", "number": 2},
    ]
    upgraded = v1_to_v2(events)
    assert len(upgraded) == len(events) and upgraded[0]["schema_version"] == 2
    assert upgraded[5]["number"] == 1
    assert [e["follow_up"] for e in upgraded if e["type"] == "skip"] == [True, False]
    assert events[4] == {"type": "skip", "number": 1}  # the input is not changed


def test_a_version_1_transcript_reads_typed_and_keeps_its_skipped_probe_apart():
    transcript = read_transcript(EXAMPLE_V1)
    assert transcript.schema_version == 1 and transcript.problems == []
    assert transcript.start.schema_version == SCHEMA_VERSION
    critiques = transcript.of_type(CritiqueMade)
    assert [c.number for c in critiques] == [1, 2, 3]
    [skip] = transcript.of_type(Skip)
    assert skip.follow_up is True  # question 2 was answered, then its probe skipped
    record = load_record(EXAMPLE_V1)
    assert [q.skipped for q in record.questions] == [False, False, False]
    assert all(q.graded_against is None for q in record.questions)


def test_a_version_1_transcript_replays_reports_and_regrades(tmp_path):
    replay = invoke("replay", EXAMPLE_V1)
    assert replay.exit_code == 0
    first_answer = lines(EXAMPLE_V1)[2]["text"]
    assert first_answer[:20] in replay.output
    report = json.loads(invoke("report", EXAMPLE_V1, "--json").output)
    assert report["questions"][0]["reference"]  # the bank is unchanged, so its reference is shown
    regraded = invoke("regrade", EXAMPLE_V1, "-o", tmp_path, "--json")
    assert regraded.exit_code == 0, regraded.output
    new = json.loads(regraded.stdout)
    events = lines(new["transcript"])
    assert (
        events[0]["schema_version"] == SCHEMA_VERSION and events[0]["regrade_of"]["session_id"] == "67bdfa06"
    )
    asked = [e for e in events if e["type"] == "question"]
    assert all(e["graded_against"]["reference"] for e in asked)


def test_a_version_1_transcript_resumes_and_the_file_still_reads(tmp_path):
    cut = [e for e in lines(EXAMPLE_V1) if e["seq"] <= 10]  # question 2 answered once, not graded
    path = tmp_path / "old.jsonl"
    write_lines(path, cut)
    more = tmp_path / "more.txt"
    more.write_text("Z世代看重情感共鸣，我会做品牌故事。\n---\n先算LTV和CAC。\n", encoding="utf-8")
    result = invoke("resume", path, "--answers", more, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["finished"] is True and [r["number"] for r in summary["results"]] == [1, 2, 3]
    transcript = read_transcript(path)
    assert transcript.schema_version == 1 and transcript.problems == []
    assert load_record(path).finished


def test_a_newer_transcript_is_refused_with_one_line(tmp_path):
    path = tmp_path / "new.jsonl"
    write_lines(path, [{"type": "session_start", "schema_version": SCHEMA_VERSION + 1, "session_id": "s"}])
    with pytest.raises(TranscriptError, match=r"newer interviewer.*upgrade interviewer"):
        read_transcript(path)


def test_a_malformed_event_is_named_by_line_and_field_and_skipped(tmp_path):
    events = lines(EXAMPLE_V1)
    events[2]["text"] = {"not": "text"}
    path = tmp_path / "bad.jsonl"
    write_lines(path, events)
    transcript = read_transcript(path)
    assert transcript.problems == [
        f"{path}:3: answer event, field text: Input should be a valid string; skipped"
    ]
    assert len(transcript.events) == len(events) - 1


def test_a_damaged_session_start_is_one_error_naming_the_field(tmp_path):
    events = lines(EXAMPLE_V1)
    events[0]["bank"] = "not a bank"
    path = tmp_path / "bad.jsonl"
    write_lines(path, events)
    with pytest.raises(TranscriptError, match=r"bad.jsonl:1: session_start event, field bank"):
        read_transcript(path)


def bank_copy(tmp_path):
    bank_file = tmp_path / "bank.yaml"
    shutil.copy(ROOT / "interviewer/banks/backend-engineering-en.yaml", bank_file)
    return bank_file


def test_reports_and_regrades_use_the_recorded_question_not_todays_bank(tmp_path):
    bank_file = bank_copy(tmp_path)
    answers = tmp_path / "answers.txt"
    answers.write_text("We retry with exponential backoff and an idempotency key.\n", encoding="utf-8")
    result = invoke(
        "practice", "--bank", bank_file, "--questions", "4", "--max-follow-ups", "0",
        "--answers", answers, "--transcript", tmp_path / "t", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "t").glob("*.jsonl")
    asked = read_transcript(path).of_type(QuestionAsked)[0]
    original = asked.graded_against.reference
    text = bank_file.read_text(encoding="utf-8")
    bank_file.write_text(text.replace("idempotency key", "dedupe token"), encoding="utf-8")
    report = json.loads(invoke("report", path, "--json").output)
    assert report["questions"][0]["reference"] == original and "idempotency key" in original
    regraded = invoke("regrade", path, "-o", tmp_path / "r", "--json")  # no --force needed
    assert regraded.exit_code == 0, regraded.output
    new = lines(json.loads(regraded.stdout)["transcript"])
    assert next(e for e in new if e["type"] == "question")["graded_against"]["reference"] == original
