"""Older transcripts read as today's: one numbered, tested function per schema step.

`UPGRADES[n]` turns a version-n event into a version-n+1 event. Each step only fills in what
the older version did not write, so it is safe on a file that a newer interviewer appended to
(a version-1 interview resumed today holds both shapes).
"""

from __future__ import annotations

from collections.abc import Callable

from interviewer.engine.events import SCHEMA_VERSION


def v1_to_v2(events: list[dict]) -> list[dict]:
    """Version 1 named a critique's question only by `question_number`, and wrote the same
    `skip` whether a question or only its probe was skipped; version 2 gives every event about
    a question a `number` and marks a probe's skip (`follow_up`: the question had answers).
    Version-1 question events carry no `graded_against`: reports find that question in the
    bank by its hash."""
    answered: set[int] = set()
    upgraded = []
    for event in events:
        event = dict(event)
        kind = event.get("type")
        if kind == "answer":
            answered.add(event.get("number"))
        elif kind == "critique":
            event.setdefault("number", event.get("question_number"))
        elif kind == "skip":
            event.setdefault("follow_up", event.get("number") in answered)
        elif kind == "degraded":
            event.setdefault("scope", "interview")
        elif kind == "session_start":
            event["schema_version"] = 2
        upgraded.append(event)
    return upgraded


UPGRADES: dict[int, Callable[[list[dict]], list[dict]]] = {1: v1_to_v2}
assert sorted(UPGRADES) == list(range(1, SCHEMA_VERSION)), "one upgrade per older version"


def upgrade(events: list[dict], version: int) -> list[dict]:
    """The events as the current schema has them, from a file written at `version`; each step
    keeps one event per event, in order."""
    for step in range(version, SCHEMA_VERSION):
        events = UPGRADES[step](events)
    return events
