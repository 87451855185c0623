"""CSV, JSON and YAML banks as people publish them import with the exact questions, whole
answers, and a finding for every guess; the figures come from each excerpt's upstream count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from interviewer.bank.loader import resolve_bank
from interviewer.bank.tables import decode, from_csv, from_json, from_yaml
from interviewer.cli import cli
from interviewer.errors import BankError

DATA = Path(__file__).parent / "data" / "import"
CORPUS = Path("/work/helpers/corpus15")  # the unlicensed bank lives only there, never in the repo
READERS = {".csv": from_csv, ".json": from_json, ".yml": from_yaml}

# name: (questions, first question, last question), as counted upstream (see data/import/README.md)
BANKS = {
    "galactic-jobprofile-csv": (
        30,
        "What is product management?",
        "How does a web browser render a web page?",
    ),
    "galactic-python-qa-csv": (
        51,
        "What is the difference between a variable and an object?",
        "How can we use cross-validation to overcome overfitting?",
    ),
    "gophercises-quiz-csv": (12, "5+5", "5+2"),
    "30s-interviews-json": (
        31,
        "What is ARIA and when should you use it?",
        "What is a cross-site scripting attack (XSS) and how do you prevent it?",
    ),
    "30s-interviews-cn-json": (
        31,
        "`image` 标签里面的 `alt` 属性有什么用？",
        "What is a cross-site scripting attack (XSS) and how do you prevent it?",
    ),
    "certificationy-php-yaml": (
        16,
        "Which of the following is not valid syntax for creating a new array key?",
        "The following code snippet displays what for the resultant array?\n"
        "$a = [1 => 0, 3 => 2, 4 => 6];\n$b = [3 => 1, 4 => 3, 6 => 4];\nprint_r(array_intersect($a, $b));",
    ),
}
CERTIFICATIONY_CORRECT = [
    ['$a{} = "value";'],
    ["asort()"],
    ["THE QUICK BROWN FOX JUMPED OVER THE LAZY DOG."],
    ["All of these uses are valid"],
    ["0 => 'c'"],
    ["split()", "preg_match_all()", "explode()"],
    ["$str = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';", "range('A', 'Z');"],
    ["0 => 0, 1 => 2, 2 => 3, 3 => x, 4 => 4"],
    ["array_unshift()"],
    ["c"],
    ["Smith"],
    ["$array_three = array_combine(array_reverse($array_one), $array_two);"],
    ["key", "prev", "current", "next"],
    ["array_count_values"],
    ["list"],
    ["An empty Array"],
]


def read(name: str, **options):
    path = next((DATA / name).glob("source.*"))
    text, _ = decode(path.read_bytes(), str(path))
    return READERS[path.suffix](text, str(path), **options)


def kinds(found, kind):
    return [f for f in found.findings if f.kind == kind]


@pytest.mark.parametrize("name", BANKS)
def test_each_bank_gives_its_questions_in_order(name):
    count, first, last = BANKS[name]
    found = read(name)
    texts = [d.text for d in found.drafts]
    assert len(texts) == count
    assert texts[0].startswith(first) and texts[-1].startswith(last)
    assert [d.number for d in found.drafts] == list(range(1, count + 1))
    assert all(d.reference for d in found.drafts)
    assert not [d.reference for d in found.drafts if d.reference.startswith(('"', "'"))]
    assert found.summary.startswith(f"{count} questions from ")


@pytest.mark.parametrize("name", [n for n in BANKS if n.endswith("-csv")])
def test_csv_cells_are_never_split_at_a_comma(name):
    found = read(name)
    assert not [f for f in kinds(found, "structure") if "cells where the header has" in f.note]
    assert not kinds(found, "truncated")


def test_padded_job_profile_csv_maps_plural_columns_and_reports_the_rest():
    found = read("galactic-jobprofile-csv")
    first = found.drafts[0]
    assert first.reference == (
        "Product management is the process of strategizing, developing, launching, and managing a product "
        "or service throughout its lifecycle to meet the needs of customers and achieve business goals."
    )
    assert [f.note for f in kinds(found, "column")] == [
        "column 'Job Profile' not used",
        "column 'Text' not used",
    ]
    assert found.summary == (
        "30 questions from the columns Questions and Answers (CSV, comma-separated); "
        "7 duplicate rows reported; columns not used: Job Profile, Text"
    )


def test_duplicates_are_reported_with_both_lines_and_merged_on_request():
    found = read("galactic-jobprofile-csv")
    duplicates = kinds(found, "duplicate")
    assert len(duplicates) == 7
    race = next(f for f in duplicates if "race condition" in f.original)
    assert (race.line, race.note) == (25, "same question as line 18")
    merged = read("galactic-jobprofile-csv", merge_duplicates=True)
    texts = [d.text for d in merged.drafts]
    assert len(texts) == 23 == len(set(texts))
    assert "7 duplicate rows merged" in merged.summary


def test_windows_1252_python_csv_repairs_its_rows():
    found = read("galactic-python-qa-csv")
    notes = [f.note for f in kinds(found, "structure")]
    assert notes.count("the header again; skipped") == 1
    assert sum("continues the answer on line" in n for n in notes) == 6
    assert "31 answers written as Python lists of strings; their items joined as lines" in notes
    by_text = {d.text: d for d in found.drafts}
    strings = by_text["Explain the top 5 functions used for python strings."].reference
    assert strings.splitlines()[0] == "Here are the top 5 Python string functions:"
    assert strings.splitlines()[-1] == "- lower(): Converts a string to lowercase"
    first = found.drafts[0].reference
    assert first.startswith("Sure, here's the difference between a variable and an object:\n**Variable:**\n")
    assert "', '" not in first
    regression = by_text["What are the 5 assumptions for linear regression?"].reference
    assert regression.count("\n") == 5 and regression.endswith("not correlated with each other.")
    assert len(kinds(found, "duplicate")) == 1


def test_decode_tells_windows_1252_from_gb18030():
    for name in ("galactic-python-qa-csv", "numbered-cp1252-csv"):
        raw = (DATA / name / "source.csv").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        text, encoding = decode(raw, name)
        assert encoding == "cp1252"
    assert "one thing—and" in text  # GB18030 reads these bytes as 'thing梐nd'
    chinese = (DATA / "zh-headers-csv" / "source.csv").read_text(encoding="utf-8")
    assert decode(chinese.encode("gb18030"), "x") == (chinese, "gb18030")
    assert decode(b"\xef\xbb\xbfquestion,answer\n", "x") == ("question,answer\n", "utf-8")


def test_numbered_csv_takes_its_numbers_and_doubled_quotes():
    found = read("numbered-cp1252-csv")
    assert [d.number for d in found.drafts] == [1, 2, 3, 4]
    assert found.drafts[0].text == "What is a race condition, and how do you avoid one?"
    assert found.drafts[1].text == 'Define the term "idempotent" for an HTTP method.'
    assert found.drafts[1].reference.startswith('"Idempotent" means that repeating the request')
    assert found.drafts[2].tags == ["General Programming"]
    assert found.summary == (
        "4 questions from the columns question and answer (CSV, comma-separated); columns not used: difficulty, role"
    )


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the unlicensed software-questions bank is not vendored")
def test_unlicensed_software_questions_csv_from_the_corpus():
    path = CORPUS / "software-questions-csv" / "source.csv"
    text, encoding = decode(path.read_bytes(), str(path))
    found = from_csv(text, str(path))
    assert encoding == "cp1252"
    assert len(found.drafts) == 52
    assert found.drafts[0].text == "What is the difference between compilation and interpretation?"
    assert found.drafts[-1].text == "Build a scalable image processing pipeline for a photo-sharing app."
    assert [d.number for d in found.drafts] == [*range(1, 51), 110, 200]
    this = next(d for d in found.drafts if "this" in d.text and "JavaScript" in d.text)
    assert this.reference.startswith('"this" in JavaScript refers to')


def test_headerless_quiz_reads_first_column_as_question():
    found = read("gophercises-quiz-csv")
    assert [d.reference for d in found.drafts] == [
        "10",
        "2",
        "11",
        "3",
        "14",
        "4",
        "5",
        "6",
        "5",
        "6",
        "6",
        "7",
    ]
    assert (found.drafts[0].reference, found.drafts[1].text, found.drafts[4].text) == ("10", "1+1", "8+6")
    (note,) = kinds(found, "structure")
    assert note.line == 1 and note.note.startswith("no header row")
    assert found.summary == "12 questions from the columns 1 and 2 (CSV, comma-separated); no header row"


def test_quoted_cells_after_a_space_are_quoted_not_literal():
    found = from_csv('"What is X, really?", "It is Y, mostly."\n"Why Z?", "Because."\n', "q.csv")
    assert [(d.text, d.reference) for d in found.drafts] == [
        ("What is X, really?", "It is Y, mostly."),
        ("Why Z?", "Because."),
    ]


def test_semicolons_are_sniffed():
    found = from_csv('question;answer\nWhat is X, really?;"It is Y; mostly, ""often""."\n', "s.csv")
    assert found.drafts[0].reference == 'It is Y; mostly, "often".'
    assert "semicolon-separated" in found.summary


def test_chinese_headers_give_keywords_and_tags():
    found = read("zh-headers-csv")
    assert [d.text for d in found.drafts] == [
        "什么是缓存穿透？怎么防止？",
        "数据库索引为什么能加快查询？",
        "如何保证接口的幂等性？",
    ]
    assert found.drafts[0].reference.startswith("缓存穿透是指")
    assert [p.text for p in found.drafts[0].key_points] == ["空值缓存", "布隆过滤器", "参数校验"]
    assert found.drafts[1].key_points[0].model_dump(include={"id", "text", "keywords"}) == {
        "id": "q2-k1",
        "text": "B+树",
        "keywords": ["B+树"],
    }
    assert [d.tags for d in found.drafts] == [["缓存"], ["数据库"], ["接口设计", "后端"]]
    assert not kinds(found, "column")
    assert found.summary.startswith("3 questions from the columns 问题 and 参考答案 (CSV, comma-separated)")


def test_columns_can_be_named_or_numbered():
    text = "Prompt,Notes,Ideal_Answer\nWhat is X?,internal,X is Y.\n"
    assert from_csv(text, "x.csv").drafts[0].reference == "X is Y."
    by_name = from_csv(text, "x.csv", answer_col="notes")
    assert by_name.drafts[0].reference == "internal"
    assert [f.note for f in kinds(by_name, "column")] == ["column 'Ideal_Answer' not used"]
    by_index = from_csv(text, "x.csv", question_col=2, answer_col="1")
    assert (by_index.drafts[0].text, by_index.drafts[0].reference) == ("internal", "What is X?")
    with pytest.raises(
        BankError, match=r"no column named 'Antwort'; use one of 1 'Prompt', 2 'Notes', 3 'Ideal_Answer'"
    ):
        from_csv(text, "x.csv", answer_col="Antwort")
    with pytest.raises(BankError, match="there is no column 4"):
        from_csv(text, "x.csv", question_col=4)
    with pytest.raises(BankError, match="no header row, so give column 'answer' by position: 1, 2"):
        from_csv("q1,a1\nq2,a2\n", "x.csv", answer_col="answer")


def test_rows_without_a_question():
    text = "question,answer,category\n,orphan answer,x\nQ1?,A1.,x\n,,\n,,x\nQ2?,A2.,x\n"
    found = from_csv(text, "x.csv")
    assert [(d.text, d.reference) for d in found.drafts] == [("Q1?", "A1."), ("Q2?", "A2.")]
    assert [(f.line, f.kind) for f in found.findings] == [(2, "empty"), (5, "empty")]


def test_30_seconds_json_uses_good_to_hear_as_key_points():
    found = read("30s-interviews-json")
    aria = found.drafts[0]
    assert [p.text for p in aria.key_points] == [
        "Accessible Rich Internet Applications",
        "Benefits people who use assistive technologies (AT)",
        "Provides role, name, and state",
        "Semantic HTML coupled with JavaScript",
    ]
    assert [p.id for p in aria.key_points] == ["q1-k1", "q1-k2", "q1-k3", "q1-k4"]
    assert aria.tags == ["accessibility"] and aria.line == 2
    assert aria.reference.startswith('ARIA stands for "Accessible Rich Internet Applications"')
    batches = next(d for d in found.drafts if d.text.startswith("Create a function `batches`"))
    assert "```js" in batches.text and not batches.key_points
    assert [f.original for f in kinds(found, "column")] == ["name", "links", "expertise"]
    assert found.summary == (
        "31 questions from the keys question and answer (JSON, a list of questions); "
        "key points from goodToHear; keys not used: name, links, expertise"
    )


def test_certificationy_yaml_shows_the_options_and_keeps_the_correct_ones():
    found = read("certificationy-php-yaml")
    assert [d.reference.splitlines() for d in found.drafts] == CERTIFICATIONY_CORRECT
    sixth = found.drafts[5]
    assert sixth.text.splitlines()[2:] == [
        "- array_split()",
        "- split()",
        "- string_split()",
        "- preg_match_all()",
        "- explode()",
    ]
    assert all(d.tags == ["Arrays"] for d in found.drafts)
    assert found.drafts[0].line == 4
    assert not found.findings


def test_json_aliases_meta_and_follow_ups():
    text = """{"title": "Mine", "language": "en", "category": "backend", "owner": "me",
    "questions": [
      {"no": 7, "prompt": "What is X?", "idealAnswer": ["Part one.", "Part two."],
       "keyConcepts": ["first idea", {"text": "second idea", "keywords": "a, b", "weight": 2}],
       "followUp": "And Y?", "topic": ["design"]},
      {"no": 9, "text": "What is Z?", "answer": "Z.", "keywords": ["z"], "follow_ups": ["Why?", "How?"]}
    ]}"""
    found = from_json(text, "x.json")
    first, second = found.drafts
    assert found.meta == {"title": "Mine", "language": "en"} and found.title == "Mine"
    assert (first.number, first.text, first.reference) == (7, "What is X?", "Part one.\n\nPart two.")
    assert [(p.id, p.text, p.keywords, p.weight) for p in first.key_points] == [
        ("q7-k1", "first idea", [], 1.0),
        ("q7-k2", "second idea", ["a", "b"], 2.0),
    ]
    assert first.tags == ["design", "backend"] and first.follow_ups == ["And Y?"]
    assert (second.number, second.line, second.follow_ups) == (9, 6, ["Why?", "How?"])
    assert [(p.text, p.keywords) for p in second.key_points] == [("z", ["z"])]
    assert [f.original for f in kinds(found, "column")] == ["owner"]


def test_yaml_list_of_questions_and_duplicates():
    text = "- question: What is X?\n  answer: X.\n- q: what is  x?\n  a: Also X.\n- question: Y?\n"
    found = from_yaml(text, "x.yaml")
    assert [(f.line, f.note) for f in kinds(found, "duplicate")] == [(3, "same question as line 1")]
    assert len(from_yaml(text, "x.yaml", merge_duplicates=True).drafts) == 2


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
@pytest.mark.parametrize("name", ["backend-engineering-en", "ecommerce-marketing-zh"])
def test_an_exported_bank_imports_to_the_same_questions(tmp_path, name, fmt):
    target = tmp_path / f"bank.{fmt}"
    result = CliRunner().invoke(cli, ["bank", "export", name, "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    reader = {"yaml": from_yaml, "json": from_json, "csv": from_csv}[fmt]
    found = reader(target.read_text(encoding="utf-8"), str(target))
    bank = resolve_bank(name)
    assert [(d.number, d.text, d.reference) for d in found.drafts] == [
        (q.number, q.text, q.reference) for q in bank.questions
    ]
    fields = {"id", "text", "keywords", "synonyms"} if fmt == "csv" else None  # CSV has no theme or weight
    assert [[p.model_dump(include=fields) for p in d.key_points] for d in found.drafts] == [
        [p.model_dump(include=fields) for p in q.key_points] for q in bank.questions
    ]
    assert not found.findings
    if fmt != "csv":
        assert found.meta["id"] == name and [d.tags for d in found.drafts] == [q.tags for q in bank.questions]


@pytest.mark.parametrize(
    ("reader", "text", "line", "message"),
    [
        (from_json, '[\n  {"question": "x"},\n]', 3, "not valid JSON"),
        (from_yaml, "questions:\n  - question: a\n   answer: b\n", 3, "not valid YAML"),
        (from_json, '{"title": "t"}', None, "make the file a list of questions"),
        (from_csv, "question,answer\n", None, "put one question per row there"),
    ],
)
def test_unreadable_files_name_the_line_and_the_fix(reader, text, line, message):
    with pytest.raises(BankError, match=message) as error:
        reader(text, "bank.txt")
    assert error.value.line == line


def test_json_of_categories_each_a_list_of_questions():
    text = json.dumps(
        {"java-集合": ["HashMap 如何扩容？", "ArrayList 和 LinkedList 的区别？"], "MySQL": ["什么是索引？"]}
    )
    found = from_json(text, "cats.json")
    assert [(d.text, d.tags) for d in found.drafts] == [
        ("HashMap 如何扩容？", ["java-集合"]),
        ("ArrayList 和 LinkedList 的区别？", ["java-集合"]),
        ("什么是索引？", ["MySQL"]),
    ]
    assert "an object of 2 categories" in found.summary
