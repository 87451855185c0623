"""Settings from flags, the environment and `.env`, in that order of precedence.

The API key is held as a `SecretStr` so that printing or serialising settings never shows it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, Field, SecretStr

from interviewer.errors import SettingsError

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_CONTEXT_TOKENS = 8192
# Defaults that work for a small model on a CPU llama.cpp server, where a Chinese critique
# takes 15-120 s: a request may take two minutes, a turn degrades to offline after 90 s.
DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_TURN_SECONDS = 90.0
DEFAULT_OUTPUT_TOKENS = 1024


class Settings(BaseModel):
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str = DEFAULT_MODEL
    transcripts_dir: Path = Path("transcripts")
    context_tokens: int = DEFAULT_CONTEXT_TOKENS
    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0)
    turn_seconds: float = Field(default=DEFAULT_TURN_SECONDS, gt=0)
    output_tokens: int = Field(default=DEFAULT_OUTPUT_TOKENS, ge=256)

    @property
    def has_endpoint(self) -> bool:
        return bool(self.base_url or (self.api_key and self.api_key.get_secret_value()))

    @property
    def base_url_host(self) -> str | None:
        """The host alone: what a transcript may record about the endpoint."""
        if not self.base_url:
            return "api.openai.com" if self.api_key else None
        return urlparse(self.base_url).hostname


def load_settings(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    transcripts_dir: str | Path | None = None,
    timeout: float | None = None,
    turn_seconds: float | None = None,
    output_tokens: int | None = None,
    env_file: str | Path | None = ".env",
) -> Settings:
    """Flags (the keyword arguments) win over the environment, which wins over `.env`."""
    file_values: dict[str, str | None] = {}
    if env_file and Path(env_file).is_file():
        from dotenv import dotenv_values

        file_values = dotenv_values(env_file)

    def pick(flag: object, name: str) -> str | None:
        if flag not in (None, ""):
            return str(flag)
        value = os.environ.get(name) or file_values.get(name)
        return value or None

    key = pick(api_key, "OPENAI_API_KEY")
    context = pick(None, "INTERVIEWER_CONTEXT_TOKENS")
    numbers = {
        field: _number(value, name, kind)
        for field, flag, name, kind in (
            ("timeout_seconds", timeout, "INTERVIEWER_TIMEOUT", float),
            ("turn_seconds", turn_seconds, "INTERVIEWER_TURN_SECONDS", float),
            ("output_tokens", output_tokens, "INTERVIEWER_OUTPUT_TOKENS", int),
        )
        if (value := pick(flag, name)) is not None
    }
    return Settings(
        **numbers,
        base_url=pick(base_url, "OPENAI_BASE_URL"),
        api_key=SecretStr(key) if key else None,
        model=pick(model, "INTERVIEWER_MODEL") or DEFAULT_MODEL,
        transcripts_dir=Path(pick(transcripts_dir, "INTERVIEWER_TRANSCRIPTS_DIR") or "transcripts"),
        context_tokens=int(context) if context and context.isdigit() else DEFAULT_CONTEXT_TOKENS,
    )


def _number(value: str, name: str, kind: type) -> float | int:
    """A setting that must be a positive number; a bad one is one line naming it."""
    try:
        number = kind(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise SettingsError(f"{name}={value!r} is not a positive {kind.__name__}; fix or unset it")
    return number
