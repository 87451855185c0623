"""Turning a piece of reference text into something a coach would say: a whole, clean sentence.

Reference answers come from real documents: headings glued to the next line ("第四步：制定改进
策略流量端：…"), enumeration markers, Markdown, clauses that start after a comma. A suggestion
must read as a sentence of its own, so these are removed here, for any bank.
"""

from __future__ import annotations

import re

from interviewer.text.chinese import has_cjk
from interviewer.text.words import split_sentences

LABEL = re.compile(r"^(?:[^，。：:,.!?！？\n]{1,14}[：:])+\s*")
ENUMERATION = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+(?:步|点|是|个|阶段)?[，,、：:]?|(?:首先|其次|再次|最后|此外|另外)是?[，,：:]?|"
    r"\d{1,2}[.、．)）]\s*|[（(]\d{1,2}[）)]\s*|[-*•]\s+|(?:first|second|third|finally|also|then),?\s+)",
    re.IGNORECASE,
)
LEADING_LINK = re.compile(
    r"^(?:(?:例如|比如|同时|并且|而且|以及|此外|另外|因此|所以|但是)[，,]?|(?:并|但|如)[，,]|"
    r"(?:and|but|so|or|then|also|thus)\b,?\s*)",
    re.IGNORECASE,
)
TRAILING_LINK = re.compile(
    r"[，,;；]?\s*(?:because|since|so|and|but|which|因为|所以|并且|而且|以及|但|并)?\s*[，,;；:：]?$",
    re.IGNORECASE,
)
LONG = {"zh": 110, "en": 260}  # characters: longer reference sentences are cut to the clause
MARKUP = re.compile(r"\*\*|__|`|^#+\s*|\[([^\]]*)\]\([^)]*\)")


def clean_sentence(text: str) -> str:
    """One readable sentence: markup, labels, enumeration and leading links removed, ended properly."""
    text = MARKUP.sub(lambda m: m.group(1) or "", text.strip())
    previous = None
    while previous != text:  # "3.24-72小时：例如，…" loses its number, its label and its link in turn
        previous = text
        for pattern in (ENUMERATION, LABEL, LEADING_LINK):
            text = pattern.sub("", text, count=1).strip()
    text = TRAILING_LINK.sub("", text).strip(" ，,；;：:、")
    if not text:
        return ""
    cjk = has_cjk(text)
    if not cjk and text[0].islower():
        text = text[0].upper() + text[1:]
    if text[-1] not in "。！？.!?":
        text += "。" if cjk else "."
    return text


def suggestion_from(reference: str, clause: str) -> str:
    """The reference sentence that holds `clause`, whole when short enough, else the clause."""
    cjk = has_cjk(clause)
    for sentence in split_sentences(reference):
        if clause.strip() in sentence.text:
            whole = sentence.text if len(sentence.text) <= LONG["zh" if cjk else "en"] else clause
            return clean_sentence(whole)
    return clean_sentence(clause)
