"""Reports from transcripts: one interview (Markdown, HTML, JSON) or several side by side.

HTML is one self-contained file: inline CSS, no scripts, no fonts or CDNs to fetch, with a
CJK font stack so Chinese renders on any machine. Everything from the transcript is escaped.
"""

from __future__ import annotations

import csv
import io
import re
from html import escape

from interviewer.bank.loader import resolve_bank
from interviewer.errors import InterviewerError
from interviewer.transcript.record import InterviewRecord, QuestionRecord

ADVICE = {
    "en": "Scores are advice from an automated grader, not a decision: a person reads the answers and decides.",
    "zh": "分数只是自动评分给出的参考，不是结论：请由人阅读回答后做出决定。",
}
LABELS = {
    "en": {
        "question": "Question",
        "answer": "Answer",
        "follow_up": "Follow-up",
        "score": "Score",
        "covered": "Covered",
        "partial": "Partly covered",
        "missing": "Missing",
        "say": "What to say",
        "reference": "Reference answer",
        "time": "Time to answer",
        "pace": "Pace",
        "tokens": "Tokens",
        "cost": "Cost",
        "overall": "Overall",
        "unfinished": "unfinished",
        "skipped": "skipped",
        "flags": "Flags",
        "hints": "Hints used",
        "graded_by": "Graded by",
        "candidate": "Interview",
        "per_minute_words": "words/min",
        "per_minute_chars": "chars/min",
        "pauses": "Long pauses",
        "fillers": "Fillers",
        "heard": "Heard",
    },
    "zh": {
        "question": "题目",
        "answer": "回答",
        "follow_up": "追问",
        "score": "得分",
        "covered": "已覆盖",
        "partial": "部分覆盖",
        "missing": "未覆盖",
        "say": "可以这样说",
        "reference": "参考答案",
        "time": "作答用时",
        "pace": "语速",
        "tokens": "令牌",
        "cost": "费用",
        "overall": "总分",
        "unfinished": "未完成",
        "skipped": "已跳过",
        "flags": "标记",
        "hints": "提示次数",
        "graded_by": "评分方",
        "candidate": "面试记录",
        "per_minute_words": "词/分钟",
        "per_minute_chars": "字/分钟",
        "pauses": "长停顿",
        "fillers": "口头禅",
        "heard": "识别",
    },
}
CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC",
"Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;line-height:1.6;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.advice{background:#fff6d6;padding:.6em 1em;border-radius:4px}.meta{color:#666;font-size:.9em}
.turn{margin:.4em 0;padding:.4em .8em;border-left:3px solid #ccc;white-space:pre-wrap}
.turn.answer{border-color:#3b82f6;background:#f5f8ff}.turn.follow_up{border-color:#a855f7}
.covered{color:#15803d}.partial{color:#b45309}.missing{color:#b91c1c}
blockquote{margin:.2em 0 .2em 1.5em;color:#555}details{margin:.6em 0}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
"""


def _lang(record: InterviewRecord) -> str:
    return "zh" if record.language.lower().startswith("zh") else "en"


def pace(text: str, seconds: float, language: str) -> tuple[float, str] | None:
    """Characters per minute for Chinese, words per minute otherwise."""
    if not seconds:
        return None
    if language == "zh":
        units = len(re.findall(r"[\u4e00-\u9fff]", text))
        return round(units * 60 / seconds, 1), LABELS[language]["per_minute_chars"]
    return round(len(text.split()) * 60 / seconds, 1), LABELS[language]["per_minute_words"]


def _reference(record: InterviewRecord, number: int) -> str:
    try:
        bank = resolve_bank(record.start.get("bank", {}).get("ref") or record.start.get("bank", {}).get("id"))
        return bank.question(number).reference
    except InterviewerError:
        return ""


def _cost(q: QuestionRecord, prices: tuple[float, float] | None) -> float | None:
    if not prices or not (q.prompt_tokens or q.completion_tokens):
        return None
    return round(q.prompt_tokens / 1e6 * prices[0] + q.completion_tokens / 1e6 * prices[1], 6)


def report_data(record: InterviewRecord, prices: tuple[float, float] | None = None) -> dict:
    language = _lang(record)
    questions = []
    for q in record.questions:
        spoken = any(t.spoken for t in q.turns if t.kind == "answer")
        speed = pace(q.answer_text, q.seconds, language) if spoken else None  # typing speed is not pace
        questions.append(
            {
                "number": q.number,
                "question": q.text,
                "turns": [
                    {"kind": t.kind, "text": t.text, "seconds": t.seconds, "spoken": t.spoken}
                    for t in q.turns
                ],
                "answer": q.answer_text,
                "skipped": q.skipped and not q.critique,
                "score": q.critique["score"] if q.critique else (0.0 if q.skipped else None),
                "points": q.critique["points"] if q.critique else [],
                "flags": q.critique["flags"] if q.critique else [],
                "hints": q.critique.get("hints", []) if q.critique else [],
                "notes": q.critique.get("notes", []) if q.critique else [],
                "graded_by": {k: q.critique.get(k) for k in ("backend", "model", "rubric_version")}
                if q.critique
                else None,
                "reference": _reference(record, q.number) if q.closed else "",
                "seconds": round(q.seconds, 1),
                "pace": {"value": speed[0], "unit": speed[1]} if speed else None,
                "tokens": {"prompt": q.prompt_tokens, "completion": q.completion_tokens},
                "cost": _cost(q, prices),
            }
        )
    start = record.start
    return {
        "transcript": str(record.path),
        "session_id": start.get("session_id"),
        "started": start.get("started"),
        "bank": start.get("bank", {}),
        "language": record.language,
        "mode": start.get("mode"),
        "backend": start.get("backend"),
        "model": start.get("model"),
        "rubric_version": start.get("rubric_version"),
        "finished": record.finished,
        "overall": record.overall if record.overall is not None else "-",
        "degraded": [d.get("reason") for d in record.degraded],
        "questions": questions,
        "advice": ADVICE[language],
        "problems": record.transcript.problems,
    }


def delivery_line(spoken: dict, lang: str) -> str:
    """Pace, long pauses, fillers and what recognition heard, for a spoken answer."""
    delivery = spoken.get("delivery") or {}
    fillers = ", ".join(f"{w}×{n}" for w, n in delivery.get("fillers", {}).items()) or "-"
    text = (
        f"{LABELS[lang]['pace']}: {delivery.get('pace', '-')} {delivery.get('pace_unit', '')} · "
        f"{LABELS[lang]['pauses']}: {delivery.get('long_pauses', 0)} · {LABELS[lang]['fillers']}: {fillers}"
    )
    if spoken.get("recognised") is not None:
        text += f" · {LABELS[lang]['heard']}: {spoken['recognised']}"
    if spoken.get("audio"):
        text += f" · {spoken['audio']}"
    return text


def _extras(q: dict, t: dict[str, str]) -> list[str]:
    """Time, pace, tokens, cost and flags of one question, as short labelled figures."""
    extras = [f"{t['time']}: {q['seconds']} s"]
    if q["pace"]:
        extras.append(f"{t['pace']}: {q['pace']['value']} {q['pace']['unit']}")
    if q["tokens"]["prompt"] or q["tokens"]["completion"]:
        extras.append(f"{t['tokens']}: {q['tokens']['prompt']} + {q['tokens']['completion']}")
    if q["cost"] is not None:
        extras.append(f"{t['cost']}: ${q['cost']}")
    if q["flags"]:
        extras.append(f"{t['flags']}: {', '.join(q['flags'])}")
    if q["hints"]:
        extras.append(f"{t['hints']}: {len(q['hints'])}")
    return extras


def to_markdown(data: dict) -> str:
    lang = "zh" if data["language"].lower().startswith("zh") else "en"
    t = LABELS[lang]
    out = [f"# {data['bank'].get('title', '')}", ""]
    status = "" if data["finished"] else f" ({t['unfinished']})"
    out += [
        f"{t['overall']}: **{data['overall']}**/100{status} · {data['mode']} · {t['graded_by']}: {data['backend']}"
        f"{' ' + data['model'] if data['model'] else ''} · {data['rubric_version']} · {data['started']}",
        "",
        f"> {data['advice']}",
        "",
    ]
    for q in data["questions"]:
        score = t["skipped"] if q["skipped"] else ("-" if q["score"] is None else q["score"])
        out += [f"## {t['question']} {q['number']}: {q['question']}", "", f"**{t['score']}: {score}**", ""]
        for turn in q["turns"]:
            if turn["kind"] == "answer":
                out += [
                    f"**{t['answer']}**" + (f" ({turn['seconds']} s)" if turn["seconds"] else "") + ":",
                    "",
                ]
                out += [f"> {line}" if line else ">" for line in turn["text"].splitlines()] + [""]
                if turn.get("spoken"):
                    out += [f"*{delivery_line(turn['spoken'], lang)}*", ""]
            elif turn["kind"] == "follow_up":
                out += [f"*{t['follow_up']}:* {turn['text']}", ""]
        for point in q["points"]:
            out.append(f"- **{t[point['verdict']]}**: {point['point']}")
            if point.get("evidence"):
                out.append(f"  - “{point['evidence']}”")
            if point["verdict"] != "covered" and point.get("suggestion"):
                out.append(f"  - {t['say']}: {point['suggestion']}")
        extras = _extras(q, t)
        out += ["", " · ".join(extras), ""]
        if q["reference"]:
            out += [f"<details><summary>{t['reference']}</summary>", "", q["reference"], "", "</details>", ""]
    return "\n".join(out)


def _page(title: str, body: str, language: str) -> str:
    lang = "zh-CN" if language.lower().startswith("zh") else language
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def to_html(data: dict) -> str:
    lang = "zh" if data["language"].lower().startswith("zh") else "en"
    t = LABELS[lang]
    status = "" if data["finished"] else f" ({t['unfinished']})"
    parts = [
        f"<h1>{escape(data['bank'].get('title', ''))}</h1>",
        f"<p class='meta'>{t['overall']}: <b>{data['overall']}</b>/100{status} · {escape(str(data['mode']))} · "
        f"{t['graded_by']}: {escape(str(data['backend']))} {escape(str(data['model'] or ''))} · "
        f"{escape(str(data['rubric_version']))} · {escape(str(data['started']))}</p>",
        f"<p class='advice'>{escape(data['advice'])}</p>",
    ]
    for q in data["questions"]:
        score = t["skipped"] if q["skipped"] else ("-" if q["score"] is None else q["score"])
        parts.append(
            f"<h2>{t['question']} {q['number']}: {escape(q['question'])}</h2><p><b>{t['score']}: {score}</b></p>"
        )
        for turn in q["turns"]:
            if turn["kind"] in ("answer", "follow_up"):
                label = t[turn["kind"]] + (f" · {turn['seconds']} s" if turn["seconds"] else "")
                parts.append(
                    f"<div class='turn {turn['kind']}'><b>{escape(label)}</b>\n{escape(turn['text'])}</div>"
                )
                if turn.get("spoken"):
                    parts.append(f"<p class='meta'>{escape(delivery_line(turn['spoken'], lang))}</p>")
        items = []
        for point in q["points"]:
            item = (
                f"<li><span class='{point['verdict']}'>{t[point['verdict']]}</span>: {escape(point['point'])}"
            )
            if point.get("evidence"):
                item += f"<blockquote>“{escape(point['evidence'])}”</blockquote>"
            if point["verdict"] != "covered" and point.get("suggestion"):
                item += f"<blockquote>{t['say']}: {escape(point['suggestion'])}</blockquote>"
            items.append(item + "</li>")
        parts.append(f"<ul>{''.join(items)}</ul>")
        extras = _extras(q, t)
        parts.append(f"<p class='meta'>{escape(' · '.join(extras))}</p>")
        if q["reference"]:
            parts.append(
                f"<details><summary>{t['reference']}</summary><p>{escape(q['reference'])}</p></details>"
            )
    return _page(data["bank"].get("title", "report"), "\n".join(parts), data["language"])


def compare_rows(records: list[InterviewRecord]) -> tuple[list[int], list[dict]]:
    banks = {r.start.get("bank", {}).get("id") for r in records}
    if len(banks) > 1:
        raise InterviewerError(
            f"--compare needs interviews of one bank; these use {', '.join(sorted(map(str, banks)))}"
        )
    numbers = sorted({q.number for r in records for q in r.questions})
    rows = []
    for record in records:
        by_number = {q.number: q for q in record.questions}
        flags = sorted({f for q in record.questions if q.critique for f in q.critique.get("flags", [])})
        row = {
            "transcript": record.path.name,
            "session_id": record.start.get("session_id"),
            "started": record.start.get("started"),
            "finished": record.finished,
            "overall": record.overall,
            "backend": record.start.get("backend"),
            "model": record.start.get("model"),
            "rubric_version": record.start.get("rubric_version"),
            "minutes": round(sum(q.seconds for q in record.questions) / 60, 1),
            "flags": flags,
        }
        for number in numbers:
            q = by_number.get(number)
            critique = q.critique if q else None
            row[f"q{number}"] = critique["score"] if critique else None
            row[f"q{number}_covered"] = (
                sum(p["verdict"] == "covered" for p in critique["points"]) if critique else None
            )
        rows.append(row)
    rows.sort(key=lambda r: -(r["overall"] or 0))
    return numbers, rows


def compare_csv(records: list[InterviewRecord]) -> str:
    numbers, rows = compare_rows(records)
    out = io.StringIO()
    fields = [
        "transcript",
        "session_id",
        "started",
        "finished",
        "overall",
        "minutes",
        "backend",
        "model",
        "rubric_version",
        "flags",
    ]
    fields += [f"q{n}" for n in numbers] + [f"q{n}_covered" for n in numbers]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "flags": " ".join(row["flags"])})
    return out.getvalue()


def compare_html(records: list[InterviewRecord]) -> str:
    numbers, rows = compare_rows(records)
    language = records[0].language
    lang = "zh" if language.lower().startswith("zh") else "en"
    head = "".join(f"<th>Q{n}</th>" for n in numbers)
    body = []
    for row in rows:
        cells = "".join(
            f"<td>{'' if row[f'q{n}'] is None else row[f'q{n}']}"
            f"{'' if row[f'q{n}_covered'] is None else ' (' + str(row[f'q{n}_covered']) + ')'}</td>"
            for n in numbers
        )
        body.append(
            f"<tr><td>{escape(row['transcript'])}</td><td><b>{row['overall']}</b></td>{cells}"
            f"<td>{row['minutes']}</td><td>{escape(', '.join(row['flags']))}</td>"
            f"<td>{escape(str(row['backend']))} {escape(str(row['model'] or ''))} {escape(str(row['rubric_version']))}</td></tr>"
        )
    title = records[0].start.get("bank", {}).get("title", "")
    table = (
        f"<table><tr><th>{LABELS[lang]['candidate']}</th><th>{LABELS[lang]['overall']}</th>{head}"
        f"<th>min</th><th>{LABELS[lang]['flags']}</th><th>{LABELS[lang]['graded_by']}</th></tr>{''.join(body)}</table>"
    )
    body_html = f"<h1>{escape(title)}</h1><p class='advice'>{escape(ADVICE[lang])}</p>{table}<p class='meta'>Qn: score (key points covered)</p>"
    return _page(title, body_html, language)
