"""Spoken answers in the browser: a recording is uploaded for the prompt it answers, checked
(size, and what it is by its first bytes, never by what the browser claims), kept beside the
candidate's transcript, and transcribed by the terminal's speech engines. The candidate corrects
the text; the answer then carries the recording, what was heard and its delivery figures, as a
spoken answer in the terminal does."""

from __future__ import annotations

import io
import json
import os
import re
import threading
import wave
from array import array
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from itertools import chain
from pathlib import Path

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.types import Message, Receive

from interviewer.bank.models import Bank
from interviewer.config import load_settings
from interviewer.speech import audio as wav
from interviewer.speech.delivery import measure
from interviewer.speech.engines import Speech, bias_prompt, make_speech
from interviewer.transcript.record import InterviewRecord

MAX_BYTES = 10 * 1024 * 1024  # about 40 minutes of Opus, or 5 of 16 kHz WAV
BODY_SLACK = 64 * 1024  # the multipart wrapping around the recording and the prompt field
PAUSE_SECONDS = 2.0  # a silence this long counts as a long pause (as in the terminal)
TIMING_RATE = 8_000  # enough to find pauses; fewer samples for pure-Python levels
NAME = re.compile(r"prompt-(\d{1,12})\.(wav|webm|ogg)")  # named by the prompt it answers
MEDIA_TYPES = {"wav": "audio/wav", "webm": "audio/webm", "ogg": "audio/ogg"}  # by the sniffed kind


class Refused(HTTPException):
    """A refused recording; its error page (in the bank's language) says why, by `key`."""

    def __init__(self, status: int, key: str, detail: str) -> None:
        super().__init__(status_code=status, detail=detail)
        self.key = key


def too_large() -> Refused:
    return Refused(413, "web_spoken_error_413", f"recordings are limited to {MAX_BYTES // 2**20} MB")


class CappedRoute(APIRoute):
    """A route whose body may not pass the recording cap: refused by its declared length before
    it is read, and cut off while it streams if it declared none (or lied)."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def capped(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES + BODY_SLACK:
                raise too_large()
            return await handler(Request(request.scope, _counted(request.receive)))

        return capped


def _counted(receive: Receive) -> Receive:
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BYTES + BODY_SLACK:
            raise too_large()
        return message

    return counting


def sniff(data: bytes) -> str:
    """What a recording is by its first bytes: WAV, WebM with Opus, or Ogg with Opus (what
    MediaRecorder makes in Chromium and Firefox); anything else is a 415."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64] and b"A_OPUS" in data[:4096]:
        return "webm"
    if data[:4] == b"OggS" and b"OpusHead" in data[:64]:
        return "ogg"
    raise Refused(415, "web_spoken_error_415", "send a WAV, WebM/Opus or Ogg/Opus recording")


def samples(data: bytes, kind: str) -> wav.Audio | None:
    """The recording as 16-bit mono samples, for its speaking time and pauses. WebM and Ogg are
    decoded (one frame at a time, at 8 kHz) with PyAV, which faster-whisper brings; without it
    the timing is left unknown. A recording that does not decode as what it claims is a 415."""
    unusable = Refused(415, "web_spoken_error_415", f"this {kind} recording cannot be decoded")
    if kind == "wav":
        try:
            return wav.read_wav(data)
        except ValueError:  # not 16-bit: transcribed all the same, timing unknown
            return None
        except (wave.Error, EOFError):
            raise unusable from None
    try:
        import av
    except ImportError:
        return None
    pcm = array("h")
    try:
        with av.open(io.BytesIO(data)) as container:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=TIMING_RATE)
            for frame in chain(container.decode(audio=0), [None]):  # None flushes the resampler
                for out in resampler.resample(frame):
                    pcm.frombytes(bytes(out.planes[0])[: out.samples * 2])
    except (av.error.FFmpegError, ValueError, IndexError):
        raise unusable from None
    return wav.Audio(rate=TIMING_RATE, samples=pcm)


