"""Importing Markdown banks of the shapes people publish: questions found by structure, none
lost or invented, navigation skipped, sub-questions kept, code untouched, doubts reported."""

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from interviewer.bank.importer import import_document
from interviewer.cli import cli
from interviewer.errors import BankError

DATA = Path(__file__).parent / "data" / "import"

# name: (questions, first question, last question) in the excerpt kept in tests/data/import
SHAPES = {
    "react-sudheerj": (30, "What is React?", "Why React uses `className` over `class` attribute?"),
    "lydia-javascript-questions-zh": (33, "输出是什么？", "输出什么？"),
    "30s-interviews-readme": (
        34,
        "What is a stateless component?",
        "How do you write comments inside a JSX tree in React?",
    ),
    "deep-headings-zh": (5, "握手为什么是三次？", "拥塞控制靠什么实现？"),
    "numbered-list-exercises-en": (5, "What does the event loop do?", "What is printed first"),
    "tasklist-quiz-zh": (3, "下面哪种类型是不可变的？", "哪个关键字定义生成器？"),
    "sections-code-zh": (3, "css hack 原理是什么", "下面代码输出什么"),
    "summary-questions-en": (
        4,
        "What does the `uptime` command show?",
        "Why does TCP need a three-way handshake?",
    ),
    "bullet-questions-en": (
        5,
        "What did you learn yesterday or this week?",
        'Describe what a "reset" style sheet does and why you would use one.',
    ),
}
NAVIGATION = {
    "Table of Contents",
    "Disclaimer",
    "Contributing",
    "License",
    "Foreword",
    "参考",
    "Coding Exercise",
}


def imported(name):
    return import_document(DATA / name / "source.md")


def first_line(question):
    return question.text.split("\n")[0]


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_shape_finds_every_question_and_no_other(name):
    count, first, last = SHAPES[name]
    questions = imported(name).bank.questions
    assert len(questions) == count
    assert first_line(questions[0]) == first and first_line(questions[-1]) == last
    assert not {first_line(q) for q in questions} & NAVIGATION


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_no_reference_holds_the_next_question(name):
    questions = imported(name).bank.questions
    for question, following in itertools.pairwise(questions):
        assert first_line(following) not in question.reference, (question.number, first_line(following))


def test_headings_inside_a_list_items_answer_stay_in_that_answer():
    questions = imported("react-sudheerj").bank.questions
    holders = [q for q in questions if "### State" in q.reference and "### Props" in q.reference]
    assert len(holders) == 1
    assert not any(first_line(q) in ("State", "Props", "Summary Table") for q in questions)


def test_a_quiz_keeps_code_and_options_in_the_question_and_the_answer_in_the_reference():
    first = imported("lydia-javascript-questions-zh").bank.questions[0]
    assert "```javascript" in first.text and "- A:" in first.text and "- D:" in first.text
    assert first.reference.startswith("#### 答案：D") and "<details>" not in first.reference
    assert "<summary>" not in first.reference and "答案：" not in first.text


def test_a_task_list_answer_is_the_checked_option():
    questions = imported("tasklist-quiz-zh").bank.questions
    assert [q.reference.split("\n")[0] for q in questions] == ["- 元组", "- 2", "- yield"]
    assert "[x]" not in questions[0].text and "- 元组" in questions[0].text


def test_sub_questions_are_kept_as_questions_with_a_finding_and_navigation_is_skipped():
    result = imported("deep-headings-zh")
    texts = [first_line(q) for q in result.bank.questions]
    assert texts[1:3] == ["只握两次会怎样？", "序号从哪里来"]
    subs = [f for f in result.findings if f.kind == "sub-question"]
    assert [f.original for f in subs] == ["只握两次会怎样？", "序号从哪里来"]
    assert "网络分层" in texts and "HTTP各版本" not in texts and "参考" not in texts
    assert "RFC 793" not in result.bank.questions[-1].reference  # the 参考 links belong to no answer
    assert "skipped 1 headings that are not questions: 参考" in result.summary
    assert (
        result.bank.questions[1].reference
        == "旧的连接请求可能迟到，服务端会误以为是新连接并一直等待，浪费资源。"
    )


def test_sections_become_tags():
    questions = imported("sections-code-zh").bank.questions
    assert [q.tags for q in questions] == [["$CSS 部分"], ["$CSS 部分"], ["$javascript 部分"]]
    exercises = imported("numbered-list-exercises-en").bank.questions
    assert exercises[-1].tags == ["Coding Exercise"] and exercises[0].tags == []


