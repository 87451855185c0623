"""Substance, not vocabulary: does a clause say what to do, how or why, or only name things?

A clause explains when it reads as a statement (function words, a predicate: "we would first
move the customers who…") or carries specifics (a number, an example), and is not a list. A
list is a string of short items, most of them the reference's own terms, with nothing between
them ("idempotency, unique constraint, backoff, jitter"). Both tests look at the shape of the
text and at the question's vocabulary, never at a hand-written list of one bank's terms.
"""

from __future__ import annotations

import re
from functools import lru_cache

from interviewer.text.chinese import CJK, GRAMMAR_TAGS, count_cjk, has_cjk, tagged
from interviewer.text.words import EXAMPLE_MARKERS, METRIC, buzzword_count, normalize, tokens

# Words that carry grammar in Chinese (jieba's segmentation): pronouns, modals, aspect,
# prepositions, negation, connectives. A sentence has several; a list of noun phrases has none.
FUNCTION_ZH = frozenset(
    """我 我们 你 你们 他 她 它 他们 咱们 大家 自己 会 要 想 先 再 把 让 给 用 靠 从 到 向 对 在 于 是 了 着 过 得 地
    去 来 被 将 使 以 而 但 却 就 才 也 都 还 又 每 不 没 没有 别 不要 该 能 能够 可以 应该 需要 必须 如果 若 则 因为 所以
    为了 以便 通过 然后 之后 以后 之前 这样 那样 这么 那么 这个 那个 这些 那些 这 那 比如 例如 而且 但是 或者 只 只有
    一定 马上 立刻 同时 直到 如何 怎么 为什么 什么 哪 谁 吗 呢 吧 的话 等 后 前 里 上 下 中 时 再次 一起 已经""".split()
)
FUNCTION_EN = frozenset(
    """i we you he she they it me us them my our your their this that these those a an the is are was
    were be been being am do does did done have has had would will can could should must might may
    shall to of in on at by for with from into onto before after until when whenever if unless then
    than so because since while which who whom whose where why how what not no never only just also
    first next instead each every any all some""".split()
)
GLUE_ZH = frozenset(
    "是 有 包括 包含 觉得 认为 要 会 做 搞 讲 说 关注 注意 重视 抓 涉及 就是 还有 主要 需要 应该".split()
)
GLUE_EN = frozenset(
    """think thing things key main important believe need needs mention consider include includes including
    matter matters care stuff like really basically""".split()
)
ITEM_SPLIT = re.compile(rf"[、，,；;/|·]|\s+(?:and|or|&)\s+|(?<=[{CJK}])(?:和|及|与|或)(?=[{CJK}])")
WORD = re.compile(r"[a-z][a-z'-]*")
MIN_FUNCTION_SHARE = {"zh": 0.12, "en": 0.2}


def _lang(text: str) -> str:
    return "zh" if has_cjk(text) else "en"


def function_share(text: str) -> float:
    """The share of a clause's words (Chinese: characters) that carry grammar."""
    if has_cjk(text):
        words = [(w, f) for w, f in tagged(text) if w.strip() and (w.isalnum() or has_cjk(w))]
        grammar = sum(w in FUNCTION_ZH or f.startswith(GRAMMAR_TAGS) for w, f in words)
        return grammar / len(words) if words else 0.0
    words = WORD.findall(text.lower())
    return sum(w in FUNCTION_EN for w in words) / len(words) if words else 0.0


def _item_is_bare(item: str, vocabulary: frozenset[str], language: str) -> bool:
    """A short item made of the question's own terms: a name, not a statement."""
    words = tokens(item, language)
    limit = 2 if has_cjk(item) else 3
    return 0 < len(words) <= limit and sum(w in vocabulary for w in words) * 2 >= len(words)


def _predicate(text: str) -> bool:
    """A Chinese verb with something after it in one stretch of text: "送权威机构复验"."""
    for item in ITEM_SPLIT.split(text):
        pairs = [(w, f) for w, f in tagged(item) if w.strip()]
        if len(pairs) >= 3 and any(f == "v" for _, f in pairs[:-1]):
            return True
    return False


def _governs(item: str, vocabulary: frozenset[str], language: str) -> bool:
    """The item has a verb of its own that the list depends on ("用户按RFM分成A、B、C"), not only
    glue ("the key things are", "我觉得关键是") or a phrase copied from the reference."""

    def new(word: str) -> bool:
        return not set(tokens(word, language)) <= vocabulary

    if has_cjk(item):
        pairs = [(w, f) for w, f in tagged(item) if w.strip()]
        verbs = [w for w, f in pairs if f.startswith("v") and f != "vn" and w not in GLUE_ZH]
        return len(pairs) >= 3 and any(new(w) for w in verbs)
    words = WORD.findall(item.lower())
    return len(words) >= 4 and any(
        len(w) > 2 and w not in FUNCTION_EN and w not in GLUE_EN and new(w) for w in words
    )


def is_list(text: str, vocabulary: frozenset[str], language: str) -> bool:
    """Three or more items, most of them bare terms, and nothing that governs them: a list of
    what to say, not saying it."""
    items = [i.strip(" .。!！?？") for i in ITEM_SPLIT.split(text)]
    items = [i for i in items if i]
    if len(items) < 3:
        return False
    bare = [_item_is_bare(i, vocabulary, language) for i in items]
    count = sum(bare)
    if not (count >= 2 * len(items) / 3 or (count >= 3 and count * 2 >= len(items))):
        return False
    return not any(_governs(i, vocabulary, language) for i, b in zip(items, bare, strict=True) if not b)


@lru_cache(maxsize=16384)
def explains(text: str, vocabulary: frozenset[str], language: str) -> bool:
    """Says what, how or why: a statement or a specific, not a list and not slogans alone."""
    lang = _lang(text)
    size = count_cjk(text) if lang == "zh" else len(WORD.findall(text.lower()))
    if size < (5 if lang == "zh" else 3) or is_list(text, vocabulary, language):
        return False
    words = tokens(text, language)
    if words and buzzword_count(normalize(text, language), language) * 2 >= len(words):
        return False
    specific = bool(METRIC.search(text) or EXAMPLE_MARKERS.search(text))
    share = function_share(text)
    if share >= MIN_FUNCTION_SHARE[lang] or (specific and share > 0):
        return True
    return lang == "zh" and _predicate(text)
