"""The structured-output ladder and the turn budget, against a faked OpenAI-compatible API."""

import json
import time

import httpx
from fake_openai import USAGE, FakeChat, answer_of, completion, honest_critique

from interviewer.backends.offline.backend import OfflineBackend
from interviewer.backends.openai_chat import OpenAIChatBackend
from interviewer.config import load_settings
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Turn
from interviewer.engine.session import Session
from interviewer.errors import SettingsError

CONTEXT_ERROR = {
    "error": {
        "message": "This model's maximum context length is 4096 tokens. However, your messages resulted in 9000 tokens.",
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
    }
}
ANSWER = "用RFM把用户分层，高价值老客给专属客服和无门槛券，因为老客复购贡献了大部分利润。" * 40


def structured(bodies):
    return [b for b in bodies if not b.get("stream")]


def test_context_errors_shrink_the_request_and_keep_the_rung(api, seed_bank):
    bodies, failures = [], [3]

    def reply(request):
        body = json.loads(request.content)
        bodies.append(body)
        if failures[0] > 0:
            failures[0] -= 1
            return httpx.Response(400, json=CONTEXT_ERROR)
        return completion(json.dumps(honest_critique(body), ensure_ascii=False))

    api.post("/chat/completions").mock(side_effect=reply)
    backend = OpenAIChatBackend(load_settings())
    turn = Turn(seed_bank, seed_bank.question(3), "practice", 1, 1)
    critique, _ = grade_answer(turn, ANSWER, backend)
    sent = [len(answer_of(b)) for b in bodies]
    assert len(bodies) == 4 and sent == sorted(sent, reverse=True) and sent[-1] < sent[0]
    assert {b["response_format"]["type"] for b in bodies} == {
        "json_schema"
    }  # never dropped for a 400 of size
    assert any("truncated for the model" in note for note in critique.notes)
    assert "critique in 4 requests, the last as json_schema" in critique.notes
    assert critique.backend == "openai"
    grade_answer(turn, "给老客发券。", backend)  # the next turn asks the same way, whole
    assert bodies[-1]["response_format"]["type"] == "json_schema" and answer_of(bodies[-1]) == "给老客发券。"


def test_a_cut_off_reply_is_asked_again_once_with_a_larger_budget(api, english_bank):
    bodies = []

    def reply(request):
        body = json.loads(request.content)
        bodies.append(body)
        if len(bodies) == 1:
            return completion('{"points": [{"point_id": "q4-k1", "verdict": "cov', finish_reason="length")
        return completion(json.dumps(honest_critique(body)))

    api.post("/chat/completions").mock(side_effect=reply)
    backend = OpenAIChatBackend(load_settings())
    turn = Turn(english_bank, english_bank.question(4), "practice", 1, 1)
    critique, _ = grade_answer(
        turn, "A timeout leaves the outcome unknown, so repeating the call must be safe.", backend
    )
    assert len(bodies) == 2 and bodies[1]["max_tokens"] == 2 * bodies[0]["max_tokens"]
    assert bodies[1]["messages"] == bodies[0]["messages"]  # not continued from the cut-off text
    assert critique.points[0].verdict.value == "covered"


def test_the_turn_budget_hands_a_slow_turn_to_the_offline_grader_and_keeps_the_model(
    api, seed_bank, monkeypatch
):
    monkeypatch.setenv("INTERVIEWER_TURN_SECONDS", "1")
    fake = FakeChat(critique=lambda body: time.sleep(0.4) or "not json at all")
    api.post("/chat/completions").mock(side_effect=fake)
    events = []
    session = Session(
        seed_bank,
        [seed_bank.question(3), seed_bank.question(4)],
        OpenAIChatBackend(load_settings()),
        fallback=OfflineBackend(),
        max_follow_ups=0,
        sink=lambda event: events.append((event.type, event.model_dump(by_alias=True))),
    )
    session.start()
    outputs = session.handle("用RFM把用户分层，老客发无门槛券。")
    degraded = [data for kind, data in events if kind == "degraded"]
    assert len(degraded) == 1 and degraded[0]["scope"] == "turn" and "1 s" in degraded[0]["reason"]
    assert len(structured(fake.bodies)) < 6  # stopped by the clock, not by running out of rungs
    critique = next(o.critique for o in outputs if o.critique is not None)
    assert critique.backend == "offline"
    kinds = [o.kind for o in outputs]
    assert kinds.index("notice") < kinds.index("feedback")  # the notice about the grade comes first
    assert session.backend.name == "openai"
    usage = [data for kind, data in events if kind == "usage"]
    assert sum(u["prompt_tokens"] for u in usage) == USAGE["prompt_tokens"] * len(
        fake.bodies
    )  # every attempt


