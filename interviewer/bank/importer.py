"""Turning the documents people have into bank files, reporting every change made on the way.

Numbered question-and-answer text (as copied from a document site), Markdown with a heading
per question, CSV from a spreadsheet, and JSON all become the same `Bank`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.bank.clean import Finding, clean_line
from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.errors import BankError
from interviewer.text.chinese import count_cjk, has_cjk

SITE_START = ("文檔簡介", "文档简介")
SITE_END = ("溫馨提示", "温馨提示")
HEADER = re.compile(r"(?:问题|問題|题目|題目|Question|Q)\s*(\d{1,3})\s*[:：.、]\s*", re.IGNORECASE)
MD_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$", re.MULTILINE)
QUESTION_PREFIX = re.compile(
    r"^(?:(?:问题|問題|Question|Q)\s*\d{1,3}\s*[:：.、]?|\d{1,3}\s*[.、:：)])\s*", re.I
)
SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]")
ENDS_SENTENCE = re.compile(r"[。！？!?.…」』”\")）)\]]\s*$")
ASKS = re.compile(r"^\s*(请|請|Please|Explain|Describe|Give)", re.IGNORECASE)
KEY_POINTS_HEADING = re.compile(
    r"^\s*(?:\*\*)?(?:key points|要点|要點|关键点)(?:\*\*)?\s*[:：]?\s*$", re.I | re.M
)


@dataclass
class Imported:
    bank: Bank
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Draft:
    number: int
    text: str
    reference: str
    key_points: list[KeyPoint] = field(default_factory=list)
    line: int = 0


def detect_language(text: str) -> str:
    han = count_cjk(text)
    letters = sum(1 for c in text if c.isalpha())
    return "zh-CN" if letters and han / letters > 0.3 else "en"


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "imported-bank"


def split_question(block: str) -> tuple[str, str]:
    """Where a document glues question and answer together, the question ends after its last
    interrogative sentence: the first `?`, then any sentence that also asks or starts `请…`."""
    sentences = SENTENCE.findall(block)
    asked = next((i for i, s in enumerate(sentences) if s.rstrip()[-1:] in "？?" or ASKS.match(s)), None)
    if asked is None or sum(len(s) for s in sentences[: asked + 1]) > 400:
        return block.strip(), ""
    end = asked + 1
    while (
        end < len(sentences)
        and len(sentences[end]) < 80
        and (sentences[end].rstrip()[-1:] in "？?" or ASKS.match(sentences[end]))
    ):
        end += 1
    split_at = sum(len(s) for s in sentences[:end])
    return block[:split_at].strip(), block[split_at:].strip()


def _from_numbered_text(text: str, first_line: int) -> tuple[str, list[Draft]]:
    matches = list(HEADER.finditer(text))
    if not matches:
        return "", []
    title = text[: matches[0].start()].strip().splitlines()[-1:] if text[: matches[0].start()].strip() else []
    drafts = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        block = text[match.end() : end].strip()
        line = first_line + text[: match.start()].count("\n")
        if "\n" in block and block.split("\n", 1)[0].strip():
            question, reference = (part.strip() for part in block.split("\n", 1))
            if not reference:
                question, reference = split_question(question)
        else:
            question, reference = split_question(block)
        drafts.append(Draft(number=int(match.group(1)), text=question, reference=reference, line=line))
    return (title[0].strip() if title else ""), drafts


def _key_points_from_lines(lines: list[str], prefix: str) -> list[KeyPoint]:
    """`text (keywords: a, b; synonyms: c)` or `text :: a, b :: c`, one per line."""
    points = []
    for raw in lines:
        item = raw.strip().lstrip("-*•").strip()
        if not item:
            continue
        keywords: list[str] = []
        synonyms: list[str] = []
        if "::" in item:
            parts = [p.strip() for p in item.split("::")]
            item = parts[0]
            keywords = (
                [w.strip() for w in re.split(r"[,，、]", parts[1]) if w.strip()] if len(parts) > 1 else []
            )
            synonyms = (
                [w.strip() for w in re.split(r"[,，、]", parts[2]) if w.strip()] if len(parts) > 2 else []
            )
        points.append(
            KeyPoint(id=f"{prefix}-k{len(points) + 1}", text=item, keywords=keywords, synonyms=synonyms)
        )
    return points


def _from_markdown(text: str) -> tuple[str, list[Draft]]:
    headings = list(MD_HEADING.finditer(text))
    if not headings:
        return "", []
    top = min(len(h.group(1)) for h in headings)
    title = ""
    question_level = top
    if sum(len(h.group(1)) == top for h in headings) == 1 and len(headings) > 1:
        title = headings[0].group(2)
        question_level = min(len(h.group(1)) for h in headings[1:])
    questions = [h for h in headings if len(h.group(1)) == question_level]
    drafts = []
    for index, heading in enumerate(questions):
        end = questions[index + 1].start() if index + 1 < len(questions) else len(text)
        body = text[heading.end() : end]
        body = MD_HEADING.sub("", body) if question_level == top else body
        points: list[KeyPoint] = []
        split = KEY_POINTS_HEADING.search(body)
        if split:
            points = _key_points_from_lines(body[split.end() :].splitlines(), f"q{index + 1}")
            body = body[: split.start()]
        number_match = re.match(r"(?:问题|問題|Question|Q)?\s*(\d{1,3})", heading.group(2), re.I)
        number = int(number_match.group(1)) if number_match else index + 1
        drafts.append(
            Draft(
                number=number,
                text=QUESTION_PREFIX.sub("", heading.group(2)).strip(),
                reference=body.strip(),
                key_points=points,
                line=text[: heading.start()].count("\n") + 1,
            )
        )
    return title, drafts


def _pick(row: dict[str, str], *names: str) -> str:
    lowered = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
    return next((lowered[n].strip() for n in names if lowered.get(n, "").strip()), "")


def _from_csv(text: str, source: str) -> list[Draft]:
    reader = csv.DictReader(io.StringIO(text))
    drafts = []
    for index, row in enumerate(reader, start=1):
        question = _pick(row, "question", "问题", "問題", "text")
        if not question:
            raise BankError(
                source, "a row has no question (columns: question, reference, key_points)", index + 1
            )
        number_text = _pick(row, "number", "no", "编号", "#")
        number = int(number_text) if number_text.isdigit() else index
        points = _key_points_from_lines(
            _pick(row, "key_points", "keypoints", "要点").splitlines(), f"q{number}"
        )
        reference = _pick(row, "reference", "answer", "参考答案", "答案")
        drafts.append(
            Draft(number=number, text=question, reference=reference, key_points=points, line=index + 1)
        )
    return drafts


def _from_json(text: str, source: str) -> tuple[dict, list[Draft]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankError(source, f"not valid JSON: {exc.msg}", exc.lineno) from None
    meta: dict = {}
    if isinstance(data, dict):
        meta = {k: v for k, v in data.items() if k != "questions"}
        data = data.get("questions", [])
    if not isinstance(data, list):
        raise BankError(source, "JSON must be a list of questions or an object with a 'questions' list", 1)
    drafts = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not (item.get("text") or item.get("question")):
            raise BankError(source, f"question {index} has no 'text' or 'question' field")
        number = int(item.get("number") or index)
        points = [
            KeyPoint.model_validate(
                {"id": f"q{number}-k{i}", **p}
                if isinstance(p, dict)
                else {"id": f"q{number}-k{i}", "text": p}
            )
            for i, p in enumerate(item.get("key_points") or [], start=1)
        ]
        drafts.append(
            Draft(
                number=number,
                text=str(item.get("text") or item.get("question")),
                reference=str(item.get("reference") or item.get("answer") or ""),
                key_points=points,
            )
        )
    return meta, drafts


def _strip_site_text(lines: list[str], findings: list[Finding]) -> tuple[int, int]:
    """The first and last line index (exclusive) of the document's own content."""
    start, end = 0, len(lines)
    for index, line in enumerate(lines):
        if any(marker in line for marker in SITE_START):
            start = index + 1
            break
    for index in range(start, len(lines)):
        if any(marker in lines[index] for marker in SITE_END):
            end = index
            break
    if start:
        findings.append(
            Finding(
                line=1,
                kind="site-text",
                original=f"lines 1-{start}",
                note="site text before the document, dropped",
            )
        )
    if end < len(lines):
        findings.append(
            Finding(
                line=end + 1,
                kind="site-text",
                original=f"lines {end + 1}-{len(lines)}",
                note="site text after the document, dropped",
            )
        )
    return start, end


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BankError(str(path), "cannot decode the file as UTF-8 or GB18030; save it as UTF-8")


