"""What happens in an interview, one typed event per kind: the transcript's vocabulary.

The session emits these; the transcript writer stores them as JSONL lines and the reader
validates every line back into the same models (after upgrading older files), so no front end
reads a transcript by raw keys. Fields a newer version adds are kept (`extra="allow"`), never
dropped, so an older reader still replays a newer minor addition.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from interviewer.bank.models import Question
from interviewer.engine.critique import Critique
from interviewer.engine.results import Summary

SCHEMA_VERSION = 2


class Event(BaseModel):
    """Every line: its kind, its place in the file and when it was written (set by the writer)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    seq: int = 0
    ts: str = ""


class BankRef(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    ref: str = ""
    title: str = ""
    hash: str = ""
    source: str = ""


class StartSettings(BaseModel):
    """How the interview was set up; front ends add their own (voice, screening, candidate)."""

    model_config = ConfigDict(extra="allow")

    questions: list[int] = Field(default_factory=list)
    max_follow_ups: int = 2
    context_tokens: int | None = None


class SessionStart(Event):
    type: Literal["session_start"] = "session_start"
    schema_version: int = SCHEMA_VERSION
    session_id: str
    started: str = ""
    interviewer_version: str = ""
    bank: BankRef
    language: str = "en"
    mode: Literal["practice", "exam"] = "practice"
    backend: str = "offline"
    model: str | None = None
    templates: dict[str, str] = Field(default_factory=dict)
    base_url_host: str | None = None
    rubric_version: str = ""
    settings: StartSettings = Field(default_factory=StartSettings)
    regrade_of: dict[str, str | None] | None = None


class QuestionAsked(Event):
    """A question put to the candidate: the words used, and the bank question it is graded
    against (text, reference, key points), so reports and regrades never need today's bank."""

    type: Literal["question"] = "question"
    number: int
    question_id: str = ""
    index: int | None = None
    total: int | None = None
    text: str
    graded_against: Question | None = None


class Answer(Event):
    type: Literal["answer"] = "answer"
    number: int
    text: str
    seconds: float | None = None
    follow_up: int = 0  # how many probes had been asked when this was said
    chars: int | None = None
    audio: str | None = None
    recognised: str | None = None
    delivery: dict | None = None


class FollowUp(Event):
    type: Literal["follow_up"] = "follow_up"
    number: int
    text: str
    point_id: str | None = None


class Hint(Event):
    type: Literal["hint"] = "hint"
    number: int
    level: int
    point_id: str | None = None
    text: str


class Skip(Event):
    """`follow_up`: only the probe was skipped; what was said to the question still counts."""

    type: Literal["skip"] = "skip"
    number: int
    follow_up: bool = False


class Draft(Event):
    """Text typed but not submitted when the candidate interrupted: kept, never graded."""

    type: Literal["draft"] = "draft"
    number: int
    text: str


class CritiqueMade(Critique, Event):
    type: Literal["critique"] = "critique"
    number: int


class Usage(Event):
    type: Literal["usage"] = "usage"
    number: int | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Degraded(Event):
    type: Literal["degraded"] = "degraded"
    reason: str
    from_: str = Field(default="", alias="from")
    to: str = ""
    scope: Literal["turn", "interview"] = "interview"
    number: int | None = None


class Resume(Event):
    type: Literal["resume"] = "resume"
    at_question: int | None = None
    bank_hash: str = ""
    forced: bool = False


class LeftPage(Event):
    """The web candidate closed or left the interview page."""

    type: Literal["left_page"] = "left_page"


class SessionEnd(Summary, Event):
    type: Literal["session_end"] = "session_end"


AnyEvent = Annotated[
    SessionStart
    | QuestionAsked
    | Answer
    | FollowUp
    | Hint
    | Skip
    | Draft
    | CritiqueMade
    | Usage
    | Degraded
    | Resume
    | LeftPage
    | SessionEnd,
    Field(discriminator="type"),
]
EVENT = TypeAdapter(AnyEvent)
