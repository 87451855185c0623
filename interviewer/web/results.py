"""What each candidate of a screening scored and did, as rows: one list serves the screening
page and its CSV export, so the two never disagree."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from interviewer.engine.events import Answer, LeftPage
from interviewer.transcript.record import InterviewRecord, load_record
from interviewer.transcript.rows import summary_row
from interviewer.web.store import Decision, Invite, Screening

FAST_CHARS_PER_SECOND = 15  # nobody types this fast; a long answer arriving faster was pasted
FAST_MIN_CHARS = 200


def behaviour_flags(record: InterviewRecord, seconds_per_answer: int | None = None) -> list[str]:
    """What the candidate did, beside what they said: pasted answers, leaving the page,
    answers over the time limit."""
    flags = []
    if seconds_per_answer:
        late = [e for e in record.transcript.of_type(Answer) if (e.seconds or 0) > seconds_per_answer]
        if late:
            flags.append(f"over_time×{len(late)}")
    pasted = [
        e
        for e in record.transcript.of_type(Answer)
        if len(e.text) >= FAST_MIN_CHARS and len(e.text) / max(e.seconds or 0.0, 0.1) > FAST_CHARS_PER_SECOND
    ]
    if pasted:
        flags.append(f"fast_paste×{len(pasted)}")
    left = len(record.transcript.of_type(LeftPage))
    if left:
        flags.append(f"left_page×{left}")
    return flags


def delivery_summary(record: InterviewRecord) -> dict | None:
    """How the candidate spoke over all their spoken answers, for one table cell: the pace over
    the whole speaking time (each answer's pace weighted by how long it lasted), the fillers and
    the long pauses. None when nothing was spoken."""
    said = [
        t.spoken["delivery"]
        for q in record.questions
        for t in q.answers
        if t.spoken and t.spoken.get("delivery")
    ]
    if not said:
        return None
    timed = [d for d in said if d.get("pace") is not None and d.get("seconds")]
    seconds = sum(d["seconds"] for d in timed)
    return {
        "pace": round(sum(d["pace"] * d["seconds"] for d in timed) / seconds, 1) if seconds else None,
        "unit": "chars" if said[0].get("pace_unit", "").startswith("chars") else "words",
        "fillers": sum(sum(d.get("fillers", {}).values()) for d in said),
        "pauses": sum(d.get("long_pauses", 0) for d in said),
    }


def latest_decisions(db: Session, screening_id: int) -> dict[int, Decision]:
    """Each candidate's latest decision, by invite id."""
    query = (
        select(Decision).join(Invite).where(Invite.screening_id == screening_id).order_by(Decision.created)
    )
    return {d.invite_id: d for d in db.scalars(query)}


def candidate_rows(screening: Screening, invites: list[Invite], decisions: dict[int, Decision]) -> list[dict]:
    """One row per invite: scores, minutes, skipped questions, flags and how the answers were
    spoken once a transcript exists, and the latest decision with its notes (`decisions` maps
    invite id to it)."""
    rows = []
    for invite in invites:
        decided = decisions.get(invite.id)
        row = {
            "invite": invite,
            "overall": None,
            "scores": {},
            "minutes": 0.0,
            "flags": [],
            "skipped": [],
            "delivery": None,
            "decision": decided.decision if decided else None,
            "notes": decided.notes if decided else "",
        }
        if invite.transcript and Path(invite.transcript).exists():
            record = load_record(invite.transcript)
            summary = summary_row(record)
            row["overall"] = summary.overall
            row["scores"] = summary.scores
            row["minutes"] = summary.minutes
            row["skipped"] = [q.number for q in record.questions if q.skipped]
            row["flags"] = summary.flags + behaviour_flags(record, screening.seconds_per_answer)
            row["delivery"] = delivery_summary(record)
        rows.append(row)
    return rows


SORTS = {
    "created": lambda row: row["invite"].created,
    "name": lambda row: row["invite"].candidate.casefold(),
    "score": lambda row: -(row["overall"] if row["overall"] is not None else -1),
}


def pick_rows(rows: list[dict], listing: dict) -> list[dict]:
    """The rows a recruiter asked for: a name search, a status, a flag ("any" for any flag) and
    a decision ("none" for undecided), in the chosen order (newest, name, best score first)."""
    query = listing.get("q", "").strip().casefold()
    status, flag, decision = listing.get("status"), listing.get("flag"), listing.get("decision")

    def wanted(row: dict) -> bool:
        flags = [f.split("×")[0] for f in row["flags"]]
        return (
            (not query or query in row["invite"].candidate.casefold())
            and (not status or row["invite"].status == status)
            and (not flag or (flags if flag == "any" else flag in flags))
            and (not decision or (row["decision"] or "none") == decision)
        )

    chosen = [row for row in rows if wanted(row)]
    order = SORTS.get(listing.get("sort") or "created", SORTS["created"])
    return sorted(chosen, key=order, reverse=listing.get("sort") in (None, "", "created"))


def _cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (`=HYPERLINK(…)`) is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _SafeWriter:
    """csv.writer whose text cells cannot become formulas."""

    def __init__(self, out: io.StringIO) -> None:
        self.writer = csv.writer(out)

    def writerow(self, row: list) -> None:
        self.writer.writerow([_cell(value) for value in row])


def csv_text(screening: Screening, rows: list[dict]) -> str:
    """The rows as CSV, one score column per question, with the grader that scored them and the
    delivery figures of spoken answers; it starts with a UTF-8 byte order mark so Excel reads
    Chinese names right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = _SafeWriter(out)
    questions = screening.questions
    writer.writerow(
        [
            "candidate",
            "status",
            "overall",
            *[f"q{n}" for n in questions],
            "minutes",
            "skipped",
            "flags",
            "decision",
            "notes",
            "backend",
            "model",
            "pace",
            "pace_unit",
            "fillers",
            "long_pauses",
        ]
    )
    for row in rows:
        spoken = row["delivery"] or {}
        writer.writerow(
            [
                row["invite"].candidate,
                row["invite"].status,
                row["overall"],
                *[row["scores"].get(n, "") for n in questions],
                row["minutes"],
                " ".join(f"q{n}" for n in row["skipped"]),
                " ".join(row["flags"]),
                row["decision"] or "",
                row["notes"],
                screening.backend,
                screening.model or "",
                "" if spoken.get("pace") is None else spoken["pace"],
                f"{spoken['unit']}/min" if spoken else "",
                spoken.get("fillers", ""),
                spoken.get("pauses", ""),
            ]
        )
    return out.getvalue()
