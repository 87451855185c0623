"""Why a request was refused, said in the page's language: a refusal names its reason by a
catalogue key (`web_detail_…`) and the error page says it in English or Chinese, as the rest of
the page. The English is kept as the exception's `detail` for logs and tests."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException

from interviewer.prompts import messages, say


@dataclass(frozen=True)
class Term:
    """A word inside a refusal's reason that is itself in the catalogue (a field's name, a
    role). A key the catalogue lacks is said as given, so a caller that still names a field in
    English words is understood."""

    key: str


class Refusal(HTTPException):
    """A request refused for a reason the person can act on, named by its catalogue key so
    that the error page says it in the page's language; `detail` keeps the English (logs,
    tests)."""

    def __init__(
        self, status: int, reason: str, *, headers: dict[str, str] | None = None, **values: object
    ) -> None:
        self.reason, self.values = reason, values
        super().__init__(status_code=status, detail=self.said("en"), headers=headers)

    def said(self, language: str) -> str:
        """The reason in `language`, its terms too."""
        words = messages(language)
        values = {
            name: words.get(value.key, value.key) if isinstance(value, Term) else value
            for name, value in self.values.items()
        }
        return say(language, self.reason, **values)
