"""Questions from Markdown, read through a real parser (markdown-it-py), not line patterns.

Which headings are questions is decided by structure and by how question-like they read, not
by "the shallowest heading": the question level is the one with the most question-like
headings; a heading inside a list item's answer or inside a `<details>` answer is part of that
answer; a section (a heading that is not a question, or that holds questions) becomes a tag;
navigation (a table of contents, a disclaimer, "back to top", 参考, 待完成) is skipped with all
that sits under it. A question-like heading under a question is kept as its own question, with
a finding, never folded into its parent's answer.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from interviewer.bank.clean import Finding
from interviewer.bank.drafts import Draft, Found, key_points_from_lines
from interviewer.bank.markdown_items import item_questions, summary_questions

NUMBERING = re.compile(
    r"^\s*(?:(?:问题|問題|题目|Question|Q)\s*)?\d{1,4}\s*[.、:：)）]\s*|^\s*第\s*\d+\s*题[:：、.]?\s*", re.I
)
ASKS = re.compile(
    r"[?？]\s*$|^(?:what|how|why|when|where|which|who|whom|whose|is|are|can|could|should|would|will|do|"
    r"does|did|explain|describe|define|compare|give|tell|write|implement|discuss|differentiate|distinguish)\b|"
    r"^(?:design|list|name|build|create)\s+(?:a|an|the|some|all|two|three|\d+)\b|difference between|什么|如何|为什么|为何|怎么|怎样|哪些|哪个|是否|能否|"
    r"^请|说说|谈谈|简述|简要|介绍一下|解释|区别|输出|有何|有哪|哪里|哪儿|多少|几种|几个",
    re.I,
)
NAVIGATION = re.compile(
    r"^(?:table of contents|contents|toc|index|disclaimer|back to top|licen[cs]e|contributing|contributors|"
    r"contribution|foreword|preface|related projects?|acknowledge?ments?|sponsors?|changelog|credits|"
    r"目录|参考|参考资料|参考文献|参考链接|待完成|待补充|未完成|更新日志|致谢|声明|免责声明|贡献|许可|许可证|说明)$",
    re.I,
)
ANSWER_SUMMARY = re.compile(
    r"^(?:答案|答|解答|解析|参考答案|查看答案|展开|点击展开|answer|answers|solution|show answer|view answer|"
    r"see answer|show|expand)\b",
    re.I,
)
BACK_TO_TOP = re.compile(r"^\W*\[[^\]]*(?:back to top|返回顶部|回到顶部|⬆)[^\]]*\]\(#[^)]*\)\W*$", re.I)
TAG_LINE = re.compile(r"^\s*</?(?:p|br|div|details|summary|b|hr|center)\b[^>]*>\s*$", re.I)
SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.I | re.S)
WRAPPER = re.compile(r"\s*</?(?:details|summary|p|div|center)\b[^>]*>\s*", re.I)
HTML_TAG = re.compile(r"<[^>]+>")
COMMENT = re.compile(r"<!--.*?-->", re.S)
LINK_MARKUP = re.compile(r"!?\[[^\]]*\]\([^)]*\)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
OPTION = re.compile(r"^\s*[-*+]\s+\[( |x|X)\]\s+(.*)$")
KEY_POINTS = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?(?:key points|good to hear|要点|要點|关键点)(?:\*\*)?\s*[:：]?\s*$", re.I
)

PARSER = MarkdownIt("commonmark").disable("inline")  # block structure is all we read; twice as fast
LIST_MARK = re.compile(r"^\s*(?:\d{1,9}[.)]|[-*+])\s+")
CODE_SPAN = re.compile(r"(`+).+?\1")


@dataclass
class Heading:
    level: int
    text: str
    line: int  # first line, 0-based
    end: int  # the line after the heading
    opens_item: bool = False  # the first block of a list item: a question in a numbered list
    in_item_body: bool = False  # inside a list item's answer
    in_details: bool = False  # inside a <details> answer
    numbered: bool = False
    role: str = "body"  # title, question, section, navigation, body

    links_only: bool = False  # what follows it is a list or table of links: a contents or link list

    @property
    def asks(self) -> bool:
        return self.numbered or self.asks_in_words

    @property
    def asks_in_words(self) -> bool:
        """Worded as a question; below the question level a number alone ("#### 1. By IP") is not."""
        return bool(ASKS.search(self.text))


def heading_text(raw: str) -> tuple[str, bool]:
    """The heading as a reader sees it (no anchors, HTML or emphasis), and whether it was numbered."""
    text = HTML_TAG.sub("", raw).replace("**", "").strip()
    stripped = NUMBERING.sub("", text, count=1).strip()
    return (stripped or text), stripped != text


def _details_tags(token: Token) -> tuple[int, int]:
    """How many <details> the token opens and closes."""
    text = token.content if token.type in ("html_block", "inline") else ""
    if "details" not in text.lower():
        return 0, 0
    if token.type == "inline":
        text = CODE_SPAN.sub("", text)  # `<details>` in inline code is not markup
    return len(re.findall(r"<details\b", text, re.I)), len(re.findall(r"</details\s*>", text, re.I))


def _heading_source(lines: list[str], line: int) -> str:
    """A heading's words from its (repaired) source line: no list marker, no #s."""
    text = LIST_MARK.sub("", lines[line]).strip()
    return re.sub(r"\s+#+\s*$", "", re.sub(r"^#{1,6}\s*", "", text)).strip()


