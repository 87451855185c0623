"""The spoken front end: the interviewer's words are spoken, answers are recorded (or read
from `--audio-dir` for scripted runs), transcribed, shown for correction, and submitted with
their delivery figures. Every recording is kept next to the transcript."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from interviewer.bank.models import Bank, Question
from interviewer.engine.session import Output
from interviewer.prompts import say
from interviewer.speech import audio as wav
from interviewer.speech.delivery import describe, measure
from interviewer.speech.engines import Speech, SpeechError, bias_prompt

AUDIO_SUFFIXES = (".wav",)


def audio_files(folder: str) -> list[Path]:
    path = Path(folder)
    if not path.is_dir():
        raise SpeechError(f"--audio-dir {folder} is not a folder of answers (01.wav, 02.wav …)")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    if not files:
        raise SpeechError(f"{folder} holds no .wav answers (01.wav, 02.wav …)")
    return files


class VoiceFront:
    def __init__(
        self,
        console: Console,
        speech: Speech,
        bank: Bank,
        recordings: Path,
        *,
        audio_dir: str | None = None,
        vad: bool = False,
        silence_seconds: float = 3.0,
        pause_seconds: float = 2.0,
        ask: Callable[[str], str] = input,
        current: Callable[[], Question] | None = None,
    ) -> None:
        self.console = console
        self.speech = speech
        self.bank = bank
        self.recordings = recordings
        self.scripted = audio_files(audio_dir) if audio_dir else None
        self.vad = vad
        self.silence_seconds = silence_seconds
        self.pause_seconds = pause_seconds
        self.ask = ask
        self.current = current
        self.mute = self.scripted is not None
        self.typed = False

    @property
    def language(self) -> str:
        return self.bank.language

    def _notice(self, message: str) -> None:
        self.console.print(f"[yellow]{escape(message)}[/yellow]")

    def speak(self, output: Output) -> None:
        """Say a question or probe aloud; if speaking fails, say so once and carry on silently."""
        if self.mute or output.kind not in ("question", "probe") or not output.text:
            return
        try:
            from interviewer.speech.devices import play

            play(self.speech.synthesize(output.text, self.language))
        except SpeechError as exc:
            self._notice(say(self.language, "voice_muted", reason=exc))
            self.mute = True

    def _record(self) -> bytes:
        from interviewer.speech.devices import check, record_push_to_talk, record_until_silence

        check()
        if self.vad:
            self.console.print(f"[dim]{escape(say(self.language, 'voice_listening'))}[/dim]")
            return record_until_silence(self.silence_seconds)
        self.console.print(f"[dim]{escape(say(self.language, 'voice_push_to_talk'))}[/dim]")
        return record_push_to_talk(lambda: self.ask(""))

    def answers(self, typed: Iterator[str]) -> Iterator[str | tuple[str, dict]]:
        """One answer per turn: spoken (recorded or from the folder), else typed after a failure."""
        number = 0
        while True:
            if self.typed:
                answer = next(typed, None)
                if answer is None:
                    return
                yield answer
                continue
            if self.scripted is not None:
                if number >= len(self.scripted):
                    return
                recording = self.scripted[number].read_bytes()
            else:
                try:
                    recording = self._record()
                except SpeechError as exc:
                    self._notice(say(self.language, "voice_typed", reason=exc))
                    self.typed = True
                    continue
            number += 1
            kept = len(list(self.recordings.glob("*.wav"))) if self.recordings.is_dir() else 0
            saved = self.recordings / f"{kept + 1:02d}.wav"  # a resumed interview adds, never overwrites
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_bytes(recording)
            try:
                prompt = bias_prompt(self.bank, self.current() if self.current else None)
                heard = self.speech.transcribe(recording, saved.name, self.language, prompt)
            except SpeechError as exc:
                self._notice(say(self.language, "voice_typed", reason=exc))
                self.typed = True
                continue
            try:
                seconds, gaps = wav.pauses(wav.read_wav(recording), self.pause_seconds)
            except (ValueError, EOFError):
                seconds, gaps = 0.0, []
            delivery = measure(heard, seconds, gaps, self.language)
            self.console.print(f"[cyan]{escape(say(self.language, 'voice_heard'))}[/cyan] {escape(heard)}")
            self.console.print(f"[dim]{escape(describe(delivery.model_dump(), self.language))}[/dim]")
            submitted = heard
            if self.scripted is None:
                correction = self.ask(say(self.language, "voice_correct") + " ").strip()
                submitted = correction or heard
            extra = {
                "audio": str(saved.relative_to(self.recordings.parent)),
                "recognised": heard,
                "delivery": delivery.model_dump(),
            }
            yield submitted, extra
