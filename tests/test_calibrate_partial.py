"""`calibrate` and `grade` against a model that fails partway: what was graded is printed, each
answer left without a score is named on stderr, the exit status is 1, and nothing is lost.

The endpoint is faked at the HTTP transport: it answers N critiques, then fails for good.
"""

import json
import re

import httpx
import pytest
import yaml
from click.testing import CliRunner
from fake_openai import FakeChat, answer_of, completion

from interviewer.cli import cli
from interviewer.engine.calibration import calibration_file
from interviewer.engine.paraphrase import paraphrase_dir

BANK = "backend-engineering-en"
LEVELS = ["strong", "partial", "vague", "off_topic", "injection"]


def said_in(request):
    """The candidate's answer a critique request is about (a re-ask quotes it earlier on)."""
    quoted = [answer_of({"messages": [m]}) for m in json.loads(request.content)["messages"]]
    return next((text for text in reversed(quoted) if text), "")


class FailsAfter:
    """FakeChat for the critiques of the first `n` answers, then `failure` (a response or an
    exception) forever. Counted by answer, not request: a backend may ask again about one."""

    def __init__(self, n, failure):
        self.n = n
        self.failure = failure
        self.chat = FakeChat()
        self.answers = []  # answers the fake was asked about, in order
        self.failed_on = set()  # answers that met the failure

    def __call__(self, request):
        said = said_in(request)
        if said not in self.answers:
            self.answers.append(said)
        if self.answers.index(said) < self.n:
            return self.chat(request)
        self.failed_on.add(said)
        if isinstance(self.failure, Exception):
            raise self.failure
        return self.failure


@pytest.fixture
def small_sets(tmp_path):
    """Calibration answers for two questions of each kind, so a run takes seconds."""
    worded = yaml.safe_load(calibration_file().read_text(encoding="utf-8"))[BANK]
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({BANK: {n: worded[n] for n in (1, 2)}}, allow_unicode=True, sort_keys=False), "utf-8"
    )
    own = yaml.safe_load((paraphrase_dir() / f"{BANK}.yaml").read_text(encoding="utf-8"))
    paraphrases = tmp_path / "paraphrases.yaml"
    chosen = {n: own["questions"][n] for n in (1, 2)}  # question 1 is in the tune half, 2 in the test half
    paraphrases.write_text(
        yaml.safe_dump({"bank": BANK, "questions": chosen}, allow_unicode=True, sort_keys=False), "utf-8"
    )
    return ["--bank", BANK, "--answers-file", str(answers), "--paraphrases", str(paraphrases)]


def run(*args):
    return CliRunner().invoke(cli, list(args))


def errors(result):
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("interviewer: error: ") for line in lines), result.stderr
    return [line.removeprefix("interviewer: error: ") for line in lines]


def test_the_model_prints_the_same_tables_as_offline(api, small_sets):
    api.post("/chat/completions").mock(side_effect=FakeChat())
    offline = run("calibrate", *small_sets)
    model = run("calibrate", *small_sets, "--backend", "openai")
    assert offline.exit_code == model.exit_code == 0, model.output + offline.output

    def shape(text):
        return [re.sub(r"\s*\d+(\.\d+)?%?", " #", line) for line in text.splitlines()[1:]]

    assert shape(model.stdout) == shape(offline.stdout)
    assert model.stdout.splitlines()[0] == f"calibration: {BANK} graded by openai fake-model"
    assert "answers in the reference's wording" in model.stdout and "paraphrase rules" in model.stdout
    assert "-" not in "".join(model.stdout.splitlines()[2:5])  # every score of both questions


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (httpx.Response(500, json={"error": {"message": "boom"}}), "answered HTTP 500"),
        (httpx.ConnectError("refused"), "cannot connect to"),
    ],
)
def test_calibrate_keeps_what_was_graded_and_names_the_rest(api, small_sets, failure, reason):
    fake = FailsAfter(7, failure)  # question 1's five levels, question 2's strong and partial
    api.post("/chat/completions").mock(side_effect=fake)
    result = run("calibrate", *small_sets, "--backend", "openai")
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    assert "Traceback" not in result.output

    rows = {
        line.split()[0]: line.split()[1:]
        for line in result.stdout.splitlines()
        if re.match(r"\s+[12]\s", line)
    }
    assert len(rows["1"]) == 5 and all(re.fullmatch(r"\d+\.\d", cell) for cell in rows["1"])
    assert all(re.fullmatch(r"\d+\.\d", cell) for cell in rows["2"][:2]) and rows["2"][2:] == ["-", "-", "-"]
    assert re.search(r"strong > partial\s+\d/2 ", result.stdout)  # pairs over what was graded
    rule = next(line for line in result.stdout.splitlines() if line.startswith("injection <= partial  "))
    assert rule.split()[-3:] == ["-", "-", "100%"]  # no paraphrase was graded

    lines = errors(result)
    assert lines[0].startswith("reference wording Q2 vague: ") and reason in lines[0]
    assert lines[1:] == [
        "reference wording Q2 off_topic, injection: not graded: the backend failed earlier in this run",
        "paraphrase tune Q1 strong, partial, salad, vague, off_topic, injection: not graded: the backend failed earlier in this run",
        "paraphrase test Q2 strong, partial, salad, vague, off_topic, injection: not graded: the backend failed earlier in this run",
    ]
    assert len(fake.failed_on) == 1  # after the failure, the rest were not sent to the dead endpoint


