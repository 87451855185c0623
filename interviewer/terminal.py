"""The terminal front end: drive an interview from the keyboard, a scripted answers file or
a voice, printing what the interviewer says; the interview itself is the app layer's.

A scripted file holds answers separated by lines of only `---`. A block after a line
`--- follow-up` (or `--- probe`, `--- 追问`) answers the follow-up the interviewer just asked;
any other block answers the next question, so a probe never takes the next question's answer:
an unanswered probe is skipped and the question keeps its grade. When the blocks run out the
interview stops and is saved as unfinished.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from interviewer.app import interviews
from interviewer.app.interviews import Interview
from interviewer.engine.results import Summary
from interviewer.engine.session import Output
from interviewer.errors import InterviewerError
from interviewer.prompts import say
from interviewer.transcript.record import load_record

SEPARATOR = re.compile(r"^---\s*(?P<mark>follow-up|follow up|probe|追问)?\s*$", re.IGNORECASE)


@dataclass
class Reply:
    """One submission: `follow_up` True answers a probe, False a question, None whatever is asked."""

    text: str
    follow_up: bool | None = None
    extra: dict | None = None


def read_text(source: str) -> str:
    """A UTF-8 file, or stdin for `-`."""
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InterviewerError(f"cannot read {source} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InterviewerError(f"{source} is not UTF-8 text; save it as UTF-8") from None


def read_answers(source: str) -> list[Reply]:
    """The scripted answers, each marked as a question's answer or a follow-up reply."""
    replies: list[Reply] = []
    current: list[str] = []
    follow_up = False
    for line in read_text(source).splitlines():
        match = SEPARATOR.match(line.strip())
        if match is None:
            current.append(line)
            continue
        if replies or any(part.strip() for part in current):
            replies.append(Reply("\n".join(current).strip(), follow_up))
        current, follow_up = [], bool(match.group("mark"))
    if any(line.strip() for line in current):
        replies.append(Reply("\n".join(current).strip(), follow_up))
    return replies


class TypedAnswers:
    """Multi-line answers from the keyboard; an empty line submits, a command submits at once.
    `pending` holds what was typed but not yet submitted (kept as a draft on Ctrl-C)."""

    def __init__(self, console: Console, language: str) -> None:
        self.console = console
        self.language = language
        self.pending: list[str] = []

    def __iter__(self) -> Iterator[str]:
        while True:
            self.console.print(f"[dim]{say(self.language, 'answer_prompt')}[/dim]")
            self.pending = []
            while True:
                try:
                    line = input("> " if not self.pending else "  ")
                except EOFError:
                    if self.pending:
                        yield "\n".join(self.pending)
                    return
                if not self.pending and line.strip().startswith("/"):
                    yield line.strip()
                    break
                if not line.strip():
                    if self.pending:
                        text, self.pending = "\n".join(self.pending), []
                        yield text
                        break
                    continue
                self.pending.append(line)


def _step(interview: Interview, reply: Reply, show: Callable[[Output], None], busy) -> list[Output]:
    """One reply; a scripted reply meant for the other kind of prompt is not misplaced."""
    prompt = interview.session.prompt
    probing = prompt is not None and prompt.kind == "probe"
    if reply.follow_up and not probing:
        interview.draft(reply.text)
        return [Output(kind="notice", text=say(interview.bank.language, "unexpected_follow_up"))]
    if reply.follow_up is False and probing and not reply.text.startswith("/"):
        _skip_probe(interview, show, busy)
        if interview.finished:
            interview.draft(reply.text)
            return []
    return busy(lambda: interview.answer(reply.text, reply.extra))


def _run_out(interview: Interview, scripted: bool, show: Callable[[Output], None], busy) -> list[Output]:
    """The answers ran out: a script's last probe went unanswered (skipped, the question keeps
    its grade); whatever is still open stops the interview, saved as unfinished."""
    prompt = interview.session.prompt
    if scripted and prompt is not None and prompt.kind == "probe":
        _skip_probe(interview, show, busy)
    return interview.stop()


