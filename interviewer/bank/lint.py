"""Checks a person runs on a bank before trusting it: every finding with file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from interviewer.bank.clean import PINYIN, SUSPECT
from interviewer.bank.importer import ENDS_SENTENCE
from interviewer.bank.loader import load_bank_file
from interviewer.errors import BankError
from interviewer.text.chinese import to_simplified


class LintFinding(BaseModel):
    path: str
    line: int
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def _question_lines(text: str) -> dict[int, int]:
    """Question index to the line of its entry, from the YAML node tree."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    for key, value in root.value:
        if key.value == "questions" and isinstance(value, yaml.SequenceNode):
            return {i: node.start_mark.line + 1 for i, node in enumerate(value.value)}
    return {}


def _field_line(text: str, start: int, needle: str) -> int:
    lines = text.splitlines()
    for index in range(start - 1, len(lines)):
        if needle in lines[index]:
            return index + 1
    return start


def lint_bank(path: str | Path) -> list[LintFinding]:
    path = Path(path)
    try:
        bank = load_bank_file(path)
    except BankError as exc:
        return [
            LintFinding(
                path=str(path), line=exc.line or 1, severity="error", message=str(exc).split(": ", 1)[-1]
            )
        ]
    text = path.read_text(encoding="utf-8-sig")
    starts = _question_lines(text)
    found: list[LintFinding] = []

    def add(severity: str, index: int, needle: str, message: str) -> None:
        line = _field_line(text, starts.get(index, 1), needle) if needle else starts.get(index, 1)
        found.append(LintFinding(path=str(path), line=line, severity=severity, message=message))

    for index, q in enumerate(bank.questions):
        label = f"question {q.number}"
        for field, value in (("text", q.text), ("reference", q.reference)):
            pinyin = PINYIN.findall(value)
            if pinyin:
                add(
                    "error",
                    index,
                    pinyin[0],
                    f"{label} {field}: {len(pinyin)} pinyin annotations such as ({pinyin[0]})",
                )
            for match in SUSPECT.finditer(value):
                snippet = value[max(0, match.start() - 4) : match.end() + 4]
                add(
                    "error",
                    index,
                    value[max(0, match.start() - 4) : match.start()] or snippet,
                    f"{label} {field}: possible mojibake near {snippet!r}",
                )
            if bank.language.lower() in ("zh-cn", "zh", "zh-hans"):
                char = next((a for a, b in zip(value, to_simplified(value), strict=False) if a != b), None)
                if char:
                    add(
                        "warning",
                        index,
                        char,
                        f"{label} {field}: traditional character {char!r} in a simplified bank",
                    )
        if not q.reference.strip():
            add("error", index, "", f"{label}: empty reference answer")
        elif not ENDS_SENTENCE.search(q.reference) and not q.incomplete:
            add(
                "error",
                index,
                "reference",
                f"{label}: reference stops mid-sentence; mark it `incomplete: true` or finish it",
            )
        if not q.key_points:
            add(
                "warning",
                index,
                "",
                f"{label}: no key points; draft them with `interviewer bank keypoints {path}`",
            )
        for point in q.key_points:
            if not point.keywords and not point.synonyms:
                add(
                    "warning",
                    index,
                    point.id,
                    f"{label} key point {point.id}: no keywords or synonyms for offline grading",
                )
    return found
