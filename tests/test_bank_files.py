"""Bank files: validation with file:line errors, the import formats, and their round trips."""

import json
import subprocess
import sys

import pytest

from interviewer.bank.importer import import_document
from interviewer.bank.loader import load_bank_file, resolve_bank, shared_bank
from interviewer.bank.writer import write_bank
from interviewer.errors import BankError

GOOD = """\
id: tiny
title: Tiny bank
language: en
questions:
- id: q1
  number: 1
  text: What is a cache?
  reference: A cache keeps recent results close by, so repeated reads are fast.
  key_points:
  - id: k1
    text: Keeps results close for fast repeated reads
    keywords: [cache, fast]
"""


def write(tmp_path, text, name="bank.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_bank_loads(tmp_path):
    bank = load_bank_file(write(tmp_path, GOOD))
    assert bank.questions[0].key_points[0].keywords == ["cache", "fast"]


def test_a_shared_bank_is_read_again_only_when_its_file_changes(tmp_path):
    path = write(tmp_path, GOOD)
    first = shared_bank(str(path))
    assert shared_bank(str(path)) is first  # kept: the same object for every reader
    write(tmp_path, GOOD.replace("Tiny bank", "Tiny bank, second edition"))
    assert shared_bank(str(path)).title == "Tiny bank, second edition"


def test_broken_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace("  text: What is a cache?", "  text: What is: a cache?: [", 1))
    with pytest.raises(BankError) as error:
        load_bank_file(path)
    assert str(error.value).startswith(f"{path}:7: not valid YAML")


def test_missing_field_names_field_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace("  text: What is a cache?\n", "", 1))
    with pytest.raises(BankError) as error:
        load_bank_file(path)
    message = str(error.value)
    assert message.startswith(f"{path}:5: questions[0].text")
    assert "Field required" in message


def test_wrong_value_points_at_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("language: en", "language: English!"))
    with pytest.raises(BankError) as error:
        load_bank_file(path)
    assert str(error.value).startswith(f"{path}:3: language")


def test_duplicate_question_numbers_are_refused(tmp_path):
    doubled = GOOD + GOOD.split("questions:\n")[1].replace("id: q1", "id: q2")
    with pytest.raises(BankError, match="question number 1 appears twice"):
        load_bank_file(write(tmp_path, doubled))


def test_not_utf8_is_one_clear_error(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_bytes(GOOD.replace("What is a cache?", "缓存是什么？").encode("gb18030"))
    with pytest.raises(BankError, match="not UTF-8"):
        load_bank_file(path)


def test_cli_reports_a_broken_bank_in_one_line_without_traceback(tmp_path):
    path = write(tmp_path, GOOD.replace("number: 1", "number: one"))
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "bank", "show", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"interviewer: error: {path}:6: questions[0].number: " + (
        "Input should be a valid integer, unable to parse string as an integer"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt,suffix", [("md", ".md"), ("csv", ".csv"), ("json", ".json")])
@pytest.mark.parametrize("bank_id", ["ecommerce-marketing-zh", "backend-engineering-en"])
def test_each_format_round_trips(tmp_path, fmt, suffix, bank_id):
    bank = resolve_bank(bank_id)
    path = write_bank(bank, tmp_path / f"exported{suffix}", fmt)
    back = import_document(path, language=bank.language).bank
    assert [(q.number, q.text, q.reference, q.incomplete) for q in back.questions] == [
        (q.number, q.text, q.reference, q.incomplete) for q in bank.questions
    ]
    assert [[(k.text, k.keywords, k.synonyms) for k in q.key_points] for q in back.questions] == [
        [(k.text, k.keywords, k.synonyms) for k in q.key_points] for q in bank.questions
    ]


def test_yaml_round_trips(tmp_path, seed_bank):
    path = write_bank(seed_bank, tmp_path / "seed.yaml")
    assert load_bank_file(path) == seed_bank


@pytest.mark.parametrize(
    "text",
    [
        "Question 1: What is a cache?\nA cache keeps results close.\n\nQuestion 2: What is a queue?\nA queue holds work.\n",
        "Q1. What is a cache?\nA cache keeps results close.\nQ2. What is a queue?\nA queue holds work.\n",
        "問題1：什麼是緩存？\n緩存把結果放在近處。\n問題2：什麼是隊列？\n隊列保存待處理的工作。\n",
    ],
)
def test_numbered_text_headers(tmp_path, text):
    bank = import_document(write(tmp_path, text, "doc.txt")).bank
    assert [q.number for q in bank.questions] == [1, 2]
    assert bank.questions[0].reference
    if bank.language == "zh-CN":
        assert bank.questions[0].text == "什么是缓存？"
        assert bank.questions[1].reference == "队列保存待处理的工作。"


def test_csv_from_a_spreadsheet(tmp_path):
    path = write(tmp_path, "question,reference\nWhat is a cache?,It keeps results close.\n", "sheet.csv")
    bank = import_document(path).bank
    assert bank.questions[0].text == "What is a cache?" and bank.questions[0].key_points == []


def test_json_list_of_questions(tmp_path):
    path = write(
        tmp_path, json.dumps([{"question": "What is a cache?", "answer": "Keeps results."}]), "qs.json"
    )
    bank = import_document(path).bank
    assert bank.questions[0].reference == "Keeps results."


def test_a_document_without_questions_is_a_clear_error(tmp_path):
    with pytest.raises(BankError, match="found no questions"):
        import_document(write(tmp_path, "just some prose\n", "notes.txt"))
