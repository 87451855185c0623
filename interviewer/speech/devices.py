"""Microphone and speaker through sounddevice, imported only in voice mode: the rest of the
tool installs and runs without audio libraries."""

from __future__ import annotations

import io
import math
import wave
from array import array
from collections.abc import Callable

from interviewer.speech.engines import SpeechError

RATE = 16_000


def _sounddevice():
    try:
        import sounddevice
    except (ImportError, OSError) as exc:
        raise SpeechError(
            "the microphone and speaker need the voice extra: pip install 'interviewer[voice]' "
            f"and the system package libportaudio2 ({type(exc).__name__})"
        ) from None
    return sounddevice


def check() -> None:
    """Fail early, with the reason, when there is no library or no device to use."""
    sd = _sounddevice()
    try:
        sd.query_devices(kind="input")
    except sd.PortAudioError as exc:
        raise SpeechError(f"no microphone found ({exc})") from None


def _device_error(exc: Exception) -> SpeechError:
    return SpeechError(f"the audio device failed ({exc})")


def play(wav: bytes) -> None:
    sd = _sounddevice()
    with wave.open(io.BytesIO(wav)) as source:
        rate, channels = source.getframerate(), source.getnchannels()
        frames = source.readframes(source.getnframes())
    try:
        with sd.RawOutputStream(samplerate=rate, channels=channels, dtype="int16") as stream:
            stream.write(frames)
    except sd.PortAudioError as exc:
        raise _device_error(exc) from None


def _to_wav(chunks: list[bytes]) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(RATE)
        target.writeframes(b"".join(chunks))
    return out.getvalue()


def record_push_to_talk(wait_for_enter: Callable[[], object]) -> bytes:
    """Enter starts, Enter stops."""
    sd = _sounddevice()
    chunks: list[bytes] = []
    wait_for_enter()
    try:
        with sd.RawInputStream(
            samplerate=RATE, channels=1, dtype="int16", callback=lambda data, *_: chunks.append(bytes(data))
        ):
            wait_for_enter()
    except sd.PortAudioError as exc:
        raise _device_error(exc) from None
    return _to_wav(chunks)


def record_until_silence(silence_seconds: float, max_seconds: float = 600.0) -> bytes:
    """Voice activity: starts on speech, stops after `silence_seconds` of quiet (generous by
    default: people pause to think)."""
    sd = _sounddevice()
    chunks: list[bytes] = []
    quiet = spoken = 0.0
    block = RATE // 10
    try:
        stream = sd.RawInputStream(samplerate=RATE, channels=1, dtype="int16", blocksize=block)
    except sd.PortAudioError as exc:
        raise _device_error(exc) from None
    with stream:
        while spoken + quiet < max_seconds:
            data, _ = stream.read(block)
            samples = array("h", bytes(data))
            level = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
            if level > 500:
                spoken += 0.1
                quiet = 0.0
            elif spoken:
                quiet += 0.1
                if quiet >= silence_seconds:
                    break
            if spoken:
                chunks.append(bytes(data))
    return _to_wav(chunks)
