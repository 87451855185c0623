"""Reading bank files: YAML or JSON, validated, with errors that point at a line.

YAML is composed into nodes first so that a pydantic error on `questions[3].key_points` can be
reported at the line a person would open in their editor.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from interviewer.bank.models import Bank
from interviewer.errors import BankError, InterviewerError
from interviewer.text import yamltext

DEFAULT_BANK = "ecommerce-marketing-zh"
BANK_SUFFIXES = (".yaml", ".yml", ".json")


def shipped_banks_dir() -> Path:
    return Path(str(resources.files("interviewer") / "banks"))


def user_banks_dir() -> Path:
    """Banks a user imported; `INTERVIEWER_BANKS_DIR` moves them."""
    configured = os.environ.get("INTERVIEWER_BANKS_DIR")
    return Path(configured) if configured else Path.home() / ".interviewer" / "banks"


def _line_map(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Each path in the document (as pydantic reports it) mapped to its 1-based line."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines.update(_line_map(value, child))
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, (*path, index)))
    return lines


def _describe(loc: tuple) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts) or "the file"


def parse_bank(text: str, source: str) -> Bank:
    """Validate `text` (YAML, of which JSON is a subset) as a bank; `source` names it in errors."""
    loader = yamltext.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankError(source, f"not valid YAML: {exc.problem or exc.context}", line) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or node is None:
        raise BankError(source, "a bank file must be a mapping with id, title, language and questions", 1)
    try:
        return Bank.model_validate(data)
    except ValidationError as exc:
        lines = _line_map(node)
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        message = error["msg"].removeprefix("Value error, ")
        raise BankError(source, f"{_describe(loc)}: {message}{more}", line) from None


def load_bank_file(path: str | Path) -> Bank:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BankError(str(path), f"cannot read the bank file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BankError(str(path), "not UTF-8 text; save the file as UTF-8", line) from None
    return _parsed(text, str(path)).model_copy(deep=True)


@lru_cache(maxsize=32)
def _parsed(text: str, source: str) -> Bank:
    """Parsing is the slow part; servers load the same bank on every request. Callers get a
    copy, so editing a loaded bank never changes the cached one."""
    return parse_bank(text, source)


def bank_files() -> list[Path]:
    """Shipped banks first, then the user's, each sorted by name."""
    found: list[Path] = []
    for folder in (shipped_banks_dir(), user_banks_dir()):
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if p.suffix in BANK_SUFFIXES))
    return found


def resolve_bank(name: str | None) -> Bank:
    """A bank by shipped or user id, or by path; the seed bank when no name is given."""
    name = name or DEFAULT_BANK
    candidate = Path(name)
    if candidate.suffix in BANK_SUFFIXES or os.sep in name:
        if not candidate.exists():
            raise InterviewerError(f"no bank file at {name}; `interviewer bank list` shows the banks")
        return load_bank_file(candidate)
    for path in bank_files():
        if path.stem == name:
            return load_bank_file(path)
    known = ", ".join(p.stem for p in bank_files())
    raise InterviewerError(f"no bank named {name!r}; known banks: {known} (or give a file path)")