def test_calibrate_json_carries_the_failures(api, small_sets):
    api.post("/chat/completions").mock(side_effect=FailsAfter(12, httpx.Response(503)))
    result = run("calibrate", *small_sets, "--backend", "openai", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert sorted(data["scores"]) == ["1", "2"] and all(len(s) == 5 for s in data["scores"].values())
    assert data["accuracy"] is not None
    [tune, test] = data["paraphrase_rules"]
    assert list(tune["scores"]["1"]) == ["strong", "partial"] and test["scores"] == {"2": {}}
    assert [(f["section"], f["question"], f["levels"][0]) for f in data["failures"]] == [
        ("paraphrase tune", 1, "salad"),
        ("paraphrase tune", 1, "vague"),
        ("paraphrase test", 2, "strong"),
    ]
    assert "HTTP 503" in data["failures"][0]["reason"] and len(errors(result)) == 3


def test_grade_prints_the_answers_graded_before_the_failure(api, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("We use a counter in base62.\n---\nWe cache in Redis.\n---\nNo idea.\n", "utf-8")
    route = api.post("/chat/completions").mock(side_effect=FailsAfter(1, httpx.Response(500)))
    args = ["grade", "--bank", BANK, "--question", "1", "--answer-file", str(answers), "--backend", "openai"]
    result = run(*args, "--json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    [graded] = json.loads(result.stdout)
    assert graded["question"] == 1 and graded["backend"] == "openai" and graded["score"] >= 0
    lines = errors(result)
    assert len(lines) == 2
    assert lines[0].startswith("answer 2 of 3: ") and "HTTP 500" in lines[0]
    assert lines[1] == "answer 3 of 3: not graded: the backend failed earlier in this run"

    route.side_effect = FailsAfter(1, httpx.Response(500))
    text = run(*args)
    assert text.exit_code == 1 and text.stdout.count("Feedback on question 1:") == 1
    assert len(errors(text)) == 2


def test_grade_one_answer_that_fails_is_one_line(api, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("We use a counter in base62.", "utf-8")
    api.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    result = run(
        "grade", "--bank", BANK, "--question", "1", "--answer-file", str(answer), "--backend", "openai"
    )
    assert result.exit_code == 1 and result.stdout == ""
    [line] = errors(result)
    assert line.startswith("answer 1 of 1: cannot connect to ")


def test_grade_goes_on_after_one_answer_the_model_could_not_grade(api, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("We use a counter in base62.\n---\nWe cache in Redis.\n---\nWe send a 302.\n", "utf-8")
    chat = FakeChat()

    def garbled_second(request):
        said = json.loads(request.content)["messages"][-1]["content"]
        return (
            completion("no JSON here") if "cache in Redis" in said or "not valid" in said else chat(request)
        )

    api.post("/chat/completions").mock(side_effect=garbled_second)
    result = run(
        "grade",
        "--bank",
        BANK,
        "--question",
        "1",
        "--answer-file",
        str(answers),
        "--backend",
        "openai",
        "--json",
    )
    assert result.exit_code == 1
    assert [c["question"] for c in json.loads(result.stdout)] == [1, 1]  # the first and the third
    [line] = errors(result)
    assert line.startswith("answer 2 of 3: ") and "no valid critique" in line
