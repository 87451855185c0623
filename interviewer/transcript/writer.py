"""Durable JSONL: every event is appended, flushed and fsync'ed as it happens, so a crash or a
power cut loses at most the line being written. Secrets are scrubbed before anything is written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path

from interviewer.engine.events import Event
from interviewer.errors import TranscriptError

SECRET_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]{8,}"),
]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_session_id() -> str:
    return secrets.token_hex(4)


def transcript_path(folder: Path, bank_id: str, session_id: str) -> Path:
    stamp = datetime.now().strftime("%Y-%m-%d_%H%M%S")
    return folder / f"{stamp}_{bank_id}_{session_id}.jsonl"


class Scrubber:
    """Replaces any known secret value, and anything shaped like an API key, with `[redacted]`."""

    def __init__(self, secrets_: list[str] | None = None) -> None:
        self.values = [s for s in (secrets_ or []) if s and len(s) >= 4]

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, "[redacted]")
        for pattern in SECRET_PATTERNS:
            text = pattern.sub("[redacted]", text)
        return text


class TranscriptWriter:
    def __init__(self, path: Path, scrub: Scrubber | None = None, seq: int = 0) -> None:
        self.path = Path(path)
        self.scrub = scrub or Scrubber()
        self.seq = seq
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            self._end_torn_line()
        except OSError as exc:
            raise TranscriptError(
                f"cannot write transcripts to {self.path.parent} ({exc.strerror}); "
                "choose another folder with --transcript or INTERVIEWER_TRANSCRIPTS_DIR"
            ) from None

    def _end_torn_line(self) -> None:
        """A crash can leave half a line; new events start on a line of their own."""
        size = os.fstat(self._fd).st_size
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            os.write(self._fd, b"\n")

    def write(self, event: Event) -> Event:
        """Append one event, numbered and stamped here, as one line; returns it as written."""
        self.seq += 1
        event = event.model_copy(update={"seq": self.seq, "ts": now_iso()})
        data = event.model_dump(mode="json", by_alias=True, exclude_none=True)
        data = {"type": data.pop("type"), "seq": data.pop("seq"), "ts": data.pop("ts"), **data}
        line = self.scrub(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"
        try:
            os.write(self._fd, line.encode("utf-8"))
            os.fsync(self._fd)
        except OSError as exc:
            raise TranscriptError(
                f"cannot write to {self.path} ({exc.strerror}); the interview stopped"
            ) from None
        return event

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> TranscriptWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
