"""Coaching that reads like a coach: probes chosen by what the answer did, suggestions that are
whole sentences, behavioural questions answered with one's own story, hints in the critique."""

from interviewer.backends.offline.backend import OfflineBackend
from interviewer.engine.critique import Verdict
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Turn
from interviewer.engine.session import Session
from interviewer.text.coaching import is_behavioural, unsupported_claim
from interviewer.text.suggest import clean_sentence, suggestion_from


def turn(bank, number):
    return Turn(bank, bank.question(number), "practice", 1, 1)


def test_behavioural_questions_are_recognised_in_both_languages(seed_bank, english_bank):
    assert is_behavioural(seed_bank.question(7).text)
    assert is_behavioural(english_bank.question(5).text)
    assert not is_behavioural(seed_bank.question(3).text)
    assert not is_behavioural(english_bank.question(1).text)


def test_a_claim_without_a_reason_is_challenged(seed_bank):
    answer = "拉新和留存的预算一半一半分。"
    assert unsupported_claim(answer) == "拉新和留存的预算一半一半分"
    assert unsupported_claim("拉新和留存一半一半分，因为去年两边的回报差不多。") == ""
    probe = OfflineBackend().probe(turn(seed_bank, 3), None, answer)
    assert ("一半一半分" in probe and "依据" in probe) or "为什么" in probe


def test_a_named_point_is_probed_for_the_how(seed_bank):
    question = seed_bank.question(3)
    target = next(p for p in question.key_points if p.id == "q3-k4")
    probe = OfflineBackend().probe(turn(seed_bank, 3), target, "关键是用户分层、流失召回、精准投放这些。")
    assert "召回" in probe or "流失" in probe
    assert probe.startswith(("你提到了", "你说到了", "关于")) and "「" in probe
    unnamed = OfflineBackend().probe(turn(seed_bank, 3), target, "我会先给老客发券。")
    assert not unnamed.startswith(("你提到了", "你说到了"))


def test_behavioural_probes_ask_for_the_candidates_own_action_and_result(seed_bank, english_bank):
    point = seed_bank.question(7).key_points[-1]
    probe = OfflineBackend().probe(turn(seed_bank, 7), point, "有一次市场部和技术部吵起来了。")
    assert "如果由你来负责" not in probe
    assert "你本人" in probe or "你自己" in probe or "结果" in probe
    point = english_bank.question(5).key_points[-1]
    probe = OfflineBackend().probe(turn(english_bank, 5), point, "We disagreed about Kafka.")
    assert "you" in probe.lower() and ("result" in probe or "came of it" in probe or "changed" in probe)


def test_behavioural_suggestions_never_recite_the_reference_story(seed_bank):
    critique, _ = grade_answer(turn(seed_bank, 7), "有一次我们部门之间有分歧，后来解决了。", OfflineBackend())
    reference = seed_bank.question(7).reference
    for point in critique.points:
        if point.verdict != Verdict.covered:
            assert "你自己的一段经历" in point.suggestion
            assert not any(run in point.suggestion for run in ("618", "大促"))
            assert point.suggestion not in reference


def test_suggestions_are_clean_whole_sentences():
    assert (
        clean_sentence("第四步：制定改进策略流量端：更换场景化素材，拦截竞品流量，")
        == "更换场景化素材，拦截竞品流量。"
    )
    assert clean_sentence("1. **Idempotency**: make the operation idempotent, because") == (
        "Make the operation idempotent."
    )
    reference = "First, check the deploys. Then roll back if the spike lines up with one of them."
    assert suggestion_from(reference, "roll back if the spike lines up") == (
        "Roll back if the spike lines up with one of them."
    )


def test_hints_used_show_in_the_critique(seed_bank):
    events = []
    session = Session(
        seed_bank,
        [seed_bank.question(3)],
        OfflineBackend(),
        max_follow_ups=0,
        sink=lambda event: events.append((event.type, event.model_dump(by_alias=True))),
    )
    session.start()
    session.handle("/hint")
    session.handle("/hint")
    outputs = session.handle("我会先给老客发券。")
    feedback = next(o for o in outputs if o.kind == "feedback")
    assert len(feedback.critique.hints) == 2
    assert [d["hints"] for k, d in events if k == "critique"] == [feedback.critique.hints]
