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
TAG = re.compile(r"<[^>]+>")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _asks(text: str, pattern: re.Pattern) -> bool:
    return bool(pattern.search(text))


def _section_at(lines: list[str], line: int) -> list[str]:
    """The nearest heading above `line`: the question's tag."""
    for index in range(min(line, len(lines)) - 1, -1, -1):
        match = HEADING_LINE.match(lines[index])
        if match:
            return [TAG.sub("", match.group(1)).strip()]
    return []


def summary_questions(text: str, asks: re.Pattern) -> list[Draft]:
    """Questions asked in <details> summaries, their answers inside (devops-exercises' shape)."""
    lines = text.split("\n")
    drafts = []
    for match in DETAILS.finditer(text):
        question = TAG.sub("", match.group("q")).strip()
        if not question or not _asks(question, asks):
            continue
        answer = TAG.sub("", re.sub(r"<br\s*/?>", "\n", match.group("a"))).strip()
        line = text[: match.start()].count("\n")
        drafts.append(
            Draft(
                number=len(drafts) + 1,
                text=question,
                reference=textwrap.dedent(answer).strip(),
                line=line + 1,
                tags=_section_at(lines, line),
            )
        )
    return drafts


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
