"""Words and sentences, the same way for grading, drafting and probing: normalisation (NFKC,
lower case, simplified Chinese), sentence spans, content words (jieba for Chinese, light
stemming for English, kept internal), term matching, and the word lists behind the signals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from interviewer.text.chinese import has_cjk, segment, to_simplified

EN_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;]+|$)")

BUZZWORDS_ZH = {
    "数据驱动",
    "持续优化",
    "两手都要抓",
    "两手抓",
    "赋能",
    "闭环",
    "抓手",
    "打法",
    "底层逻辑",
    "顶层设计",
    "精细化运营",
    "精细化",
    "降本增效",
    "全方位",
    "多维度",
    "综合考虑",
    "结合实际",
    "具体情况具体分析",
    "用户为中心",
    "以用户为中心",
    "提升体验",
    "提升效率",
    "协同",
    "整合资源",
    "组合拳",
    "生态",
    "链路",
    "颗粒度",
    "心智",
    "破局",
    "深耕",
    "全面提升",
    "不断优化",
    "持续迭代",
    "高度重视",
}
BUZZWORDS_EN = {
    "synergy",
    "synergies",
    "best practices",
    "best practice",
    "leverage",
    "holistic",
    "data-driven",
    "data driven",
    "paradigm",
    "move the needle",
    "circle back",
    "game changer",
    "world-class",
    "scalable solution",
    "robust solution",
    "end-to-end",
    "continuous improvement",
    "value add",
    "think outside the box",
    "low-hanging fruit",
    "win-win",
    "deep dive",
    "alignment",
    "optimize",
}
EXAMPLE_MARKERS = re.compile(
    r"例如|比如|举例|举个例子|以.{1,12}为例|我们曾|之前我|上一家|for example|for instance|e\.g\.|such as|"
    r"in my last|at my previous|we once|last year",
    re.IGNORECASE,
)
METRIC = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|元|万|亿|天|小时|分钟|倍|个百分点|ms|[kKmMgG]?[bB]\b|[xX]\b)|(?<![A-Za-z0-9])[A-Z][A-Z0-9/]{1,6}(?![A-Za-z0-9])|\d{2,}|p\d{2}\b"
    r"|[一二两三四五六七八九十百千半几]+个?(?:成|块钱|元|万|亿|天|小时|分钟|周|个月|年|倍|次|人|家)"
)
STOP_EN = frozenset(
    """a an the and or but if then so to of in on at by for with from as is are was were be been being it its
    this that these those i you we they he she my our your their me us them do does did will would should could
    can may might must have has had not no yes also just very really more most some any all each every what which
    who whom how why when where there here about into over than too up down out off again once only own same such
    both few other nor let get got make made lot lots thing things way well like time times day days week weeks
    year years after before back first last next new good great better best much many one two three go going went
    want need use used using try work works working people someone something always never often sometimes""".split()
)
STOP_ZH = frozenset(
    """我们 你们 他们 这个 那个 一个 一些 这些 那些 就是 然后 因为 所以 但是 而且 如果 可以 可能 需要 应该 进行
    通过 我会 首先 其次 最后 同时 以及 还有 还是 或者 非常 比较 什么 怎么 如何 这样 那样 自己 问题 方面 时候 已经
    觉得 认为 一下 一定 东西 事情 能够 之后 之前 其实 当然 主要 重要 具体 对于 关于 大家 很多 更多 作为 包括 最近
    平时 每天 今年 去年 时间 喜欢 特别 一样 一直 开始 知道 没有 不是 就会 会有 那么 这么 我觉 觉得 我认为
    第一 第二 第三 第四 此外 另外 需从 要求 利用 使用 成为 增加 重点 目标 实现 建立 提升""".split()
)


@dataclass
class Span:
    start: int
    end: int
    text: str


def is_zh(language: str) -> bool:
    return language.lower().startswith("zh")


@lru_cache(maxsize=8192)
def normalize(text: str, language: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return to_simplified(text) if is_zh(language) or has_cjk(text) else text


WRAPPED_LINE = re.compile(r"(?<=[^\n.!?;:])\n(?=[ \t]*[a-z(])")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans; in English a line break inside a sentence (a wrapped line) is not an end."""
    if has_cjk(text):
        pattern, scan = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*"), text
    else:
        pattern, scan = EN_SENTENCE, WRAPPED_LINE.sub(" ", text)
    spans = []
    for match in pattern.finditer(scan):
        raw = match.group(0)
        stripped = raw.strip()
        if len(stripped) < 2:
            continue
        start = match.start() + raw.index(stripped)
        spans.append(Span(start, start + len(stripped), text[start : start + len(stripped)]))
    return spans


def _stem(word: str) -> str:
    """Crude and consistent: `disagreed`, `disagreement` and `disagree` all become `disagre`."""
    for suffix in ("ments", "ment", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


@lru_cache(maxsize=8192)
def tokens(text: str, language: str) -> tuple[str, ...]:
    """Content words: jieba for Chinese (Latin words kept whole), stemmed words for English."""
    text = normalize(text, language)
    if has_cjk(text):
        words = [w.strip() for w in segment(text)]
        return tuple(w for w in words if len(w) >= 2 and w not in STOP_ZH and not w.isdigit())
    return tuple(
        _stem(w)
        for w in re.findall(r"[a-z0-9][a-z0-9+/-]*", text)
        if w not in STOP_EN and len(w) > 1 and not w.isdigit()
    )


@lru_cache(maxsize=8192)
def _stems(text_norm: str) -> str:
    return " " + " ".join(_stem(w) for w in re.findall(r"[a-z0-9+/-]+", text_norm)) + " "


def term_key(term: str, language: str) -> str:
    """One key for the forms of a term that `term_in` treats alike."""
    norm = normalize(term, language)
    return norm if has_cjk(norm) or not norm.isascii() else _stems(norm).strip()


def term_in(term: str, sentence_norm: str, language: str) -> bool:
    """A key point term appears in a normalized sentence: as a substring for Chinese, on word
    boundaries with light stemming for English."""
    term_norm = normalize(term, language)
    if not term_norm:
        return False
    if has_cjk(term_norm) or not term_norm.isascii():
        return term_norm in sentence_norm
    words = _stems(term_norm)
    return words.strip() != "" and words in _stems(sentence_norm)


@lru_cache(maxsize=8192)
def buzzword_count(sentence_norm: str, language: str) -> int:
    return sum(term_in(word, sentence_norm, language) for word in (*BUZZWORDS_ZH, *BUZZWORDS_EN))


def is_buzzword(term: str) -> bool:
    term = term.lower().strip()
    return term in BUZZWORDS_ZH or term in BUZZWORDS_EN


def binary_looking(text: str) -> bool:
    if not text:
        return False
    odd = sum(
        1
        for c in text
        if (unicodedata.category(c) in ("Cc", "Co", "Cs") and c not in "\n\r\t") or c == "\ufffd"
    )
    return odd / len(text) > 0.1