def _skip_probe(interview: Interview, show: Callable[[Output], None], busy) -> None:
    """A script has no reply to the probe: say so and skip it; the question keeps its grade."""
    show(Output(kind="notice", text=say(interview.bank.language, "follow_up_unanswered")))
    for output in busy(interview.skip):
        show(output)


def run(
    interview: Interview,
    replies: Iterator[Reply | str | tuple[str, dict]],
    show: Callable[[Output], None],
    busy: Callable[[Callable[[], list[Output]]], list[Output]] | None = None,
    pending: Callable[[], str] | None = None,
) -> Summary:
    """Drive the interview to its end; Ctrl-C or the end of the answers stops it and saves,
    keeping what was typed but not submitted as a draft. `busy` wraps each step that may wait
    for a model (a spinner on a terminal)."""
    busy = busy or (lambda work: work())
    scripted = False
    try:
        for output in busy(interview.begin):
            show(output)
        while not interview.finished:
            item = next(replies, None)
            if item is None:
                outputs = _run_out(interview, scripted, show, busy)
            else:
                scripted = scripted or (isinstance(item, Reply) and item.follow_up is not None)
                if isinstance(item, str):
                    item = Reply(item)
                elif isinstance(item, tuple):
                    item = Reply(item[0], extra=item[1])
                outputs = _step(interview, item, show, busy)
            for output in outputs:
                show(output)
        if scripted and (unused := sum(1 for _ in replies)):
            show(Output(kind="notice", text=say(interview.bank.language, "unused_answers", count=unused)))
    except KeyboardInterrupt:
        if pending:
            interview.draft(pending())
        for output in interview.stop():
            show(output)
        raise
    return interview.summary()


class StreamPrinter:
    """Prints the model's words as they arrive; remembers that it did, so the finished
    question or probe is not printed a second time."""

    def __init__(self, console: Console, thinking: str) -> None:
        self.console = console
        self.thinking = thinking
        self.streamed = False
        self.status = None

    def busy(self, work: Callable[[], list[Output]]) -> list[Output]:
        """A spinner while the model thinks, until its first words arrive."""
        if not self.console.is_terminal:
            return work()
        with self.console.status(self.thinking) as status:
            self.status = status
            try:
                return work()
            finally:
                self.status = None

    def __call__(self, chunk: str) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
        if not self.streamed:
            self.console.print()
        self.streamed = True
        self.console.print(chunk, end="", markup=False, highlight=False, soft_wrap=True)

    def take(self) -> bool:
        streamed, self.streamed = self.streamed, False
        if streamed:
            self.console.print()
        return streamed


def console_for(json_mode: bool) -> Console:
    """With --json the answer is the JSON on stdout; the conversation goes to stderr."""
    return Console(stderr=json_mode, highlight=False)


@dataclass
class Voice:
    """Spoken interviews: who speaks and listens, and how an answer ends."""

    speech: str | None = None
    audio_dir: str | None = None
    vad: bool = False
    silence_seconds: float = 3.0


def _speaker(voice: Voice, console: Console, interview: Interview):
    from interviewer.config import load_settings
    from interviewer.speech.engines import make_speech
    from interviewer.voice import VoiceFront

    return VoiceFront(
        console,
        recordings=interview.path.with_suffix(".audio"),
        bank=interview.bank,
        current=lambda: interview.session.question,
        speech=make_speech(voice.speech, load_settings()),
        audio_dir=voice.audio_dir,
        vad=voice.vad,
        silence_seconds=voice.silence_seconds,
    )


def _banner(console: Console, interview: Interview, scripted: bool) -> None:
    bank, backend = interview.bank, interview.backend
    if interview.drafted:
        click.echo(say(bank.language, "drafted_key_points", count=interview.drafted), err=True)
    who = f"{backend.name} ({backend.model})" if backend.model else backend.name
    console.print(f"[bold]{escape(bank.title)}[/bold]")
    named = say(bank.language, f"mode_{interview.session.mode}")
    banner = say(
        bank.language, "banner", count=len(interview.questions), mode=named, backend=who, path=interview.path
    )
    console.print(f"[dim]{escape(banner)}[/dim]")
    if not scripted:
        console.print(f"[dim]{escape(say(bank.language, 'help'))}[/dim]")


