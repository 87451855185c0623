"""A model plays the candidate, through any OpenAI-compatible endpoint and the `openai` SDK.

It is not an interviewer backend (it answers rather than asks), so it is its own small client:
the persona prompt as the system message, one conversation per question, so a follow-up is
answered in the light of what this candidate already said. The SDK owns network retries.
"""

from __future__ import annotations

from interviewer.app.personas import Persona, PromptKind, persona_prompt
from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.config import Settings
from interviewer.errors import BackendError

TIMEOUT_SECONDS = 120.0
MAX_RETRIES = 2
ANSWER_TOKENS = 600
TEMPERATURE = 0.7
KNOWS_THE_SUBJECT = ("strong", "partial", "rambling", "injection")
LEAD = {
    "en": {"question": "The interviewer asks:", "probe": "The interviewer follows up:"},
    "zh": {"question": "面试官提问：", "probe": "面试官追问："},
}


class ModelCandidate:
    def __init__(self, persona: Persona, bank: Bank, settings: Settings, model: str | None = None) -> None:
        from openai import OpenAI

        self.persona = persona
        self.bank = bank
        self.model = model or settings.model
        self.name = f"model {self.model}"
        self.where = settings.base_url or "api.openai.com"
        key = settings.api_key.get_secret_value() if settings.api_key else "no-key"
        self.client = OpenAI(
            base_url=settings.base_url, api_key=key, timeout=TIMEOUT_SECONDS, max_retries=MAX_RETRIES
        )
        self.system = persona_prompt(persona, bank)
        self.history: list[dict] = []
        self.number: int | None = None
        self.usage = {"prompt": 0, "completion": 0}

    def answer(self, question: Question, prompt: str, kind: PromptKind, target: KeyPoint | None) -> str:
        lead = LEAD["zh" if self.bank.is_chinese else "en"][kind]
        content = f"{lead}\n{prompt}"
        if question.number != self.number:
            self.number, self.history = question.number, []
            if self.persona in KNOWS_THE_SUBJECT and question.reference:
                content = f"<what_you_know>\n{question.reference}\n</what_you_know>\n\n{content}"
        messages = [
            {"role": "system", "content": self.system},
            *self.history,
            {"role": "user", "content": content},
        ]
        text = self._complete(messages)
        self.history = [*messages[1:], {"role": "assistant", "content": text}]
        return text

    def _complete(self, messages: list[dict]) -> str:
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.model, messages=messages, temperature=TEMPERATURE, max_tokens=ANSWER_TOKENS
            )
        except openai.OpenAIError as exc:
            raise BackendError(
                f"the candidate model {self.model!r} at {self.where} failed ({type(exc).__name__}); "
                "check the endpoint or pass --candidate offline"
            ) from None
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage["prompt"] += usage.prompt_tokens or 0
            self.usage["completion"] += usage.completion_tokens or 0
        choices = getattr(response, "choices", None) or []
        text = (choices[0].message.content or "").strip() if choices else ""
        if not text or (text.startswith("/") and " " not in text):
            raise BackendError(f"the candidate model {self.model!r} at {self.where} gave no usable answer")
        return text
