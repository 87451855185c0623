"""Past interviews in a folder, and each question's score over attempts."""

from __future__ import annotations

from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.transcript.record import InterviewRecord, load_record


def find_transcripts(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            found.append(path)
        else:
            raise InterviewerError(f"no transcript or folder at {raw}")
    return found


def load_records(paths: list[Path], bank: str | None = None) -> tuple[list[InterviewRecord], list[str]]:
    """Readable transcripts (oldest first), and one line for each file that could not be read."""
    records, problems = [], []
    for path in paths:
        try:
            record = load_record(path)
        except InterviewerError as exc:
            problems.append(str(exc))
            continue
        if bank and bank not in (
            record.start.get("bank", {}).get("id"),
            record.start.get("bank", {}).get("ref"),
        ):
            continue
        records.append(record)
    records.sort(key=lambda r: r.start.get("started", ""))
    return records, problems


def history_data(records: list[InterviewRecord]) -> dict:
    interviews = []
    progress: dict[str, dict[int, list[float]]] = {}
    for record in records:
        bank_id = record.start.get("bank", {}).get("id", "?")
        closed = [q for q in record.questions if q.closed]
        interviews.append(
            {
                "transcript": str(record.path),
                "started": record.start.get("started"),
                "bank": bank_id,
                "mode": record.start.get("mode"),
                "backend": record.start.get("backend"),
                "model": record.start.get("model"),
                "overall": record.overall,
                "answered": len(closed),
                "total": len(record.start.get("settings", {}).get("questions", [])),
                "finished": record.finished,
                "regrade_of": record.start.get("regrade_of"),
            }
        )
        if record.start.get("regrade_of"):
            continue  # a regrade is the same attempt, graded again
        for q in closed:
            score = q.critique["score"] if q.critique else 0.0
            progress.setdefault(bank_id, {}).setdefault(q.number, []).append(score)
    return {"interviews": interviews, "progress": progress}
