"""Any OpenAI-compatible chat endpoint as the interviewer, through the `openai` SDK.

The SDK owns network retries for spoken text; structured critiques climb `ladder.Ladder`
under a time budget per turn. Every request has the same shape, so consecutive requests share
their beginning and provider or llama.cpp prompt caching applies: the system prompt, then the
question block (question, reference, key points), then the turn. What the model says is
checked by `verify` before it reaches the candidate or the score.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Literal

import httpx
from pydantic import BaseModel, Field, create_model

from interviewer.backends.ladder import RUNGS, Ask, Climb, Ladder, StructuredOutputError, error_text
from interviewer.backends.offline.backend import OfflineBackend
from interviewer.backends.tokens import count_tokens, counting_method, truncate_to_tokens
from interviewer.backends.verify import (
    answers_itself,
    clean_feedback,
    echoes,
    is_question,
    leaks,
    verify_verdicts,
)
from interviewer.bank.models import KeyPoint, Question
from interviewer.config import Settings
from interviewer.engine.critique import PointVerdict, Verdict
from interviewer.engine.ports import Assessment, Capabilities, Stream, Turn
from interviewer.engine.signals import AnswerSignals, reference_sentence
from interviewer.errors import BackendError, TurnDegraded
from interviewer.prompts import template, template_version

MAX_RETRIES = 2
SPOKEN_TOKENS = 300  # a question or a probe is a few sentences; a rambling model is cut short
MAX_PROBE_CHARS = 600
TEMPLATES = ("system", "ask", "follow_up", "follow_up_vague", "critique", "keypoints")
FEEDBACK_SHARE = 0.2  # of the output budget, for the overall feedback
JSON_OVERHEAD_TOKENS = 40  # per point: keys, quotes, the verdict word
MAX_STRING_CHARS = 400


class DraftedPoint(BaseModel):
    text: str
    theme: str = ""
    keywords: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)


class KeyPointsReply(BaseModel):
    key_points: list[DraftedPoint]


@lru_cache(maxsize=1)
def shared_http_client() -> httpx.Client:
    """One connection pool for every backend in the process: the web builds a backend for
    each request and each queued grading, and a fresh client (its TLS context) costs ~50 ms
    of CPU, more than the request's own work; the pool also keeps connections to the model
    server alive between requests."""
    from openai import DefaultHttpxClient

    return DefaultHttpxClient()


@lru_cache(maxsize=256)
def critique_reply(
    point_ids: tuple[str, ...], output_tokens: int, chinese: bool
) -> tuple[type[BaseModel], dict]:
    """The reply's model and JSON schema for one question, shrunk to fit the output budget.

    One entry per key point, ids from the bank; in the schema every string is bounded so that
    the longest valid reply fits in `output_tokens` (about one token per Chinese character, one
    per three characters of English), and a server that enforces the schema by grammar keeps
    even a small model inside it. The model that reads the reply takes longer strings: a quote
    is judged by `verify`, not thrown away with the whole reply for its length. Cached: built
    once per question.
    """
    chars = 1 if chinese else 3
    text_tokens = output_tokens - JSON_OVERHEAD_TOKENS * len(point_ids)
    feedback_chars = int(text_tokens * FEEDBACK_SHARE) * chars
    per_point = (text_tokens - feedback_chars // chars) // max(1, len(point_ids))
    text_chars = max(10, min(MAX_STRING_CHARS, per_point // 2 * chars))
    judgement = create_model(
        "PointJudgement",
        point_id=(Literal[point_ids] if point_ids else str, ...),  # type: ignore[valid-type]
        verdict=(Literal["covered", "partial", "missing"], ...),
        evidence=(str, ""),
        suggestion=(str, ""),
    )
    reply = create_model(
        "CritiqueReply",
        points=(list[judgement], Field(min_length=len(point_ids), max_length=len(point_ids))),
        feedback=(str, ""),
    )
    schema = reply.model_json_schema()
    item = schema["$defs"]["PointJudgement"]
    item["required"] = ["point_id", "verdict", "evidence", "suggestion"]
    item["properties"]["evidence"]["maxLength"] = item["properties"]["suggestion"]["maxLength"] = text_chars
    schema["properties"]["feedback"]["maxLength"] = feedback_chars
    schema["required"] = ["points", "feedback"]
    return reply, schema


def _delimit(tag: str, text: str) -> str:
    safe = text.replace(f"</{tag}>", f"</ {tag}>")
    return f"<{tag}>\n{safe}\n</{tag}>"


def _shape(point_ids: tuple[str, ...]) -> str:
    """The reply's shape in a few words for the prompt; the full schema goes in `response_format`."""
    ids = " | ".join(json.dumps(i) for i in point_ids)
    item = f'{{"point_id": {ids}, "verdict": "covered" | "partial" | "missing", "evidence": "...", "suggestion": "..."}}'
    return f'{{"points": [{item}, ... one per key point], "feedback": "..."}}'


