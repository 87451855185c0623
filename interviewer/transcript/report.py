"""Reports from transcripts: one interview (Markdown, HTML, JSON) or several side by side.

The pages come from the Jinja2 templates beside this module, their words from the message
catalogue (`report_*` keys in `prompts/messages.*.yaml`). HTML is one self-contained file:
inline CSS, no scripts, no fonts or CDNs to fetch, with a CJK font stack so Chinese renders on
any machine; its environment autoescapes, so everything from the transcript is escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from interviewer.bank.loader import resolve_bank
from interviewer.errors import InterviewerError
from interviewer.prompts import say
from interviewer.text.chinese import count_cjk
from interviewer.transcript.record import InterviewRecord, QuestionRecord
from interviewer.transcript.rows import summary_row

TEMPLATES = Path(__file__).with_name("templates")
COMPARE_FIELDS = (
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
)


def _tag(language: str) -> str:
    """The tag a report speaks: every Chinese variant reads the one Chinese catalogue (zh-CN);
    any other language finds its own file or falls back to English through `say`."""
    return "zh-CN" if language.lower().startswith("zh") else language


def _labels(language: str) -> Callable[..., str]:
    """`t("score")` in a template: the `report_score` message in the report's language."""
    tag = _tag(language)

    def t(key: str, **values: object) -> str:
        return say(tag, f"report_{key}", **values)

    return t


@cache
def _environment(html: bool) -> Environment:
    """Two environments over one folder: the shared macros escape for HTML and keep Markdown as
    written, which one environment deciding by file name could not do for an imported file.
    StrictUndefined turns a misspelt field into an error instead of an empty cell."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, language: str, **context: object) -> str:
    template = _environment(name.endswith(".html.j2")).get_template(name)
    return template.render(t=_labels(language), lang=_tag(language), **context)


def pace(text: str, seconds: float, language: str) -> tuple[float, str] | None:
    """Characters per minute for Chinese, where words are not space-separated; words per
    minute otherwise. The unit comes localised, as the report shows it."""
    if not seconds:
        return None
    t = _labels(language)
    if language.lower().startswith("zh"):
        return round(count_cjk(text) * 60 / seconds, 1), t("per_minute_chars")
    return round(len(text.split()) * 60 / seconds, 1), t("per_minute_words")


def _reference(record: InterviewRecord, q: QuestionRecord) -> str:
    """The reference the answer was graded against: recorded in the transcript since schema 2;
    for an older one, the bank's, only while the bank is unchanged since the interview."""
    if q.graded_against is not None:
        return q.graded_against.reference
    try:
        bank = resolve_bank(record.start.bank.ref or record.start.bank.id)
        return bank.question(q.number).reference if bank.content_hash == record.start.bank.hash else ""
    except InterviewerError:
        return ""


def _cost(q: QuestionRecord, prices: tuple[float, float] | None) -> float | None:
    if not prices or not (q.prompt_tokens or q.completion_tokens):
        return None
    return round(q.prompt_tokens / 1e6 * prices[0] + q.completion_tokens / 1e6 * prices[1], 6)


def _spoken_pace(q: QuestionRecord, language: str) -> tuple[float, str] | None:
    """The pace of the question's spoken answers over the time the candidate spoke (their
    delivery figures), not over the time each answer took, which counts recording,
    transcription and correcting the text too; typing speed is no pace, so typed answers have
    none."""
    said = [t for t in q.answers if t.spoken]
    seconds = sum((t.spoken.get("delivery") or {}).get("seconds") or 0.0 for t in said)
    return pace("\n".join(t.text for t in said), seconds, language)


def report_data(record: InterviewRecord, prices: tuple[float, float] | None = None) -> dict:
    """One interview as plain data: what `report --json` prints and every template renders."""
    questions = []
    for q in record.questions:
        speed = _spoken_pace(q, record.language)
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
                "score": q.critique.score if q.critique else (0.0 if q.skipped else None),
                "points": [p.model_dump(mode="json") for p in q.critique.points] if q.critique else [],
                "flags": q.critique.flags if q.critique else [],
                "hints": q.critique.hints if q.critique else [],
                "notes": q.critique.notes if q.critique else [],
                "graded_by": q.critique.model_dump(include={"backend", "model", "rubric_version"})
                if q.critique
                else None,
                "reference": _reference(record, q) if q.closed else "",
                "seconds": round(q.seconds, 1),
                "pace": {"value": speed[0], "unit": speed[1]} if speed else None,
                "tokens": {"prompt": q.prompt_tokens, "completion": q.completion_tokens},
                "cost": _cost(q, prices),
            }
        )
    start = record.start
    return {
        "transcript": str(record.path),
        "session_id": start.session_id,
        "started": start.started,
        "bank": start.bank.model_dump(),
        "language": record.language,
        "mode": start.mode,
        "backend": start.backend,
        "model": start.model,
        "rubric_version": start.rubric_version,
        "finished": record.finished,
        "overall": record.overall if record.overall is not None else "-",
        "degraded": [d.reason for d in record.degraded],
        "questions": questions,
        "advice": _labels(record.language)("advice"),
        "problems": record.transcript.problems,
    }


def to_markdown(data: dict) -> str:
    """`data` as `report_data` returns it, rendered by `templates/report.md.j2`."""
    return _render("report.md.j2", data["language"], data=data)


def to_html(data: dict) -> str:
    """`data` as `report_data` returns it, as one self-contained, escaped page."""
    return _render("report.html.j2", data["language"], data=data)


def compare_rows(
    records: list[InterviewRecord], names: dict[str, str] | None = None
) -> tuple[list[int], list[dict]]:
    """The question numbers and one row per interview, best first, for the screening table;
    interviews of different banks cannot be compared question by question. `names` labels a
    transcript (by its path) with the candidate's name; else its file name labels it."""
    rows = [summary_row(record) for record in records]
    banks = {row.bank for row in rows}
    if len(banks) > 1:
        raise InterviewerError(
            f"--compare needs interviews of one bank; these use {', '.join(sorted(banks))}"
        )
    numbers = sorted({q.number for r in records for q in r.questions})
    table = []
    for row in rows:
        line = row.model_dump(include=set(COMPARE_FIELDS))
        line["transcript"] = (names or {}).get(row.transcript) or Path(row.transcript).name
        for number in numbers:
            line[f"q{number}"] = row.scores.get(number)
            line[f"q{number}_covered"] = row.covered.get(number)
        table.append(line)
    table.sort(key=lambda r: -(r["overall"] or 0))
    return numbers, table


def compare_csv(records: list[InterviewRecord]) -> str:
    """The screening table for a spreadsheet: one column per question score and per count."""
    numbers, rows = compare_rows(records)
    out = io.StringIO()
    fields = list(COMPARE_FIELDS)
    fields += [f"q{n}" for n in numbers] + [f"q{n}_covered" for n in numbers]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "flags": " ".join(row["flags"])})
    return out.getvalue()


def compare_html(records: list[InterviewRecord], names: dict[str, str] | None = None) -> str:
    """The screening table as one page, in the first interview's language."""
    numbers, rows = compare_rows(records, names)
    title = records[0].start.bank.title
    return _render("compare.html.j2", records[0].language, title=title, numbers=numbers, rows=rows)
