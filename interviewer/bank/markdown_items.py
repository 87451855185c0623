"""Two more shapes of Markdown bank, where the questions are not headings: each question the
summary of a `<details>` block with its answer inside (`<details><summary>What is…?</summary>…`),
or each question a list item (`* What is…?`), its answer nested under it or missing."""

from __future__ import annotations

import bisect
import re
import textwrap
from collections.abc import Callable

from markdown_it.token import Token

from interviewer.bank.clean import Finding
from interviewer.bank.drafts import Draft

DETAILS = re.compile(r"<details[^>]*>\s*<summary[^>]*>(?P<q>.*?)</summary>(?P<a>.*?)</details>", re.S | re.I)
TAG = re.compile(r"</?(?:b|strong|i|em|u|br|p|div|span|summary|details|a|img|sup|sub|center)\b[^>]*>", re.I)
CODE_TAG = re.compile(r"<code>(.*?)</code>", re.I | re.S)
UI_WORDS = re.compile(
    r"^(?:show|hide|expand|collapse|view|see|click|answer|answers|solution|details|more|展开|收起|答案|查看|点击)\b",
    re.I,
)
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _text(html: str) -> str:
    """Text from a summary or answer: `<code>` becomes backticks, formatting tags go, and
    anything else in angle brackets (`kill -0 <PID>`) is kept as written."""
    return TAG.sub("", CODE_TAG.sub(lambda m: f"`{m.group(1)}`", html)).strip()


def _asks(text: str, pattern: re.Pattern) -> bool:
    return bool(pattern.search(text))


def _sections(lines: list[str]) -> Callable[[int], list[str]]:
    """The nearest heading above a line (the question's tag), found by bisection over the
    headings read once, not by scanning back from every question."""
    found = [
        (i, TAG.sub("", m.group(1)).strip())
        for i, line in enumerate(lines)
        if (m := HEADING_LINE.match(line))
    ]
    starts = [i for i, _ in found]

    def above(line: int) -> list[str]:
        position = bisect.bisect_left(starts, line) - 1
        return [found[position][1]] if position >= 0 else []

    return above


def summary_questions(text: str) -> tuple[list[Draft], list[Finding]]:
    """Questions asked in <details> summaries, their answers inside (devops-exercises' shape);
    any summary but a button's words ("Show", "Answer", "展开") is a question, asked or not."""
    section_at = _sections(text.split("\n"))
    drafts: list[Draft] = []
    findings: list[Finding] = []
    for match in DETAILS.finditer(text):
        question = _text(match.group("q"))
        if not question or UI_WORDS.match(question):
            continue
        answer = _text(re.sub(r"<br\s*/?>", "\n", match.group("a")))
        line = text[: match.start()].count("\n")
        reference = textwrap.dedent(answer).strip()
        if not reference:
            note = "no reference answer in the document; add one before grading against it"
            findings.append(Finding(line=line + 1, kind="empty", original=question[:40], note=note))
        drafts.append(
            Draft(
                number=len(drafts) + 1,
                text=question,
                reference=reference,
                line=line + 1,
                tags=section_at(line),
            )
        )
    return drafts, findings


def _item_text(line: str) -> str:
    """A list item's first line as a question: no marker, no link markup (the link's words)."""
    text = re.sub(r"^\s*(?:[-*+]|\d{1,4}[.)])\s+", "", line).strip()
    whole = re.match(r"^\[(.*)\]\([^)]*\)\s*$", text)  # greedy: "[why [code]?](url)" keeps "why [code]?"
    text = whole.group(1) if whole else LINK.sub(r"\1", text)
    return TAG.sub("", text).strip().strip("*_").strip()


def _items(tokens: list[Token], lines: list[str]) -> list[list[tuple[int, int, str]]]:
    """Top-level list items grouped by list: (first line, end line, text); contents links skipped."""
    lists: list[list[tuple[int, int, str]]] = []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0:
            lists.append([])
        elif token.type == "list_item_open" and token.level == 1 and token.map and lists:
            start, end = token.map
            if "](#" not in lines[start]:
                lists[-1].append((start, end, _item_text(lines[start])))
    return lists


def item_questions(tokens: list[Token], text: str, asks: re.Pattern) -> tuple[list[Draft], list[Finding]]:
    """Questions that are list items, in lists where at least half the items ask (the rest of
    such a list too: "Make this work:"); nested items that ask are the question's follow-ups,
    anything else nested is its answer."""
    lines = text.split("\n")
    section_at = _sections(lines)
    drafts: list[Draft] = []
    findings: list[Finding] = []
    for items in _items(tokens, lines):
        if not items or sum(_asks(t, asks) for _, _, t in items) * 2 < len(items):
            continue
        for start, end, question in items:
            if not question:
                continue
            nested = textwrap.dedent("\n".join(lines[start + 1 : end])).split("\n")
            follow_ups = [
                _item_text(n) for n in nested if re.match(r"^\s*[-*+]\s", n) and _asks(_item_text(n), asks)
            ]
            body = [n for n in nested if not (re.match(r"^\s*[-*+]\s", n) and _item_text(n) in follow_ups)]
            draft = Draft(
                len(drafts) + 1,
                question,
                "\n".join(body).strip(),
                line=start + 1,
                tags=section_at(start),
            )
            draft.follow_ups = follow_ups
            if not draft.reference:
                note = "no reference answer in the document; add one before grading against it"
                findings.append(Finding(line=start + 1, kind="empty", original=question[:40], note=note))
            drafts.append(draft)
    return drafts, findings