def _interview_block(questions: tuple[Question, ...]) -> str:
    """The interview's questions and key points, the same in every request of the interview."""
    listed = [
        {
            "number": q.number,
            "question": q.text,
            "key_points": [{"id": p.id, "text": p.text} for p in q.key_points],
        }
        for q in questions
    ]
    return _delimit("interview", json.dumps(listed, ensure_ascii=False))


def fence_untrusted(signals: AnswerSignals, text: str) -> str:
    """The answer with every sentence addressed to the grader fenced off as untrusted data."""
    out, last = [], 0
    for span in sorted(signals.injected, key=lambda s: s.start):
        if span.end <= len(text):
            out += [text[last : span.start], _delimit("untrusted", text[span.start : span.end])]
            last = span.end
    return "".join(out) + text[last:]


class OpenAIChatBackend:
    name = "openai"
    capabilities = Capabilities(
        streaming=True, output_modes=tuple(rung.mode for rung in RUNGS), drafts_key_points=True
    )

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        key = settings.api_key.get_secret_value() if settings.api_key else "no-key"
        self._secret = key
        self.model = settings.model
        self.base_url = settings.base_url
        self.settings = settings
        self.client = OpenAI(
            base_url=settings.base_url,
            api_key=key,
            timeout=settings.timeout_seconds,
            max_retries=MAX_RETRIES,
            http_client=shared_http_client(),
        )
        self.ladder = Ladder(self._send, self._reply_text, settings.turn_seconds)
        self.offline = OfflineBackend()
        self._usage: list[dict] = []
        self._stream_usage = True
        # llama.cpp keeps the prompt's state between requests only when asked; OpenAI caches by itself
        self._cache_prompt = settings.base_url_host not in (None, "api.openai.com")

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
        text = self._stream_text([*self._prefix(turn), {"role": "user", "content": instruction}], "ask")
        if answers_itself(turn, text) or echoes(text, instruction):
            text = turn.question.text  # the model answered its own question or parroted us: ask plainly
        elif turn.question.text[:20] not in text:  # the question itself must reach the candidate
            text += "\n\n" + turn.question.text
        if stream:
            stream(text)
        return text

    def probe(self, turn: Turn, target: KeyPoint | None, answer: str, stream: Stream | None = None) -> str:
        if target is None:
            instruction = template("follow_up_vague", turn.language)
        else:
            instruction = template("follow_up", turn.language).format(topic=target.topic)
        content = f"{instruction}\n\n{_delimit('candidate_answer', self._fit(answer, 0))}"
        text = self._stream_text(
            [*self._prefix(turn), {"role": "user", "content": content}], "follow_up", MAX_PROBE_CHARS
        )
        if (
            len(text) > MAX_PROBE_CHARS
            or not is_question(text)
            or echoes(text, instruction)
            or answers_itself(turn, text)
            or self._leaks(text, turn)
        ):
            text = self.offline.probe(turn, target, answer)
        if stream is not None:
            stream(("\n\n" if turn.mode == "practice" else "") + text)
        return text

    def critique(self, turn: Turn, answer: str, signals: AnswerSignals) -> Assessment:
        question = turn.question
        ids = tuple(p.id for p in question.key_points)
        reply_model, schema = critique_reply(ids, self.settings.output_tokens, turn.bank.is_chinese)
        block = template("critique", turn.language).format(schema=_shape(ids))
        prefix = self._prefix(turn)
        fixed = count_tokens(block) + sum(count_tokens(m["content"]) for m in prefix)
        fenced = fence_untrusted(signals, answer)
        notes: list[str] = []

        def build(shrink: int) -> list[dict]:
            fitted = self._fit(fenced, fixed, shrink)
            if len(fitted) < len(fenced):
                notes[:] = [
                    f"answer truncated for the model to {len(fitted)} of {len(fenced)} characters (token budget)"
                ]
            turn_text = f"{block}\n\n{_delimit('candidate_answer', fitted)}"
            return [*prefix, {"role": "user", "content": turn_text}]

        ask = Ask(build, reply_model, schema, "critique", self.settings.output_tokens)
        climb = Climb()
        try:
            reply = self._climb(ask, climb)
        except StructuredOutputError as exc:
            raise TurnDegraded(f"the model gave no valid critique after {exc.attempts} attempts") from None
        if climb.attempts > 1:
            notes.append(f"critique in {climb.attempts} requests, the last as {climb.modes[-1]}")
        verdicts, checked = verify_verdicts(turn, signals, self._verdicts(turn, reply.points))
        feedback, dropped = clean_feedback(turn, signals, reply.feedback)
        return Assessment(verdicts=verdicts, feedback=feedback, notes=[*notes, *checked, *dropped])

    def draft_key_points(self, question: Question, language: str) -> list[KeyPoint]:
        instruction = template("keypoints", language).format(
            schema=json.dumps(KeyPointsReply.model_json_schema(), ensure_ascii=False)
        )
        content = f"{instruction}\n\n{_delimit('question', question.text)}\n\n{_delimit('reference', question.reference)}"
        ask = Ask(
            lambda shrink: [{"role": "user", "content": content}],
            KeyPointsReply,
            KeyPointsReply.model_json_schema(),
            "keypoints",
            self.settings.output_tokens,
        )
        try:
            reply = self._climb(ask, Climb())
        except (StructuredOutputError, TurnDegraded) as exc:
            raise BackendError(f"the model gave no valid key points ({exc}); try --backend offline") from None
        return [
            KeyPoint(
                id=f"{question.id}-k{i}", text=p.text, theme=p.theme, keywords=p.keywords, synonyms=p.synonyms
            )
            for i, p in enumerate(reply.key_points[:8], start=1)
        ]

    # ---- requests --------------------------------------------------------------------------

    def _verdicts(self, turn: Turn, judged: list) -> list[PointVerdict]:
        by_id = {p.id: p for p in turn.question.key_points}
        return [
            PointVerdict(
                point_id=j.point_id,
                verdict=Verdict(j.verdict),
                evidence=j.evidence,
                reference=reference_sentence(turn.question, by_id[j.point_id], turn.language),
                suggestion=j.suggestion,
            )
            for j in judged
            if j.point_id in by_id
        ]

    def _prefix(self, turn: Turn) -> list[dict]:
        """What every request begins with, word for word: the system prompt and the interview
        block (the same for the whole interview), then the question block (the same for every
        request about this question). Each request adds only its turn, so consecutive requests
        share most of their text and prompt caching applies."""
        system = template("system", turn.language).format(
            role=turn.bank.role or turn.bank.title, title=turn.bank.title
        )
        question = turn.question
        points = [{"id": p.id, "text": p.text} for p in question.key_points]
        block = "\n\n".join(
            [
                _delimit("question", question.text),
                _delimit("reference", question.reference),
                _delimit("key_points", json.dumps(points, ensure_ascii=False)),
            ]
        )
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": _interview_block(turn.questions)},
            {"role": "user", "content": block},
        ]

    def _fit(self, answer: str, fixed_tokens: int, shrink: int = 0) -> str:
        """The answer within the context window; each shrink step halves what it may take."""
        budget = self.settings.context_tokens - self.settings.output_tokens - fixed_tokens - 200
        return truncate_to_tokens(answer, max(128, budget >> shrink))

    def _leaks(self, text: str, turn: Turn) -> bool:
        return leaks(text, turn.question.reference, turn.bank.is_chinese)

    def _record(self, usage: object, purpose: str) -> None:
        if usage is None:
            return
        details = getattr(usage, "prompt_tokens_details", None)
        entry = {
            "purpose": purpose,
            "model": self.model,
            "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        }
        cached = getattr(details, "cached_tokens", None) if details is not None else None
        if cached is not None:
            entry["cached_tokens"] = cached
        self._usage.append(entry)

    def _errors(self, exc: Exception) -> BackendError:
        """One line per failure class, never with the key in it."""
        import openai

        where = self.base_url or "api.openai.com"
        if isinstance(exc, openai.APITimeoutError):  # slow, not gone: the next turn asks it again
            return TurnDegraded(f"{where} did not answer within {self.settings.timeout_seconds:.0f} s")
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

    def _extra(self) -> dict:
        return {"extra_body": {"cache_prompt": True}} if self._cache_prompt else {}

    def _stream_text(self, messages: list[dict], purpose: str, limit: int | None = None) -> str:
        """The whole streamed reply; past `limit` characters it is cut off (a rambling model).
        Nothing is shown while it streams: it is checked first."""
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
                **self._extra(),
            )
            parts: list[str] = []
            for chunk in response:
                if getattr(chunk, "usage", None):
                    self._record(chunk.usage, purpose)
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
                    if limit and sum(map(len, parts)) > limit:
                        response.close()
                        break
        except openai.BadRequestError as exc:
            if not self._refused_option(exc):
                raise self._errors(exc) from None
            return self._stream_text(messages, purpose, limit)
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

    def _refused_cache_prompt(self, exc: Exception) -> bool:
        """Whether the server refused `cache_prompt` (it is then no longer sent)."""
        if self._cache_prompt and "cache_prompt" in error_text(exc):
            self._cache_prompt = False
            return True
        return False

    def _refused_option(self, exc: Exception) -> bool:
        """Some servers refuse `cache_prompt` or `stream_options`: drop the one the error names,
        else the next one still sent, and say whether asking again may help."""
        if self._refused_cache_prompt(exc):
            return True
        if self._stream_usage:
            self._stream_usage = False
            return True
        if self._cache_prompt:
            self._cache_prompt = False
            return True
        return False

    def _climb(self, ask: Ask, climb: Climb) -> BaseModel:
        import openai

        try:
            return self.ladder.run(ask, climb)
        except openai.OpenAIError as exc:
            raise self._errors(exc) from None

    def _send(self, messages: list[dict], response_format: dict | None, max_tokens: int, timeout: float):
        """One structured request, no SDK retries: the ladder retries within the turn's time."""
        import openai

        # in extra_body the schema is sent as is; as `response_format` the SDK walks every node of it
        body = {
            **self._extra().get("extra_body", {}),
            **({"response_format": response_format} if response_format else {}),
        }
        client = self.client.with_options(timeout=min(self.settings.timeout_seconds, timeout), max_retries=0)
        try:
            return client.chat.completions.create(
                model=self.model,
                messages=messages,
                temperature=0,
                max_tokens=max_tokens,
                extra_body=body or None,
            )
        except openai.BadRequestError as exc:
            if self._refused_cache_prompt(exc):
                return self._send(messages, response_format, max_tokens, timeout)
            raise

    def _reply_text(self, response: object, purpose: str) -> tuple[str, str | None]:
        """The reply's text, and why it cannot hold the JSON: "length", another reason, or None."""
        choices = getattr(response, "choices", None)
        if choices is None:  # an HTML error page or other garbage with status 200
            return str(response)[:200], "the server's reply is not a chat completion"
        self._record(getattr(response, "usage", None), purpose)
        choice = choices[0] if choices else None
        raw = (choice.message.content or "") if choice else ""
        if choice is not None and choice.finish_reason == "length":
            return raw, "length"
        return raw, None
