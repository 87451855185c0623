"""Prompt templates and interface messages, read from `prompts/` at run time.

One file per template and language (`critique.system.en.md`, `messages.zh-CN.yaml`); each
template's version is a hash of its text, recorded in the transcript so a grade can be traced
to the exact words that produced it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.text import yamltext


def prompts_dir() -> Path:
    """Installed wheels carry `interviewer/prompts`; a source checkout has `prompts/` at the top."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "prompts", here.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise InterviewerError("the prompts folder is missing from this installation; reinstall interviewer")


def _language_chain(language: str) -> list[str]:
    chain = [language]
    primary = language.split("-")[0]
    if primary != language:
        chain.append(primary)
    chain.append("en")
    return chain


@cache
def _find(name: str, language: str, suffix: str) -> Path:
    folder = prompts_dir()
    for tag in _language_chain(language):
        for candidate in folder.glob(f"{name}.*{suffix}"):
            if (
                candidate.name == f"{name}.{tag}{suffix}"
                or candidate.name.lower() == f"{name}.{tag}{suffix}".lower()
            ):
                return candidate
    raise InterviewerError(f"no prompt template {name!r} for {language} in {folder}")


@cache
def template(name: str, language: str) -> str:
    return _find(name, language, ".md").read_text(encoding="utf-8").strip()


def template_version(name: str, language: str) -> str:
    path = _find(name, language, ".md")
    return f"{path.name}@{hashlib.sha256(path.read_bytes()).hexdigest()[:8]}"


CATALOGUE = ("messages", "web")  # one catalogue in two files: the interview's words, the web pages'


@cache
def messages(language: str) -> dict[str, str]:
    """Interface strings in the bank's (or the recruiter's) language; English fills any gap."""
    merged: dict[str, str] = {}
    for tag in reversed(_language_chain(language)):
        for name in CATALOGUE:
            try:
                path = _find(name, tag, ".yaml")
            except InterviewerError:
                continue
            merged.update(yamltext.load(path.read_text(encoding="utf-8")) or {})
    return merged


def say(language: str, key: str, **values: object) -> str:
    return messages(language)[key].format(**values)
