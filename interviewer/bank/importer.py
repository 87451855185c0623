"""Turning the documents people have into bank files, reporting every change made on the way.

Markdown goes through a real parser (`bank/markdown.py`), CSV, JSON and YAML through their own
readers with column and key aliases (`bank/tables.py`), and numbered question-and-answer text
(as copied from a document site) through the patterns below. All become the same `Bank`, with
one sentence saying where the questions were found and a finding for every repair and doubt.
Nothing in a code block or inline code is ever rewritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from interviewer.bank import markdown, tables
from interviewer.bank.clean import Finding, clean_line
from interviewer.bank.drafts import Draft, Found, Imported
from interviewer.bank.endings import looks_cut
from interviewer.bank.models import LANGUAGE_TAG, Bank, Question
from interviewer.bank.rules import SITE_END, SITE_START
from interviewer.errors import BankError
from interviewer.text.chinese import count_cjk, has_cjk, to_simplified

HEADER = re.compile(
    r"(?:问题|問題|题目|題目|Question|Q)\s*(\d{1,3})\s*[:：.、]\s*|(?m:^)(?:问题|問題|题目|Question)\s*[:：]\s*",
    re.IGNORECASE,
)
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]")
ASKS = re.compile(r"^\s*(请|請|Please|Explain|Describe|Give)", re.IGNORECASE)
LETTER = re.compile(r"[^\W\d_]")
PROTECTED = re.compile(  # inline code, a link's target, a URL, an HTML tag: never rewritten
    r"(`+)(?:(?!\1).)+?\1|\]\([^)\s]*\)|https?://[^\s)>\]]+|<[a-zA-Z/!][^<>]*>"
)
TABLES = {".csv": tables.from_csv, ".tsv": tables.from_csv, ".json": tables.from_json}
TABLES |= {".yaml": tables.from_yaml, ".yml": tables.from_yaml}


def detect_language(text: str) -> str:
    """Chinese when Han is over 30% of the letters (of a large sample: enough to tell)."""
    sample = text[:50_000]
    han = count_cjk(sample)
    letters = len(LETTER.findall(sample))
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
        if re.fullmatch(r"\s*(```|~~~).*\1\s*", reference, re.S):  # only code: it is what is asked about
            question, reference = f"{question}\n\n{reference.strip()}", ""
        number = int(match.group(1)) if match.group(1) else index + 1
        drafts.append(Draft(number=number, text=question, reference=reference, line=line))
    return (title[0].strip() if title else ""), drafts


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


def _clean_outside_code(
    text: str, tokens: list, first: int, findings: list[Finding], simplified: bool, site: bool
) -> str:
    """Repair prose line by line; code blocks and inline code stay byte for byte."""
    lines = text.split("\n")
    code: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            code.update(range(token.map[0], token.map[1]))
    out = []
    for index, line in enumerate(lines):
        if index in code:
            out.append(line)
            continue
        kept = [m.span() for m in PROTECTED.finditer(line)]
        edges = [0, *[edge for span in kept for edge in span], len(line)]
        pieces = [line[edges[i] : edges[i + 1]] for i in range(len(edges) - 1)]  # prose, kept, prose…
        out.append(
            "".join(
                clean_line(piece, first + index, findings, simplified, site) if i % 2 == 0 else piece
                for i, piece in enumerate(pieces)
            )
        )
    return "\n".join(out)


def read_document(path: Path) -> str:
    """The document's text; an empty, binary or undecodable file is one line saying so."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BankError(str(path), f"cannot read it ({exc.strerror})") from None
    if not raw.strip():
        raise BankError(str(path), "the file is empty; export the questions into it first")
    if b"\x00" in raw[:8192]:
        raise BankError(
            str(path),
            "this is a binary file, not a text document; save it as UTF-8 text (Markdown, CSV, JSON, YAML)",
        )
    text, _ = tables.decode(raw, str(path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_document(path: Path, text: str, simplified: bool) -> Found:
    """Markdown or numbered text, repaired outside code, site wrapping removed."""
    findings: list[Finding] = []
    front = FRONT_MATTER.match(text)  # a static site's front matter: its title, and blank lines
    if front:
        text = "\n" * front.group(0).count("\n") + text[front.end() :]
    lines = text.split("\n")
    start, end = _strip_site_text(lines, findings)
    document = "\n".join(lines[start:end])
    simplified = simplified and to_simplified(document) != document  # one look for the whole text
    tokens = markdown.PARSER.parse(document)
    site = bool(start) or end < len(lines) or bool(HEADER.search(document) and path.suffix.lower() == ".txt")
    cleaned = _clean_outside_code(document, tokens, start + 1, findings, simplified, site)
    found = Found(drafts=[])
    if path.suffix.lower() in (".md", ".markdown") or not HEADER.search(cleaned):
        found = markdown.from_markdown(cleaned, tokens)
    if not found.drafts:
        title, drafts = _from_numbered_text(cleaned, start + 1)
        summary = f"{len(drafts)} questions numbered like 问题1： / Question 1: in the text"
        found = Found(drafts=drafts, title=title, summary=summary)
    found.findings = findings + found.findings
    title = re.search(r"^title:\s*(.+)$", front.group(1), re.M) if front else None
    found.title = found.title or (title.group(1).strip().strip("\"'") if title else "")
    return found


def _language(language: str | None, text: str) -> str:
    if language is None:
        return detect_language(text)
    if not LANGUAGE_TAG.match(language):
        raise BankError("--language", f"{language!r} is not a language tag; use one such as en, zh-CN or ja")
    return language


def _questions(drafts: list[Draft], findings: list[Finding]) -> list[Question]:
    """Questions numbered as the document numbers them when that is unique, else in order; a
    reference that stops mid-sentence is marked incomplete."""
    numbers = [d.number for d in drafts]
    if len(set(numbers)) != len(numbers):
        note = "the document's numbers repeat or skip; questions are numbered in order"
        findings.append(Finding(line=drafts[0].line or 1, kind="structure", original="numbering", note=note))
        numbers = list(range(1, len(drafts) + 1))
    questions = []
    for number, draft in zip(numbers, drafts, strict=True):
        incomplete = bool(draft.reference) and looks_cut(draft.reference)
        if incomplete:
            note = f"question {number}'s answer stops mid-sentence; marked incomplete"
            findings.append(
                Finding(line=draft.line or 1, kind="truncated", original=draft.reference[-20:], note=note)
            )
        points = [p.model_copy(update={"id": f"q{number}-k{i}"}) for i, p in enumerate(draft.key_points, 1)]
        questions.append(
            Question(
                id=f"q{number}",
                number=number,
                text=draft.text,
                reference=draft.reference,
                key_points=points,
                tags=draft.tags,
                incomplete=incomplete,
                follow_ups=draft.follow_ups,
            )
        )
    return questions


def import_document(
    path: str | Path,
    language: str | None = None,
    bank_id: str | None = None,
    *,
    question_col: str | None = None,
    answer_col: str | None = None,
    merge_duplicates: bool = False,
) -> Imported:
    path = Path(path)
    if not path.is_file():
        raise BankError(str(path), "no such file")
    text = read_document(path)
    language = _language(language, text)
    simplified = language.lower() in ("zh-cn", "zh-hans", "zh-sg", "zh")
    reader = TABLES.get(path.suffix.lower())
    if reader is tables.from_csv:
        found = tables.from_csv(text, str(path), question_col, answer_col, merge_duplicates=merge_duplicates)
    elif reader is not None:
        found = reader(text, str(path))
    else:
        found = _text_document(path, text, simplified)
    if not found.drafts:
        raise BankError(
            str(path),
            "found no questions (expected Markdown question headings, `问题1：` / `Question 1:` lines, "
            "or CSV, JSON or YAML with a question column)",
        )
    findings = list(found.findings)
    meta = found.meta
    title = str(meta.get("title") or found.title or path.stem)
    try:
        bank = Bank(
            id=bank_id or meta.get("id") or _slug(path.stem if has_cjk(title) else title),
            title=title,
            language=meta.get("language") or language,
            role=str(meta.get("role", "")),
            source=str(meta.get("source") or path.name),
            version=str(meta.get("version", "1")),
            questions=_questions(found.drafts, findings),
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise BankError(str(path), f"{where}: {error['msg']}; fix it in the document or pass --id") from None
    return Imported(bank=bank, findings=findings, summary=found.summary)