def test_cached_tokens_are_recorded_and_llama_cpp_is_asked_to_keep_the_prompt(api, english_bank):
    usage = {**USAGE, "prompt_tokens_details": {"cached_tokens": 96}}

    def reply(request):
        body = json.loads(request.content)
        response = completion(json.dumps(honest_critique(body)))
        data = json.loads(response.content)
        return httpx.Response(200, json={**data, "usage": usage})

    route = api.post("/chat/completions").mock(side_effect=reply)
    backend = OpenAIChatBackend(load_settings())
    grade_answer(Turn(english_bank, english_bank.question(4), "practice", 1, 1), "Keys are stored.", backend)
    assert json.loads(route.calls[0].request.content)["cache_prompt"] is True
    assert backend.take_usage()[0]["cached_tokens"] == 96


def test_a_server_that_refuses_cache_prompt_is_asked_without_it(api, english_bank):
    seen = []

    def reply(request):
        body = json.loads(request.content)
        seen.append("cache_prompt" in body)
        if "cache_prompt" in body:
            return httpx.Response(
                400, json={"error": {"message": "Unrecognized request argument supplied: cache_prompt"}}
            )
        return completion(json.dumps(honest_critique(body)))

    api.post("/chat/completions").mock(side_effect=reply)
    backend = OpenAIChatBackend(load_settings())
    turn = Turn(english_bank, english_bank.question(4), "practice", 1, 1)
    critique, _ = grade_answer(turn, "Keys are stored.", backend)
    grade_answer(turn, "Keys are stored with the result.", backend)
    assert seen == [True, False, False] and critique.backend == "openai"


def test_every_request_of_an_interview_begins_the_same_way(api, english_bank):
    fake = FakeChat()
    api.post("/chat/completions").mock(side_effect=fake)
    questions = [english_bank.question(4), english_bank.question(3)]
    session = Session(
        english_bank,
        questions,
        OpenAIChatBackend(load_settings()),
        fallback=OfflineBackend(),
        max_follow_ups=1,
    )
    session.start()
    for answer in ("We retry.", "Nothing more.", "Indexes.", "Nothing more."):
        session.handle(answer)
    kinds = [("critique" if not b.get("stream") else "spoken") for b in fake.bodies]
    assert kinds.count("critique") == 2 and kinds.count("spoken") == 4  # ask, probe per question
    prefixes = [b["messages"][:2] for b in fake.bodies]
    assert all(p == prefixes[0] for p in prefixes)  # system prompt, then the interview block
    block = prefixes[0][1]["content"]
    assert all(q.text in block and all(p.text in block for p in q.key_points) for q in questions)
    assert all(q.reference not in block for q in questions)  # references only in critiques, one at a time


def test_slow_model_settings_come_from_flags_and_bad_ones_are_one_line(api, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from interviewer.cli import cli

    for name in ("INTERVIEWER_OUTPUT_TOKENS", "INTERVIEWER_TIMEOUT", "INTERVIEWER_TURN_SECONDS"):
        monkeypatch.delenv(name, raising=False)  # the flags below set them for this process
    fake = FakeChat()
    api.post("/chat/completions").mock(side_effect=fake)
    answer = tmp_path / "answer.txt"
    answer.write_text("Keys are stored with the result.", encoding="utf-8")
    args = ["grade", "--bank", "backend-engineering-en", "--question", "4", "--answer-file", str(answer)]
    result = CliRunner().invoke(cli, [*args, "--backend", "openai", "--output-tokens", "400", "--json"])
    assert result.exit_code == 0, result.output
    [body] = fake.of_kind("critique")
    schema = body["response_format"]["json_schema"]["schema"]
    evidence = schema["$defs"]["PointJudgement"]["properties"]["evidence"]["maxLength"]
    assert (
        body["max_tokens"] == 400
        and (5 * 2 * evidence + schema["properties"]["feedback"]["maxLength"]) / 3
        <= 400  # English: ~3 chars a token
    )
    monkeypatch.setenv("INTERVIEWER_TIMEOUT", "soon")
    result = CliRunner().invoke(cli, [*args, "--backend", "openai"])
    # `interviewer`'s main turns this into one line on stderr (exit 1), as every InterviewerError
    assert isinstance(result.exception, SettingsError)
    assert str(result.exception) == "INTERVIEWER_TIMEOUT='soon' is not a positive float; fix or unset it"


def test_the_notice_about_a_degraded_grade_comes_before_that_grade(api, seed_bank, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_TURN_SECONDS", "1")
    fake = FakeChat(critique=lambda body: time.sleep(0.4) or "not json at all")
    api.post("/chat/completions").mock(side_effect=fake)
    session = Session(
        seed_bank,
        [seed_bank.question(3)],
        OpenAIChatBackend(load_settings()),
        fallback=OfflineBackend(),
        max_follow_ups=1,
    )
    session.start()
    strong = (
        "我会先算每类用户的终身价值和获客成本之比，比值高的群体多给预算。用户按最近购买时间、频次和金额分成几档："
        "核心老客配专属客服和无门槛券；快流失的先发问卷问清原因再针对性召回；新客做精准投放，首单后引导第二单。"
        "每个月复盘复购率和LTV/CAC，再调整各档预算。"
    )
    kinds = [o.kind for o in session.handle(strong)]  # the offline check sees no need to probe
    assert len(structured(fake.bodies)) >= 1  # so the model grades the question as it closes
    assert kinds.index("notice") < kinds.index("feedback") < kinds.index("summary")
