"""Repairing text copied from document-sharing sites, with a finding for every change.

Such sites annotate polyphonic characters with pinyin, convert to traditional characters,
swap words, and sometimes decode GBK bytes one byte out of step, which turns `倒逼企業` into
`?贡破髽I`. The byte-level repair re-encodes the damaged run, tries each lost byte, and keeps
the reading that jieba's dictionary likes far better than the damage; anything it cannot
repair is kept and reported, never dropped.
"""

from __future__ import annotations

import itertools
import re
from typing import Literal

from pydantic import BaseModel

from interviewer.bank.rules import WORD_SWAPS
from interviewer.text.chinese import CJK, has_cjk, is_cjk, is_common_hanzi, log_likelihood, to_simplified

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
SYLLABLE = f"[a-z{TONED}]*[{TONED}][a-z{TONED}]*"
PINYIN = re.compile(f"(?<=[{CJK}])\\(({SYLLABLE})\\)")
BROKEN_PINYIN = re.compile(f"\\?({SYLLABLE})\\)")
SUSPECT = re.compile(f"(?<=[{CJK}])\\?|\ufffd|[\ue000-\uf8ff]")
FULLWIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
FULLWIDTH_GBK = {ascii_: full.encode("gbk") for ascii_, full in FULLWIDTH.items()}
LOST = None  # a byte the damaged decoding replaced with "?"
MAX_RUN = 8
MIN_GAIN = 4.0  # nats: how much likelier the repaired reading must be than the damage


class Finding(BaseModel):
    line: int
    kind: Literal[
        "pinyin",
        "mojibake",
        "substitution",
        "traditional",
        "punctuation",
        "truncated",
        "site-text",
        "not-a-question",
        "sub-question",
        "duplicate",
        "empty",
        "structure",
        "column",
    ]
    original: str
    repaired: str | None = None
    note: str = ""

    @property
    def repaired_ok(self) -> bool:
        return self.repaired is not None


def _byte_options(char: str) -> list[list[int | None]]:
    if char == "?":
        return [[LOST], list("？".encode("gbk"))]
    if char in FULLWIDTH_GBK:
        return [list(FULLWIDTH_GBK[char]), [ord(char)]]
    if char.isascii():
        return [[ord(char)]]
    try:
        return [list(char.encode("gb18030"))] if len(char.encode("gb18030")) == 2 else []
    except UnicodeEncodeError:
        return []