def find_headings(tokens: list[Token], lines: list[str]) -> list[Heading]:
    """Every heading with where it sits: in a list item (first or in its answer), in <details>."""
    found: list[Heading] = []
    items: list[list] = []  # per open list item: [its level, whether its first block was seen]
    details: list[int] = []  # the nesting level each open <details> was opened at
    for token in tokens:
        if token.type == "list_item_open":
            items.append([token.level, False])
            continue
        if token.type == "list_item_close":  # a <details> left open in an item ends with it
            items.pop()
            details = [level for level in details if level <= token.level]
            continue
        direct = bool(items) and token.level == items[-1][0] + 1 and token.nesting >= 0
        if token.type == "heading_open" and token.map:
            first = direct and not items[-1][1]
            setext = token.markup in ("=", "-")
            raw = lines[token.map[0]].strip() if setext else _heading_source(lines, token.map[0])
            text, numbered = heading_text(raw)
            found.append(
                Heading(
                    level=int(token.tag[1]),
                    text=text,
                    line=token.map[0],
                    end=token.map[1],
                    opens_item=first,
                    in_item_body=bool(items) and not first,
                    in_details=bool(details),
                    numbered=numbered,
                )
            )
        if direct:
            items[-1][1] = True
        opened, closed = _details_tags(token)
        change = opened - closed  # a block may open and close its own <details>
        details = (
            details + [token.level] * change if change >= 0 else details[: max(0, len(details) + change)]
        )
    return found


def classify(headings: list[Heading]) -> int:
    """Give each heading its role; returns the question level (0 when there is none)."""
    candidates = [h for h in headings if not h.in_details and not h.in_item_body]
    levels = [h.level for h in candidates]
    lone_top = levels.count(min(levels, default=0)) == 1 and candidates and candidates[0].level == min(levels)
    if lone_top and (candidates[0].level == 1 or not candidates[0].asks):  # a lone question is no title
        candidates[0].role = "title"
        candidates = candidates[1:]
    _skip_navigation(candidates)
    open_ = [h for h in candidates if h.role == "body"]
    counts = {level: sum(h.asks for h in open_ if h.level == level) for level in {h.level for h in open_}}
    if not counts or max(counts.values()) < min(2, len(open_)):  # one "Design Patterns" is no bank
        return 0
    most = max(counts.values())  # the shallowest level with a fair share: sub-questions may outnumber
    level = min(lv for lv, n in counts.items() if n * 2 >= most)
    deeper = _sub_question_levels(open_, level)
    for position, heading in enumerate(open_):
        holds = any(other.asks_in_words for other in _under(open_, position))
        if heading.level == level:
            heading.role = "section" if holds and not heading.asks else "question"
        elif (heading.asks if heading.level < level else heading.asks_in_words) or heading.level in deeper:
            heading.role = "question"
        elif heading.level < level:
            heading.role = "section"
    return level