def import_document(path: str | Path, language: str | None = None, bank_id: str | None = None) -> Imported:
    path = Path(path)
    if not path.is_file():
        raise BankError(str(path), "no such file")
    text = _read_text(path).replace("\r\n", "\n")
    language = language or detect_language(text)
    simplified = language.lower() in ("zh-cn", "zh-hans", "zh-sg", "zh")
    findings: list[Finding] = []
    suffix = path.suffix.lower()
    meta: dict = {}
    title = ""
    if suffix == ".csv":
        drafts = _from_csv(text, str(path))
    elif suffix == ".json":
        meta, drafts = _from_json(text, str(path))
    else:
        lines = text.split("\n")
        start, end = _strip_site_text(lines, findings)
        cleaned = "\n".join(
            clean_line(line, start + i + 1, findings, simplified) for i, line in enumerate(lines[start:end])
        )
        if suffix in (".md", ".markdown"):
            title, drafts = _from_markdown(cleaned)
        else:
            title, drafts = _from_numbered_text(cleaned, start + 1)
    if not drafts:
        raise BankError(
            str(path),
            "found no questions (expected `问题1：`, `Question 1:`, `Q1.`, Markdown headings, CSV or JSON)",
        )
    questions = []
    for draft in drafts:
        incomplete = bool(draft.reference) and not ENDS_SENTENCE.search(draft.reference)
        if incomplete:
            findings.append(
                Finding(
                    line=draft.line or 1,
                    kind="truncated",
                    original=draft.reference[-20:],
                    note=f"question {draft.number}'s answer stops mid-sentence; marked incomplete",
                )
            )
        questions.append(
            Question(
                id=f"q{draft.number}",
                number=draft.number,
                text=draft.text,
                reference=draft.reference,
                key_points=draft.key_points,
                incomplete=incomplete,
            )
        )
    title = meta.get("title") or title or path.stem
    bank = Bank(
        id=bank_id or meta.get("id") or _slug(path.stem if has_cjk(title) else title),
        title=title,
        language=meta.get("language") or language,
        role=meta.get("role", ""),
        source=meta.get("source") or path.name,
        version=str(meta.get("version", "1")),
        questions=questions,
    )
    return Imported(bank=bank, findings=findings)