def drive(
    interview: Interview,
    *,
    console: Console,
    printer: StreamPrinter | None,
    answers: str | None,
    as_json: bool,
    voice: Voice | None = None,
) -> None:
    """Run an opened interview in this terminal, then say where it was saved."""
    from interviewer.render import render_output

    _banner(console, interview, scripted=answers is not None)
    typed = TypedAnswers(console, interview.bank.language)
    feed: Iterator = iter(read_answers(answers)) if answers else iter(typed)
    speaker = _speaker(voice, console, interview) if voice else None
    if speaker is not None:
        feed = speaker.answers(feed)
    prepared: list[bool] = []

    def show(output: Output) -> None:
        render_output(console, output, interview.bank.language, streamed=printer.take() if printer else False)
        if output.kind == "question" and not prepared:  # the first question is on screen: get ready
            from interviewer.backends.offline.matching import prepare_in_background

            prepared.append(True)
            prepare_in_background(interview.bank, interview.questions)
        if speaker is not None:
            speaker.speak(output)

    try:
        summary = run(
            interview, feed, show, printer.busy if printer else None, lambda: "\n".join(typed.pending)
        )
    except KeyboardInterrupt:
        click.echo(f"\nsaved: {interview.path}", err=True)
        raise
    finally:
        interview.close()
    if as_json:
        data = {"transcript": str(interview.path), **summary.model_dump(mode="json")}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(f"saved: {interview.path}", err=True)


def _checked_voice(voice: Voice | None) -> str | None:
    """The speech engine's name; a wrong answers folder or engine is reported before a
    transcript is made."""
    if voice is None:
        return None
    from interviewer.config import load_settings
    from interviewer.speech.engines import make_speech
    from interviewer.voice import audio_files

    if voice.audio_dir:
        audio_files(voice.audio_dir)
    return make_speech(voice.speech, load_settings()).name


def _open(
    console: Console, opening: Callable[[StreamPrinter], Interview]
) -> tuple[Interview, StreamPrinter | None]:
    """Open an interview with a printer for a model's words; kept only if the backend streams."""
    printer = StreamPrinter(console, "")
    interview = opening(printer)
    printer.thinking = say(interview.bank.language, "thinking")
    return interview, printer if interview.backend.capabilities.streaming else None


def practice(
    options: interviews.InterviewOptions, *, answers: str | None, as_json: bool, voice: Voice | None
) -> None:
    """A new interview in this terminal."""
    console = console_for(as_json)
    engine = _checked_voice(voice)
    if voice:
        options.recorded |= {"voice": engine, "vad": voice.vad, "silence_timeout": voice.silence_seconds}

    def ready(bank: object) -> None:
        if answers and answers != "-":
            read_answers(answers)  # a missing answers file is reported before a transcript is made

    interview, printer = _open(
        console, lambda printer: interviews.start(options, stream=printer, before_transcript=ready)
    )
    drive(interview, console=console, printer=printer, answers=answers, as_json=as_json, voice=voice)


def resume(
    path: str,
    *,
    answers: str | None,
    force: bool,
    base_url: str | None,
    model: str | None,
    as_json: bool,
    audio_dir: str | None = None,
) -> None:
    """Carry on an unfinished interview in this terminal, spoken if it was spoken."""
    console = console_for(as_json)
    began = load_record(path).start.settings.model_dump()
    voice = None
    if began.get("voice") or audio_dir:
        voice = Voice(
            began.get("voice"), audio_dir, began.get("vad", False), began.get("silence_timeout", 3.0)
        )
        _checked_voice(voice)
    interview, printer = _open(
        console,
        lambda printer: interviews.resume(path, force=force, base_url=base_url, model=model, stream=printer),
    )
    drive(interview, console=console, printer=printer, answers=answers, as_json=as_json, voice=voice)
