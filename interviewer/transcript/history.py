"""Past interviews in a folder, and each question's score over attempts."""

from __future__ import annotations

from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.transcript.record import InterviewRecord, load_record
from interviewer.transcript.rows import summary_row


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
        if bank and bank not in (record.start.bank.id, record.start.bank.ref):
            continue
        records.append(record)
    records.sort(key=lambda r: r.start.started)
    return records, problems


def history_data(records: list[InterviewRecord]) -> dict:
    """Each interview's row, and per bank each question's score over attempts (a regrade is
    the same attempt graded again, so it adds no attempt)."""
    rows = [summary_row(record) for record in records]
    progress: dict[str, dict[int, list[float]]] = {}
    for row in rows:
        if row.regrade_of:
            continue
        for number, score in row.scores.items():
            progress.setdefault(row.bank, {}).setdefault(number, []).append(score)
    keep = ("transcript", "started", "bank", "mode", "backend", "model", "overall", "answered", "total")
    interviews = [row.model_dump(include=set(keep) | {"finished", "regrade_of"}) for row in rows]
    return {"interviews": interviews, "progress": progress}
