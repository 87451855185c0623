"""Simulated interviews: a candidate of known quality answers a real interview session, so an
interviewer (offline or a model) can be judged on whether it ranks candidates as it should.

The session is the one the terminal drives (`interviewer.engine.session`), with the same
transcript, so every simulated interview can be replayed, reported and regraded like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import mean

from pydantic import BaseModel, Field

from interviewer.app.interviews import InterviewOptions, open_interview
from interviewer.app.personas import PERSONAS, Candidate, OfflineCandidate, Persona, calibration_answers
from interviewer.backends import make_backend
from interviewer.bank.keypoints import resolve_with_key_points
from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.config import Settings, load_settings
from interviewer.engine.events import CritiqueMade, Degraded, Event, FollowUp, QuestionAsked
from interviewer.engine.ports import Backend
from interviewer.engine.selection import select_questions
from interviewer.engine.session import Output, Session
from interviewer.errors import InterviewerError

MAX_FOLLOW_UPS = 2


class PersonaRun(BaseModel):
    """One simulated interview: the persona's scores and what the interviewer spent on it."""

    persona: str
    candidate: str
    transcript: str
    questions: int
    scores: dict[int, float] = Field(default_factory=dict)
    mean: float | None = None
    min: float | None = None
    max: float | None = None
    probes: int = 0
    degraded_turns: int = Field(0, description="Turns the offline interviewer handled for a failed model.")
    tokens: dict[str, int] = Field(default_factory=lambda: {"prompt": 0, "completion": 0})
    candidate_tokens: dict[str, int] = Field(default_factory=lambda: {"prompt": 0, "completion": 0})
    finished: bool = False
    error: str | None = None


class Simulation(BaseModel):
    bank: str
    backend: str
    model: str | None
    runs: list[PersonaRun]


class DegradedTurns:
    """Counts the turns the offline interviewer handled because the model failed, from the
    session's events: each `degraded` event is one, and after a failure for the rest of the
    interview, so is every later question, probe and critique. (The offline check between a
    model's critiques is by design, not a failure, and is not counted.)"""

    def __init__(self) -> None:
        self.count = 0
        self.for_good = False
        self.pending = False  # the next turn event is the one the `degraded` event stands for

    def __call__(self, event: Event) -> None:
        if isinstance(event, Degraded):
            self.count += 1
            self.pending = True
            self.for_good = self.for_good or event.scope == "interview"
        elif isinstance(event, QuestionAsked | FollowUp | CritiqueMade):
            if self.pending:
                self.pending = False
            elif self.for_good:
                self.count += 1


def _prompt(outputs: list[Output]) -> Output | None:
    """The question or probe the candidate is now asked to answer, if any."""
    return next((o for o in reversed(outputs) if o.kind in ("question", "probe")), None)


def interview(
    persona: Persona,
    bank: Bank,
    questions: list[Question],
    backend: Backend,
    candidate: Candidate,
    settings: Settings,
) -> PersonaRun:
    """One interview of `candidate` by `backend`, to its end, saved as a transcript."""
    probed: list[str | None] = [None]
    degraded = DegradedTurns()

    def observe(event: Event) -> None:
        if isinstance(event, FollowUp):
            probed[0] = event.point_id
        degraded(event)

    options = InterviewOptions(
        bank=bank.id,
        max_follow_ups=MAX_FOLLOW_UPS,
        recorded={"simulated": {"persona": persona, "candidate": candidate.name}},
    )
    with open_interview(bank, questions, backend, settings, options, observe=observe) as opened:
        run = PersonaRun(
            persona=persona, candidate=candidate.name, transcript=str(opened.path), questions=len(questions)
        )
        run.error = _converse(opened.session, candidate, probed)
    summary = opened.summary()
    run.scores = {r.number: r.score or 0.0 for r in summary.results}
    if run.scores:
        values = list(run.scores.values())
        run.mean, run.min, run.max = round(mean(values), 1), min(values), max(values)
    run.probes = sum(r.follow_ups for r in summary.results)
    run.degraded_turns = degraded.count
    run.tokens, run.candidate_tokens = dict(summary.tokens), dict(candidate.usage)
    run.finished = summary.finished
    return run


def _converse(session: Session, candidate: Candidate, probed: list[str | None]) -> str | None:
    """Answer every prompt until the session ends; a failing candidate stops it (saved as
    unfinished) and its reason is returned."""
    outputs = session.start()
    while not session.finished:
        prompt = _prompt(outputs)
        if prompt is None:
            session.stop()
            break
        question = session.question
        target: KeyPoint | None = None
        if prompt.kind == "probe" and probed[0]:
            target = next((p for p in question.key_points if p.id == probed[0]), None)
        try:
            text = candidate.answer(question, prompt.text, prompt.kind, target)
        except InterviewerError as exc:
            session.stop()
            return str(exc)
        outputs = session.handle(text)
    return None


def simulate(
    *,
    bank_name: str | None,
    personas: list[str] | None = None,
    questions: str | None = None,
    count: int | None = None,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    candidate: str | None = None,
    candidate_model: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Simulation:
    """Interview each persona in turn. `candidate` is "offline" (calibration answers) or
    "openai" (a model); by default a model when an endpoint or `candidate_model` is given."""
    settings = load_settings(base_url=base_url, model=model)
    bank, _ = resolve_with_key_points(bank_name)
    chosen = [p for p in PERSONAS if p in (personas or PERSONAS)]
    use_model = (
        candidate or ("openai" if settings.has_endpoint or candidate_model else "offline")
    ) == "openai"
    if use_model and not settings.has_endpoint:
        raise InterviewerError(
            "a model candidate needs an endpoint: set OPENAI_BASE_URL or OPENAI_API_KEY, or use --candidate offline"
        )
    selected = _questions(bank, questions, count, use_model)
    answers = None if use_model else calibration_answers(bank, selected)
    interviewer = make_backend(backend, settings)
    runs = []
    for persona in chosen:
        if progress:
            progress(f"simulating persona {persona} ({len(selected)} questions)")
        if answers is None:
            from interviewer.app.candidate_model import ModelCandidate

            player: Candidate = ModelCandidate(persona, bank, settings, candidate_model)
        else:
            player = OfflineCandidate(persona, bank, answers)
        runs.append(interview(persona, bank, selected, interviewer, player, settings))
    return Simulation(bank=bank.id, backend=interviewer.name, model=interviewer.model, runs=runs)


def _questions(bank: Bank, numbers: str | None, count: int | None, use_model: bool) -> list[Question]:
    """The chosen questions; offline, by default only those the calibration set answers."""
    if numbers or use_model:
        return select_questions(bank, numbers, count)
    from interviewer.engine.paraphrase import load_paraphrases

    answered = load_paraphrases(bank)
    covered = [q.number for q in bank.questions if answered and q.number in answered.questions]
    if not covered:
        calibration_answers(bank, bank.questions)  # one line saying what to do
    return select_questions(bank, ",".join(map(str, covered)), count)
