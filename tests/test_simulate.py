"""`interviewer simulate`: candidates of known quality interviewed by a real session.

Offline, the candidate answers from the bank's paraphrase calibration set, so the ranking of
personas is a property of the grader that these tests pin down; with an endpoint, a model
plays the candidate (faked here at the HTTP transport).
"""

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fake_openai import USAGE, FakeChat, completion

from interviewer.app.personas import persona_prompt
from interviewer.bank.loader import resolve_bank
from interviewer.cli import cli
from interviewer.engine.paraphrase import load_paraphrases
from interviewer.transcript.record import load_record

RANKED = ["strong", "partial", "vague", "injection"]
RUN_KEYS = {
    "persona",
    "candidate",
    "transcript",
    "questions",
    "scores",
    "mean",
    "min",
    "max",
    "probes",
    "degraded_turns",
    "tokens",
    "candidate_tokens",
    "finished",
    "error",
}


def simulate(*args):
    result = CliRunner().invoke(cli, ["simulate", *args], catch_exceptions=False)
    return result


def saved(result, persona):
    """The transcript the table's notes on stderr name for this persona."""
    return Path(result.stderr.split(f"{persona}: ")[1].split()[0])


def personas(*names):
    return [arg for name in names for arg in ("--persona", name)]


@pytest.mark.parametrize("bank_id", ["ecommerce-marketing-zh", "backend-engineering-en"])
def test_offline_personas_rank_and_leave_transcripts(bank_id, tmp_path):
    result = simulate("--bank", bank_id, "--questions", "1-3", *personas(*RANKED), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["bank"] == bank_id and data["backend"] == "offline"
    runs = {run["persona"]: run for run in data["runs"]}
    assert list(runs) == RANKED and all(set(run) == RUN_KEYS for run in runs.values())
    mean = {name: run["mean"] for name, run in runs.items()}
    assert mean["strong"] > mean["partial"] > mean["vague"], mean
    assert mean["injection"] <= mean["partial"], mean

    calibration = load_paraphrases(resolve_bank(bank_id))
    for name, run in runs.items():
        assert run["candidate"] == "offline" and run["finished"] and run["error"] is None
        assert run["questions"] == 3 and sorted(run["scores"]) == ["1", "2", "3"]
        assert run["min"] <= run["mean"] <= run["max"]
        path = Path(run["transcript"])
        assert path.parent == tmp_path / "transcripts"
        record = load_record(path)
        assert not record.transcript.problems and record.finished
        assert record.start.settings.model_dump()["simulated"] == {"persona": name, "candidate": "offline"}
        assert [q.number for q in record.questions] == [1, 2, 3]
        assert all(q.closed and q.critique for q in record.questions)
        assert sum(q.follow_ups for q in record.questions) == run["probes"]
        assert {q.number: q.critique.score for q in record.questions} == {
            int(n): s for n, s in run["scores"].items()
        }
        first = record.questions[0].answers[0].text
        assert first == getattr(calibration.questions[1], name).strip()
    assert runs["vague"]["probes"] > runs["strong"]["probes"]


def test_rambling_and_evasive_answers_and_the_table(english_bank):
    result = simulate(
        "--bank", "backend-engineering-en", "--questions", "2", *personas("rambling", "evasive")
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "simulated interviews: backend-engineering-en, interviewer offline, candidate offline"
    assert lines[1].split() == [
        "persona",
        "questions",
        "mean",
        "min",
        "max",
        "probes",
        "degraded",
        "prompt",
        "tok",
        "compl.",
        "tok",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert set(rows) == {"rambling", "evasive"}
    assert float(rows["rambling"][1]) > float(rows["evasive"][1])
    assert rows["evasive"][5:] == ["0", "0", "0"]  # no degraded turns, no tokens offline

    answers = load_paraphrases(english_bank).questions[2]
    said = [t.text for t in load_record(saved(result, "rambling")).questions[0].answers]
    assert answers.strong.split(".")[0] in said[0] and answers.vague.split(".")[0] in said[0]


def test_a_bank_without_calibration_answers_is_one_line(tmp_path):
    banks = tmp_path / "banks"
    banks.mkdir()
    shipped = Path("interviewer/banks/backend-engineering-en.yaml").read_text(encoding="utf-8")
    (banks / "my-bank.yaml").write_text(shipped.replace("id: backend-engineering-en", "id: my-bank"), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "simulate", "--bank", "my-bank"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("interviewer: error: bank 'my-bank' has no calibration answers")
    assert "my-bank.yaml" in line and "--candidate-model" in line


class CandidateAndInterviewer:
    """The candidate's requests are recognised by the persona prompt; the rest go to FakeChat."""

    def __init__(self, answer):
        self.answer = answer
        self.interviewer = FakeChat()
        self.candidate_bodies = []

    def __call__(self, request):
        body = json.loads(request.content)
        if "You are playing a job candidate" in body["messages"][0]["content"]:
            self.candidate_bodies.append(body)
            return completion(self.answer)
        return self.interviewer(request)


@pytest.mark.parametrize("interviewer", ["offline", "openai"])
def test_a_model_plays_the_candidate(api, english_bank, interviewer):
    said = "I would follow best practices and keep the design scalable and robust."
    fake = CandidateAndInterviewer(said)
    api.post("/chat/completions").mock(side_effect=fake)
    result = simulate(
        "--bank", "backend-engineering-en", "--questions", "1", "--persona", "vague", "--backend", interviewer
    )
    assert result.exit_code == 0, result.output
    assert "candidate model fake-model" in result.stdout.splitlines()[0]

    bodies = fake.candidate_bodies
    assert bodies and all(
        b["messages"][0]["content"] == persona_prompt("vague", english_bank) for b in bodies
    )
    assert "You sound confident but never get specific" in bodies[0]["messages"][0]["content"]
    assert english_bank.question(1).text in bodies[0]["messages"][-1]["content"]
    asked = [m["content"] for b in bodies for m in b["messages"][1:]]
    assert not any("<what_you_know>" in text for text in asked)  # a vague candidate lacks the material
    assert len(bodies[-1]["messages"]) == 2 * len(bodies)  # a follow-up is answered in the conversation

    record = load_record(saved(result, "vague"))
    assert [t.text for t in record.questions[0].answers] == [said] * len(bodies)
    assert len(bodies) == 1 + record.questions[0].follow_ups
    critiques = fake.interviewer.of_kind("critique")
    assert (interviewer == "openai") == bool(critiques)
    assert all(said in b["messages"][-1]["content"] for b in critiques)


def test_the_strong_candidate_model_is_given_the_material(api, english_bank):
    fake = CandidateAndInterviewer("We encode a counter in base62 and cache hot links in Redis.")
    api.post("/chat/completions").mock(side_effect=fake)
    result = simulate(
        "--bank",
        "backend-engineering-en",
        "--questions",
        "1",
        "--persona",
        "strong",
        "--backend",
        "offline",
        "--json",
    )
    assert result.exit_code == 0, result.output
    [run] = json.loads(result.stdout)["runs"]
    first = fake.candidate_bodies[0]["messages"][-1]["content"]
    assert english_bank.question(1).reference in first and first.startswith("<what_you_know>")
    calls = len(fake.candidate_bodies)
    assert run["candidate_tokens"] == {
        "prompt": USAGE["prompt_tokens"] * calls,
        "completion": USAGE["completion_tokens"] * calls,
    }
    assert run["tokens"] == {"prompt": 0, "completion": 0}


def test_a_failing_model_interviewer_degrades_and_is_counted(api):
    api.post("/chat/completions").mock(return_value=httpx.Response(500, json={"error": {"message": "down"}}))
    result = simulate(
        "--bank",
        "backend-engineering-en",
        "--questions",
        "1",
        "--persona",
        "strong",
        "--backend",
        "openai",
        "--candidate",
        "offline",
        "--json",
    )
    assert result.exit_code == 0, result.output
    [run] = json.loads(result.stdout)["runs"]
    record = load_record(run["transcript"])
    assert len(record.degraded) == 1 and "HTTP 500" in record.degraded[0].reason
    # the question, and every probe and the critique after it, were the offline interviewer's
    assert run["degraded_turns"] == 1 + run["probes"] + 1
    assert run["finished"] and run["mean"] > 0