def _mark_link_lists(headings: list[Heading], lines: list[str]) -> None:
    """A heading followed only by links (a table of contents, an awesome-list section) heads no
    answer, whatever its name."""
    for heading, following in zip(headings, [*headings[1:], None], strict=False):
        end = following.line if following else len(lines)
        links = other = 0
        for line in lines[heading.end : end]:
            rest = re.sub(r"[|*+\-\d.、:\s]", "", LINK_MARKUP.sub("", line))
            if LINK_MARKUP.search(line) and len(rest) <= 3:
                links += 1
            elif rest:
                other += 1
        heading.links_only = links >= 2 and links >= 4 * other


def _sub_question_levels(headings: list[Heading], level: int) -> set[int]:
    """Levels below the question level where the headings under a question mostly ask: there,
    one that does not ask ("数字签名的原理") is a sub-question too, not part of the answer."""
    under: dict[int, list[bool]] = {}
    parents: list[Heading] = []
    for heading in headings:
        parents = [p for p in parents if p.level < heading.level]
        if heading.level > level and parents and parents[-1].level == level and parents[-1].asks:
            under.setdefault(heading.level, []).append(heading.asks_in_words)
        parents.append(heading)
    return {lv for lv, asks in under.items() if len(asks) >= 2 and sum(asks) * 2 >= len(asks)}


def _skip_navigation(candidates: list[Heading]) -> None:
    """A navigation heading and everything under it (a table of contents' group headings)."""
    skip_to = None
    for heading in candidates:
        if skip_to is not None and heading.level > skip_to:
            heading.role = "navigation"
            continue
        skip_to = None
        named = NAVIGATION.match(re.sub(r"[\W_]+$", "", heading.text).strip())
        if named or (heading.links_only and not heading.asks_in_words):
            heading.role, skip_to = "navigation", heading.level


def _under(headings: list[Heading], position: int) -> list[Heading]:
    parent = headings[position]
    below = []
    for heading in headings[position + 1 :]:
        if heading.level <= parent.level:
            break
        below.append(heading)
    return below


def _in_code(lines: list[str]) -> list[bool]:
    """Which lines sit inside a fenced code block (fences included): never touched."""
    inside, fence, marks = False, "", []
    for line in lines:
        opening = FENCE.match(line)
        if opening and (
            not inside or (opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence))
        ):
            marks.append(True)
            inside, fence = not inside, opening.group(1)
            continue
        marks.append(inside)
    return marks


def _clean_body(lines: list[str]) -> list[str]:
    """The answer's own lines: no comments, no "back to top" links, no trailing rules."""
    lines = textwrap.dedent("\n".join(lines)).split("\n")
    code = _in_code(lines)
    text = "\n".join(line if code[i] else COMMENT.sub("", line) for i, line in enumerate(lines))
    kept = [
        line
        for i, line in enumerate(text.split("\n"))
        if (i < len(code) and code[i]) or not BACK_TO_TOP.match(line.strip())
    ]
    while kept and (not kept[-1].strip() or RULE.match(kept[-1])):
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return kept


def _answer_details(lines: list[str]) -> tuple[int, int, int] | None:
    """Where an answer sits in <details> (quiz banks): the opening line, the first answer line
    and the closing line; None when the body has no answer-like <details>."""
    for index, line in enumerate(lines):
        if not re.search(r"<details\b", line, re.I):
            continue
        window = "\n".join(lines[index : index + 3])
        summary = SUMMARY.search(window)
        if not summary or not ANSWER_SUMMARY.match(HTML_TAG.sub("", summary.group(1)).strip()):
            continue
        start = index + window[: summary.end()].count("\n") + 1
        depth, end = 0, len(lines)
        for position in range(index, len(lines)):
            depth += len(re.findall(r"<details\b", lines[position], re.I))
            depth -= len(re.findall(r"</details\s*>", lines[position], re.I))
            if depth <= 0:
                end = position
                break
        return index, start, end
    return None


