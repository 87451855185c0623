"""Putting an interview together: settings, bank, backend, transcript, session, front end.

The transcript is opened before the first question, so an unwritable folder is reported
before anyone has typed an answer. `resume` reopens the same file and carries on.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape

from interviewer.app.events import session_start_event
from interviewer.backends import make_backend
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.bank.keypoints import resolve_with_key_points
from interviewer.bank.models import Bank, Question
from interviewer.config import Settings, load_settings
from interviewer.engine.critique import Critique
from interviewer.engine.ports import Backend
from interviewer.engine.selection import select_questions
from interviewer.engine.session import Output, QuestionResult, Session
from interviewer.errors import InterviewerError
from interviewer.prompts import say
from interviewer.render import render_output
from interviewer.terminal import StreamPrinter, console_for, read_answers, run, typed_answers
from interviewer.transcript.record import InterviewRecord, load_record
from interviewer.transcript.writer import (
    Scrubber,
    TranscriptWriter,
    new_session_id,
    transcript_path,
)


def scrubber(settings: Settings) -> Scrubber:
    return Scrubber([settings.api_key.get_secret_value()] if settings.api_key else [])


def open_transcript(
    settings: Settings, target: str | None, bank_id: str, session_id: str
) -> TranscriptWriter:
    if target and Path(target).suffix == ".jsonl":
        path = Path(target)
    else:
        path = transcript_path(Path(target) if target else settings.transcripts_dir, bank_id, session_id)
    return TranscriptWriter(path, scrubber(settings))


def spoken(speech: str | None, settings: Settings, audio_dir: str | None, vad: bool, silence: float) -> dict:
    """Voice-mode options for `_drive`; a wrong answers folder is reported before a transcript is made."""
    from interviewer.speech.engines import make_speech
    from interviewer.voice import audio_files

    if audio_dir:
        audio_files(audio_dir)
    return {
        "speech": make_speech(speech, settings),
        "audio_dir": audio_dir,
        "vad": vad,
        "silence_seconds": silence,
    }


def _drive(
    *,
    bank: Bank,
    selected: list[Question],
    backend: Backend,
    writer: TranscriptWriter,
    mode: str,
    max_follow_ups: int,
    answers: str | None,
    as_json: bool,
    restore: dict | None = None,
    voice: dict | None = None,
) -> None:
    console = console_for(as_json)
    scripted = read_answers(answers) if answers else None
    who = f"{backend.name} ({backend.model})" if backend.model else backend.name
    console.print(f"[bold]{escape(bank.title)}[/bold]")
    named = say(bank.language, f"mode_{mode}")
    banner = say(bank.language, "banner", count=len(selected), mode=named, backend=who, path=writer.path)
    console.print(f"[dim]{escape(banner)}[/dim]")
    if not scripted:
        console.print(f"[dim]{escape(say(bank.language, 'help'))}[/dim]")
    printer = (
        StreamPrinter(console, say(bank.language, "thinking")) if backend.capabilities.streaming else None
    )
    session = Session(
        bank,
        selected,
        backend,
        mode=mode,
        max_follow_ups=max_follow_ups,
        sink=writer.write,
        fallback=OfflineBackend() if backend.name != "offline" else None,
        stream=printer,
    )
    if restore:
        session.restore(**restore)
    feed = iter(scripted) if scripted is not None else typed_answers(console, bank.language)
    speaker = None
    if voice is not None:
        from interviewer.voice import VoiceFront

        speaker = VoiceFront(
            console,
            recordings=writer.path.with_suffix(".audio"),
            bank=bank,
            current=lambda: session.question,
            **voice,
        )
        feed = speaker.answers(feed)

    prepared: list[bool] = []

    def show(output: Output) -> None:
        render_output(console, output, bank.language, streamed=printer.take() if printer else False)
        if output.kind == "question" and not prepared:  # the first question is on screen: get ready
            from interviewer.backends.offline.matching import prepare_in_background

            prepared.append(True)
            prepare_in_background(bank, selected)
        if speaker is not None:
            speaker.speak(output)

    try:
        summary = run(session, feed, show, printer.busy if printer else None)
    except KeyboardInterrupt:
        click.echo(f"\nsaved: {writer.path}", err=True)
        raise
    finally:
        writer.close()
    if as_json:
        click.echo(
            json.dumps(
                {"transcript": str(writer.path), **summary.model_dump(mode="json")},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(f"saved: {writer.path}", err=True)


def start_interview(
    *,
    bank_name: str | None,
    backend: str | None,
    model: str | None,
    base_url: str | None,
    mode: str,
    questions: str | None,
    count: int | None,
    shuffle: bool,
    seed: int | None,
    max_follow_ups: int,
    transcript: str | None,
    answers: str | None,
    as_json: bool,
    voice: bool = False,
    audio_dir: str | None = None,
    speech: str | None = None,
    vad: bool = False,
    silence_timeout: float = 3.0,
) -> None:
    settings = load_settings(base_url=base_url, model=model)
    bank, drafted = resolve_with_key_points(bank_name)
    if drafted:
        click.echo(say(bank.language, "drafted_key_points", count=drafted), err=True)
    voice_options = None
    if voice or audio_dir:
        voice_options = spoken(speech, settings, audio_dir, vad, silence_timeout)
    selected = select_questions(bank, questions, count, shuffle, seed)
    chosen = make_backend(backend, settings)
    if answers and answers != "-":
        read_answers(answers)  # a missing answers file is reported before a transcript is made
    session_id = new_session_id()
    writer = open_transcript(settings, transcript, bank.id, session_id)
    writer.write(
        "session_start",
        session_start_event(
            session_id=session_id,
            bank=bank,
            bank_ref=bank_name or bank.id,
            mode=mode,
            backend=chosen,
            settings=settings,
            extra={
                "questions": [q.number for q in selected],
                "max_follow_ups": max_follow_ups,
                "shuffle": shuffle,
                "seed": seed,
                "voice": voice_options["speech"].name if voice_options else None,
                "vad": vad,
                "silence_timeout": silence_timeout,
            },
        ),
    )
    _drive(
        bank=bank,
        selected=selected,
        backend=chosen,
        writer=writer,
        mode=mode,
        max_follow_ups=max_follow_ups,
        answers=answers,
        as_json=as_json,
        voice=voice_options,
    )


def restore_state(record: InterviewRecord, selected: list[Question]) -> dict | None:
    """Where an interview stands, from its transcript: closed questions' results, the open
    question's answers and probes, and the prompt it waits on (None when all are closed)."""
    asked = {q.number: q for q in record.questions}
    results: dict[int, QuestionResult] = {}
    open_at = None
    for position, question in enumerate(selected):
        done = asked.get(question.number)
        if done is None or not done.closed:
            open_at = position
            break
        if done.critique:
            critique = Critique.model_validate(done.critique)
            results[question.number] = QuestionResult.from_critique(question.text, critique, done.follow_ups)
        else:
            results[question.number] = QuestionResult(
                number=question.number, text=question.text, score=0.0, skipped=True
            )
    if open_at is None:
        return None
    question = selected[open_at]
    pending = asked.get(question.number)
    waiting = None
    if pending and pending.turns and pending.turns[-1].kind in ("question", "follow_up"):
        last = pending.turns[-1]
        kind = "question" if last.kind == "question" else "probe"
        waiting = Output(
            kind=kind, text=last.text, number=question.number, index=position + 1, total=len(selected)
        )
    return {
        "index": position,
        "results": results,
        "answers": [t.text for t in pending.answers] if pending else [],
        "follow_ups": pending.follow_ups if pending else 0,
        "probed": pending.probed if pending else set(),
        "waiting": waiting,
    }


