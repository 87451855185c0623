"""Speaking and listening, behind one small interface: the OpenAI-compatible audio endpoints
through the same SDK and settings, or offline parts (espeak-ng to speak, faster-whisper with a
model already on disk to listen). Nothing is downloaded at run time; a missing part is named,
with how to get it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

from interviewer.bank.models import Bank, Question
from interviewer.config import Settings
from interviewer.errors import InterviewerError

STT_MODEL = "whisper-1"
TTS_MODEL = "tts-1"
TTS_VOICE = "alloy"
BIAS_TERMS = 40
ESPEAK_VOICES = {"zh": "cmn-latn-pinyin", "en": "en-us"}


class SpeechError(InterviewerError):
    """A part of voice mode is missing or failed; the interview goes on typed."""


class Speech(Protocol):
    name: str

    def synthesize(self, text: str, language: str) -> bytes: ...

    def transcribe(self, audio: bytes, filename: str, language: str, prompt: str) -> str: ...


FILLER_HINT = {"zh": "嗯，啊，那个，就是，然后。", "en": "Um, uh, like, you know."}


def bias_prompt(bank: Bank, question: Question | None = None) -> str:
    """The bank's own terms (GMV, RFM, 全渠道, 私域 …), the current question's first, so
    recognition spells them right; and a few fillers, so they are kept rather than tidied away
    (Whisper drops them unless its prompt shows some)."""
    seen: dict[str, None] = {}
    questions = ([question] if question else []) + [q for q in bank.questions if q is not question]
    for each in questions:
        for point in each.key_points:
            for term in point.keywords:
                if len(term) >= 2:
                    seen.setdefault(term, None)
    terms = ", ".join(list(seen)[:BIAS_TERMS])
    return f"{FILLER_HINT['zh' if bank.is_chinese else 'en']} {terms}"


def primary(language: str) -> str:
    return language.split("-")[0].lower()


class OpenAISpeech:
    """`POST /audio/speech` and `POST /audio/transcriptions` of any OpenAI-compatible server."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        key = settings.api_key.get_secret_value() if settings.api_key else "no-key"
        self.client = OpenAI(base_url=settings.base_url, api_key=key, timeout=60.0, max_retries=2)
        self.where = settings.base_url or "api.openai.com"
        self.stt_model = os.environ.get("INTERVIEWER_STT_MODEL") or STT_MODEL
        self.tts_model = os.environ.get("INTERVIEWER_TTS_MODEL") or TTS_MODEL
        self.voice = os.environ.get("INTERVIEWER_TTS_VOICE") or TTS_VOICE

    def synthesize(self, text: str, language: str) -> bytes:
        import openai

        try:
            response = self.client.audio.speech.create(
                model=self.tts_model, voice=self.voice, input=text, response_format="wav"
            )
            return response.read()
        except openai.OpenAIError as exc:
            raise SpeechError(f"speech synthesis at {self.where} failed ({type(exc).__name__})") from None

    def transcribe(self, audio: bytes, filename: str, language: str, prompt: str) -> str:
        import openai

        try:
            result = self.client.audio.transcriptions.create(
                model=self.stt_model, file=(filename, audio), language=primary(language), prompt=prompt
            )
        except openai.OpenAIError as exc:
            raise SpeechError(f"speech recognition at {self.where} failed ({type(exc).__name__})") from None
        return (getattr(result, "text", None) or str(result)).strip()


class OfflineSpeech:
    """espeak-ng speaks; faster-whisper listens, with the model named by INTERVIEWER_WHISPER_MODEL."""

    name = "offline"

    def __init__(self) -> None:
        self.espeak = shutil.which("espeak-ng")
        self.whisper_model = os.environ.get("INTERVIEWER_WHISPER_MODEL")
        self._model = None

    def synthesize(self, text: str, language: str) -> bytes:
        if not self.espeak:
            raise SpeechError("speaking offline needs espeak-ng: sudo apt-get install espeak-ng")
        voice = ESPEAK_VOICES.get(primary(language), primary(language))
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "speech.wav"
            subprocess.run(
                [self.espeak, "-v", voice, "-w", str(target), text], check=True, capture_output=True
            )
            return target.read_bytes()

    def transcribe(self, audio: bytes, filename: str, language: str, prompt: str) -> str:
        if not self.whisper_model or not Path(self.whisper_model).exists():
            raise SpeechError(
                "recognising speech offline needs faster-whisper and a model on disk: "
                "pip install faster-whisper, then set INTERVIEWER_WHISPER_MODEL to the model folder"
            )
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise SpeechError(
                "recognising speech offline needs faster-whisper: pip install faster-whisper"
            ) from None
        if self._model is None:
            self._model = WhisperModel(self.whisper_model, device="cpu", compute_type="int8")
        with tempfile.NamedTemporaryFile(suffix=Path(filename).suffix or ".wav") as handle:
            handle.write(audio)
            handle.flush()
            segments, _ = self._model.transcribe(
                handle.name, language=primary(language), initial_prompt=prompt
            )
            return "".join(segment.text for segment in segments).strip()


def make_speech(name: str | None, settings: Settings) -> Speech:
    """`openai` when an endpoint is configured, else the offline parts."""
    name = name or ("openai" if settings.has_endpoint else "offline")
    if name == "openai":
        return OpenAISpeech(settings)
    if name == "offline":
        return OfflineSpeech()
    raise InterviewerError(f"unknown speech engine {name!r}; choose openai or offline")