def test_code_is_kept_byte_for_byte_and_every_repair_outside_it_is_reported():
    source = (DATA / "sections-code-zh" / "source.md").read_text(encoding="utf-8")
    result = imported("sections-code-zh")
    code = source[source.index("```js") : source.index("```\n\n输出") + 3]
    assert code in result.bank.questions[2].reference
    reference = result.bank.questions[0].reference
    assert "#once { _color: blue }" in reference and "/* or #color: blue, 舊寫法 */" in reference
    assert "给特定浏览器写专门的规则" in reference  # traditional characters in prose, simplified
    assert "差异(比如注释或前缀)" in reference  # an author's own ASCII punctuation is kept
    [traditional] = [f for f in result.findings if f.kind == "traditional"]
    assert traditional.line == 9 and traditional.repaired == "simplified"
    assert not [f for f in result.findings if f.kind in ("punctuation", "substitution", "mojibake")]


def test_site_repairs_apply_to_site_documents_only(tmp_path):
    """A sharing site's word swaps and ASCII punctuation are undone in its documents; in a
    document someone wrote, "属性提供" and "(注释)" are the author's and stay."""
    text = "### 1. props 是什么？\n\nVue 通过 props 属性提供了单向数据流(父到子)。\n"
    path = tmp_path / "vue.md"
    path.write_text(text, encoding="utf-8")
    result = import_document(path)
    assert result.bank.questions[0].reference == "Vue 通过 props 属性提供了单向数据流(父到子)。"
    assert not result.findings
    site = tmp_path / "site.txt"
    site.write_text(
        "文档简介\n问题1：props 是什么？\nVue 通过 AI 自动提供了答案(父到子)。\n温馨提示\n", "utf-8"
    )
    repaired = import_document(site)
    assert repaired.bank.questions[0].reference == "Vue 通过 AI 自动生成了答案（父到子）。"
    assert {f.kind for f in repaired.findings} >= {"site-text", "substitution", "punctuation"}


def test_links_and_urls_are_never_rewritten():
    result = imported("deep-headings-zh")
    assert not [f for f in result.findings if f.kind == "punctuation"]


def test_endings_that_are_not_prose_are_not_called_truncated():
    for name in SHAPES:
        for question in imported(name).bank.questions:
            last = question.reference.strip().split("\n")[-1]
            ends_in_markup = re.search(r"</\w+>$|https?://\S+$|^-{3,}$|^```$|Back to Top|\)\*\*$", last)
            assert not (question.incomplete and ends_in_markup), (name, question.number, last)
    marked = [q.number for q in imported("react-sudheerj").bank.questions if q.incomplete]
    assert marked == []  # "**Note:** JSX is stricter than HTML" lacks its full stop, but is whole


def test_the_summary_says_where_the_questions_were_found():
    result = imported("numbered-list-exercises-en")
    assert result.summary.startswith("5 questions under level-3 headings inside a numbered list")
    assert "skipped 2 headings that are not questions: Table of Contents, Disclaimer" in result.summary