def _outside_code_spans(line: str, change) -> str:
    """Apply `change` to the line but not to its `inline code`."""
    pieces = re.split(r"((`+).+?\2)", line)
    out = []
    for index in range(0, len(pieces), 3):
        out.append(change(pieces[index]))
        if index + 1 < len(pieces):
            out.append(pieces[index + 1])
    return "".join(out)


def _plain(lines: list[str]) -> str:
    """Markdown for the bank file: summaries become their own line, wrapper tags go; code stays
    byte for byte."""
    code = _in_code(lines)
    out = []
    for line, in_code in zip(lines, code, strict=True):
        if in_code:
            out.append(line)
            continue
        line = SUMMARY.sub(lambda m: HTML_TAG.sub("", m.group(1)).strip(), line)
        out.append(
            _outside_code_spans(line, lambda part: WRAPPER.sub("", part)) if not TAG_LINE.match(line) else ""
        )
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _split_key_points(lines: list[str], prefix: str) -> tuple[list[str], list]:
    """A "Key points" / "Good to hear" list in the answer becomes the question's key points."""
    start = next((i for i, line in enumerate(lines) if KEY_POINTS.match(line)), None)
    if start is None:
        return lines, []
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or re.match(r"^\s*[-*+]\s+", lines[end])):
        end += 1
    points = key_points_from_lines([HTML_TAG.sub("", line) for line in lines[start + 1 : end]], prefix)
    return lines[:start] + lines[end:], points


def _shows_the_question(lines: list[str]) -> bool:
    """Lines before a quiz's answer that belong to the question: code, options, a quote; a
    paragraph of prose there is the start of the answer."""
    fenced = False
    for line in lines:
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            continue
        if (
            fenced
            or not line.strip()
            or re.match(r"^\s*(?:[-*+]\s|\d{1,2}[.)]\s|[A-Ha-h][:.)]\s|>|\|)", line)
        ):
            continue
        return False
    return True


def question_and_answer(heading: Heading, body: list[str], number: int) -> Draft:
    """The question's text and its reference from the heading and the lines under it: a quiz's
    code and options belong to the question, its <details> answer is the reference; in a task
    list (`- [x]`) the checked options are the answer."""
    lines = _clean_body(body)
    asked = heading.text
    details = _answer_details(lines)
    if details is not None:
        opening, start, end = details
        before = lines[:opening]
        if _plain(before) and _shows_the_question(before):  # a quiz: code and options
            asked, before = f"{asked}\n\n{_plain(before)}", []
        lines = before + lines[start:end] + lines[end + 1 :]
    options = [i for i, line in enumerate(lines) if OPTION.match(line)]
    if options and any(OPTION.match(lines[i]).group(1).lower() == "x" for i in options):
        shown = [OPTION.sub(r"- \2", line) for line in lines[: options[-1] + 1]]
        asked = f"{asked}\n\n{_plain(shown)}"
        right = [OPTION.match(lines[i]).group(2) for i in options if OPTION.match(lines[i]).group(1) != " "]
        lines = [f"- {answer}" for answer in right] + [""] + lines[options[-1] + 1 :]
    lines, points = _split_key_points(lines, f"q{number}")
    return Draft(number=number, text=asked, reference=_plain(lines), key_points=points, line=heading.line + 1)