_engines: dict[tuple, Speech] = {}
_engines_lock = threading.Lock()


def engine() -> Speech:
    """The speech engine the terminal would use with these settings (INTERVIEWER_SPEECH names
    one: openai or offline), built once per configuration: an offline model loads only once."""
    settings = load_settings()
    name = os.environ.get("INTERVIEWER_SPEECH") or None
    key = settings.api_key.get_secret_value() if settings.api_key else None
    wanted = (name, settings.base_url, key, os.environ.get("INTERVIEWER_WHISPER_MODEL"))
    with _engines_lock:
        if wanted not in _engines:
            _engines[wanted] = make_speech(name, settings)
        return _engines[wanted]


@dataclass(frozen=True)
class Heard:
    """A kept recording for one prompt: its file, what was recognised, how long the candidate
    spoke and the long pauses."""

    name: str
    recognised: str
    seconds: float
    pauses: list[float]


def folder(transcript: Path) -> Path:
    """Recordings sit beside the transcript, in a folder named after it (as in the terminal)."""
    return transcript.with_suffix(".audio")


def recordings(record: InterviewRecord) -> dict[str, Path]:
    """The recordings answers were submitted with, by file name: what a recruiter may hear and
    an export carries. Only a name an answer event records is one (a take never submitted, or
    the note beside a take, is not), and only inside the transcript's own folder, so no name
    sent by a browser can reach another file."""
    place = folder(record.path)
    inside = place.resolve()
    found = {}
    for question in record.questions:
        for turn in question.answers:
            audio = Path((turn.spoken or {}).get("audio") or "")
            path = place / audio.name
            if (
                audio.parent == Path(place.name)
                and NAME.fullmatch(audio.name)
                and path.resolve().parent == inside
                and path.is_file()
            ):
                found[audio.name] = path
    return found


def keep(transcript: Path, prompt: int, data: bytes, bank: Bank, number: int | None) -> Heard:
    """Save the recording for `prompt` (replacing an earlier take), transcribe it and note what
    was heard beside it. The engine's SpeechError is the caller's to show."""
    kind = sniff(data)
    audio = samples(data, kind)
    seconds, gaps = wav.pauses(audio, PAUSE_SECONDS) if audio is not None else (0.0, [])
    place = folder(transcript)
    place.mkdir(parents=True, exist_ok=True)
    name = f"prompt-{prompt}.{kind}"
    for earlier in place.glob(f"prompt-{prompt}.*"):
        earlier.unlink(missing_ok=True)
    _write(place / name, data)
    question = next((q for q in bank.questions if q.number == number), None)
    recognised = engine().transcribe(data, name, bank.language, bias_prompt(bank, question))
    heard = Heard(name, recognised, seconds, gaps)
    _write(place / f"prompt-{prompt}.json", json.dumps(asdict(heard), ensure_ascii=False).encode())
    return heard


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a file."""
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data)
    os.replace(part, path)


def heard(transcript: Path, name: str, prompt: int | None) -> Heard | None:
    """The kept recording `name` if it is the latest take for `prompt` (the note beside that
    prompt's take names it); a name that is no recording's is a 400 (a forged form)."""
    if NAME.fullmatch(name) is None:
        raise HTTPException(status_code=400, detail="no such recording")
    if prompt is None:
        return None
    try:
        noted = json.loads((folder(transcript) / f"prompt-{prompt}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Heard(**noted) if noted.get("name") == name else None


def extra(transcript: Path, take: Heard, text: str, language: str) -> dict:
    """What the answer event keeps about a spoken answer: where its recording is, what was
    heard, and delivery figures for the text as finally submitted."""
    return {
        "audio": str((folder(transcript) / take.name).relative_to(transcript.parent)),
        "recognised": take.recognised,
        "delivery": measure(text, take.seconds, take.pauses, language).model_dump(),
    }