def resume_interview(
    *,
    path: str,
    answers: str | None,
    force: bool,
    base_url: str | None,
    model: str | None,
    as_json: bool,
    audio_dir: str | None = None,
) -> None:
    record = load_record(path)
    start = record.start
    if not start:
        raise InterviewerError(f"{path} has no session_start event; it cannot be resumed")
    if record.finished:
        raise InterviewerError(f"{path} is already finished; `interviewer replay {path}` or `report` show it")
    bank, _ = resolve_with_key_points(start["bank"].get("ref") or start["bank"]["id"])
    if bank.content_hash != start["bank"]["hash"] and not force:
        raise InterviewerError(
            f"bank {bank.id!r} changed since this interview began (hash {start['bank']['hash']} is now "
            f"{bank.content_hash}); resume with --force to grade the rest against the new bank"
        )
    stored = start["settings"]
    settings = load_settings(base_url=base_url, model=model or start.get("model"))
    chosen = make_backend(start.get("backend", "offline"), settings)
    selected = [bank.question(n) for n in stored["questions"]]
    state = restore_state(record, selected)
    if state is None:
        raise InterviewerError(f"{path} has every question answered; `interviewer report {path}` shows it")
    index = state["index"]
    voice_options = None
    if stored.get("voice") or audio_dir:
        voice_options = spoken(
            stored.get("voice"),
            settings,
            audio_dir,
            stored.get("vad", False),
            stored.get("silence_timeout", 3.0),
        )
    writer = TranscriptWriter(record.path, scrubber(settings), seq=record.last_seq)
    writer.write(
        "resume", {"at_question": selected[index].number, "bank_hash": bank.content_hash, "forced": force}
    )
    _drive(
        bank=bank,
        selected=selected,
        backend=chosen,
        writer=writer,
        mode=start.get("mode", "practice"),
        max_follow_ups=stored.get("max_follow_ups", 2),
        answers=answers,
        as_json=as_json,
        voice=voice_options,
        restore={k: v for k, v in state.items() if k not in ("waiting", "waiting_since")},
    )