def _decode_pairs(data: list[int | None]) -> list[list[str]] | None:
    """Choices per character when `data` is read as GBK from its first byte, or None."""
    out: list[list[str]] = []
    i = 0
    while i < len(data):
        lead = data[i]
        if lead is not None and lead < 0x80:
            out.append([chr(lead)])
            i += 1
            continue
        if i + 1 >= len(data):
            return None
        trail = data[i + 1]
        leads = range(0x81, 0xFF) if lead is None else [lead]
        trails = range(0x40, 0xFF) if trail is None else [trail]
        choices = []
        for a, b in itertools.product(leads, trails):
            try:
                char = bytes([a, b]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if (is_cjk(char) and is_common_hanzi(char)) or char in "。，；：？！（）“”、":
                choices.append(char)
        if not choices:
            return None
        out.append(choices)
        i += 2
    return out


def _bracket_penalty(text: str) -> float:
    """Unbalanced brackets read worse: picks `）` over `！` when a `（` is open."""
    depth, penalty = 0, 0.0
    for char in text:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth -= 1
            if depth < 0:
                penalty, depth = penalty + 4.0, 0
    return penalty + 4.0 * depth


def _best_reading(choices: list[list[str]], left: str, right: str) -> tuple[str, float]:
    """Left to right, keep the character that reads best between what is decided and what is known."""
    text = ""
    for index, options in enumerate(choices):
        if len(options) > 1:
            known = ""
            for later in choices[index + 1 :]:
                if len(later) > 1:
                    break
                known += later[0]
            before = to_simplified(left[-6:] + text)
            after = to_simplified(known + right)[:6]

            def score(
                char: str, text: str = text, known: str = known, before: str = before, after: str = after
            ) -> float:
                local = log_likelihood(before + to_simplified(char) + after, simplified=True)
                return local - _bracket_penalty(left + text + char + known + right)

            options = [max(options, key=score)]
        text += options[0]
    window = left + text + right
    return text, log_likelihood(window) - _bracket_penalty(window)


def repair_mojibake_run(text: str, start: int) -> tuple[int, str] | None:
    """Try to re-read the damaged run starting at `start`: (end, repaired) or None."""
    left = text[max(0, start - 40) : start]
    best: tuple[float, int, str] | None = None
    for end in range(start + 2, min(len(text), start + MAX_RUN) + 1):
        run = text[start:end]
        right = text[end : end + 4]
        if any(c.isascii() and c.isalnum() for c in run[:-1]):
            break
        baseline = log_likelihood(left + run + right) - _bracket_penalty(left + run + right)
        per_char = [_byte_options(c) for c in run]
        if not all(per_char):
            continue
        for combo in itertools.islice(itertools.product(*per_char), 64):
            data = [b for part in combo for b in part]
            if data[0] is not LOST:
                continue
            choices = _decode_pairs(data)
            if choices is None:
                continue
            repaired, score = _best_reading(choices, left, right)
            if "?" in repaired or not has_cjk(repaired):
                continue
            gain = score - baseline
            if gain >= MIN_GAIN and (best is None or gain > best[0]):
                best = (gain, end, repaired)
    return (best[1], best[2]) if best else None


def strip_broken_pinyin(text: str, line: int, findings: list[Finding]) -> str:
    """`?shù)`: an annotation whose character and `(` were lost; the `?` stays for the repair."""

    def broken(match: re.Match) -> str:
        findings.append(
            Finding(
                line=line, kind="pinyin", original=match.group(0), repaired="?", note="damaged annotation"
            )
        )
        return "?"

    return BROKEN_PINYIN.sub(broken, text)


def strip_pinyin(text: str, line: int, findings: list[Finding]) -> str:
    found = PINYIN.findall(text)
    if found:
        sample = ", ".join(dict.fromkeys(found))
        findings.append(
            Finding(
                line=line, kind="pinyin", original=f"{len(found)} annotations", repaired="", note=sample[:120]
            )
        )
    return PINYIN.sub("", text)


def repair_mojibake(text: str, line: int, findings: list[Finding]) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        match = SUSPECT.search(text, i)
        if not match:
            out.append(text[i:])
            break
        out.append(text[i : match.start()])
        start = match.start()
        repair = repair_mojibake_run(text, start) if text[start] == "?" else None
        if repair:
            end, repaired = repair
            findings.append(
                Finding(
                    line=line,
                    kind="mojibake",
                    original=text[start:end],
                    repaired=repaired,
                    note="GBK re-read",
                )
            )
            out.append(repaired)
            i = end
            continue
        char = text[start]
        if char != "?" or _looks_lost(text, start):
            context = text[max(0, start - 6) : start + 7]
            findings.append(
                Finding(line=line, kind="mojibake", original=context, note="could not repair; kept")
            )
        out.append(char)
        i = start + 1
    return "".join(out)


def _looks_lost(text: str, index: int) -> bool:
    """A `?` glued between Chinese characters that the repair could not explain."""
    after = text[index + 1 : index + 2]
    if after == "" or after.isspace():  # a half-width `?` ending a sentence closes a question
        return False
    return after == "?" or not (is_cjk(after) or (after.isascii() and after.isalnum()) or after in '“”"')


def substitute_words(text: str, line: int, findings: list[Finding]) -> str:
    """The word swaps listed in `rules.yaml`, each reported for review."""
    for pattern, replacement, why, find in WORD_SWAPS:
        if find not in text:
            continue

        def swap(match: re.Match, replacement: str = replacement, text: str = text, why: str = why) -> str:
            context = text[max(0, match.start() - 6) : match.end() + 6]
            findings.append(
                Finding(
                    line=line,
                    kind="substitution",
                    original=context,
                    repaired=context.replace(match.group(0), replacement, 1),
                    note=f"{why}; review",
                )
            )
            return replacement

        text = pattern.sub(swap, text)
    return text


PAIRED = re.compile(f"\\(([^()（）]*[{CJK}][^()（）]*)\\)")
OPENS = re.compile(f"\\((?=[{CJK}“‘])")
BESIDE = re.compile(f"(?<=[{CJK}”“’‘）])[,:;?!]|[,:;?!](?=[{CJK}“‘（])")
ASCII_MARKS = re.compile(r"[(),:;?!]")


def fullwidth_punctuation(text: str) -> str:
    """Chinese text gets Chinese punctuation back where the site turned it into ASCII."""
    if not ASCII_MARKS.search(text):
        return text
    while PAIRED.search(text):
        text = PAIRED.sub(lambda m: f"（{m.group(1)}）", text)
    text = OPENS.sub("（", text)
    return _close_fullwidth(text)


def _close_fullwidth(text: str) -> str:
    """A `)` that closes a `（` becomes `）`; then commas and colons beside Chinese follow suit."""
    out, stack = [], []
    for char in text:
        if char in "(（":
            stack.append(char)
        elif char in ")）" and stack:
            char = "）" if stack.pop() == "（" else char
        out.append(char)
    text = "".join(out)
    return BESIDE.sub(lambda m: FULLWIDTH[m.group(0)], text)


def clean_line(text: str, line: int, findings: list[Finding], simplified: bool, site: bool = True) -> str:
    """Every repair a line may need; a plain ASCII line needs none (the common case, quickly).
    `site`: the document came through a sharing site, whose word swaps and ASCII punctuation are
    undone too; in a document someone wrote, those are the author's own and stay."""
    if text.isascii():
        return text
    text = strip_broken_pinyin(text, line, findings)
    text = strip_pinyin(text, line, findings)
    text = repair_mojibake(text, line, findings)
    text = strip_pinyin(text, line, findings)  # those that followed a damaged run
    if site:
        text = substitute_words(text, line, findings)
    if site and has_cjk(text):
        fixed = fullwidth_punctuation(text)
        if fixed != text:
            at = next(i for i, (a, b) in enumerate(zip(text, fixed, strict=False)) if a != b)
            around = slice(max(0, at - 8), at + 12)
            note = "ASCII punctuation beside Chinese made full-width"
            findings.append(
                Finding(
                    line=line, kind="punctuation", original=text[around], repaired=fixed[around], note=note
                )
            )
        text = fixed
    if simplified:
        converted = to_simplified(text)
        if converted != text:
            changed = sum(a != b for a, b in zip(text, converted, strict=False))
            findings.append(
                Finding(
                    line=line, kind="traditional", original=f"{changed} characters", repaired="simplified"
                )
            )
        text = converted
    return text
