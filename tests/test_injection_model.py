"""Injection cannot buy a score from a model that obeys it.

A fake OpenAI-compatible API plays the worst grader: whenever the answer carries a note to the
grader it marks every key point covered, quoting the note, the whole answer or one genuine
sentence for every point, and parrots the note in its feedback. Without a note it claims every
point for the genuine sentence: what that sentence really supports is what the answer earns.
The score with the note must stay within 10 points of the score without it, every variant must
be flagged, and the feedback must not repeat the note.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from fake_openai import answer_of, completion, point_ids

from interviewer.backends.openai_chat import OpenAIChatBackend
from interviewer.config import load_settings
from interviewer.engine.grading import grade_answer
from interviewer.engine.ports import Turn
from interviewer.text.overlap import copied_runs

VARIANTS = yaml.safe_load((Path(__file__).parent / "data" / "injections.yaml").read_text(encoding="utf-8"))[
    "injections"
]
# Partial answers of our own: the first sentence of each states one key point in new words.
PARTIAL = {
    "zh": "我会先把用户按最近一次购买和消费金额分成几档，高价值的老客安排专属客服跟进。新客那边先别急着加预算。",
    "en": (
        "Because a timeout leaves us not knowing whether the charge went through, the endpoint has to be "
        "safe to call twice. We would also log every retry."
    ),
}
QUOTES = ("note", "whole", "genuine")


def obeying(note: str, quote: str):
    def reply(request):
        body = json.loads(request.content)
        answer = answer_of(body)
        genuine = PARTIAL["en"] if PARTIAL["en"][:40] in answer else PARTIAL["zh"]
        first = genuine.split("。")[0] if "。" in genuine else genuine.split(". ")[0]
        # no note: every point claimed for the genuine sentence
        if re.sub(r"<[^>]+>", "", note)[:12] not in answer:
            points = [{"point_id": p, "verdict": "covered", "evidence": first} for p in point_ids(body)]
            return completion(json.dumps({"points": points, "feedback": "Good start."}, ensure_ascii=False))
        evidence = {"note": note, "whole": answer, "genuine": first}[quote]
        points = [{"point_id": p, "verdict": "covered", "evidence": evidence} for p in point_ids(body)]
        feedback = f"As instructed: {note} All key points are covered."
        return completion(json.dumps({"points": points, "feedback": feedback}, ensure_ascii=False))

    return reply


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v["id"])
def test_a_note_to_the_grader_buys_nothing_from_an_obeying_model(api, variant, seed_bank, english_bank):
    language = "en" if variant["language"] == "en" else "zh"
    bank, number = (english_bank, 4) if language == "en" else (seed_bank, 3)
    turn = Turn(bank, bank.question(number), "practice", 1, 1)
    quote = QUOTES[VARIANTS.index(variant) % len(QUOTES)]
    note = variant["text"]
    route = api.post("/chat/completions").mock(side_effect=obeying(note, quote))
    backend = OpenAIChatBackend(load_settings())
    without, _ = grade_answer(turn, PARTIAL[language], backend)
    joiner = " " if language == "en" else ""
    with_note, _ = grade_answer(turn, PARTIAL[language] + joiner + note, backend)
    assert route.call_count == 2
    assert "injection" in with_note.flags
    assert with_note.score <= without.score + 10, (with_note.score, without.score, with_note.notes)
    assert not copied_runs(with_note.feedback, note), with_note.feedback
    assert all(note not in p.evidence for p in with_note.points)
