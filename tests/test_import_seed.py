"""The seed document, as copied from a document-sharing site, imports into a clean bank."""

from pathlib import Path

import pytest

from interviewer.bank.clean import PINYIN
from interviewer.bank.importer import import_document
from interviewer.text.chinese import is_cjk, to_simplified

SEED = Path(__file__).parent / "data" / "seed_ecommerce_zh.txt"

EXPECTED_QUESTIONS = [
    "您如何看待2025年电商行业的核心发展趋势？这些趋势对营销与运营策略会产生哪些具体影响？",
    "假设公司计划2025年重点布局Z世代（1995-2010年出生）市场，您会如何设计针对性的营销与运营策略？请结合具体场景说明。",
    "当前电商获客成本(CAC)持续攀升，部分企业陷入“不投流没流量，投流不赚钱”的困境。作为营销与运营策略负责人，"
    "您会如何平衡“拉新”与“留存”的资源分配？请给出具体的策略组合与数据支撑逻辑。",
    "2025年，公司计划将“全渠道运营”作为核心战略（覆盖APP、小程序、抖音/视频号店铺、线下门店、第三方电商平台）。"
    "作为策略负责人，您会如何设计全渠道用户运营体系？需要重点解决哪些关键问题？",
    "假设2025年Q2公司核心品类GMV同比下滑15%，您作为策略负责人，会如何通过数据分析定位问题，并制定改进策略？"
    "请详细说明分析框架与关键指标。",
    "2025年，大模型（如GPT-4、Claude3）等AI技术将更深度融入电商运营。作为策略负责人，"
    "您会如何规划AI在营销与运营中的落地场景？需要关注哪些风险与应对措施？",
    "作为营销与运营策略高级经理，您需要协调市场、产品、技术、供应链等多个部门推进项目。"
    "请举例说明您过去如何处理跨部门协作中的冲突，并确保项目目标达成。",
    "2025年，若公司因“商品质量问题”引发大规模舆情（如某批次化妆品被曝含违规成分，登上微博热搜前三），"
    "作为策略负责人，您会如何制定危机应对策略？需重点关注哪些环节？",
    "2025年，“可持续消费”将成为用户决策的重要因素。作为营销与运营策略负责人，"
    "您会如何将ESG（环境、社会、公司治理）理念融入日常运营？请结合具体措施说明。",
]


@pytest.fixture(scope="module")
def imported():
    return import_document(SEED)


def all_text(bank):
    return "\n".join(q.text + "\n" + q.reference for q in bank.questions)


def test_finds_the_nine_questions_in_order(imported):
    assert [q.number for q in imported.bank.questions] == list(range(1, 10))
    assert [q.text for q in imported.bank.questions] == EXPECTED_QUESTIONS
    assert imported.bank.language == "zh-CN"


def test_answers_are_split_from_questions(imported):
    references = [q.reference for q in imported.bank.questions]
    assert references[0].startswith("2025年电商行业的核心趋势")
    assert references[1].startswith("Z世代作为“数字原住民”")
    assert references[6].startswith("以某“618全渠道大促”项目为例")


def test_site_text_is_dropped(imported):
    text = all_text(imported.bank)
    for site_text in ("下载本文档", "温馨提示", "文档简介", "人人文库", "提交评论", "版权说明"):
        assert site_text not in text
    kinds = [f.kind for f in imported.findings]
    assert kinds.count("site-text") == 2


def test_no_pinyin_traditional_or_mojibake_left(imported):
    text = all_text(imported.bank)
    assert not PINYIN.search(text)
    assert not any(mark in text for mark in ("(yè)", "(jīng)", "shù)", "jǐn)"))
    assert to_simplified(text) == text
    assert "\ufffd" not in text
    assert not any("\ue000" <= c <= "\uf8ff" for c in text)
    glued = [
        i
        for i, c in enumerate(text)
        if c == "?" and 0 < i < len(text) - 1 and is_cjk(text[i - 1]) and is_cjk(text[i + 1])
    ]
    assert glued == []
    for damage in ("贡破髽", "赗", "蛦蝺", "偅", "?!保"):
        assert damage not in text


def test_mojibake_is_repaired_and_reported_with_its_line(imported):
    text = all_text(imported.bank)
    for repaired in (
        "见顶倒逼企业",
        "分层模型。基于RFM",
        "部分数据共享",
        "无明显优势。客单价端",
        "成本分摊）",
        "成分异常”）",
    ):
        assert repaired in text
    repairs = {f.original: f for f in imported.findings if f.kind == "mojibake"}
    assert len(repairs) == 6
    assert all(f.line == 14 and f.repaired for f in repairs.values())
    assert repairs["?贡破髽I"].repaired == "倒逼企業"


def test_site_word_swap_is_repaired_for_review(imported):
    text = all_text(imported.bank)
    for phrase in (
        "多模态生成技术",
        "智能生成+人工校准",
        "AI自动生成商品详情页",
        "UGC（用户生成内容）",
        "AI生成的商品详情页",
    ):
        assert phrase in text
    assert "为其提供专属客服" in text  # a real 提供 stays
    swaps = [f for f in imported.findings if f.kind == "substitution"]
    assert swaps and all("review" in f.note for f in swaps)


def test_cut_off_answer_is_marked_incomplete(imported):
    incomplete = [q.number for q in imported.bank.questions if q.incomplete]
    assert incomplete == [9]
    assert imported.bank.questions[8].reference.endswith("比行")
    assert any(f.kind == "truncated" for f in imported.findings)


def test_nothing_is_silently_dropped(imported):
    """Every Chinese character of the document body survives, converted, somewhere in the bank."""
    raw = SEED.read_text(encoding="utf-8")
    body = raw[raw.index("文檔簡介") + 4 : raw.index("溫馨提示")]
    chars_in = sum(1 for c in body if is_cjk(c))
    chars_out = sum(1 for c in imported.bank.title + all_text(imported.bank) if is_cjk(c))
    headers = 2 * 9  # the nine `問題N` labels
    # each of the six repairs changes the count by a character or two; nothing else may change it
    assert abs(chars_out - (chars_in - headers)) <= 8
