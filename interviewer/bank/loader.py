"""Reading bank files: YAML or JSON, validated, with errors that point at a line.

YAML is composed into nodes first so that a pydantic error on `questions[3].key_points` can be
reported at the line a person would open in their editor.

Parsing is the slow part (seconds for a bank of thousands of questions, where the commands
themselves take a fraction of one), so a validated bank is kept, pickled, in the cache folder
under the SHA-256 of the file's bytes and of the code that reads it: an edited file or a new
version of the package is read again, an unchanged one is unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml
from pydantic import ValidationError

from interviewer import __version__
from interviewer.bank import models
from interviewer.bank.models import Bank
from interviewer.errors import BankError, InterviewerError
from interviewer.text import yamltext

DEFAULT_BANK = "ecommerce-marketing-zh"
BANK_SUFFIXES = (".yaml", ".yml", ".json")
MEMORY_BANKS = 32  # pickled banks a long-running process (the web server) keeps in memory
CACHED_BANKS = 64  # files in the cache folder; the least recently written go first
_memory: OrderedDict[str, bytes] = OrderedDict()
_memory_lock = threading.Lock()  # the web server loads banks from several threads


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


def cache_root() -> Path:
    """`INTERVIEWER_CACHE_DIR`, else the XDG cache folder: where the embeddings are kept too."""
    configured = os.environ.get("INTERVIEWER_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "interviewer"


@cache
def _code_fingerprint() -> bytes:
    """What a pickled bank depends on besides the file: the model classes and their library."""
    return f"{__version__}\0{pydantic.VERSION}\0".encode() + Path(models.__file__).read_bytes()


def cache_key(raw: bytes) -> str:
    return hashlib.sha256(_code_fingerprint() + b"\0" + raw).hexdigest()


def _from_cache(key: str) -> tuple[Bank, bytes] | None:
    """The bank pickled under `key` and its bytes, or None when there is none or it cannot be
    read back. The cache is the user's own folder, written only by this code."""
    try:
        data = (cache_root() / "banks" / f"{key}.pickle").read_bytes()
        bank = pickle.loads(data)
    except Exception:  # a damaged entry of any kind is rebuilt, never fatal
        return None
    return (bank, data) if isinstance(bank, Bank) else None


def _to_cache(key: str, data: bytes) -> None:
    """Written whole or not at all (another process may be reading); a folder that cannot be
    written only costs the next run a parse."""
    folder = cache_root() / "banks"
    part = folder / f"{key}.{os.getpid()}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data)
        os.replace(part, folder / f"{key}.pickle")
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[CACHED_BANKS:]:
            stale.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink()


def _decoded(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BankError(source, "not UTF-8 text; save the file as UTF-8", line) from None


def load_bank_file(path: str | Path) -> Bank:
    """A bank of its own for each caller (editing it never changes what the next caller gets),
    from memory, from the cache folder, or parsed."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BankError(str(path), f"cannot read the bank file ({exc.strerror})") from None
    key = cache_key(raw)
    with _memory_lock:
        data = _memory.get(key)
        if data is not None:
            _memory.move_to_end(key)
    if data is not None:
        return pickle.loads(data)
    cached = _from_cache(key)
    if cached:
        bank, data = cached
    else:
        bank = parse_bank(_decoded(raw, str(path)), str(path))
        data = pickle.dumps(bank, protocol=pickle.HIGHEST_PROTOCOL)
        _to_cache(key, data)
    with _memory_lock:
        _memory[key] = data
        while len(_memory) > MEMORY_BANKS:
            _memory.popitem(last=False)
    return bank


def bank_files() -> list[Path]:
    """Shipped banks first, then the user's, each sorted by name."""
    found: list[Path] = []
    for folder in (shipped_banks_dir(), user_banks_dir()):
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if p.suffix in BANK_SUFFIXES))
    return found


def bank_path(name: str | None) -> Path:
    """The file of a bank named by shipped or user id, or by path; the seed bank's by default."""
    name = name or DEFAULT_BANK
    candidate = Path(name)
    if candidate.suffix in BANK_SUFFIXES or os.sep in name:
        if not candidate.exists():
            raise InterviewerError(f"no bank file at {name}; `interviewer bank list` shows the banks")
        return candidate
    for path in bank_files():
        if path.stem == name:
            return path
    known = ", ".join(p.stem for p in bank_files())
    raise InterviewerError(f"no bank named {name!r}; known banks: {known} (or give a file path)")


def resolve_bank(name: str | None) -> Bank:
    """A bank by shipped or user id, or by path; the seed bank when no name is given."""
    return load_bank_file(bank_path(name))


T = TypeVar("T")
_kept: dict[tuple[str, Path], tuple[tuple[int, int], Any]] = {}
_kept_lock = threading.Lock()


def while_unchanged(kind: str, path: Path, build: Callable[[], T]) -> T:
    """What `build` makes of the file at `path`, made again only when the file changes (its
    mtime or size) and shared by every caller, who must only read it. `kind` tells apart
    different things made of one file. A web server reads a bank on every request."""
    stat = path.stat()
    signature = (stat.st_mtime_ns, stat.st_size)
    with _kept_lock:
        kept = _kept.get((kind, path))
    if kept is not None and kept[0] == signature:
        return kept[1]
    made = build()
    with _kept_lock:
        _kept[(kind, path)] = (signature, made)
    return made


def shared_bank(name: str | None) -> Bank:
    """The bank as `resolve_bank` gives it, kept while its file is unchanged (read only: a web
    page needs its language and title, and a fresh copy would cost more than the page)."""
    path = bank_path(name)
    return while_unchanged("bank", path, lambda: load_bank_file(path))
