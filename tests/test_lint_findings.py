"""`bank lint` names what an import could not decide, at the line a person would open."""

import json

import pytest
from click.testing import CliRunner

from interviewer.bank.lint import lint_bank
from interviewer.bank.models import Bank
from interviewer.bank.writer import write_bank
from interviewer.cli import cli

POINT = {"id": "p1", "text": "Names the trade-off.", "keywords": ["trade-off"]}
PROSE = "A cache trades memory for speed, and every cache needs a rule for when to forget."


def question(number: int, text: str, reference: str = PROSE, **extra) -> dict:
    return {
        "id": f"q{number}",
        "number": number,
        "text": text,
        "reference": reference,
        "key_points": [POINT],
        **extra,
    }


def lint(tmp_path, *questions: dict, language: str = "en") -> list:
    bank = Bank(id="lint-test", title="Lint test", language=language, questions=list(questions))
    path = tmp_path / "bank.yaml"
    write_bank(bank, path)
    return lint_bank(path)


def messages(findings, severity: str | None = None) -> list[str]:
    return [f.message for f in findings if severity is None or f.severity == severity]


@pytest.mark.parametrize(
    "ending",
    [
        "</details>",
        "See https://redis.io/docs/latest/develop/use/client-side-caching",
        "---",
        "**[⬆ Back to Top](#table-of-contents)**",
        "```python\ncache = {}\n```",
        "| LRU | evicts the least recently used |",
        "- and one item of a list without a full stop",
    ],
)
def test_endings_that_are_not_prose_are_not_truncation(tmp_path, ending):
    findings = lint(tmp_path, question(1, "What is a cache for?", f"{PROSE}\n\n{ending}"))
    assert not [m for m in messages(findings) if "mid-sentence" in m]


def test_a_reference_cut_mid_sentence_is_still_an_error(tmp_path):
    findings = lint(tmp_path, question(1, "What is a cache for?", "A cache trades memory for"))
    assert any("mid-sentence" in m for m in messages(findings, "error"))


@pytest.mark.parametrize(
    "text",
    [
        "Table of Contents",
        "## Contents",
        "Disclaimer",
        "⬆ Back to top",
        "[Back to top](#top)",
        "License",
        "Contributing",
        "目录",
        "参考",
        "参考资料：",
        "待完成",
        "免责声明",
        "**1. 目录**",
    ],
)
def test_navigation_taken_for_a_question_is_a_warning(tmp_path, text):
    findings = lint(tmp_path, question(1, "What is a cache for?"), question(2, text))
    flagged = [f for f in findings if "is not a question" in f.message]
    assert len(flagged) == 1
    assert flagged[0].severity == "warning" and flagged[0].message.startswith("question 2 ")


@pytest.mark.parametrize(
    "text", ["What does the license of a library allow?", "参考答案中的缓存策略是什么？"]
)
def test_questions_that_mention_such_words_are_questions(tmp_path, text):
    findings = lint(tmp_path, question(1, text))
    assert not [m for m in messages(findings) if "is not a question" in m]


def test_an_overlong_reference_is_a_warning(tmp_path):
    long = " ".join([PROSE] * 260)  # about 21,800 characters
    findings = lint(tmp_path, question(1, "What is a cache for?", long), question(2, "Why?"))
    flagged = [f for f in findings if "characters" in f.message]
    assert [f.severity for f in flagged] == ["warning"]
    assert flagged[0].message.startswith("question 1:")


@pytest.mark.parametrize(
    "line",
    [
        "### 12. What is a write-back cache?",
        "12. What is a write-back cache?",
        "问题12：什么是回写缓存？",
        "**13. How does LRU decide what to evict?**",
        "13、如何选择淘汰策略？",
    ],
)
def test_a_reference_holding_another_question_names_that_line(tmp_path, line):
    reference = f"{PROSE}\n\n{line}\n\nA write-back cache writes later."
    findings = lint(tmp_path, question(1, "What is a cache for?", reference))
    flagged = [f for f in findings if "holds another question" in f.message]
    assert len(flagged) == 1 and flagged[0].severity == "warning"
    assert repr(line) in flagged[0].message
    text = (tmp_path / "bank.yaml").read_text(encoding="utf-8").splitlines()
    assert line in text[flagged[0].line - 1]


def test_question_lines_in_code_or_without_a_question_mark_are_not_questions(tmp_path):
    reference = (
        f"{PROSE}\n\n```python\n# 1. is it cached?\n```\n\n1. Look up the key.\n\n## Eviction\n\nDone."
    )
    findings = lint(tmp_path, question(1, "What is a cache for?", reference))
    assert not [m for m in messages(findings) if "holds another question" in m]


def test_duplicate_questions_name_both_numbers(tmp_path):
    findings = lint(
        tmp_path,
        question(1, "What is a  cache for?"),
        question(2, "How does LRU work?"),
        question(3, "what is a cache\nfor?"),
    )
    flagged = [f for f in findings if "same question" in f.message]
    assert len(flagged) == 1 and flagged[0].severity == "warning"
    assert flagged[0].message.startswith("questions 1 and 3 ")


def test_leftover_html_in_question_is_a_warning_and_in_reference_is_info(tmp_path):
    reference = f"<details><summary>Answer</summary>\n\n{PROSE}<br>\n\n</details>"
    findings = lint(tmp_path, question(1, '<a name="q1"></a>What is a cache for?', reference))
    html = [f for f in findings if "leftover HTML" in f.message]
    assert [f.severity for f in html] == ["warning", "info"]
    assert '<a name="q1">' in html[0].message
    assert "<details>" in html[1].message and "<br>" in html[1].message


def test_html_inside_code_is_not_leftover(tmp_path):
    reference = f"{PROSE} Use `<br>` for a break.\n\n```html\n<div><p>hello</p></div>\n```"
    findings = lint(tmp_path, question(1, "What does `<details>` do?", reference))
    assert not [m for m in messages(findings) if "leftover HTML" in m]


def test_info_findings_do_not_fail_the_command(tmp_path):
    reference = f"<p>{PROSE}</p>"
    lint(tmp_path, question(1, "What is a cache for?", reference))
    result = CliRunner().invoke(cli, ["bank", "lint", str(tmp_path / "bank.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    assert [f["severity"] for f in json.loads(result.output)] == ["info"]


def test_a_clean_bank_has_no_findings(tmp_path):
    assert lint(tmp_path, question(1, "What is a cache for?"), question(2, "缓存有什么用？")) == []
