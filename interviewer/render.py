"""The terminal front end's drawing: the session's outputs as rich text.

Colour and boxes only on a terminal; piped output stays plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from interviewer.engine.critique import Critique, Verdict
from interviewer.engine.results import Summary
from interviewer.engine.session import Output
from interviewer.prompts import say
from interviewer.speech.delivery import describe as describe_delivery
from interviewer.transcript.record import InterviewRecord

MARK = {Verdict.covered: "✓", Verdict.partial: "~", Verdict.missing: "✗"}
VERDICT_STYLE = {Verdict.covered: "green", Verdict.partial: "yellow", Verdict.missing: "red"}


def _prompt_panel(text: str, title: str, probe: bool = False) -> Panel:
    """What the interviewer asks: a question in cyan, a follow-up in magenta."""
    return Panel(escape(text), title=title, title_align="left", border_style="magenta" if probe else "cyan")


def render_output(console: Console, output: Output, language: str, streamed: bool = False) -> None:
    if streamed and output.kind in ("question", "probe"):
        label = "question_header" if output.kind == "question" else "follow_up_header"
        console.print(f"[dim]({escape(say(language, label, index=output.index, total=output.total))})[/dim]")
    elif output.kind == "question":
        console.print(
            _prompt_panel(
                output.text, say(language, "question_header", index=output.index, total=output.total)
            )
        )
    elif output.kind == "probe":
        console.print(_prompt_panel(output.text, say(language, "follow_up_header"), probe=True))
    elif output.kind == "feedback" and output.critique:
        render_critique(console, output.critique, language)
    elif output.kind == "summary" and output.summary:
        render_summary(console, output.summary, language)
    elif output.kind == "hint":
        console.print(f"[yellow]{escape(output.text)}[/yellow]")
    else:
        console.print(f"[dim]{escape(output.text)}[/dim]")


def _indented(text: str, style: str = "") -> Padding:
    return Padding(Text(text, style=style), (0, 0, 0, 4))


def render_critique(console: Console, critique: Critique, language: str) -> None:
    header = say(language, "feedback_header", number=critique.question_number, score=critique.score)
    console.print(f"\n[bold]{escape(header)}[/bold]")
    if "injection" in critique.flags:
        console.print(f"[red]{escape(say(language, 'injection_flag'))}[/red]")
    for point in critique.points:
        style = VERDICT_STYLE[point.verdict]
        console.print(
            f"[{style}]{MARK[point.verdict]} {escape(say(language, point.verdict.value))}[/] {escape(point.point)}"
        )
        if point.evidence:
            console.print(_indented(f"“{point.evidence}”", "dim"))
        if point.verdict != Verdict.covered:
            if point.suggestion:
                console.print(_indented(f"{say(language, 'suggestion')}: {point.suggestion}"))
            if point.reference and point.reference not in point.suggestion:
                console.print(_indented(f"{say(language, 'reference')}: {point.reference}", "dim"))
    if critique.hints:
        console.print(f"[dim]{escape(say(language, 'hints_used', count=len(critique.hints)))}[/dim]")
    for delivery in critique.delivery:
        console.print(f"[dim]{escape(describe_delivery(delivery, language))}[/dim]")
    if critique.feedback:
        console.print(escape(critique.feedback))
    for note in critique.notes:
        console.print(f"[dim]{escape(note)}[/dim]")
    console.print()


def critique_json(critique: Critique) -> dict:
    """The shape `grade --json` promises to scripts and spreadsheets."""
    return {
        "question": critique.question_number,
        "score": critique.score,
        "covered": critique.texts(Verdict.covered),
        "partial": critique.texts(Verdict.partial),
        "missing": critique.texts(Verdict.missing),
        "evidence": [
            {"point": p.point, "verdict": p.verdict.value, "quote": p.evidence, "reference": p.reference}
            for p in critique.points
            if p.evidence
        ],
        "flags": critique.flags,
        "backend": critique.backend,
        "model": critique.model,
        "rubric_version": critique.rubric_version,
        "coverage": critique.coverage,
        "topicality": critique.topicality,
        "specificity": critique.specificity,
        "points": [p.model_dump(mode="json") for p in critique.points],
        "notes": critique.notes,
        "feedback": critique.feedback,
    }


def render_summary(console: Console, summary: Summary, language: str) -> None:
    header = say(
        language, "summary_header", answered=summary.answered, total=summary.total, score=summary.overall
    )
    console.print()
    console.print(f"[bold]{escape(header)}[/bold]")
    if summary.results:
        table = Table()
        table.add_column("#", justify="right")
        table.add_column("score", justify="right")
        table.add_column("question")
        for result in summary.results:
            score = "—" if result.score is None else f"{result.score:g}"
            if result.skipped:
                score += " (skip)"
            table.add_row(str(result.number), score, escape(result.text.split("\n")[0][:60]))
        console.print(table)
    if summary.work_on:
        console.print(f"[bold]{escape(say(language, 'work_on'))}[/bold]")
        for index, item in enumerate(summary.work_on, 1):
            console.print(f"  {index}. {escape(item)}")
    if summary.tokens.get("prompt") or summary.tokens.get("completion"):
        console.print(f"[dim]{escape(say(language, 'tokens', **summary.tokens))}[/dim]")
    console.print(
        say(language, "finished")
        if summary.finished
        else f"[yellow]{escape(say(language, 'unfinished'))}[/yellow]"
    )


def render_replay(console: Console, record: InterviewRecord, pause: Callable[[], None] | None = None) -> None:
    """A past interview turn by turn, the critique right after the answers it judged."""
    language = record.language
    start = record.start
    console.print(f"[bold]{escape(start.bank.title)}[/bold]")
    console.print(
        f"[dim]{escape(start.started)} · {escape(start.mode)} · "
        f"{escape(start.backend)} {escape(start.model or '')}[/dim]"
    )
    for index, question in enumerate(record.questions, start=1):
        for turn in question.turns:
            if turn.kind == "question":
                title = say(
                    language,
                    "question_header",
                    index=index,
                    total=len(start.settings.questions),
                )
                console.print(_prompt_panel(turn.text, title))
            elif turn.kind == "follow_up":
                console.print(_prompt_panel(turn.text, say(language, "follow_up_header"), probe=True))
            elif turn.kind == "answer":
                took = f" ({turn.seconds:g} s)" if turn.seconds else ""
                console.print(Padding(Text(f"> {turn.text}{took}"), (0, 0, 0, 2)))
            elif turn.kind == "hint":
                console.print(f"[yellow]{escape(turn.text)}[/yellow]")
        for draft in question.drafts:
            console.print(f"[dim]{escape(say(language, 'draft_kept', text=draft))}[/dim]")
        if question.skipped and not question.critique:
            console.print(f"[dim]{escape(say(language, 'skipped'))}[/dim]")
        if question.critique:
            render_critique(console, question.critique, language)
        if pause:
            pause()
    if record.end:
        render_summary(console, record.end, language)
    else:
        console.print(f"[yellow]{escape(say(language, 'unfinished'))}[/yellow]")
