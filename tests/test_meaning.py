"""Grading by meaning: paraphrases earn credit, term lists do not, on the held-back test half of
the paraphrase sets (the thresholds were tuned on the other half), in both languages and on a
public bank imported from Markdown with drafted key points."""

import json
from pathlib import Path

import pytest
import yaml

from interviewer.backends.offline.backend import OfflineBackend
from interviewer.bank.importer import import_document
from interviewer.bank.keypoints import draft_key_points, with_key_points
from interviewer.engine.grading import grade_answer
from interviewer.engine.paraphrase import TARGETS, load_paraphrases, paraphrase_dir, paraphrase_report
from interviewer.engine.ports import Turn
from interviewer.text.injection import grader_sentences
from interviewer.text.overlap import copied_runs
from interviewer.text.substance import explains, is_list
from interviewer.text.words import normalize, split_sentences, tokens

PUBLIC_BANK = Path(__file__).parent / "data" / "banks" / "fe-handbook-javascript.md"


@pytest.fixture(scope="module")
def public_bank():
    bank = import_document(PUBLIC_BANK, bank_id="fe-handbook-javascript", language="en").bank
    drafted, count = with_key_points(bank)
    assert count == len(bank.questions)
    return drafted


def grade(bank, number, text):
    return grade_answer(Turn(bank, bank.question(number), "exam", 1, 1), text, OfflineBackend())[0]


@pytest.mark.parametrize("bank_name", ["seed_bank", "english_bank", "public_bank"])
def test_paraphrase_rules_hold_on_the_test_half(bank_name, request):
    bank = request.getfixturevalue(bank_name)
    report = paraphrase_report(bank, OfflineBackend(), load_paraphrases(bank), "test")
    assert report.salad_margin >= TARGETS["salad_margin"], report.scores
    assert report.partial_over_salad >= TARGETS["partial_over_salad"], report.scores
    assert report.strong_mean >= TARGETS["strong_mean"], report.scores
    assert report.injection_ok == 1.0, report.scores
    assert report.ordering >= TARGETS["ordering"], report.scores


def test_the_issue_example_natural_answer_beats_the_term_list(seed_bank):
    natural = grade(
        seed_bank,
        8,
        "一小时内拉起公关、法务、品控和售后的负责人组成临时指挥部，送权威机构复验，坦白这批货确实有问题，"
        "全额退款并按法规给予三倍赔付；先体谅顾客的愤怒，不要把责任推给别人；官方账号、售后和合作达人的说法要一模一样。",
    )
    salad = grade(
        seed_bank, 8, "应急小组，核查，第三方检测，舆情监控，首次声明，专属客服，质量承诺，兑现承诺。"
    )
    assert salad.coverage == 0.0
    assert natural.score > salad.score + 10
    named = [p for p in salad.points if p.suggestion.startswith("你提到了")]
    assert named, "the critique says which terms were named but not explained"
    # as the issue quotes them, with "……" between the parts
    natural = grade(
        seed_bank,
        8,
        "一小时内拉起公关、法务、品控和售后的负责人组成临时指挥部……送权威机构复验……坦白这批货确实有问题……"
        "全额退款并按法规给予三倍赔付……先体谅顾客的愤怒，不要把责任推给别人；官方账号、售后和合作达人的说法要一模一样",
    )
    salad = grade(seed_bank, 8, "应急小组，核查，第三方检测……兑现承诺。")
    assert natural.score >= salad.score + 20


def test_a_list_of_terms_names_but_does_not_explain():
    vocabulary = frozenset(tokens("idempotency key unique constraint exponential backoff jitter", "en"))
    salad = "Idempotency key, unique constraint, exponential backoff and jitter."
    assert is_list(salad, vocabulary, "en") and not explains(salad, vocabulary, "en")
    sentence = "Send an idempotency key with every request so the server can spot a repeat."
    assert explains(sentence, vocabulary, "en")
    zh_vocabulary = frozenset(tokens("成立应急小组，核查事实、第三方检测、监控舆情", "zh"))
    assert not explains("应急小组，核查，第三方检测，舆情监控。", zh_vocabulary, "zh")
    assert explains("送权威机构复验", zh_vocabulary, "zh")


