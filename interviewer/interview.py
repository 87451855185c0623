"""Putting an interview together: settings, bank, backend, transcript, session, front end.

The transcript is opened before the first question, so an unwritable folder is reported
before anyone has typed an answer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from interviewer import __version__
from interviewer.backends import make_backend
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.bank.loader import resolve_bank
from interviewer.config import Settings, load_settings
from interviewer.engine.critique import RUBRIC_VERSION
from interviewer.engine.selection import select_questions
from interviewer.engine.session import Output, Session
from interviewer.prompts import say
from interviewer.render import render_output
from interviewer.terminal import StreamPrinter, console_for, read_answers, run, typed_answers
from interviewer.transcript.writer import (
    SCHEMA_VERSION,
    Scrubber,
    TranscriptWriter,
    new_session_id,
    now_iso,
    transcript_path,
)


def open_transcript(
    settings: Settings, target: str | None, bank_id: str, session_id: str
) -> TranscriptWriter:
    if target and Path(target).suffix == ".jsonl":
        path = Path(target)
    else:
        path = transcript_path(Path(target) if target else settings.transcripts_dir, bank_id, session_id)
    secrets = [settings.api_key.get_secret_value()] if settings.api_key else []
    return TranscriptWriter(path, Scrubber(secrets))


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
) -> None:
    settings = load_settings(base_url=base_url, model=model)
    bank = resolve_bank(bank_name)
    selected = select_questions(bank, questions, count, shuffle, seed)
    chosen = make_backend(backend, settings)
    console = console_for(as_json)
    scripted = read_answers(answers) if answers else None
    session_id = new_session_id()
    writer = open_transcript(settings, transcript, bank.id, session_id)
    writer.write(
        "session_start",
        {
            "schema_version": SCHEMA_VERSION,
            "session_id": session_id,
            "started": now_iso(),
            "interviewer_version": __version__,
            "bank": {"id": bank.id, "title": bank.title, "hash": bank.content_hash, "source": bank.source},
            "language": bank.language,
            "mode": mode,
            **chosen.describe(bank.language),
            "base_url_host": settings.base_url_host if chosen.name != "offline" else None,
            "rubric_version": RUBRIC_VERSION,
            "settings": {
                "questions": [q.number for q in selected],
                "max_follow_ups": max_follow_ups,
                "shuffle": shuffle,
                "seed": seed,
                "context_tokens": settings.context_tokens,
            },
        },
    )
    who = f"{chosen.name} ({chosen.model})" if chosen.model else chosen.name
    console.print(f"[bold]{escape(bank.title)}[/bold]")
    console.print(
        f"[dim]{escape(say(bank.language, 'banner', count=len(selected), mode=mode, backend=who, path=writer.path))}[/dim]"
    )
    if not scripted:
        console.print(f"[dim]{escape(say(bank.language, 'help'))}[/dim]")
    printer = StreamPrinter(console) if chosen.streams else None
    session = Session(
        bank,
        selected,
        chosen,
        mode=mode,
        max_follow_ups=max_follow_ups,
        sink=writer.write,
        fallback=OfflineBackend() if chosen.name != "offline" else None,
        stream=printer,
    )
    feed = iter(scripted) if scripted is not None else typed_answers(console, bank.language)

    def show(output: Output) -> None:
        render_output(console, output, bank.language, streamed=printer.take() if printer else False)

    try:
        summary = run(session, feed, show)
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
    if not summary.finished and scripted is not None:
        sys.exit(0)
