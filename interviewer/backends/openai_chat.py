"""Any OpenAI-compatible chat endpoint as the interviewer, through the `openai` SDK.

The SDK owns network retries (429 with Retry-After, 5xx, timeouts, connection errors); when
they are spent, one `BackendError` line lets the engine carry on offline. Structured output
climbs a ladder (json_schema, json_object, fenced JSON), re-asks once with the validation
error, and falls back to the offline critique rather than hang or crash an interview.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Literal

import httpx
from pydantic import BaseModel, Field, ValidationError

from interviewer.backends.base import Assessment, Stream, Turn
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.backends.tokens import count_tokens, counting_method, truncate_to_tokens
from interviewer.bank.models import KeyPoint, Question
from interviewer.config import Settings
from interviewer.engine.critique import PointVerdict, Verdict
from interviewer.engine.signals import AnswerSignals, reference_sentence
from interviewer.errors import BackendError
from interviewer.prompts import template, template_version

TIMEOUT_SECONDS = 60.0
MAX_RETRIES = 2
OUTPUT_TOKENS = 1024
SPOKEN_TOKENS = 300  # a question or a probe is a few sentences; a rambling model is cut short
MAX_PROBE_CHARS = 600
LEAK_CHARS = {"zh": 12, "en": 40}
TEMPLATES = ("system", "ask", "follow_up", "follow_up_vague", "critique", "keypoints")


class Mode(str, Enum):
    json_schema = "json_schema"
    json_object = "json_object"
    fenced = "fenced"


QUOTE_CHARS = 400
FEEDBACK_CHARS = 800


class PointJudgement(BaseModel):
    point_id: str
    verdict: Literal["covered", "partial", "missing"]
    evidence: str = Field(default="", max_length=QUOTE_CHARS)
    suggestion: str = Field(default="", max_length=QUOTE_CHARS)


class CritiqueReply(BaseModel):
    points: list[PointJudgement]
    feedback: str = Field(default="", max_length=FEEDBACK_CHARS)


def critique_schema(point_ids: list[str]) -> dict:
    """The reply's shape for this question: one entry per key point, ids from the bank, bounded
    strings. A server that enforces the schema by grammar keeps even a small model on track."""
    schema = CritiqueReply.model_json_schema()
    item = schema["$defs"]["PointJudgement"]
    item["properties"]["point_id"]["enum"] = point_ids
    item["required"] = ["point_id", "verdict", "evidence", "suggestion"]
    points = schema["properties"]["points"]
    points["minItems"] = points["maxItems"] = len(point_ids)
    schema["required"] = ["points", "feedback"]
    return schema


class DraftedPoint(BaseModel):
    text: str
    theme: str = ""
    keywords: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)


class KeyPointsReply(BaseModel):
    key_points: list[DraftedPoint]


class StructuredOutputError(Exception):
    """No rung of the ladder produced valid JSON; carries the last raw reply."""

    def __init__(self, raw: str, attempts: int) -> None:
        super().__init__(f"no valid JSON after {attempts} attempts")
        self.raw = raw
        self.attempts = attempts


def extract_json(text: str) -> str:
    """JSON from a fenced block, else from the outermost braces."""
    fence = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.DOTALL)
    if fence:
        return fence.group(1)
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if start != -1 and end > start else text


def _delimit(tag: str, text: str) -> str:
    safe = text.replace(f"</{tag}>", f"</ {tag}>")
    return f"<{tag}>\n{safe}\n</{tag}>"


def _longest_common_run(a: str, b: str) -> int:
    """Length of the longest substring of `a` found verbatim in `b` (a is short: a probe)."""
    best = 0
    for start in range(len(a)):
        length = best + 1
        while start + length <= len(a) and a[start : start + length] in b:
            best = length
            length += 1
    return best


class OpenAIChatBackend:
    name = "openai"
    streams = True

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        key = settings.api_key.get_secret_value() if settings.api_key else "no-key"
        self._secret = key
        self.model = settings.model
        self.base_url = settings.base_url
        self.context_tokens = settings.context_tokens
        self.client = OpenAI(
            base_url=settings.base_url, api_key=key, timeout=TIMEOUT_SECONDS, max_retries=MAX_RETRIES
        )
        self.modes = [Mode.json_schema, Mode.json_object, Mode.fenced]
        self.offline = OfflineBackend()
        self._usage: list[dict] = []
        self._stream_usage = True

    # ---- the protocol ----------------------------------------------------------------------

    def describe(self, language: str) -> dict[str, object]:
        return {
            "backend": self.name,
            "model": self.model,
            "templates": {name: template_version(name, language) for name in TEMPLATES},
            "token_counting": counting_method(),
        }

    def take_usage(self) -> list[dict]:
        usage, self._usage = self._usage, []
        return usage

    def ask(self, turn: Turn, stream: Stream | None = None) -> str:
        instruction = template("ask", turn.language).format(index=turn.index, total=turn.total)
        messages = [
            *self._prefix(turn),
            {"role": "user", "content": f"{_delimit('question', turn.question.text)}\n\n{instruction}"},
        ]
        text = self._stream_text(messages, stream, "ask")
        if turn.question.text[:20] not in text:  # the question itself must reach the candidate
            extra = "\n\n" + turn.question.text
            if stream:
                stream(extra)
            text += extra
        return text

    def probe(self, turn: Turn, target: KeyPoint | None, answer: str, stream: Stream | None = None) -> str:
        if target is None:
            instruction = template("follow_up_vague", turn.language)
        else:
            instruction = template("follow_up", turn.language).format(topic=target.topic)
        # the question first: requests about one question then share their beginning (prompt caching)
        content = f"{_delimit('question', turn.question.text)}\n\n{instruction}\n\n{_delimit('candidate_answer', self._fit(answer, 0))}"
        messages = [*self._prefix(turn), {"role": "user", "content": content}]
        text = self._stream_text(
            messages, None if turn.mode == "exam" else stream, "follow_up", MAX_PROBE_CHARS
        )
        replaced = len(text) > MAX_PROBE_CHARS or (turn.mode == "exam" and self._leaks(text, turn))
        if replaced:
            text = self.offline.probe(turn, target, answer)
        if stream is not None and (replaced or turn.mode == "exam"):
            stream(("\n\n" if turn.mode == "practice" else "") + text)
        return text

    def critique(self, turn: Turn, answer: str, signals: AnswerSignals) -> Assessment:
        question = turn.question
        points = [{"id": p.id, "text": p.text} for p in question.key_points]
        schema = critique_schema([p.id for p in question.key_points])
        instruction = template("critique", turn.language).format(
            schema=json.dumps(schema, ensure_ascii=False)
        )
        data = "\n\n".join(
            [
                _delimit("question", question.text),
                _delimit("reference", question.reference),
                _delimit("key_points", json.dumps(points, ensure_ascii=False)),
            ]
        )
        fixed = count_tokens(instruction + data) + count_tokens(self._system(turn))
        fitted = self._fit(answer, fixed)
        notes = []
        if len(fitted) < len(answer):
            notes.append(
                f"answer truncated for the model to {len(fitted)} of {len(answer)} characters (token budget)"
            )
        messages = [
            *self._prefix(turn),
            {"role": "user", "content": f"{data}\n\n{instruction}\n\n{_delimit('candidate_answer', fitted)}"},
        ]
        try:
            reply = self._structured(messages, CritiqueReply, "critique", schema)
        except StructuredOutputError as exc:
            fallback = self.offline.critique(turn, answer, signals)
            fallback.notes = [
                *notes,
                f"the model gave no valid critique after {exc.attempts} attempts; graded offline",
            ]
            return fallback
        known = {p.id for p in question.key_points}
        verdicts = [
            PointVerdict(
                point_id=j.point_id,
                verdict=Verdict(j.verdict),
                evidence=j.evidence,
                reference=reference_sentence(
                    question, next(p for p in question.key_points if p.id == j.point_id), turn.language
                ),
                suggestion=j.suggestion,
            )
            for j in reply.points
            if j.point_id in known
        ]
        return Assessment(verdicts=verdicts, feedback=reply.feedback, notes=notes)

    def draft_key_points(self, question: Question, language: str) -> list[KeyPoint]:
        instruction = template("keypoints", language).format(
            schema=json.dumps(KeyPointsReply.model_json_schema(), ensure_ascii=False)
        )
        content = f"{instruction}\n\n{_delimit('question', question.text)}\n\n{_delimit('reference', question.reference)}"
        try:
            reply = self._structured([{"role": "user", "content": content}], KeyPointsReply, "keypoints")
        except StructuredOutputError as exc:
            raise BackendError(
                f"the model gave no valid key points after {exc.attempts} attempts; try --backend offline"
            ) from None
        return [
            KeyPoint(
                id=f"{question.id}-k{i}", text=p.text, theme=p.theme, keywords=p.keywords, synonyms=p.synonyms
            )
            for i, p in enumerate(reply.key_points[:8], start=1)
        ]

    # ---- requests --------------------------------------------------------------------------

    def _system(self, turn: Turn) -> str:
        return template("system", turn.language).format(
            role=turn.bank.role or turn.bank.title, title=turn.bank.title
        )

    def _prefix(self, turn: Turn) -> list[dict]:
        """The same first message for every request of an interview, so prompt caching works."""
        return [{"role": "system", "content": self._system(turn)}]

    def _fit(self, answer: str, fixed_tokens: int) -> str:
        budget = max(256, self.context_tokens - OUTPUT_TOKENS - fixed_tokens - 200)
        return truncate_to_tokens(answer, budget)

    def _leaks(self, text: str, turn: Turn) -> bool:
        limit = LEAK_CHARS["zh" if turn.bank.is_chinese else "en"]
        return _longest_common_run(text, turn.question.reference) >= limit

    def _record(self, usage: object, purpose: str) -> None:
        if usage is None:
            return
        self._usage.append(
            {
                "purpose": purpose,
                "model": self.model,
                "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
                "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
            }
        )

    def _errors(self, exc: Exception) -> BackendError:
        """One line per failure class, never with the key in it."""
        import openai

        where = self.base_url or "api.openai.com"
        if isinstance(exc, openai.APITimeoutError):
            message = f"{where} did not answer within {TIMEOUT_SECONDS:.0f} s"
        elif isinstance(exc, openai.APIConnectionError):
            message = f"cannot connect to {where}"
        elif isinstance(exc, openai.AuthenticationError):
            message = f"{where} refused the API key (401); check OPENAI_API_KEY"
        elif isinstance(exc, openai.NotFoundError):
            message = f"{where} has no model {self.model!r} (404); set INTERVIEWER_MODEL or --model"
        elif isinstance(exc, openai.RateLimitError):
            message = f"{where} is rate limiting (429) after {MAX_RETRIES} retries"
        elif isinstance(exc, openai.APIStatusError):
            message = f"{where} answered HTTP {exc.status_code} after {MAX_RETRIES} retries"
        else:
            message = f"unexpected reply from {where} ({type(exc).__name__})"
        return BackendError(message.replace(self._secret, "[redacted]") if self._secret else message)

    def _stream_text(
        self, messages: list[dict], stream: Stream | None, purpose: str, limit: int | None = None
    ) -> str:
        """Streamed text; past `limit` characters the reply is cut off (a rambling model)."""
        import openai

        options: dict = {"stream_options": {"include_usage": True}} if self._stream_usage else {}
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                stream=True,
                temperature=0.3,
                max_tokens=SPOKEN_TOKENS,
                **options,
            )
            parts: list[str] = []
            for chunk in response:
                if getattr(chunk, "usage", None):
                    self._record(chunk.usage, purpose)
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    piece = chunk.choices[0].delta.content
                    parts.append(piece)
                    if stream:
                        stream(piece)
                    if limit and sum(map(len, parts)) > limit:
                        response.close()
                        break
        except openai.BadRequestError as exc:
            if not self._stream_usage:
                raise self._errors(exc) from None
            self._stream_usage = False  # some servers refuse stream_options; ask without it
            return self._stream_text(messages, stream, purpose, limit)
        except openai.OpenAIError as exc:
            raise self._errors(exc) from None
        except httpx.HTTPError as exc:  # the connection broke mid-stream, after the SDK's retries apply
            raise BackendError(
                f"{self.base_url or 'api.openai.com'} broke off its reply ({type(exc).__name__})"
            ) from None
        text = "".join(parts).strip()
        if not text:
            raise BackendError(f"{self.base_url or 'api.openai.com'} sent an empty reply")
        return text

    def _request(self, messages: list[dict], mode: Mode, schema: dict, name: str):
        extra: dict = {}
        if mode is Mode.json_schema:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": False},
            }
        elif mode is Mode.json_object:
            extra["response_format"] = {"type": "json_object"}
        return self.client.chat.completions.create(
            model=self.model, messages=messages, temperature=0, max_tokens=OUTPUT_TOKENS, **extra
        )

    def _reply_text(self, response: object, purpose: str) -> tuple[str, str | None]:
        """The reply's text, and why it cannot hold the JSON (None when it may)."""
        choices = getattr(response, "choices", None)
        if choices is None:  # an HTML error page or other garbage with status 200
            return str(response)[:200], "the server's reply is not a chat completion"
        self._record(getattr(response, "usage", None), purpose)
        choice = choices[0] if choices else None
        raw = (choice.message.content or "") if choice else ""
        if choice is not None and choice.finish_reason == "length":
            return raw, "the reply was cut off (finish_reason=length)"
        return raw, None

    def _structured(
        self, messages: list[dict], schema_model: type[BaseModel], purpose: str, schema: dict | None = None
    ):
        """Climb the ladder until a rung works; re-ask once on invalid JSON; then give up."""
        import openai

        attempts, raw = 0, ""
        for mode in list(self.modes):
            history = list(messages)
            if mode is Mode.fenced:
                history[-1] = {
                    **history[-1],
                    "content": history[-1]["content"] + "\n\nReply with one ```json fenced block.",
                }
            for _ in range(2):
                attempts += 1
                try:
                    response = self._request(
                        history, mode, schema or schema_model.model_json_schema(), purpose
                    )
                except openai.BadRequestError:
                    self.modes.remove(mode)  # this server does not take this response_format
                    break
                except openai.OpenAIError as exc:
                    raise self._errors(exc) from None
                raw, error = self._reply_text(response, purpose)
                if error is None:
                    try:
                        return schema_model.model_validate_json(extract_json(raw))
                    except ValidationError as exc:
                        error = "; ".join(e["msg"] for e in exc.errors()[:3])
                history = [
                    *history,
                    {"role": "assistant", "content": raw[:2000]},
                    {
                        "role": "user",
                        "content": f"That reply was not valid: {error}. Reply again with valid JSON only.",
                    },
                ]
            else:
                raise StructuredOutputError(raw, attempts)
        raise StructuredOutputError(raw, attempts)