@pytest.mark.parametrize(
    "bank_id", ["ecommerce-marketing-zh", "backend-engineering-en", "fe-handbook-javascript"]
)
def test_every_injection_is_read_as_text_to_the_grader_and_no_honest_answer_is(bank_id):
    data = yaml.safe_load((paraphrase_dir() / f"{bank_id}.yaml").read_text(encoding="utf-8"))
    for number, levels in data["questions"].items():
        for level in ("strong", "partial", "salad", "vague", "off_topic", "injection"):
            sentences = split_sentences(levels[level])
            flagged = grader_sentences([normalize(s.text, "zh") for s in sentences])
            assert bool(flagged) == (level == "injection"), (number, level)


def test_calibration_answers_do_not_reuse_the_references_wording(seed_bank, english_bank, public_bank):
    for bank in (seed_bank, english_bank, public_bank):
        answers = load_paraphrases(bank)
        for number, levels in answers.questions.items():
            question = bank.question(number)
            source = question.reference
            if bank is not public_bank:  # hand-written points; drafted ones are the reference's own words
                source += "\n" + "\n".join(p.text for p in question.key_points)
            for level, text in levels.model_dump(exclude={"split", "salad"}).items():
                assert copied_runs(text, source) == [], (bank.id, number, level)


def test_drafted_key_points_read_as_statements(public_bank, seed_bank):
    for question in [*public_bank.questions, *seed_bank.questions]:
        for point in draft_key_points(
            question, public_bank.language if question in public_bank.questions else "zh-CN"
        ):
            assert point.text[-1] in "。.!?！？", point.text
            assert "```" not in point.text and "http" not in point.text and "#" not in point.text
            assert len(point.theme) <= 40 and point.theme.strip() == point.theme
            for word in point.keywords:
                assert word.lower() in point.text.lower() or word.lower() in normalize(
                    question.reference, "zh"
                ), word
    whole = draft_key_points(seed_bank.question(8), "zh-CN")
    assert not any(p.text.startswith("方检测") for p in whole), "第三方 is a word, not an enumeration"


def test_an_imported_bank_without_key_points_is_drafted_on_first_use_with_a_notice(tmp_path):
    from click.testing import CliRunner

    from interviewer.cli import cli

    bank_file = tmp_path / "fe.yaml"
    runner = CliRunner()
    runner.invoke(cli, ["bank", "import", str(PUBLIC_BANK), "-o", str(bank_file), "--language", "en"])
    answers = tmp_path / "answers.txt"
    answers.write_text(
        load_paraphrases(import_document(PUBLIC_BANK, bank_id="fe-handbook-javascript").bank)
        .questions[2]
        .strong
    )
    result = runner.invoke(
        cli,
        [
            "practice",
            "--bank",
            str(bank_file),
            "--questions",
            "2",
            "--answers",
            str(answers),
            "--max-follow-ups",
            "0",
            "--json",
            "--transcript",
            str(tmp_path / "t"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "had no key points: drafted them" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["results"][0]["score"] >= 50


def test_reference_vectors_are_cached_on_disk(tmp_path, monkeypatch):
    import subprocess
    import sys

    from interviewer.text import embeddings

    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(tmp_path))
    texts = ["先把这一批货的生产记录调出来。", f"A sentence only this test embeds: {tmp_path.name}."]
    first = embeddings.embed_cached(texts)
    files = sorted((tmp_path / "embeddings").glob("*.npy"))
    assert len(files) == 1
    script = (
        "import sys, json; from interviewer.text import embeddings as e; "
        "v = e.embed_cached(json.loads(sys.argv[1])); print(float(v.sum()))"
    )
    again = subprocess.run(
        [sys.executable, "-c", script, json.dumps(texts)], capture_output=True, text=True, check=True
    )
    assert abs(float(again.stdout) - float(first.sum())) < 1e-4
    assert sorted((tmp_path / "embeddings").glob("*.npy")) == files
