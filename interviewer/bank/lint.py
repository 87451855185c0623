"""Checks a person runs on a bank before trusting it: every finding with file:line.

Import repairs what it can be sure of; lint names what it could not decide: navigation taken
for a question, several questions glued into one reference, duplicates, leftover HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from interviewer.bank.clean import PINYIN, SUSPECT
from interviewer.bank.endings import looks_cut
from interviewer.bank.loader import load_bank_file
from interviewer.bank.markdown import NAVIGATION
from interviewer.bank.models import Bank, Question
from interviewer.errors import BankError
from interviewer.text import yamltext
from interviewer.text.chinese import to_simplified

Severity = Literal["error", "warning", "info"]
Check = tuple[Severity, str, str]  # severity, text to find the line by ("" for the entry), message

MAX_REFERENCE = 20_000  # characters; longer is most often several answers run together
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"<[^>]*>")
TRAILING_TAGS = re.compile(r"(?:\s*</?[a-z][^>]*>)+\s*$", re.I)  # `…forget.</p>`: the sentence ended
LEFTOVER_HTML = re.compile(r"</?(?:details|summary|p|div|br)\b[^>]*>|<a\s+name\s*=[^>]*>", re.I)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
FENCE = re.compile(r"^\s*(```|~~~)")
QUESTION_LINE = re.compile(
    r"^\s*(?:#{1,6}\s+|(?:\*\*)?(?:\d{1,4}(?:[.)）]\s+|、\s*)|(?:问题|問題|题目|Question|Q)\s*\d{1,4}\s*[:：.、]))"
    r".*[?？]\s*(?:\*\*)?\s*$",
    re.I,
)


class LintFinding(BaseModel):
    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def _question_lines(text: str) -> dict[int, int]:
    """Question index to the line of its entry, from the YAML node tree."""
    root = yaml.compose(text, Loader=yamltext.SafeLoader)
    for key, value in root.value:
        if key.value == "questions" and isinstance(value, yaml.SequenceNode):
            return {i: node.start_mark.line + 1 for i, node in enumerate(value.value)}
    return {}


def _field_line(lines: list[str], start: int, end: int, needle: str) -> int:
    """The first line of the question's entry (lines `start` to `end`) that holds `needle`;
    the entry's first line when none does, as when YAML escaped the text."""
    for index in range(start - 1, min(end - 1, len(lines))):
        if needle in lines[index]:
            return index + 1
    return start


def prose_lines(text: str) -> Iterator[str]:
    """The lines outside code fences, inline code removed: what a reader takes for prose."""
    fence = ""
    for line in text.split("\n"):
        opened = FENCE.match(line)
        if fence:
            fence = "" if opened and opened.group(1) == fence else fence
        elif opened:
            fence = opened.group(1)
        else:
            yield INLINE_CODE.sub("", line)


def is_navigation(text: str) -> bool:
    """Whether a question's text is a heading of the document's furniture, such as a table of
    contents or "back to top", which an import can take for a question."""
    plain = TAG.sub("", LINK.sub(r"\1", text))
    plain = re.sub(r"^[\W\d_]+|[\W_]+$", "", plain).strip()
    return bool(plain) and bool(NAVIGATION.match(plain))


def _traditional(value: str) -> str | None:
    """The first character the phrase-aware conversion changes. The conversion is slow (seconds
    for a big bank), so it runs only on text with a character that converts on its own (each
    character is converted once, then remembered)."""
    if all(to_simplified(char) == char for char in set(value)):
        return None
    return next((a for a, b in zip(value, to_simplified(value), strict=False) if a != b), None)


def _text_checks(label: str, field: str, value: str, chinese: bool) -> Iterator[Check]:
    """Damage a copy from a document site leaves in any text: pinyin, mojibake, traditional
    characters in a simplified bank, HTML the importer did not take out."""
    pinyin = PINYIN.findall(value)
    if pinyin:
        yield "error", pinyin[0], f"{label} {field}: {len(pinyin)} pinyin annotations such as ({pinyin[0]})"
    for match in SUSPECT.finditer(value):
        snippet = value[max(0, match.start() - 4) : match.end() + 4]
        before = value[max(0, match.start() - 4) : match.start()] or snippet
        yield "error", before, f"{label} {field}: possible mojibake near {snippet!r}"
    char = _traditional(value) if chinese else None
    if char:
        yield "warning", char, f"{label} {field}: traditional character {char!r} in a simplified bank"
    tags = [m.group(0) for line in prose_lines(value) for m in LEFTOVER_HTML.finditer(line)]
    if tags:
        shown = ", ".join(dict.fromkeys(tags[:5]))
        # in a question the tags are read aloud and shown; in a reference they only clutter it
        severity: Severity = "warning" if field == "text" else "info"
        yield severity, tags[0], f"{label} {field}: leftover HTML {shown}; remove the tags"


