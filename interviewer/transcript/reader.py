"""Reading transcripts back, tolerating the torn last line a crash can leave."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.errors import TranscriptError


@dataclass
class Transcript:
    path: Path
    events: list[dict]
    problems: list[str] = field(default_factory=list)

    @property
    def start(self) -> dict:
        return next((e for e in self.events if e.get("type") == "session_start"), {})

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.events if e.get("type") == kind]

    @property
    def end(self) -> dict | None:
        ends = self.of_type("session_end")
        return ends[-1] if ends else None


def read_transcript(path: str | Path) -> Transcript:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"cannot read {path} ({exc.strerror})") from None
    events: list[dict] = []
    problems: list[str] = []
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            last = number == len(lines) or all(not rest.strip() for rest in lines[number:])
            what = (
                "torn last line (the interview was interrupted while writing it)"
                if last
                else "unreadable line"
            )
            problems.append(f"{path}:{number}: {what}; skipped")
            continue
        if isinstance(event, dict) and "type" in event:
            events.append(event)
        else:
            problems.append(f"{path}:{number}: not a transcript event; skipped")
    if not events:
        raise TranscriptError(f"{path} holds no transcript events; is it an interviewer transcript?")
    return Transcript(path=path, events=events, problems=problems)
