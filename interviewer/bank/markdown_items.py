"""Two more shapes of Markdown bank, where the questions are not headings: each question the
summary of a `<details>` block with its answer inside (`<details><summary>What is…?</summary>…`),
or each question a list item (`* What is…?`), its answer nested under it or missing."""

from __future__ import annotations

import re
import textwrap

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


def _section_at(lines: list[str], line: int) -> list[str]:
    """The nearest heading above `line`: the question's tag."""
    for index in range(min(line, len(lines)) - 1, -1, -1):
        match = HEADING_LINE.match(lines[index])
        if match:
            return [TAG.sub("", match.group(1)).strip()]
    return []


def summary_questions(text: str) -> tuple[list[Draft], list[Finding]]:
    """Questions asked in <details> summaries, their answers inside (devops-exercises' shape);
    any summary but a button's words ("Show", "Answer", "展开") is a question, asked or not."""
    lines = text.split("\n")
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
                tags=_section_at(lines, line),
            )
        )
    return drafts, findings


def item_questions(tokens: list[Token], text: str, asks: re.Pattern) -> tuple[list[Draft], list[Finding]]:
    """Questions that are list items, with whatever is nested under them as the answer."""
    lines = text.split("\n")
    drafts: list[Draft] = []
    findings: list[Finding] = []
    for index, token in enumerate(tokens):
        if token.type != "list_item_open" or not token.map or token.level > 1:
            continue
        inline = next((t for t in tokens[index + 1 : index + 4] if t.type == "inline"), None)
        if inline is None:
            continue
        first, _, rest = inline.content.partition("\n")
        question = LINK.sub(r"\1", TAG.sub("", first)).strip().strip("*_").strip()
        if not question or not _asks(question, asks):
            continue
        start, end = token.map
        body = textwrap.dedent("\n".join([rest, *lines[start + 1 + rest.count("\n") + bool(rest) : end]]))
        draft = Draft(
            number=len(drafts) + 1,
            text=question,
            reference=body.strip(),
            line=start + 1,
            tags=_section_at(lines, start),
        )
        if not draft.reference:
            note = "no reference answer in the document; add one before grading against it"
            findings.append(Finding(line=start + 1, kind="empty", original=question[:40], note=note))
        drafts.append(draft)
    return drafts, findings
