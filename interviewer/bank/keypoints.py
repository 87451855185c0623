"""Drafting key points from a reference answer, for any bank, offline.

The reference is first stripped of what is not prose (code, tables, links, markup); then cut
into statements: its list items, else its enumeration (第一/首先/1./（1）/First…), else its
sentences. Each statement becomes a point whose text is a whole clean sentence, whose theme is
a short phrase taken from it, and whose keywords are its most distinctive content words as
written (stems stay inside the matcher). A person can edit the draft; grading works without.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from interviewer.bank.loader import resolve_bank
from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.text.chinese import has_cjk, tagged
from interviewer.text.suggest import clean_sentence
from interviewer.text.words import STOP_EN, STOP_ZH, is_buzzword, split_sentences, tokens

CODE_FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1[^\n]*$", re.MULTILINE | re.DOTALL)
NOT_PROSE = re.compile(
    r"^(?: {4,}|\t).*$|^\s*\|.*\|\s*$|^\s*#{1,6}\s.*$|<[^>\n]+>|https?://\S+|!\[[^\]]*\]\([^)]*\)",
    re.MULTILINE,
)
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)、]|[（(]\d{1,2}[）)])\s+(.+)$", re.MULTILINE)
ENUMERATION = re.compile(
    r"(?:第[一二三四五六七八九十]+(?:步|是|点|个|阶段)[，,：:、]?|第[一二三四五六七八九十]+[，,：:、]|(?:首先|其次|再次|最后)(?:是|，|,)?|"
    r"(?<![\d.])\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)]|\b(?:First|Second|Third|Finally),?\s)"
)
LABEL = re.compile(r"^\s*([^，。：:,.!?！？\n]{2,12})[：:]")
MIN_POINTS, MAX_POINTS = 3, 6
GENERIC_ZH = frozenset(
    "例如 比如 不够 包括 需要 进行 通过 实现 采用 相关 一定 方面 情况 问题 内容 方式 结果".split()
)
# Words that say how a sentence is put, not what it is about: never keywords or themes.
GENERIC_EN = frozenset(
    """although however because therefore hence note either neither whether while whereas since thus
    able bad good quite rather pretty simply usually actually basically generally often possible
    different same similar certain various main important example examples instance case cases
    way ways thing things part parts kind kinds sort type types lot reason reasons fact sense
    say says said tell told think thought find found know known see seen give given take taken put
    come came become became keep kept seem seems mean means represents created done going""".split()
)
MIN_CHARS = {"zh": 10, "en": 30}
MAX_CHARS = {"zh": 90, "en": 220}


def prose(reference: str) -> str:
    """The reference without code, tables, headings, images, links' targets, HTML or markup."""
    text = CODE_FENCE.sub("\n", reference)
    text = LINK.sub(r"\1", text)
    text = NOT_PROSE.sub("", text)
    text = re.sub(r"\*\*|__|`", "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _keep(units: list[str], lang: str) -> list[str]:
    """Statements long enough to say something; a lead-in ending in a colon is not one."""
    units = [u.strip() for u in units]
    return [u for u in units if len(u) >= MIN_CHARS[lang] and not u.endswith((":", "："))]


def _units(text: str, lang: str) -> list[str]:
    units = _keep([m.group(1) for m in LIST_ITEM.finditer(text)], lang)
    if len(units) < MIN_POINTS:
        cuts = [m.start() for m in ENUMERATION.finditer(text)]
        units = _keep([text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)], lang)
    if len(units) < MIN_POINTS:
        units = _keep([s.text for s in split_sentences(text)], lang)
    if len(units) > MAX_POINTS:
        size = -(-len(units) // MAX_POINTS)
        joiner = "" if lang == "zh" else " "
        units = [joiner.join(units[i : i + size]) for i in range(0, len(units), size)]
    return units


def _statement(unit: str, lang: str) -> str:
    """The unit's first whole sentence, or its first clauses when that sentence is very long."""
    sentences = split_sentences(unit)
    first = sentences[0].text if sentences else unit
    if len(first) > MAX_CHARS[lang]:
        cut = max(first.rfind(mark, 0, MAX_CHARS[lang]) for mark in "，,；;")
        first = first[:cut] if cut > MIN_CHARS[lang] else first
    return clean_sentence(first)


def _words(text: str, language: str, lang: str) -> list[str]:
    """Content words as written: nouns and verbs of two characters or more in Chinese, lower-case
    words of three letters or more in English, never stop words, numbers or buzzwords."""
    if lang == "zh":
        words = [
            w for w, flag in tagged(text) if len(w) >= 2 and flag[:1] in ("n", "v", "e", "x") and w.strip()
        ]
        words = [w for w in words if has_cjk(w) or w.isalpha()]
        return [w for w in words if w not in STOP_ZH | GENERIC_ZH and not is_buzzword(w)]
    found = re.findall(r"[A-Za-z][A-Za-z0-9+#.-]*[A-Za-z0-9+#]|[A-Za-z]{3,}", text)
    return [
        w.lower()
        for w in found
        if len(w) >= 3
        and w.lower() not in STOP_EN | GENERIC_EN
        and not w.lower().endswith("ly")
        and not is_buzzword(w)
    ]


def _theme(unit: str, keywords: list[str], lang: str) -> str:
    label = LABEL.match(clean_sentence(unit))
    if label and len(label.group(1).split()) <= 4:
        return label.group(1).strip()
    if lang == "en":
        run: list[str] = []
        for word in re.findall(r"[A-Za-z][A-Za-z0-9+#-]*", _statement(unit, lang)):
            content = (
                word.lower() not in STOP_EN | GENERIC_EN and len(word) > 2 and not word.lower().endswith("ly")
            )
            if content:
                run.append(word if word.isupper() or word[1:] != word[1:].lower() else word.lower())
                if len(run) == 3:
                    break
            elif run:
                break
        if run:
            return " ".join(run)
    return keywords[0] if keywords else ""


def draft_key_points(question: Question, language: str) -> list[KeyPoint]:
    lang = "zh" if has_cjk(question.reference) else "en"
    units = _units(prose(question.reference), lang)
    asked = set(_words(question.text, language, lang)) | set(tokens(question.text, language))
    counts = [Counter(w for w in _words(u, language, lang) if w not in asked) for u in units]
    spread = Counter(w for c in counts for w in c)
    points = []
    for index, (unit, count) in enumerate(zip(units, counts, strict=True), start=1):
        ranked = sorted(count, key=lambda w: (-(count[w] / spread[w]), -len(w), w))
        statement = _statement(unit, lang)
        if not ranked or not statement:
            continue
        points.append(
            KeyPoint(
                id=f"{question.id}-k{index}",
                text=statement,
                theme=_theme(unit, ranked, lang),
                keywords=ranked[:4],
                synonyms=ranked[4:7],
            )
        )
    return points


@lru_cache(maxsize=1024)
def _drafted(question_json: str, language: str) -> tuple[KeyPoint, ...]:
    """Drafting is deterministic, and a server loads a fresh copy of the bank for every request."""
    return tuple(draft_key_points(Question.model_validate_json(question_json), language))


def with_key_points(bank: Bank) -> tuple[Bank, int]:
    """The bank with points drafted for every question that has none, and how many were drafted."""
    missing = {q.id for q in bank.questions if not q.key_points and q.reference.strip()}
    if not missing:
        return bank, 0
    questions = [
        q.model_copy(
            update={"key_points": [p.model_copy() for p in _drafted(q.model_dump_json(), bank.language)]}
        )
        if q.id in missing
        else q
        for q in bank.questions
    ]
    return bank.model_copy(update={"questions": questions}), len(missing)


def resolve_with_key_points(name: str | None) -> tuple[Bank, int]:
    """A bank ready to grade: questions without key points get drafted ones (same every time)."""
    return with_key_points(resolve_bank(name))
