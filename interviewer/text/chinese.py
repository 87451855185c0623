"""Chinese text tools shared by import and grading: lazy jieba, OpenCC, and a language score.

jieba's dictionary takes about half a second to load, so nothing here touches it until asked.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

# Han ideographs: extension A, the unified block and the compatibility block. The one range
# every module uses, so that "is this Chinese" has one answer everywhere.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")
CJK_RUN = re.compile(f"[{CJK}]+")


def is_cjk(char: str) -> bool:
    return bool(char) and bool(CJK_CHAR.match(char))


def has_cjk(text: str) -> bool:
    return bool(CJK_CHAR.search(text))


def count_cjk(text: str) -> int:
    """Han characters in `text`: a Chinese answer's length, where words are not space-separated."""
    return len(CJK_CHAR.findall(text))


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified Chinese. The phrase-aware conversion is slow (pure Python), so it runs only on
    text with a Han character that converts on its own; each character is checked once."""
    if len(text) <= 1:
        return _simplified_char(text)
    if not any(_simplified_char(char) != char for char in set(CJK_CHAR.findall(text))):
        return text
    return _t2s().convert(text)


@cache
def _simplified_char(char: str) -> str:
    return _t2s().convert(char)


def segment(text: str) -> list[str]:
    return list(_jieba().cut(text))


NON_HAN = re.compile(f"[^{CJK}]+")
WORD_COST = 3.0  # nats per word: prefers readings made of real words over strings of single characters
BREAK_COST = 3.0  # nats per punctuation mark, digit or Latin letter


def log_likelihood(text: str, *, simplified: bool = False) -> float:
    """Best segmentation's log probability under jieba's dictionary, with a cost per word.

    Higher reads more like real Chinese; used to choose between repairs of damaged text.
    """
    dt = _jieba().dt
    log_total = math.log(dt.total)
    text = text if simplified else to_simplified(text)
    total = -BREAK_COST * sum(len(run) for run in NON_HAN.findall(text))
    for piece in NON_HAN.split(text):
        if not piece:
            continue
        dag = dt.get_DAG(piece)
        best = [0.0] * (len(piece) + 1)
        for start in range(len(piece) - 1, -1, -1):
            best[start] = max(
                math.log(dt.FREQ.get(piece[start : end + 1]) or 1) - log_total - WORD_COST + best[end + 1]
                for end in dag[start]
            )
        total += best[0]
    return total


def is_common_hanzi(char: str) -> bool:
    """In GB2312 once simplified: the everyday character set; mojibake rarely lands only there."""
    try:
        to_simplified(char).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


GRAMMAR_TAGS = ("p", "c", "r", "u", "d", "ad", "f", "q")  # prepositions, conjunctions, pronouns, particles…
KEPT_TAGS = ("v", "vn", "vg", *GRAMMAR_TAGS, "m")  # the tags grading asks about; the rest read as nouns


@cache
def _tags() -> dict[str, str]:
    """Part of speech of the dictionary's verbs and function words, read from jieba's own
    dictionary: jieba.posseg would do it too, but its HMM tables cost 56 MB of memory."""
    tags: dict[str, str] = {}
    with open(Path(_jieba().__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2].startswith(KEPT_TAGS):
                tags[parts[0]] = parts[2]
    return tags


def tagged(text: str) -> list[tuple[str, str]]:
    """Words with a part-of-speech tag (`v` verb, `p` preposition, …; `n` for other words, `x`
    for punctuation and symbols)."""
    tags = _tags()
    return [(word, tags.get(word, "n") if word.isalnum() or has_cjk(word) else "x") for word in segment(text)]
