"""The terminal front end: run a session with typed answers or with a scripted answers file.

A scripted file holds answers separated by lines of only `---`; each question or probe takes
the next one, and when they run out the interview stops and is saved as unfinished.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console

from interviewer.engine.session import Output, Session, Summary
from interviewer.errors import InterviewerError
from interviewer.prompts import say

SEPARATOR = "---"


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


def read_answers(source: str) -> list[str]:
    text = read_text(source)
    answers, current = [], []
    for line in text.splitlines():
        if line.strip() == SEPARATOR:
            answers.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    if any(line.strip() for line in current):
        answers.append("\n".join(current).strip())
    return answers


def typed_answers(console: Console, language: str) -> Iterator[str]:
    """Multi-line answers from the keyboard; an empty line submits, a command submits at once."""
    while True:
        console.print(f"[dim]{say(language, 'answer_prompt')}[/dim]")
        lines: list[str] = []
        while True:
            try:
                line = input("> " if not lines else "  ")
            except EOFError:
                if lines:
                    yield "\n".join(lines)
                return
            if not lines and line.strip().startswith("/"):
                yield line.strip()
                break
            if not line.strip():
                if lines:
                    yield "\n".join(lines)
                    break
                continue
            lines.append(line)


def run(
    session: Session,
    answers: Iterator[str | tuple[str, dict]],
    show: Callable[[Output], None],
    busy: Callable[[Callable[[], list[Output]]], list[Output]] | None = None,
) -> Summary:
    """Drive the session to its end; Ctrl-C or the end of the answers stops it and saves.
    `busy` wraps each step that may wait for a model (a spinner on a terminal)."""
    busy = busy or (lambda work: work())
    try:
        for output in busy(session.start):
            show(output)
        while not session.finished:
            answer = next(answers, None)
            if answer is None:
                outputs = session.stop()
            else:
                text, extra = answer if isinstance(answer, tuple) else (answer, None)
                outputs = busy(lambda text=text, extra=extra: session.handle(text, extra))
            for output in outputs:
                show(output)
    except KeyboardInterrupt:
        for output in session.stop():
            show(output)
        raise
    return session.summary()


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
