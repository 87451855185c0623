"""The bank commands as a user runs them."""

import json

from click.testing import CliRunner

from interviewer.cli import cli

SEED_DOCUMENT = "tests/data/seed_ecommerce_zh.txt"


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_bank_list_json_has_both_shipped_banks():
    rows = json.loads(invoke("bank", "list", "--json").output)
    by_id = {row["id"]: row for row in rows}
    assert by_id["ecommerce-marketing-zh"]["questions"] == 9
    assert by_id["ecommerce-marketing-zh"]["language"] == "zh-CN"
    assert by_id["backend-engineering-en"]["language"] == "en"


def test_bank_show_seed_json_prints_nine_questions_with_key_points():
    data = json.loads(invoke("bank", "show", "--json").output)
    assert data["id"] == "ecommerce-marketing-zh"
    assert [q["number"] for q in data["questions"]] == list(range(1, 10))
    for question in data["questions"]:
        assert question["text"] and question["reference"]
        assert 4 <= len(question["key_points"]) <= 8
        assert all(p["keywords"] for p in question["key_points"])
    assert [q["incomplete"] for q in data["questions"]] == [False] * 8 + [True]


def test_shipped_banks_lint_without_errors():
    from interviewer.bank.loader import shipped_banks_dir

    for path in shipped_banks_dir().glob("*.yaml"):
        result = invoke("bank", "lint", str(path), "--json")
        assert result.exit_code == 0, result.output
        assert [f for f in json.loads(result.output) if f["severity"] == "error"] == []


def test_import_then_lint_reports_missing_key_points(tmp_path):
    out = tmp_path / "seed.yaml"
    result = invoke("bank", "import", SEED_DOCUMENT, "-o", str(out), "--json")
    report = json.loads(result.output)
    assert report["questions"] == 9
    assert {f["kind"] for f in report["findings"]} >= {"pinyin", "mojibake", "substitution", "truncated"}
    lint = invoke("bank", "lint", str(out), "--json")
    findings = json.loads(lint.output)
    assert lint.exit_code == 0
    assert sum("no key points" in f["message"] for f in findings) == 9
    assert all(f["line"] > 1 for f in findings)


def test_lint_finds_pinyin_and_mojibake_with_lines(tmp_path):
    from interviewer.bank.loader import shipped_banks_dir

    text = (shipped_banks_dir() / "ecommerce-marketing-zh.yaml").read_text(encoding="utf-8")
    broken = text.replace("流量红利见顶倒逼企业", "流量红利见顶?贡破企业", 1).replace(
        "行业的核心趋势", "行业(yè)的核心趋势", 1
    )
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    result = invoke("bank", "lint", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert any("pinyin" in line for line in lines)
    assert any("mojibake" in line for line in lines)
    assert all(line.startswith(f"{path}:") and int(line.split(":")[1]) > 10 for line in lines)


def test_imported_bank_is_found_by_id(tmp_path):
    invoke("bank", "import", SEED_DOCUMENT, "--id", "my-seed")
    rows = json.loads(invoke("bank", "list", "--json").output)
    assert "my-seed" in {row["id"] for row in rows}
    assert (
        json.loads(invoke("bank", "show", "my-seed", "--json").output)["questions"][8]["incomplete"] is True
    )


def test_keypoints_drafts_for_empty_questions_and_keeps_hand_written_ones(tmp_path):
    from interviewer.bank.loader import load_bank_file

    out = tmp_path / "seed.yaml"
    invoke("bank", "import", SEED_DOCUMENT, "-o", str(out))
    result = invoke("bank", "keypoints", str(out), "--json")
    assert len(json.loads(result.output)["drafted"]) == 9
    drafted = load_bank_file(out)
    for question in drafted.questions:
        assert 3 <= len(question.key_points) <= 8
        assert all(p.keywords and p.text for p in question.key_points)
        assert all(
            p.text in question.reference or p.text[:10] in question.reference for p in question.key_points
        )
    question = drafted.questions[0]
    question.key_points[0].text = "written by hand"
    from interviewer.bank.writer import write_bank

    write_bank(drafted, out)
    again = json.loads(invoke("bank", "keypoints", str(out), "--json").output)
    assert again["drafted"] == {}
    assert load_bank_file(out).questions[0].key_points[0].text == "written by hand"
    forced = json.loads(invoke("bank", "keypoints", str(out), "--force", "--json").output)
    assert len(forced["drafted"]) == 9
