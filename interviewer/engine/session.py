"""The interview as a state machine: a front end feeds it text and renders what comes back.

Nothing here reads a terminal or writes a file: every step is reported to `sink` as an event
(the transcript writer in practice), and every reply is a list of `Output`s to render, so the
same session serves the terminal, scripted runs, and later voice and the web.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.engine.critique import Critique
from interviewer.engine.events import (
    Answer,
    CritiqueMade,
    Degraded,
    Event,
    FollowUp,
    Hint,
    QuestionAsked,
    SessionEnd,
    Skip,
    Usage,
)
from interviewer.engine.grading import grade_answer
from interviewer.engine.policy import decide
from interviewer.engine.ports import Backend, Mode, Stream, Turn
from interviewer.engine.results import QuestionResult, Summary, summarize
from interviewer.engine.signals import MAX_GRADED_CHARS, key_terms, reference_sentence
from interviewer.errors import BackendError, TurnDegraded
from interviewer.prompts import say
from interviewer.text.suggest import clean_sentence

Sink = Callable[[Event], object]
COMMANDS = ("/skip", "/repeat", "/hint", "/quit", "/help")


class Output(BaseModel):
    kind: Literal["question", "probe", "feedback", "hint", "notice", "summary", "help"]
    text: str = ""
    number: int | None = None
    index: int | None = None
    total: int | None = None
    critique: Critique | None = None
    summary: Summary | None = None


class Session:
    def __init__(
        self,
        bank: Bank,
        questions: list[Question],
        backend: Backend,
        *,
        mode: Mode = "practice",
        max_follow_ups: int = 2,
        sink: Sink | None = None,
        fallback: Backend | None = None,
        stream: Stream | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not questions:
            raise ValueError("a session needs at least one question")
        self.bank = bank
        self.questions = questions
        self.backend = backend
        self.fallback = fallback
        self.mode: Mode = mode
        self.max_follow_ups = max_follow_ups
        self.sink = sink or (lambda event: None)
        self.stream = stream
        self.clock = clock
        self.index = 0
        self.results: dict[int, QuestionResult] = {}
        self.critiques: dict[int, Critique] = {}  # exam mode shows them all at the end
        self.finished = False
        self.stopped = False
        self.tokens = {"prompt": 0, "completion": 0}
        self.notices: list[Output] = []
        self._reset_question()

    @property
    def language(self) -> str:
        return self.bank.language

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def _turn(self) -> Turn:
        return Turn(
            self.bank, self.question, self.mode, self.index + 1, len(self.questions), tuple(self.questions)
        )

    def _reset_question(self) -> None:
        self.answers: list[str] = []
        self.deliveries: list[dict] = []
        self.follow_ups = 0
        self.probed: set[str] = set()
        self.asked_for_specifics = False
        self.hint_level = 0
        self.hints: list[str] = []
        self.latest: Critique | None = None
        self.provisional = False  # `latest` came from the cheap check, not the chosen backend
        self.prompt: Output | None = None
        self.prompt_at = self.clock()

    def _say(self, key: str, **values: object) -> str:
        return say(self.language, key, **values)

    def _call(self, action: str, *args):
        """Call the backend; when it fails after its own retries, carry on offline: for this
        turn only when the model was merely too slow or gave no valid reply, else for good."""
        try:
            return self._do(self.backend, action, *args)
        except KeyboardInterrupt:  # Ctrl-C while a model replies cancels that reply, not the interview
            if self.fallback is None or self.backend is self.fallback:
                raise
            return self._degrade(TurnDegraded("cancelled with Ctrl-C"), "cancelled_turn", action, args)
        except BackendError as exc:
            if self.fallback is None or self.backend is self.fallback:
                raise
            turn_only = isinstance(exc, TurnDegraded)
            return self._degrade(exc, "degraded_turn" if turn_only else "degraded", action, args)

    def _degrade(self, exc: BackendError, notice: str, action: str, args: tuple):
        """Record why the model was left, tell the candidate, and take the step offline."""
        turn_only = isinstance(exc, TurnDegraded)
        self.sink(
            Degraded(
                reason=str(exc),
                from_=self.backend.name,
                to=self.fallback.name,
                scope="turn" if turn_only else "interview",
                number=self.question.number,
            )
        )
        self.notices.append(Output(kind="notice", text=self._say(notice, reason=exc)))
        if not turn_only:
            self.backend = self.fallback
        return self._do(self.fallback, action, *args)

    def _do(self, backend: Backend, action: str, *args):
        try:
            if action == "grade":
                return grade_answer(*args, backend)
            return getattr(backend, action)(*args)
        finally:
            for usage in backend.take_usage():
                self.tokens["prompt"] += usage.get("prompt_tokens", 0)
                self.tokens["completion"] += usage.get("completion_tokens", 0)
                self.sink(Usage(number=self.question.number, **usage))

    def start(self) -> list[Output]:
        """Ask the first question, or, in a restored interview, pick up where it stopped."""
        self.notices = []
        if self.answers:
            turn = self._turn()
            reminder = Output(
                kind="question",
                text=self.question.text,
                number=self.question.number,
                index=turn.index,
                total=turn.total,
            )
            return [reminder, *self._evaluate()]
        return self._ask()

    def restore(
        self,
        index: int,
        results: dict[int, QuestionResult],
        answers: list[str],
        follow_ups: int,
        probed: set[str],
        critiques: dict[int, Critique] | None = None,
        waiting: Output | None = None,
        waiting_since: float | None = None,
        deliveries: list[dict] | None = None,
    ) -> None:
        """Continue an interrupted interview: closed questions keep their results; the answers
        already given to the open question are graded again before anything new is asked,
        unless the session is `waiting` for the answer to a prompt already shown. The spoken
        answers' `deliveries` come back too, or the critique that closes the question (in a web
        worker, always a restored session) would say nothing of how they were said."""
        self.index = index
        self.results = dict(results)
        self.critiques = dict(critiques or {})
        self._reset_question()
        self.answers = list(answers)
        self.deliveries = list(deliveries or [])
        self.follow_ups = follow_ups
        self.probed = set(probed)
        if waiting is not None:  # a front end that keeps no state: the prompt is already shown
            self.prompt = waiting
            self.prompt_at = self.clock() if waiting_since is None else waiting_since

    def _ask(self) -> list[Output]:
        turn = self._turn()
        text = self._call("ask", turn, self.stream)
        self.prompt = Output(
            kind="question", text=text, number=turn.question.number, index=turn.index, total=turn.total
        )
        self.prompt_at = self.clock()
        self.sink(
            QuestionAsked(
                number=turn.question.number,
                question_id=turn.question.id,
                index=turn.index,
                total=turn.total,
                text=text,
                graded_against=turn.question,
            )
        )
        return [*self._flush(), self.prompt]

    def _flush(self) -> list[Output]:
        notices, self.notices = self.notices, []
        return notices

    def handle(self, text: str, extra: dict | None = None) -> list[Output]:
        """One submission from the candidate: an answer or a command. `extra` (a recording,
        what was recognised, delivery figures) is kept with the answer in the transcript."""
        if self.finished:
            return []
        self.notices = []
        command = text.strip().lower()
        if command in COMMANDS:
            return getattr(self, "_" + command[1:])()
        if command.startswith("/") and " " not in command and len(command) < 12:
            return [Output(kind="notice", text=self._say("unknown_command", command=command))]
        return self._answer(text, extra or {})

    def _help(self) -> list[Output]:
        return [Output(kind="help", text=self._say("help"))]

    def _repeat(self) -> list[Output]:
        return [self.prompt] if self.prompt else []

    def _skip(self) -> list[Output]:
        """Skipping a probe keeps what was said to the question, graded, with its flags;
        only a question with no answer at all is scored as skipped."""
        number = self.question.number
        self.sink(Skip(number=number, follow_up=bool(self.answers)))
        if not self.answers:
            self.results[number] = QuestionResult(
                number=number, text=self.question.text, score=0.0, skipped=True
            )
            return [Output(kind="notice", text=self._say("skipped")), *self._next()]
        if self.latest is None:  # restored from a transcript: grade what was said before closing
            self.latest, _ = self._call("grade", self._turn(), "\n".join(self.answers))
            self.provisional = False
        return self._close_question()

    def _quit(self) -> list[Output]:
        return self.stop()

    def stop(self) -> list[Output]:
        """End now (`/quit`, Ctrl-C, answers ran out): what was answered is kept and summarised,
        the question in progress graded on what was said to it so far."""
        if self.finished:
            return []
        self.stopped = True
        return [*self._record_current(), *self._finish()]

    def _hint(self) -> list[Output]:
        if self.mode == "exam":
            return [Output(kind="notice", text=self._say("no_hints_exam"))]
        target = self._hint_target()
        if target is None or self.hint_level >= 3:
            return [Output(kind="notice", text=self._say("no_more_hints"))]
        self.hint_level += 1
        if self.hint_level == 1:
            text = self._say("hint_theme", topic=target.topic)
        elif self.hint_level == 2:
            keyword = next((t for t, _ in key_terms(target)), target.topic)
            text = self._say("hint_keyword", keyword=keyword)
        else:
            sentence = clean_sentence(reference_sentence(self.question, target, self.language) or target.text)
            text = self._say("hint_reference", sentence=sentence)
        self.hints.append(text)
        self.sink(Hint(number=self.question.number, level=self.hint_level, point_id=target.id, text=text))
        return [Output(kind="hint", text=text)]

    def _hint_target(self) -> KeyPoint | None:
        points = self.question.key_points
        if self.latest is None:
            return points[0] if points else None
        missing = set(self.latest.missing_ids)
        return next((p for p in points if p.id in missing), None)

    def _answer(self, text: str, extra: dict) -> list[Output]:
        refused = self.record(text, extra)
        return refused or self._evaluate()

    def record(self, text: str, extra: dict | None = None) -> list[Output]:
        """Keep an answer without grading it yet (a web worker grades it off the request
        path, by restoring the session and calling `start`); a notice if it is empty."""
        extra = extra or {}
        if not text.strip():
            return [Output(kind="notice", text=self._say("empty_answer"))]
        seconds = round(self.clock() - self.prompt_at, 2)
        self.answers.append(text)
        if extra.get("delivery"):
            self.deliveries.append(extra["delivery"])
        self.sink(
            Answer(
                number=self.question.number,
                text=text,
                seconds=seconds,
                follow_up=self.follow_ups,
                chars=len(text),
                **extra,
            )
        )
        return []

    def _evaluate(self) -> list[Output]:
        """Grade everything said to this question so far, then probe or move on."""
        combined = "\n".join(self.answers)
        turn = self._turn()
        cheap = self._cheap_check()
        if cheap is not None:  # whether to probe, and about what, needs no model critique
            self.latest, signals = self._do(cheap, "grade", turn, combined)
            self.provisional = True
        else:
            self.latest, signals = self._call("grade", turn, combined)
            self.provisional = False
        notes: list[Output] = []
        if "binary" in signals.flags:
            notes.append(Output(kind="notice", text=self._say("binary_answer")))
        if "truncated" in signals.flags:
            notes.append(
                Output(
                    kind="notice", text=self._say("long_answer", chars=len(combined), limit=MAX_GRADED_CHARS)
                )
            )
        decision = decide(
            self.question,
            self.latest,
            used=self.follow_ups,
            limit=self.max_follow_ups,
            probed=self.probed,
            asked_for_specifics=self.asked_for_specifics,
        )
        if decision is None:
            return [*notes, *self._flush(), *self._close_question()]
        self.follow_ups += 1
        if decision.target is None:
            self.asked_for_specifics = True
        else:
            self.probed.add(decision.target.id)
        written = self.question.follow_ups  # the bank's own follow-ups come first, as written
        if self.follow_ups <= len(written):
            probe = written[self.follow_ups - 1]
        else:
            probe = self._call("probe", turn, decision.target, combined, self.stream)
        self.sink(
            FollowUp(
                number=self.question.number,
                text=probe,
                point_id=decision.target.id if decision.target else None,
            )
        )
        self.prompt = Output(
            kind="probe", text=probe, number=self.question.number, index=turn.index, total=turn.total
        )
        self.prompt_at = self.clock()
        return [*notes, *self._flush(), self.prompt]

    def _close_question(self) -> list[Output]:
        return [*self._record_current(), *self._next()]

    def _cheap_check(self) -> Backend | None:
        """The offline grader, while a probe may still follow and a model is the grader: a
        model's critique takes up to minutes on a CPU server, and one per question is enough."""
        if self.fallback is None or self.backend is self.fallback or self.follow_ups >= self.max_follow_ups:
            return None
        return self.fallback

    def _record_current(self) -> list[Output]:
        """Keep the latest critique of the current question as its result (once), graded by
        the chosen backend."""
        number = self.question.number
        if self.latest is None or number in self.results:
            return []
        if self.provisional:
            self.latest, _ = self._call("grade", self._turn(), "\n".join(self.answers))
            self.provisional = False
        critique = self.latest
        critique.delivery = list(self.deliveries)
        critique.hints = list(self.hints)
        self.sink(CritiqueMade(number=number, **critique.model_dump()))
        self.results[number] = QuestionResult.from_critique(self.question.text, critique, self.follow_ups)
        self.critiques[number] = critique
        feedback = (
            [Output(kind="feedback", number=number, critique=critique)] if self.mode == "practice" else []
        )
        return [*self._flush(), *feedback]  # a notice about this grade comes before it

    def _next(self) -> list[Output]:
        if self.index + 1 >= len(self.questions):
            return self._finish()
        self.index += 1
        self._reset_question()
        return self._ask()

    def summary(self) -> Summary:
        results = [self.results[q.number] for q in self.questions if q.number in self.results]
        summary = summarize(results, total=len(self.questions), finished=not self.stopped)
        summary.tokens = dict(self.tokens)
        return summary

    def end(self) -> list[Output]:
        """Write the end of an interview whose every question is closed (a restored session
        whose end was never written)."""
        return self._finish()

    def _finish(self) -> list[Output]:
        self.finished = True
        summary = self.summary()
        self.sink(SessionEnd(**summary.model_dump()))
        return [*self._flush(), *self._held_feedback(), Output(kind="summary", summary=summary)]

    def _held_feedback(self) -> list[Output]:
        """Exam mode gives no feedback while it runs; at the end, each question's critique."""
        if self.mode != "exam":
            return []
        return [
            Output(kind="feedback", number=q.number, critique=self.critiques[q.number])
            for q in self.questions
            if q.number in self.critiques
        ]
