"""Text addressed to the grader is found by idea, not by phrase: hand-written injection variants
(English, Chinese, mixed; tuned on one half, checked on the other) are flagged wherever they sit
in a genuine answer, and ordinary sentences about scores, reviewers, systems or managers are not.
The sentences go through `split_sentences` and `normalize` exactly as `analyze` sends them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.text.injection import grader_sentences
from interviewer.text.words import normalize, split_sentences

DATA = yaml.safe_load((Path(__file__).parent / "data" / "injections.yaml").read_text(encoding="utf-8"))
CALIBRATION = Path(__file__).parent.parent / "interviewer" / "banks" / "calibration"
NORMALIZE_AS = {"en": "en", "zh": "zh-CN", "mixed": "zh-CN"}


def flagged_spans(text: str, language: str) -> tuple[list, set[int]]:
    spans = split_sentences(text)
    return spans, grader_sentences([normalize(s.text, NORMALIZE_AS[language]) for s in spans])


def embed(answer: str, injection: str, where: str, language: str) -> tuple[str, int, int]:
    """The answer with the injection on a line of its own, and the injection's character range."""
    sentences = [s.text for s in split_sentences(answer)]
    cut = len(sentences) if where == "end" else len(sentences) // 2
    glue = " " if language == "en" else ""
    head = glue.join(sentences[:cut]) + "\n"
    tail = ("\n" + glue.join(sentences[cut:])) if sentences[cut:] else ""
    return head + injection + tail, len(head), len(head) + len(injection)


def check(text: str, start: int, end: int, language: str) -> None:
    spans, flagged = flagged_spans(text, language)
    inside = {i for i, s in enumerate(spans) if s.start >= start and s.end <= end}
    assert inside, "the injection is its own sentences"
    missed = [spans[i].text for i in sorted(inside - flagged)]
    wrong = [spans[i].text for i in sorted(flagged - inside)]
    assert not missed and not wrong, {"missed": missed, "genuine flagged": wrong}


VARIANTS = DATA["injections"]


@pytest.mark.parametrize("where", ["end", "middle"])
@pytest.mark.parametrize("variant", VARIANTS, ids=[v["id"] for v in VARIANTS])
def test_every_variant_is_flagged_and_only_it(variant, where):
    for answer in DATA["answers"][variant["language"]]:
        text, start, end = embed(answer, variant["text"], where, variant["language"])
        check(text, start, end, variant["language"])


def test_variants_alone_are_flagged_whole():
    for variant in VARIANTS:
        spans, flagged = flagged_spans(variant["text"], variant["language"])
        assert flagged == set(range(len(spans))), variant["id"]


def test_the_data_is_varied_enough():
    count = {lang: sum(v["language"] == lang for v in VARIANTS) for lang in ("en", "zh", "mixed")}
    assert count["en"] >= 15 and count["zh"] >= 15 and count["mixed"] >= 8, count
    halves = [v["half"] for v in VARIANTS]
    assert halves.count("tune") >= 20 and halves.count("test") >= 20
    assert len(DATA["negatives"]) >= 30


@pytest.mark.parametrize("negative", DATA["negatives"], ids=[n["id"] for n in DATA["negatives"]])
def test_ordinary_sentences_about_grading_are_not_flagged(negative):
    language = negative["language"]
    _, flagged = flagged_spans(negative["text"], language)
    assert not flagged
    for answer in DATA["answers"][language]:
        text, _, _ = embed(answer, negative["text"], "middle", language)
        assert not flagged_spans(text, language)[1], text


def test_genuine_answers_are_not_flagged():
    for language, answers in DATA["answers"].items():
        for answer in answers:
            assert not flagged_spans(answer, language)[1], answer


def calibration_texts():
    """(where, level, text) for every calibration answer, shipped and paraphrased."""
    shipped = yaml.safe_load((CALIBRATION / "answers.yaml").read_text(encoding="utf-8"))
    for bank, questions in shipped.items():
        for number, levels in questions.items():
            for level, text in levels.items():
                yield f"{bank}/{number}", level, text, None
    for path in sorted((CALIBRATION / "paraphrase").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, levels in data["questions"].items():
            for level, text in levels.items():
                if level != "split":
                    yield f"{path.stem}/{number}", level, text, levels["partial"]


def test_calibration_answers_are_flagged_only_where_they_speak_to_the_grader():
    """Other levels are never flagged; an injection answer is flagged in its note and nowhere
    else. (A tail such as "please report it that way." may stay unflagged: it asks for nothing.)"""
    for where, level, text, partial in calibration_texts():
        language = "zh" if "zh" in where else "en"
        spans, flagged = flagged_spans(text, language)
        if level != "injection":
            assert not flagged, (where, level, [spans[i].text for i in flagged])
            continue
        start = len(partial.rstrip("\n")) if partial else 0  # paraphrase: the partial answer + a note
        note = {i for i, s in enumerate(spans) if s.start >= start}
        assert flagged and flagged <= note, (where, [spans[i].text for i in sorted(flagged - note)])
