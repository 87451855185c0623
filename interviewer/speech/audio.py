"""WAV in, silences out: enough signal processing to find pauses and trim a recording,
in pure Python so nothing beyond the standard library is needed."""

from __future__ import annotations

import io
import math
import wave
from array import array
from dataclasses import dataclass

FRAME_SECONDS = 0.05
SILENCE_RATIO = 0.08  # a frame quieter than this share of the loudest frame is silence


@dataclass
class Audio:
    rate: int
    samples: array  # 16-bit mono

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


def read_wav(data: bytes) -> Audio:
    with wave.open(io.BytesIO(data)) as source:
        rate, width, channels = source.getframerate(), source.getsampwidth(), source.getnchannels()
        raw = source.readframes(source.getnframes())
    if width != 2:
        raise ValueError(f"only 16-bit WAV is supported, not {8 * width}-bit")
    samples = array("h")
    samples.frombytes(raw)
    if channels > 1:
        samples = array("h", samples[::channels])
    return Audio(rate=rate, samples=samples)


def write_wav(audio: Audio) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(audio.rate)
        target.writeframes(audio.samples.tobytes())
    return out.getvalue()


def frame_levels(audio: Audio) -> list[float]:
    size = max(1, int(audio.rate * FRAME_SECONDS))
    levels = []
    for start in range(0, len(audio.samples), size):
        frame = audio.samples[start : start + size]
        levels.append(math.sqrt(sum(s * s for s in frame) / len(frame)) if frame else 0.0)
    return levels


def speech_span(levels: list[float]) -> tuple[int, int, list[bool]]:
    loudest = max(levels, default=0.0)
    voiced = [level > loudest * SILENCE_RATIO and level > 50 for level in levels]
    first = next((i for i, v in enumerate(voiced) if v), 0)
    last = max((i for i, v in enumerate(voiced) if v), default=-1)
    return first, last, voiced


def pauses(audio: Audio, at_least: float) -> tuple[float, list[float]]:
    """Speaking time (silence at both ends left out) and the silences of `at_least` seconds
    or more in between."""
    levels = frame_levels(audio)
    first, last, voiced = speech_span(levels)
    if last < first:
        return 0.0, []
    found, run = [], 0
    for is_voiced in voiced[first : last + 1]:
        if is_voiced:
            if run * FRAME_SECONDS >= at_least:
                found.append(round(run * FRAME_SECONDS, 2))
            run = 0
        else:
            run += 1
    return (last - first + 1) * FRAME_SECONDS, found
