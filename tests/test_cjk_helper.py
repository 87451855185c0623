"""The one Han range: every module that asks "is this Chinese" gets the same answer."""

from __future__ import annotations

from interviewer.text.chinese import CJK_RUN, count_cjk, has_cjk, is_cjk
from interviewer.text.clauses import _size
from interviewer.text.injection import _fragment
from interviewer.text.overlap import copied_runs
from interviewer.text.substance import ITEM_SPLIT

EXTENSION_A = "\u3400"  # 㐀
COMPATIBILITY = "\uf900"  # 豈
HEXAGRAM = "\u4dc0"  # ䷀, between extension A and the unified block: a symbol, not a character


def test_count_cjk_counts_every_han_block():
    assert count_cjk(f"中文{EXTENSION_A}{COMPATIBILITY}") == 4


def test_count_cjk_skips_kana_latin_digits_and_punctuation():
    assert count_cjk("かなカナ abc 123，。！") == 0
    assert count_cjk(f"用 Redis 缓存{HEXAGRAM}") == 3


def test_is_cjk_and_has_cjk_agree_with_count():
    for char in ("中", EXTENSION_A, COMPATIBILITY, "あ", "a", HEXAGRAM, ""):
        assert is_cjk(char) == has_cjk(char) == (count_cjk(char) == 1)


def test_cjk_run_stops_at_anything_not_han():
    assert CJK_RUN.findall(f"先回滚{COMPATIBILITY}再说，then 通知用户") == [
        f"先回滚{COMPATIBILITY}再说",
        "通知用户",
    ]


def test_modules_share_the_range():
    assert _size(f"{EXTENSION_A}{COMPATIBILITY} SQL 42", cjk=True) == 4
    assert not _fragment(COMPATIBILITY) and _fragment("0}")
    assert ITEM_SPLIT.split(f"幂等{COMPATIBILITY}和重试") == [f"幂等{COMPATIBILITY}", "重试"]
    assert copied_runs(f"x{COMPATIBILITY}五个汉字字", f"y{COMPATIBILITY}五个汉字字") == [
        f"{COMPATIBILITY}五个汉字字"
    ]
