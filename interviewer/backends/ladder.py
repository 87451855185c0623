"""Structured output from any OpenAI-compatible server: a table of modes, tried in order.

Instructor's design, made to survive small local models. Each rung is one way of asking for
JSON. A rung is dropped for the rest of the session only when the server says it does not
take that mode; a context-length error shrinks the request and tries again; invalid output is
re-asked once with the error, then the next rung is tried; a reply cut off at `max_tokens` is
asked again once with a larger budget (never continued from the truncated text). The whole
climb has a time budget: past it the turn is handed back to the offline grader.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from interviewer.errors import TurnDegraded

SHRINK_STEPS = 3  # how many times a request may be made smaller after a context-length error
LENGTH_GROWTH = 2  # a reply cut off at max_tokens is asked again once with this many times the budget
TRANSIENT_RETRIES = 2  # 429, 5xx and broken connections, as the SDK would retry them
CONTEXT_ERROR = re.compile(r"context|too long|too many tokens|n_ctx|maximum.*length|exceed", re.IGNORECASE)
UNSUPPORTED = re.compile(r"response_format|json_schema|json_object|not support|unsupported", re.IGNORECASE)


@dataclass(frozen=True)
class Rung:
    mode: str
    instruction: str = ""  # appended to the last message for rungs the server does not enforce

    def response_format(self, schema: dict, name: str) -> dict | None:
        if self.mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
        if self.mode == "json_object":
            return {"type": "json_object"}
        return None


RUNGS = (
    Rung("json_schema"),
    Rung("json_object"),
    Rung("fenced", "\n\nReply with one ```json fenced block and nothing else."),
)


class StructuredOutputError(Exception):
    """No rung produced valid JSON; carries the last raw reply and how many requests were made."""

    def __init__(self, raw: str, attempts: int) -> None:
        super().__init__(f"no valid JSON after {attempts} attempts")
        self.raw = raw
        self.attempts = attempts


@dataclass
class Ask:
    """One structured request: messages at a given shrink level (0 = whole), the reply's model."""

    build: Callable[[int], list[dict]]
    reply_model: type[BaseModel]
    schema: dict
    name: str
    max_tokens: int


@dataclass
class Climb:
    """What one climb did, for notes and the transcript."""

    attempts: int = 0
    shrunk: int = 0
    modes: list[str] = field(default_factory=list)


def extract_json(text: str) -> str:
    """JSON from a fenced block, else from the outermost braces."""
    fence = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.DOTALL)
    if fence:
        return fence.group(1)
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if start != -1 and end > start else text


def error_text(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        return str(inner.get("message", inner) if isinstance(inner, dict) else inner)
    return str(getattr(exc, "message", exc))


class Ladder:
    """Climbs the rungs for one backend; remembers the modes its server refused."""

    def __init__(
        self,
        send: Callable[..., object],
        read: Callable[[object, str], tuple[str, str | None]],
        turn_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.send = send  # (messages, response_format, max_tokens, timeout) -> response
        self.read = read  # (response, purpose) -> (text, why it cannot hold the JSON or None)
        self.turn_seconds = turn_seconds
        self.clock = clock
        self.refused: set[str] = set()

    def run(self, ask: Ask, climb: Climb) -> BaseModel:
        deadline = self.clock() + self.turn_seconds
        raw = ""
        for rung in RUNGS:
            if rung.mode in self.refused:
                continue
            climb.modes.append(rung.mode)
            result = self._rung(rung, ask, climb, deadline)
            if isinstance(result, BaseModel):
                return result
            raw = result or raw
        raise StructuredOutputError(raw, climb.attempts)

    def _rung(self, rung: Rung, ask: Ask, climb: Climb, deadline: float) -> BaseModel | str | None:
        """The parsed reply, or the last raw text when this rung gave up (None: refused)."""
        import openai

        max_tokens, grown, reasked, transient = ask.max_tokens, False, False, 0
        extra: list[dict] = []
        raw = ""
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise TurnDegraded(f"no critique within the turn's {self.turn_seconds:.0f} s")
            messages = ask.build(climb.shrunk)
            if rung.instruction:
                messages[-1] = {**messages[-1], "content": messages[-1]["content"] + rung.instruction}
            climb.attempts += 1
            try:
                response = self.send(
                    [*messages, *extra], rung.response_format(ask.schema, ask.name), max_tokens, remaining
                )
            except openai.BadRequestError as exc:
                message = error_text(exc)
                if UNSUPPORTED.search(message) and not CONTEXT_ERROR.search(message):
                    self.refused.add(rung.mode)  # this server does not take this response_format
                    return None
                if CONTEXT_ERROR.search(message) and climb.shrunk < SHRINK_STEPS:
                    climb.shrunk += 1
                    continue
                return raw  # some other 400: try the next rung, keep this one for later turns
            except openai.APITimeoutError:
                continue  # the loop ends the turn when its time is spent
            except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError):
                transient += 1
                if transient > TRANSIENT_RETRIES:
                    raise
                time.sleep(min(0.5 * 2**transient, max(0.0, deadline - self.clock())))
                continue
            raw, error = self.read(response, ask.name)
            if error == "length":
                if grown:
                    return raw  # a re-ask would append the cut-off reply and fail the same way
                max_tokens, grown = max_tokens * LENGTH_GROWTH, True
                continue
            if error is None:
                try:
                    return ask.reply_model.model_validate_json(extract_json(raw))
                except ValidationError as exc:
                    error = "; ".join(e["msg"] for e in exc.errors()[:3])
            if reasked:
                return raw
            reasked = True
            extra = [
                {"role": "assistant", "content": raw[:2000]},
                {
                    "role": "user",
                    "content": f"That reply was not valid: {error}. Reply again with valid JSON only.",
                },
            ]
