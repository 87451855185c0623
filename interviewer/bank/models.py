"""The bank format: what a question bank file holds once validated.

A key point carries its own evidence vocabulary (`keywords`, `synonyms`) so that an engine
without a model can still tell whether it was said.
"""

from __future__ import annotations

import hashlib
import json
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class KeyPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    text: str = Field(min_length=1, description="One thing a good answer says, in a short statement.")
    theme: str = Field(default="", description="What a probe may name without giving the point away.")
    keywords: list[str] = Field(default_factory=list, description="Words that show the point was made.")
    synonyms: list[str] = Field(default_factory=list, description="Other ways people say the same.")
    weight: float = Field(default=1.0, gt=0, le=5)

    @field_validator("keywords", "synonyms", mode="before")
    @classmethod
    def _words_as_text(cls, value: object) -> object:
        """YAML reads `[301, 302]` as numbers; in a word list they are words."""
        return (
            [str(v) if isinstance(v, (int, float)) else v for v in value]
            if isinstance(value, list)
            else value
        )

    @property
    def topic(self) -> str:
        """The theme, else the first keyword: what a probe or the first hint may name."""
        return self.theme or (self.keywords[0] if self.keywords else self.text)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    number: int = Field(ge=1)
    text: str = Field(min_length=1)
    reference: str = Field(default="", description="The full reference answer.")
    key_points: list[KeyPoint] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    incomplete: bool = Field(default=False, description="The reference is cut off in the source.")
    follow_ups: list[str] = Field(
        default_factory=list, description="Follow-up questions the bank's author wrote, asked first."
    )

    @model_validator(mode="after")
    def _unique_point_ids(self) -> Question:
        seen: set[str] = set()
        for point in self.key_points:
            if point.id in seen:
                raise ValueError(f"key point id {point.id!r} appears twice in question {self.id!r}")
            seen.add(point.id)
        return self


class Bank(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str = Field(min_length=1)
    language: str = Field(description="BCP-47 tag, such as zh-CN or en.")
    role: str = ""
    source: str = ""
    version: str = "1"
    questions: list[Question] = Field(min_length=1)

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not LANGUAGE_TAG.match(value):
            raise ValueError(f"{value!r} is not a BCP-47 language tag (such as zh-CN or en)")
        return value

    @model_validator(mode="after")
    def _unique_questions(self) -> Bank:
        for attr in ("id", "number"):
            seen: set[object] = set()
            for question in self.questions:
                value = getattr(question, attr)
                if value in seen:
                    raise ValueError(f"question {attr} {value!r} appears twice")
                seen.add(value)
        return self

    @property
    def is_chinese(self) -> bool:
        return self.language.lower().startswith("zh")

    @property
    def content_hash(self) -> str:
        """Changes when anything a grade depends on changes; recorded in every transcript."""
        data = self.model_dump(mode="json")
        for question in data["questions"]:  # a bank without written follow-ups hashes as before they existed
            if not question["follow_ups"]:
                del question["follow_ups"]
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def question(self, number: int) -> Question:
        for question in self.questions:
            if question.number == number:
                return question
        numbers = ", ".join(str(q.number) for q in self.questions)
        from interviewer.errors import InterviewerError

        raise InterviewerError(f"bank {self.id!r} has no question {number}; it has {numbers}")