def test_a_doubtful_structure_is_reported():
    text = (
        "# Notes\n\n## Setup\n\ntext\n\n## Usage\n\nmore\n\n## Why use it?\n\nbecause\n\n"
        "## How do I install it?\n\npip\n\n## Changes\n\nnone\n"
    )
    path = DATA.parent / "doubt.md"
    try:
        path.write_text(text, encoding="utf-8")
        result = import_document(path)
    finally:
        path.unlink()
    assert any(f.kind == "structure" for f in result.findings)


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01binary\x00", "binary"), (b"   \n\n", "empty")],
)
def test_bad_files_are_one_line_and_write_nothing(tmp_path, content, message):
    source = tmp_path / "bank.md"
    source.write_bytes(content)
    out = tmp_path / "out.yaml"
    result = run("bank", "import", source, "-o", out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert not out.exists()


def test_a_bad_language_and_an_unwritable_output_are_one_line(tmp_path):
    source = DATA / "tasklist-quiz-zh" / "source.md"
    result = run("bank", "import", source, "--language", "english", "-o", tmp_path / "x.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'english' is not a language tag" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = run("bank", "import", source, "-o", blocked / "x.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write the bank there" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob(".x.yaml*"))


def test_the_cli_prints_the_summary_and_the_imported_bank_practises(tmp_path):
    out = tmp_path / "react.yaml"
    result = CliRunner().invoke(
        cli, ["bank", "import", str(DATA / "react-sudheerj" / "source.md"), "-o", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["questions"] == 30 and data["found"].startswith("30 questions under level-3 headings")
    lint = CliRunner().invoke(cli, ["bank", "lint", str(out)])
    assert "0 errors" in lint.output
    answers = tmp_path / "a.txt"
    answers.write_text("React is a library for building user interfaces from components.\n", encoding="utf-8")
    practice = CliRunner().invoke(
        cli,
        ["practice", "--bank", str(out), "--questions", "1", "--max-follow-ups", "0",
         "--answers", str(answers), "--transcript", str(tmp_path / "t"), "--json"],
    )  # fmt: skip
    assert practice.exit_code == 0, practice.output
    assert json.loads(practice.stdout)["answered"] == 1


def test_questions_in_details_summaries_keep_their_answers_and_sections():
    result = imported("summary-questions-en")
    assert (
        result.summary
        == "4 questions in <details> summaries, each answer inside its block; 1 without a reference answer"
    )
    first, _, unanswered, last = result.bank.questions
    assert unanswered.text == "True or False? Only root can send a signal with `kill -0 <PID>`"
    assert unanswered.reference == "" and [f.kind for f in result.findings] == ["empty"]
    assert first.reference.startswith("How long the machine has been running") and first.tags == ["Linux"]
    assert last.tags == ["Networking"] and "<b>" not in last.reference
    assert "Show the diagram" not in [q.text for q in result.bank.questions]


def test_questions_as_list_items_without_answers_are_imported_and_said_to_have_none():
    result = imported("bullet-questions-en")
    assert result.summary == "5 questions as list items, 4 without a reference answer"
    assert [f.kind for f in result.findings].count("empty") == 4
    assert result.bank.questions[2].text == "How do you keep up with new tools?"  # the link's words
    assert not any("General Questions" in q.text for q in result.bank.questions)


def test_a_link_list_is_not_a_bank(tmp_path):
    text = "# Awesome interviews\n\n## Databases\n\n* [MySQL questions](https://example.org/a)\n"
    text += "* [Redis questions](https://example.org/b)\n\n## Design Patterns\n\n* [Patterns](https://example.org/c)\n"
    text += "* [More patterns](https://example.org/d)\n"
    path = tmp_path / "awesome.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match="found no questions"):
        import_document(path)


def test_numbered_headings_inside_an_answer_are_not_sub_questions(tmp_path):
    text = "## 1. How do containers talk to each other?\n\nOver a network.\n\n#### 1. By container IP\n\n"
    text += "Use the address.\n\n#### 2. By container name\n\nUse a user-defined network.\n\n"
    text += "## 2. What is a volume?\n\nStorage that outlives a container.\n"
    path = tmp_path / "docker.md"
    path.write_text(text, encoding="utf-8")
    first, second = import_document(path).bank.questions
    assert "#### 2. By container name" in first.reference and not first.incomplete
    assert second.text == "What is a volume?"


def test_a_question_list_takes_every_item_and_nested_questions_become_follow_ups(tmp_path):
    text = "## JS\n\n* What is event loop?\n  * What is the difference between call stack and task queue?\n"
    text += "* Make this work:\n* Why use strict mode?\n* [判断如下边框的颜色，并解释为什么[代码]？](https://example.org/2415)\n"
    path = tmp_path / "h5bp.md"
    path.write_text(text, encoding="utf-8")
    questions = import_document(path).bank.questions
    assert [q.text for q in questions] == [
        "What is event loop?",
        "Make this work:",
        "Why use strict mode?",
        "判断如下边框的颜色，并解释为什么[代码]？",
    ]
    assert questions[0].follow_ups == ["What is the difference between call stack and task queue?"]
    assert questions[0].reference == ""


def test_question_lines_without_numbers_and_front_matter():
    result = imported("question-lines-en")
    assert result.bank.title == "Coding warm-ups"
    questions = result.bank.questions
    assert [first_line(q) for q in questions] == [
        "What does `[] + {}` evaluate to?",
        "How would you make this call work?",
        "Why does the loop below print 3 three times?",
    ]
    assert "sum(1)(2); // 3" in questions[1].text and questions[1].reference == ""