def _reference_checks(label: str, question: Question) -> Iterator[Check]:
    """A reference must be there, end where its source ended, and answer one question only."""
    reference = question.reference
    if not reference.strip():
        yield "error", "", f"{label}: empty reference answer"
        return
    if looks_cut(TRAILING_TAGS.sub("", reference)) and not question.incomplete:
        yield (
            "error",
            "reference",
            f"{label}: reference stops mid-sentence; mark it `incomplete: true` or finish it",
        )
    if len(reference) > MAX_REFERENCE:
        yield (
            "warning",
            "reference",
            f"{label}: reference is {len(reference):,} characters (over {MAX_REFERENCE:,}); "
            "it may be several questions run together",
        )
    asked = [line.strip() for line in prose_lines(reference) if QUESTION_LINE.match(line)]
    if asked:
        more = f" and {len(asked) - 1} more" if len(asked) > 1 else ""
        yield (
            "warning",
            asked[0],
            f"{label}: reference holds another question, {asked[0]!r}{more}; split it into its own question",
        )


def _question_checks(label: str, question: Question, path: Path) -> Iterator[Check]:
    """What a question needs to be asked and graded: to be a question, and key points with words."""
    if is_navigation(question.text):
        yield (
            "warning",
            "",
            f"{label} is not a question: {question.text!r} is navigation or boilerplate; delete it",
        )
    if not question.key_points:
        yield "warning", "", f"{label}: no key points; draft them with `interviewer bank keypoints {path}`"
    for point in question.key_points:
        if not point.keywords and not point.synonyms:
            yield (
                "warning",
                point.id,
                f"{label} key point {point.id}: no keywords or synonyms for offline grading",
            )


def _duplicates(bank: Bank) -> Iterator[tuple[int, Check]]:
    """Questions asked twice (whitespace and case aside), reported at the later one."""
    first: dict[str, Question] = {}
    for index, question in enumerate(bank.questions):
        key = " ".join(question.text.split()).casefold()
        if key in first:
            earlier = first[key].number
            message = f"questions {earlier} and {question.number} are the same question: {question.text!r}"
            yield index, ("warning", "", message)
        else:
            first[key] = question


def _checks(bank: Bank, path: Path) -> Iterator[tuple[int, Check]]:
    """Every finding of the bank, with the index of the question it belongs to."""
    chinese = bank.language.lower() in ("zh-cn", "zh", "zh-hans")
    for index, question in enumerate(bank.questions):
        label = f"question {question.number}"
        for field, value in (("text", question.text), ("reference", question.reference)):
            yield from ((index, check) for check in _text_checks(label, field, value, chinese))
        yield from ((index, check) for check in _reference_checks(label, question))
        yield from ((index, check) for check in _question_checks(label, question, path))
    yield from _duplicates(bank)


def lint_bank(path: str | Path) -> list[LintFinding]:
    """Every finding in file order; a file that does not load is one error at its line."""
    path = Path(path)
    try:
        bank = load_bank_file(path)
    except BankError as exc:
        message = str(exc).split(": ", 1)[-1]
        return [LintFinding(path=str(path), line=exc.line or 1, severity="error", message=message)]
    checks = list(_checks(bank, path))
    if not checks:
        return []  # a clean bank is not composed a second time just to find lines
    text = path.read_text(encoding="utf-8-sig")
    starts = _question_lines(text)
    lines = text.splitlines()
    found = []
    for index, (severity, needle, message) in checks:
        start = starts.get(index, 1)
        end = starts.get(index + 1, len(lines) + 1)
        line = _field_line(lines, start, end, needle) if needle else start
        found.append(LintFinding(path=str(path), line=line, severity=severity, message=message))
    return sorted(found, key=lambda finding: finding.line)
