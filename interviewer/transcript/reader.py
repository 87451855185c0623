"""Reading transcripts back: every line validated into its typed event, older files upgraded
on the way in, and the torn last line a crash can leave tolerated."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from interviewer.engine.events import EVENT, SCHEMA_VERSION, Event, SessionEnd, SessionStart
from interviewer.errors import TranscriptError
from interviewer.transcript.upgrades import upgrade


@dataclass
class Transcript:
    path: Path
    events: list[Event]
    problems: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION  # as written; the events are upgraded to the current one

    @property
    def start(self) -> SessionStart:
        return next(e for e in self.events if isinstance(e, SessionStart))

    def of_type(self, kind: type[Event]) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def end(self) -> SessionEnd | None:
        ends = self.of_type(SessionEnd)
        return ends[-1] if ends else None


def _raw_lines(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"cannot read {path} ({exc.strerror})") from None
    found: list[tuple[int, dict]] = []
    problems: list[str] = []
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            last = all(not rest.strip() for rest in lines[number:])
            what = (
                "torn last line (the interview was interrupted while writing it)"
                if last
                else "unreadable line"
            )
            problems.append(f"{path}:{number}: {what}; skipped")
            continue
        if isinstance(event, dict) and "type" in event:
            found.append((number, event))
        else:
            problems.append(f"{path}:{number}: not a transcript event; skipped")
    return found, problems


def _version(path: Path, found: list[tuple[int, dict]]) -> int:
    start = next((event for _, event in found if event.get("type") == "session_start"), None)
    if start is None:
        raise TranscriptError(f"{path} has no session_start event; is it an interviewer transcript?")
    version = start.get("schema_version", 1)
    if not isinstance(version, int) or version < 1:
        raise TranscriptError(f"{path}: schema_version {version!r} is not a version; the file is damaged")
    if version > SCHEMA_VERSION:
        raise TranscriptError(
            f"{path} was written by a newer interviewer (transcript schema {version}, this one reads "
            f"up to {SCHEMA_VERSION}); upgrade interviewer to read it"
        )
    return version


def _problem(path: Path, number: int, kind: str, exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"][1:]) or "event"
    return f"{path}:{number}: {kind} event, field {where}: {error['msg']}; skipped"


def read_transcript(path: str | Path) -> Transcript:
    path = Path(path)
    found, problems = _raw_lines(path)
    if not found:
        raise TranscriptError(f"{path} holds no transcript events; is it an interviewer transcript?")
    version = _version(path, found)
    events: list[Event] = []
    upgraded = upgrade([raw for _, raw in found], version)
    for (number, _), raw in zip(found, upgraded, strict=True):
        try:
            events.append(EVENT.validate_python(raw))
        except ValidationError as exc:
            if raw.get("type") == "session_start":
                raise TranscriptError(
                    _problem(path, number, "session_start", exc).replace("; skipped", "")
                ) from None
            problems.append(_problem(path, number, str(raw.get("type")), exc))
    return Transcript(path=path, events=events, problems=problems, schema_version=version)
