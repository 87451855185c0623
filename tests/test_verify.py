"""A model's verdicts, feedback, questions and probes are checked before they count."""

import json

from fake_openai import completion, point_ids, sse

from interviewer.backends.openai_chat import OpenAIChatBackend
from interviewer.config import load_settings
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Turn

# English bank, question 4 (retrying a payment call): our own words for two of its points.
TIMEOUT = "A timeout leaves us unsure whether the charge happened, so repeating the call must be harmless."
BACKOFF = "Retries wait longer each time, with some random jitter, so clients do not stampede."


def claiming(claims: dict[int, str], feedback: str = "Solid answer.", verdict: str = "covered"):
    """A model that claims the given points (by position) with the given quotes."""

    def reply(request):
        body = json.loads(request.content)
        if body.get("stream"):  # asking a question
            return sse("Next question.")
        points = [
            {"point_id": p, "verdict": verdict if i in claims else "missing", "evidence": claims.get(i, "")}
            for i, p in enumerate(point_ids(body))
        ]
        return completion(json.dumps({"points": points, "feedback": feedback}, ensure_ascii=False))

    return reply


def grade(api, bank, number, answer, reply, mode="practice"):
    api.post("/chat/completions").mock(side_effect=reply)
    return grade_answer(
        Turn(bank, bank.question(number), mode, 1, 1), answer, OpenAIChatBackend(load_settings())
    )[0]


def test_a_verbatim_quote_counts_only_for_the_point_it_supports(api, english_bank):
    answer = f"{TIMEOUT} {BACKOFF}"
    critique = grade(api, english_bank, 4, answer, claiming(dict.fromkeys(range(5), TIMEOUT)))
    verdicts = [p.verdict.value for p in critique.points]
    assert verdicts[0] == "covered" and verdicts.count("covered") == 1, verdicts
    assert sum("does not say anything about this point" in n for n in critique.notes) == 4


def test_a_claim_without_a_quote_earns_nothing_not_half(api, english_bank):
    critique = grade(api, english_bank, 4, TIMEOUT, claiming({0: ""}, verdict="partial"))
    assert critique.points[0].verdict.value == "missing" and critique.coverage == 0
    assert any("no quote given" in n for n in critique.notes)


def test_an_off_topic_answer_covers_nothing_even_when_quoted(api, english_bank):
    answer = "My favourite football club won the cup last night after a long penalty shootout."
    critique = grade(api, english_bank, 4, answer, claiming(dict.fromkeys(range(5), answer)))
    assert "off_topic" in critique.flags and critique.coverage == 0


def test_exam_feedback_that_gives_the_reference_away_is_dropped(api, english_bank):
    reference = english_bank.question(4).reference
    leak = reference.split(". ")[0] + "."
    critique = grade(
        api, english_bank, 4, TIMEOUT, claiming({0: TIMEOUT}, feedback=f"Good. {leak}"), mode="exam"
    )
    assert critique.feedback == "Good." and any("gives the reference away" in n for n in critique.notes)


def test_a_question_the_model_answers_itself_is_asked_plainly(api, seed_bank):
    question = seed_bank.question(3)
    answering = "在回答之前先说明：高价值的老客户应当由专属客服跟进，并按消费金额把用户分成不同档次。"
    api.post("/chat/completions").mock(return_value=sse(f"{answering}\n\n{question.text}"))
    text = OpenAIChatBackend(load_settings()).ask(Turn(seed_bank, question, "practice", 1, 1))
    assert text == question.text


def test_a_plain_transition_is_kept(api, seed_bank):
    question = seed_bank.question(3)
    api.post("/chat/completions").mock(return_value=sse(f"好的，我们进入下一题。\n\n{question.text}"))
    text = OpenAIChatBackend(load_settings()).ask(Turn(seed_bank, question, "practice", 1, 1))
    assert text.startswith("好的，我们进入下一题。") and question.text in text


def test_a_question_that_parrots_the_instruction_is_asked_plainly(api, seed_bank):
    question = seed_bank.question(3)
    parrot = "请先说一句简短的过渡语，然后原样给出 <question> 中的题目。"
    api.post("/chat/completions").mock(return_value=sse(f"{parrot}\n\n{question.text}"))
    text = OpenAIChatBackend(load_settings()).ask(Turn(seed_bank, question, "practice", 1, 1))
    assert text == question.text


def test_a_probe_that_is_not_a_question_is_replaced_by_the_offline_one(api, seed_bank):
    question = seed_bank.question(3)
    api.post("/chat/completions").mock(return_value=sse("流失召回"))
    target = question.key_points[3]
    probe = OpenAIChatBackend(load_settings()).probe(
        Turn(seed_bank, question, "practice", 1, 1), target, "我会发券。"
    )
    assert probe != "流失召回" and ("？" in probe or "?" in probe)


def test_a_model_that_invents_its_quotes_hands_the_turn_to_the_offline_grader(api, seed_bank):
    from interviewer.backends.offline.backend import OfflineBackend
    from interviewer.engine.session import Session

    question = seed_bank.question(3)
    invented = {i: p.text for i, p in enumerate(question.key_points)}  # the key points quoted back
    api.post("/chat/completions").mock(side_effect=claiming(invented, feedback="好。好。好。"))
    events = []
    session = Session(
        seed_bank,
        [question],
        OpenAIChatBackend(load_settings()),
        fallback=OfflineBackend(),
        max_follow_ups=0,
        sink=lambda event: events.append((event.type, event.model_dump(by_alias=True))),
    )
    session.start()
    outputs = session.handle("我会按最近一次购买和消费金额给用户分档，高价值老客安排专属客服跟进。")
    critique = next(o.critique for o in outputs if o.critique is not None)
    [degraded] = [data for kind, data in events if kind == "degraded"]
    assert degraded["scope"] == "turn" and "quotes are not in the answer" in degraded["reason"]
    assert critique.backend == "offline" and critique.coverage > 0


def test_feedback_stuck_in_a_loop_is_dropped(api, english_bank):
    looping = "Keys are stored, keys are stored, keys are stored, keys are stored."
    critique = grade(api, english_bank, 4, TIMEOUT, claiming({0: TIMEOUT}, feedback=looping))
    assert critique.feedback == "" and "feedback dropped: it repeats itself" in critique.notes