def _findings(headings: list[Heading]) -> list[Finding]:
    findings = []
    parent: Heading | None = None
    for heading in headings:
        if heading.role == "navigation":
            note = "navigation or boilerplate, not a question; skipped"
            findings.append(
                Finding(line=heading.line + 1, kind="not-a-question", original=heading.text, note=note)
            )
        elif heading.role == "question":
            if parent is not None and heading.level > parent.level:
                note = f"a sub-question of {parent.text!r}: kept as its own question"
                findings.append(
                    Finding(line=heading.line + 1, kind="sub-question", original=heading.text, note=note)
                )
            else:
                parent = heading
        elif heading.role == "section":
            parent = None
    return findings


def _summary(headings: list[Heading], level: int, questions: list[Heading]) -> tuple[str, list[Finding]]:
    at_level = [h for h in questions if h.level == level]
    where = f"{len(questions)} questions under level-{level} headings"
    if at_level and sum(h.opens_item for h in at_level) > len(at_level) / 2:
        where += " inside a numbered list"
    others = len(questions) - len(at_level)
    if others:
        where += f" ({others} at other levels)"
    skipped = [h.text for h in headings if h.role == "navigation"]
    sections = [h.text for h in headings if h.role == "section"]
    if skipped:
        shown = ", ".join(skipped[:5]) + (", …" if len(skipped) > 5 else "")
        where += f"; skipped {len(skipped)} headings that are not questions: {shown}"
    if sections:
        where += f"; {len(sections)} section headings kept as tags"
    doubts = []
    asking = sum(h.asks for h in at_level)
    if at_level and asking < len(at_level) / 2:
        note = f"only {asking} of {len(at_level)} level-{level} headings read like questions; check the bank file"
        doubts.append(
            Finding(line=at_level[0].line + 1, kind="structure", original=f"level {level}", note=note)
        )
    return where, doubts


def from_markdown(text: str, tokens: list[Token] | None = None) -> Found:
    """Drafts from a Markdown document; no drafts when it has no question headings. `tokens`:
    the document already parsed (line for line the same: repairs never add or remove lines)."""
    lines = text.split("\n")
    tokens = tokens if tokens is not None else PARSER.parse(text)
    headings = find_headings(tokens, lines)
    _mark_link_lists(headings, lines)
    level = classify(headings) if headings else 0
    bounds = [h for h in headings if h.role != "body"]
    questions = [h for h in bounds if h.role == "question"]
    title = next((h.text for h in headings if h.role == "title"), "")
    other = _other_shapes(tokens, text, len(questions), title)
    if other is not None:
        return other
    if not questions:
        return Found(drafts=[])
    drafts, sections = [], []
    for position, heading in enumerate(bounds):
        if heading.role == "section":
            sections = [s for s in sections if s.level < heading.level] + [heading]
            continue
        if heading.role != "question":
            continue
        sections = [s for s in sections if s.level < heading.level]
        end = bounds[position + 1].line if position + 1 < len(bounds) else len(lines)
        draft = question_and_answer(heading, lines[heading.end : end], len(drafts) + 1)
        draft.tags = [s.text for s in sections[-1:]]
        drafts.append(draft)
    summary, doubts = _summary(headings, level, questions)
    return Found(drafts=drafts, title=title, summary=summary, findings=_findings(headings) + doubts)


def _other_shapes(tokens: list[Token], text: str, heading_questions: int, title: str) -> Found | None:
    """Questions in <details> summaries or as list items, when they outnumber question headings."""
    summaries, empty = summary_questions(text)
    if len(summaries) >= 3 and len(summaries) > heading_questions:
        where = f"{len(summaries)} questions in <details> summaries, each answer inside its block"
        where += f"; {len(empty)} without a reference answer" if empty else ""
        return Found(drafts=summaries, title=title, summary=where, findings=empty)
    if heading_questions:
        return None
    items, findings = item_questions(tokens, text, ASKS)
    if len(items) < 3:
        return None
    empty = sum(not d.reference for d in items)
    where = f"{len(items)} questions as list items" + (
        f", {empty} without a reference answer" if empty else ""
    )
    return Found(drafts=items, title=title, summary=where, findings=findings)
