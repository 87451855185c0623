"""The known site damage the importer repairs, read from `rules.yaml` (data, not code)."""

from __future__ import annotations

import re
from importlib import resources

from interviewer.text import yamltext

_RULES = yamltext.load((resources.files("interviewer.bank") / "rules.yaml").read_text(encoding="utf-8"))
SITE_START: tuple[str, ...] = tuple(_RULES["site_text"]["start"])
SITE_END: tuple[str, ...] = tuple(_RULES["site_text"]["end"])


def _swap(rule: dict) -> tuple[re.Pattern, str, str, str]:
    """`find` after one of `after` or before one of `before` becomes `replace`."""
    around = [f"(?<={re.escape(w)}){re.escape(rule['find'])}" for w in rule.get("after", [])]
    around += [f"{re.escape(rule['find'])}(?={re.escape(w)})" for w in rule.get("before", [])]
    return re.compile("|".join(around)), rule["replace"], rule["why"], rule["find"]


WORD_SWAPS: list[tuple[re.Pattern, str, str, str]] = [_swap(rule) for rule in _RULES.get("word_swaps", [])]
