"""Reports come from Jinja2 templates and the message catalogue: escaped and self-contained as
HTML, correct Markdown, in the interview's own language, and still able to read version 1."""

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from interviewer import prompts
from interviewer.cli import cli
from interviewer.engine.critique import Verdict
from interviewer.text import yamltext
from interviewer.transcript.record import load_record
from interviewer.transcript.report import TEMPLATES, compare_html, pace, report_data, to_html, to_markdown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_V1 = ROOT / "docs" / "example-transcript.jsonl"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% if true %}yes{% endif %} 用RFM分层。"
ENGLISH = ("backend-engineering-en", "I would add an index on the filtered column and read the query plan.")
CHINESE = ("ecommerce-marketing-zh", "先算LTV和CAC的比值，按RFM分层，高价值老客给专属客服。")


def interview(tmp_path: Path, bank: str, answers: str) -> Path:
    """A finished one-question offline interview of the given bank, saved as a transcript."""
    file = tmp_path / "answers.txt"
    file.write_text(answers, encoding="utf-8")
    args = ["--bank", bank, "--answers", file, "--transcript", tmp_path / "t", "--questions", "1"]
    args += ["--max-follow-ups", "0", "--json"]
    result = CliRunner().invoke(cli, ["practice", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "t").glob("*.jsonl")
    return path


def catalogue(language: str) -> dict[str, str]:
    text = (ROOT / "prompts" / f"messages.{language}.yaml").read_text(encoding="utf-8")
    return {k: v for k, v in yamltext.load(text).items() if k.startswith("report_")}


def test_transcript_text_is_escaped_in_html_and_never_evaluated(tmp_path):
    data = report_data(load_record(interview(tmp_path, CHINESE[0], HOSTILE + "\n")))
    html = to_html(data)
    assert "<script" not in html
    assert f"{escape(HOSTILE)}</div>" in html  # the answer, escaped, its braces left as typed
    assert "yes 用RFM" not in html
    assert HOSTILE in to_markdown(data)  # Markdown keeps the text as written, unevaluated too


def test_every_field_from_the_transcript_is_escaped(tmp_path):
    data = report_data(load_record(interview(tmp_path, CHINESE[0], CHINESE[1] + "\n")))
    tag = "<img src=x onerror=alert(1)>"
    data["bank"]["title"] = data["questions"][0]["question"] = data["questions"][0]["reference"] = tag
    data["model"], data["questions"][0]["flags"] = tag, [tag]
    data["questions"][0]["points"][0].update(point=tag, evidence=tag, suggestion=tag, verdict="partial")
    html = to_html(data)
    assert "<img" not in html and html.count(str(escape(tag))) >= 9


@pytest.mark.parametrize("bank, answer", [ENGLISH, CHINESE], ids=["en", "zh-CN"])
def test_labels_come_from_the_catalogue_in_the_interviews_language(tmp_path, bank, answer):
    record = load_record(interview(tmp_path, bank, answer + "\n"))
    labels = catalogue(record.language)
    data = report_data(record)
    assert data["advice"] == labels["report_advice"]
    markdown, html = to_markdown(data), to_html(data)
    for key in ("question", "score", "answer", "time", "overall", "graded_by", "reference"):
        assert labels[f"report_{key}"] in markdown and labels[f"report_{key}"] in html, key
    verdicts = {labels[f"report_{v.value}"] for v in Verdict}
    assert any(label in markdown for label in verdicts)
    other = catalogue("en" if record.language != "en" else "zh-CN")
    assert f"{other['report_score']}:" not in markdown and other["report_advice"] not in html


@pytest.fixture
def edited_catalogue(tmp_path, monkeypatch):
    """A copy of the prompts folder whose English `report_score` reads differently."""
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    english = folder / "messages.en.yaml"
    text = english.read_text(encoding="utf-8")
    english.write_text(
        text.replace('report_score: "Score"', 'report_score: "Marks awarded"'), encoding="utf-8"
    )
    caches = (prompts._find, prompts.messages, prompts.template)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(prompts, "prompts_dir", lambda: folder)
    yield
    for cached in caches:
        cached.cache_clear()


def test_labels_are_read_from_the_catalogue_not_a_table_in_code(tmp_path, edited_catalogue):
    data = report_data(load_record(interview(tmp_path, ENGLISH[0], ENGLISH[1] + "\n")))
    assert "**Marks awarded: " in to_markdown(data) and "<b>Marks awarded: " in to_html(data)


def test_both_catalogues_have_the_same_report_keys_and_no_unused_one():
    english, chinese = set(catalogue("en")), set(catalogue("zh-CN"))
    assert english == chinese
    templates = "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.iterdir())
    used = set(re.findall(r'\bt\("(\w+)"\)', templates))
    used |= {v.value for v in Verdict} | {"answer", "follow_up"}  # t(point.verdict), t(turn.kind)
    used |= {"advice", "per_minute_words", "per_minute_chars"}  # report_data and pace
    assert english == {f"report_{key}" for key in used}


def test_html_pages_are_self_contained(tmp_path):
    record = load_record(interview(tmp_path, CHINESE[0], CHINESE[1] + "\n"))
    for page in (to_html(report_data(record)), compare_html([record])):
        head = page.split("<body>")[0]
        assert '<meta charset="utf-8">' in head and '<html lang="zh-CN">' in head
        assert "Noto Sans CJK SC" in head and "<style>" in head
        assert "http" not in head and "<link" not in head and "@import" not in head and "url(" not in page
        assert "<script" not in page


def test_markdown_quotes_every_line_of_a_multi_line_answer(tmp_path):
    answer = "First, index the column.\n\n# Then read the plan"
    markdown = to_markdown(report_data(load_record(interview(tmp_path, ENGLISH[0], answer + "\n"))))
    assert "> First, index the column.\n>\n> # Then read the plan\n" in markdown
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")


def test_a_version_1_transcript_still_reports_with_its_reference_answers():
    assert json.loads(EXAMPLE_V1.read_text(encoding="utf-8").splitlines()[0])["schema_version"] == 1
    data = report_data(load_record(EXAMPLE_V1))
    references = [q["reference"] for q in data["questions"]]
    assert len(references) == 3 and all(references)
    markdown, html = to_markdown(data), to_html(data)
    assert all(ref in markdown and str(escape(ref)) in html for ref in references)


def test_the_example_reports_in_docs_are_current():
    """docs/ shows what `interviewer report` prints today: regenerate them when a template changes."""
    data = report_data(load_record(EXAMPLE_V1))
    assert to_markdown(data) == (ROOT / "docs" / "example-report.md").read_text(encoding="utf-8")
    assert to_html(data) == (ROOT / "docs" / "example-report.html").read_text(encoding="utf-8")


def test_pace_counts_han_characters_with_the_shared_helper():
    # 㐀 (extension A) and 豈 (compatibility block) are Han that a basic-block regex misses
    assert pace("我们㐀豈 ok", 30, "zh-CN") == (8.0, "字/分钟")
    assert pace("one two three", 30, "en") == (6.0, "words/min")
    assert pace("anything", 0, "en") is None
